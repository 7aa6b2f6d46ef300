"""Quality on a clean generated province: every check quiet, then each one broken on purpose.

One pipeline run for the module. The "fires" tests break a copy of the home and call the plain
Python lake checks, or run the warehouse's dbt quality tests on it (as `dbt build` runs them) and
read their outcomes as the pipeline stores them; the last test lands a bad delivery and runs the
pipeline again to see the gate keep the published copy.
"""

from __future__ import annotations

import json
import os

import pytest

from core.errors import JingfenError
from core.settings import Settings
from data_quality import checks, results
from tests.data_quality.conftest import (
    QUALITY_TESTS,
    WARNING_TESTS,
    copy_home,
    dbt_test,
    execute,
    query,
    run_province,
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    yield from run_province(tmp_path_factory.mktemp("clean"), defects=0.0, seed=23)


def _by_key(found: list[checks.CheckResult]) -> dict[tuple[str, str], checks.CheckResult]:
    return {(r.check_name, r.asset): r for r in found}


def test_every_check_ran_and_passed_on_a_clean_province(settings):
    latest = {(r["check_name"], r["asset"]): r for r in results.latest(settings)}
    # every lake check, and every dbt test of the build (the quality rules among them)
    manifest = json.loads((settings.dbt_target / "manifest.json").read_text(encoding="utf-8"))
    dbt_tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    lake = {(c.name, c.asset) for c in checks.LAKE_CHECKS}
    assert lake <= set(latest)
    assert len(set(latest) - lake) == len(dbt_tests)
    assert {(name, asset) for name, asset in QUALITY_TESTS.items()} <= set(latest)
    failed = {k: json.loads(v["details"])["summary"] for k, v in latest.items() if not v["passed"]}
    assert not failed
    passed = latest[("arrears_match_ledger", "marts/fct_account_months")]
    assert (passed["severity"], passed["observed_value"]) == (results.BLOCKING, 0.0)
    assert passed["threshold"] == "exact, per account and per province-month"


def test_results_are_published_and_data_docs_linked(settings):
    rows = query(
        settings.serving_db,
        "select check_name, asset, partition, severity, passed, observed_value, threshold, "
        "checked_at, details from ops.quality_results where check_name = 'unknown_users'",
    )
    assert sorted((r[1], r[3]) for r in rows) == [
        ("lake/data", "blocking"), ("lake/sms", "blocking"), ("lake/voice", "blocking")
    ]  # fmt: skip
    docs = settings.home / "quality" / "docs" / "index.html"
    assert docs.exists()
    assert list((settings.home / "quality" / "docs").rglob("validations/**/*.html"))

    from dagster import AssetCheckKey, AssetKey

    from orchestration.instance import get_instance

    instance = get_instance(settings)
    key = AssetCheckKey(AssetKey(["lake", "voice"]), "expectations")
    records = instance.event_log_storage.get_asset_check_execution_history(key, limit=5)
    evaluation = next(
        r.event.dagster_event.event_specific_data
        for r in records
        if r.event and hasattr(r.event.dagster_event.event_specific_data, "passed")
    )
    assert evaluation.passed
    assert evaluation.metadata["data_docs"].value == f"file://{docs}"


def test_no_personal_data_in_results_or_data_docs(settings):
    numbers = [
        n
        for (n,) in query(
            settings.home / "warehouse.duckdb", "select msisdn from marts.dim_users limit 50"
        )
    ]
    assert len(numbers) == 50 and all(len(n) == 11 for n in numbers)  # 150 users generated
    texts = [
        p.read_text(encoding="utf-8", errors="ignore")
        for p in (settings.home / "quality").rglob("*")
        if p.is_file() and p.suffix in (".html", ".json")
    ]
    texts += [d for (d,) in query(settings.quality_db, "select details from quality_results")]
    assert not [n for n in numbers if n in "\n".join(texts)]


def test_lake_checks_fire_on_a_broken_lake(settings, tmp_path):
    broken = copy_home(settings, tmp_path / "home")
    lake = broken.lake
    # volume: a day of VOICE gone; freshness: SMS stopped three days early
    for day in ("20260210",):
        for f in (lake / "voice" / "province=571" / f"data_date={day}").glob("*.parquet"):
            f.unlink()
    for day in ("20260226", "20260227", "20260228"):
        for f in (lake / "sms" / "province=571" / f"data_date={day}").glob("*.parquet"):
            f.unlink()
    execute(broken.ops_db, "delete from load_log where iface = 'SMS' and data_date > '20260225'")
    # schema drift and a repeated key: a DATA file with an extra column, repeating another's rows
    data_dir = lake / "data" / "province=571" / "data_date=20260227"
    source = sorted(data_dir.glob("*.parquet"))[0]
    execute(
        ":memory:",
        f"copy (select *, 1 as extra from read_parquet('{source}')) "
        f"to '{data_dir / 'DATA_571_20260227_009.parquet'}'",
    )
    # a snapshot month missing: a PLAN snapshot two months before the first one
    plan = sorted((lake / "plan" / "province=571" / "data_date=202601").glob("*.parquet"))[0]
    old = lake / "plan" / "province=571" / "data_date=202511"
    old.mkdir()
    execute(
        ":memory:",
        f"copy (select * replace ('202511' as _data_date) from read_parquet('{plan}')) "
        f"to '{old / 'PLAN_571_202511_001.parquet'}'",
    )
    # a rejected split file and a rejected record, as the load log tells them
    execute(
        broken.ops_db,
        "insert into load_log (file_name, iface, province_code, data_date, seq, status, "
        "record_count, loaded_count, rejected_count, reason, processed_at) values "
        "('VOICE_571_20260120_002.AVL', 'VOICE', '571', '20260120', '002', 'REJECTED', 10, 0, "
        "10, 'record count in the check file differs from the data file', now()), "
        "('VOICE_571_20260121_001.AVL', 'VOICE', '571', '20260121', '001', 'LOADED', 10, 9, "
        "1, null, now() + interval 1 second)",
    )
    # users in no snapshot: 5 % of a day's usage
    voice_dir = lake / "voice" / "province=571" / "data_date=20260215"
    voice = sorted(voice_dir.glob("*.parquet"))[0]
    execute(
        ":memory:",
        f"copy (select * replace ('Q' || cdr_id as cdr_id, '5719999999999' as user_id) "
        f"from read_parquet('{voice}') using sample 20 percent (bernoulli, 1)) "
        f"to '{voice_dir / 'VOICE_571_20260215_009.parquet'}'",
    )

    found = _by_key(checks.evaluate_lake(broken)[0])
    assert not found[("volume", "lake/voice")].passed
    assert "20260210" in found[("volume", "lake/voice")].partition
    assert not found[("freshness", "lake/sms")].passed
    assert found[("freshness", "lake/voice")].passed
    assert not found[("schema", "lake/data")].passed
    assert not found[("expectations", "lake/data")].passed
    assert found[("expectations", "lake/data")].severity == results.WARNING
    assert not found[("snapshot_months", "lake/plan")].passed
    assert "202512" in found[("snapshot_months", "lake/plan")].partition
    assert not found[("sequence_complete", "lake/voice")].passed
    assert not found[("rejections", "lake/voice")].passed
    unknown = found[("unknown_users", "lake/voice")]
    assert not unknown.passed and unknown.blocking and unknown.partition == "20260215"
    assert found[("unknown_users", "lake/sms")].passed


def test_warehouse_checks_fire_on_a_broken_warehouse(settings, tmp_path):
    broken = copy_home(settings, tmp_path / "home")
    [(acct_id, acct_month)] = query(
        broken.warehouse_db,
        "select acct_id, min(stat_month) from marts.fct_account_months "
        "where acct_id = (select min(acct_id) from marts.fct_account_months) group by acct_id",
    )
    [(user_id,)] = query(broken.warehouse_db, "select min(user_id) from marts.fct_user_months")
    execute(
        broken.warehouse_db,
        f"""
        update indicators.kpi_monthly set users_on_net = users_on_net + 5, churn_rate = 1.5
        where rowid = (select min(rowid) from indicators.kpi_monthly);
        update marts.fct_account_months set arrears_fen = arrears_fen + 100
        where acct_id = '{acct_id}' and stat_month = '{acct_month}';
        update marts.fct_user_months set calls = -1
        where user_id = '{user_id}' and stat_month = '202602';
        """,
    )
    # a bill item 500 fen above the fees rated on the user's CDRs
    execute(
        broken.warehouse_db,
        "update marts.fct_bill_items set standard_fee_fen = standard_fee_fen + 500 "
        "where rowid = (select min(rowid) from marts.fct_bill_items "
        "where item_class = 'DATA' and bill_month = '202602')",
    )
    found = dbt_test(broken, "path:tests/quality")
    assert set(found) == set(QUALITY_TESTS)
    assert {name: r.asset for name, r in found.items()} == QUALITY_TESTS
    assert {name for name, r in found.items() if r.severity == results.WARNING} == WARNING_TESTS
    failing = {name: (r.severity, r.observed_value) for name, r in found.items() if not r.passed}
    assert failing == {
        # churn_rate 1.5 in one kpi_monthly row; its users_on_net 5 more than the lake's
        "kpi_monthly_counts_and_shares_valid": (results.BLOCKING, 1.0),
        "published_totals_match_lake": (results.BLOCKING, 1.0),
        # the account-month's arrears against its ledger, and its province-month's total
        "arrears_match_ledger": (results.BLOCKING, 2.0),
        # calls -1: negative, and no longer the sum of the user's days
        "fct_user_months_usage_non_negative": (results.BLOCKING, 1.0),
        "day_sums_match_month": (results.BLOCKING, 1.0),
        # a warning: the 500 fen no CDR was rated for
        "revenue_assurance": (results.WARNING, 1.0),
    }
    assurance = found["revenue_assurance"]
    [row] = assurance.details["failing_rows"]
    assert (row["bill_month"], row["item_class"], row["difference_fen"]) == ("202602", "DATA", 500)
    assert (row["rated_fen"], row["billed_fen"]) == (row["billed_fen"] - 500, row["billed_fen"])
    assert assurance.partition == "202602"
    assert assurance.summary.startswith("1 failing rows: province_code 571, user_id ")
    totals = found["published_totals_match_lake"].details["failing_rows"]
    assert [(r["indicator"], r["published_value"] - r["lake_value"]) for r in totals] == [
        ("users_on_net", 5.0)
    ]
    ledger = found["arrears_match_ledger"].details["failing_rows"]
    differences = sorted(
        (r["level"], r["stat_month"], r["mart_fen"] - r["ledger_fen"]) for r in ledger
    )
    assert differences == [("account", acct_month, 100), ("province", acct_month, -100)]


def test_volatility_names_what_moved_most(settings, tmp_path):
    """On a province large enough for relative moves to mean something: kpi_monthly replaced by
    two cities x brands over two months (and an older month for the ARPU band)."""
    broken = copy_home(settings, tmp_path / "home")
    columns = ("stat_month, province_code, city_code, brand, users_on_net, churned_users, "
               "billed_users, billed_revenue, arpu")  # fmt: skip
    execute(
        broken.warehouse_db,
        f"""
        delete from indicators.kpi_monthly;
        insert into indicators.kpi_monthly ({columns}) values
            ('202601', '571', '0571', 'GOTONE', 50000, 500, 50000, 5000000, 100),
            ('202601', '571', '0574', 'SZX', 50000, 500, 50000, 5000000, 100),
            ('202602', '571', '0571', 'GOTONE', 50500, 520, 50500, 5100000, 100.99),
            ('202602', '571', '0574', 'SZX', 40000, 2000, 40000, 5020000, 125.5),
            -- the ARPU band judges a cell of 100 billed users, not one of 99
            ('202512', '571', '0571', 'GOTONE', 100, 0, 100, 500000, 5000),
            ('202512', '571', '0574', 'SZX', 99, 0, 99, 495000, 5000);
        """,
    )
    found = dbt_test(broken, "volatility", "kpi_monthly_arpu_plausible")
    arpu = found["kpi_monthly_arpu_plausible"]
    assert (arpu.passed, arpu.severity, arpu.observed_value) == (False, results.WARNING, 1.0)
    assert [(r["city_code"], r["billed_users"]) for r in arpu.details["failing_rows"]] == [
        ("0571", 100)
    ]
    moved = found["volatility"]
    assert (moved.passed, moved.severity, moved.observed_value) == (False, results.WARNING, 4.0)
    # users 100000 -> 90500, churned 1000 -> 2520, billed users alike, ARPU 100 -> 111.82;
    # revenue +1.2 % stays within 10 %, and usage and new users (NULL here) are below their base.
    by_indicator = {r["indicator"]: r for r in moved.details["failing_rows"]}
    assert set(by_indicator) == {"users_on_net", "churned_users", "billed_users", "arpu"}
    assert {(r["most_moved_city"], r["most_moved_brand"]) for r in by_indicator.values()} == {
        ("0574", "SZX")
    }
    users = by_indicator["users_on_net"]
    assert (users["before_value"], users["after_value"], users["relative_change"]) == (
        100000.0, 90500.0, -0.095
    )  # fmt: skip
    assert round(by_indicator["arpu"]["after_value"], 2) == 111.82
    assert moved.partition == "202602"


def test_blocking_failure_keeps_the_published_copy(settings):
    """Last in the module: it changes the home. Usage of unknown users over 1 % stops the run."""
    from orchestration.runner import run_pipeline

    lines = [
        f"Q{i:06d}|5719999999999|13900000000|MOC|13800000000|CMCC|20260215{10 + i % 10}0000|60|"
        "0|0|0571|C1|10|0|0"
        for i in range(300)
    ]
    data = settings.landing / "VOICE_571_20260215_002.AVL"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (settings.landing / "VOICE_571_20260215_002.CHK").write_text(
        f"{data.name}|{data.stat().st_size}|{len(lines)}|20260215|20260216010000|UTF-8\n"
    )
    before = (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes())
    with pytest.raises(JingfenError, match="blocking check") as failure:
        run_pipeline(settings, say=lambda _m: None)
    assert "unknown_users on lake/voice" in str(failure.value)
    assert "previous published copy is unchanged" in str(failure.value)
    assert (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes()) == before
    latest = {(r["check_name"], r["asset"]): r for r in results.latest(settings)}
    gate = latest[("unknown_users", "lake/voice")]
    assert not gate["passed"] and gate["severity"] == "blocking" and gate["partition"] == "20260215"
