"""Quality on a clean generated province: every check quiet, then each one broken on purpose.

One pipeline run for the module. The "fires" tests break a copy of the home and call the plain
Python checks; the last test lands a bad delivery and runs the pipeline again to see the gate
keep the published copy.
"""

from __future__ import annotations

import json
import os

import pytest

from core.errors import JingfenError
from core.settings import Settings
from data_quality import checks, results, volatility
from tests.data_quality.conftest import copy_home, execute, query, run_province


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    yield from run_province(tmp_path_factory.mktemp("clean"), defects=0.0, seed=23)


def _by_key(found: list[checks.CheckResult]) -> dict[tuple[str, str], checks.CheckResult]:
    return {(r.check_name, r.asset): r for r in found}


def test_every_check_ran_and_passed_on_a_clean_province(settings):
    latest = {(r["check_name"], r["asset"]): r for r in results.latest(settings)}
    expected = {(c.name, c.asset) for c in [*checks.LAKE_CHECKS, *checks.WAREHOUSE_CHECKS]}
    assert set(latest) == expected
    failed = {k: json.loads(v["details"])["summary"] for k, v in latest.items() if not v["passed"]}
    assert not failed


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
    key = AssetCheckKey(AssetKey(["indicators", "kpi_monthly"]), "expectations")
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
    execute(
        broken.warehouse_db,
        """
        update indicators.kpi_monthly set users_on_net = users_on_net + 5, churn_rate = 1.5
        where rowid = (select min(rowid) from indicators.kpi_monthly);
        update marts.fct_account_months set arrears_fen = arrears_fen + 100
        where acct_id = (select min(acct_id) from marts.fct_account_months);
        update marts.fct_user_months set calls = -1
        where user_id = (select min(user_id) from marts.fct_user_months);
        """,
    )
    bill_dir = broken.lake / "bill" / "province=571" / "data_date=202602"
    bill = sorted(bill_dir.glob("*.parquet"))[0]
    execute(
        ":memory:",
        f"copy (select * replace ('EXTRA' as item_code, 500 as standard_fee_fen, "
        f"0 as discount_fen, 500 as actual_fee_fen) from read_parquet('{bill}') "
        f"where item_class = 'DATA' limit 1) to '{bill_dir / 'BILL_571_202602_009.parquet'}'",
    )
    found = _by_key(checks.evaluate_warehouse(broken)[0])
    for key in [
        ("published_totals_match_lake", "indicators/kpi_monthly"),
        ("expectations", "indicators/kpi_monthly"),
        ("arrears_match_ledger", "marts/fct_account_months"),
        ("day_sums_match_month", "marts/fct_user_months"),
        ("expectations", "marts/fct_user_months"),
    ]:
        assert not found[key].passed and found[key].blocking, key
    assurance = found[("revenue_assurance", "marts/fct_bill_items")]
    assert not assurance.passed and assurance.severity == results.WARNING
    # The clean province's bills equal its rated CDRs: the extra row is the only difference.
    assert [
        (m["month"], m["item_class"], m["difference_fen"]) for m in assurance.details["mismatches"]
    ] == [("202602", "DATA", 500)]
    assert found[("expectations", "indicators/finance_monthly")].passed
    assert found[("expectations", "marts/fct_account_months")].passed


def _kpi(rows: list[tuple]):
    import pandas as pd

    frame = pd.DataFrame(
        rows,
        columns=["stat_month", "province_code", "city_code", "brand", "users_on_net",
                 "churned_users", "billed_users", "billed_revenue"],
    )  # fmt: skip
    for column in ("new_users", "calls", "voice_minutes", "sms_sent", "data_mb"):
        frame[column] = 0
    return frame


def test_volatility_names_what_moved_most():
    steady = [
        ("202601", "571", "0571", "GOTONE", 50_000, 500, 50_000, 5_000_000),
        ("202601", "571", "0574", "SZX", 50_000, 500, 50_000, 5_000_000),
        ("202602", "571", "0571", "GOTONE", 50_500, 520, 50_500, 5_100_000),
        ("202602", "571", "0574", "SZX", 50_200, 480, 50_200, 5_020_000),
    ]
    assert volatility.month_over_month(_kpi(steady)).passed
    moved = [*steady[:3], ("202602", "571", "0574", "SZX", 40_000, 2_000, 40_000, 5_020_000)]
    result = volatility.month_over_month(_kpi(moved))
    assert not result.passed and result.severity == results.WARNING
    by_indicator = {m["indicator"]: m for m in result.details["moved"]}
    # users 100000 -> 90500, churned 1000 -> 2520, billed users alike, ARPU 100 -> 111.82;
    # revenue +1.2 % stays within 10 %, and the zero usage and new users are below their base.
    assert set(by_indicator) == {"users_on_net", "churned_users", "billed_users", "arpu"}
    assert result.details["below_base"] == ["calls", "data_mb", "new_users", "sms_sent",
                                            "voice_minutes"]  # fmt: skip
    assert by_indicator["users_on_net"]["cities"][0]["city_code"] == "0574"
    assert by_indicator["users_on_net"]["brands"][0]["brand"] == "SZX"


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
