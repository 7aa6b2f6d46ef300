"""`dbt build` of the whole warehouse on a hand-made lake, checked against hand-worked numbers.

The lake (tests/warehouse/sample_lake.py) is written with duckdb at the paths and with the types of
core.contract, so the test needs neither the generator nor the ingestion. One module-scoped
build (plus one incremental rebuild and a full refresh of the usage facts) keeps the runtime short.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from core.settings import Settings
from dashboards.spec.presentation import column_label, presentation_models
from data_quality.dbt_tests import run_results_as_checks
from data_quality.results import BLOCKING, WARNING
from tests.warehouse.lake_writer import write_delivery
from tests.warehouse.sample_lake import _user, build_sample_lake

REPO = Path(__file__).resolve().parents[2]
WAREHOUSE = REPO / "warehouse"

CONTRACT = {
    "kpi_monthly": [
        "stat_month", "province_code", "city_code", "brand", "users_on_net", "new_users",
        "churned_users", "net_adds", "churn_rate", "precancel_users", "reentry_users",
        "billed_users", "billed_revenue", "late_fee_revenue", "arpu", "calls", "voice_minutes",
        "billed_minutes", "mou", "offnet_minutes", "roam_out_minutes", "sms_sent", "data_mb", "dou",
    ],
    "finance_monthly": [
        "stat_month", "province_code", "collected", "bad_debt", "arrears", "doubtful_debt",
    ],
    "collections_by_channel": ["stat_month", "province_code", "pay_channel", "collected"],
    "user_value_monthly": [
        "stat_month", "province_code", "user_id", "avg_revenue_6m", "vip_tier",
    ],
    "group_monthly": [
        "stat_month", "province_code", "group_id", "group_class", "boss_group_class",
        "active_members", "is_new_group", "group_revenue", "group_arpu", "member_churn",
        "member_penetration",
    ],
}  # fmt: skip


def _dbt(home: Path, *args: str, succeeds: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "JINGFEN_HOME": str(home),
        "DBT_TARGET_PATH": str(home / "dbt" / "target"),
        "DBT_LOG_PATH": str(home / "dbt" / "logs"),
    }
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), *args, "--project-dir", str(WAREHOUSE), "--profiles-dir", str(WAREHOUSE)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert (result.returncode == 0) == succeeds, result.stdout[-6000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("jingfen-home")
    build_sample_lake(home / "lake")
    _dbt(home, "build")
    # what the pipeline reads after its build (later tests run dbt again in this home)
    for name in ("run_results.json", "manifest.json"):
        shutil.copyfile(home / "dbt" / "target" / name, home / f"build_{name}")
    return home


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _one(home: Path, sql: str) -> tuple:
    rows = _rows(home, sql)
    assert len(rows) == 1, rows
    return rows[0]


def test_published_tables_have_the_contract_columns_first(warehouse: Path) -> None:
    for table, columns in CONTRACT.items():
        found = [
            name
            for (name,) in _rows(
                warehouse,
                "select column_name from information_schema.columns where table_schema = "
                f"'indicators' and table_name = '{table}' order by ordinal_position",
            )
        ]
        assert found[: len(columns)] == columns, table


def test_kpi_rows_exist_for_every_city_and_brand_with_activity(warehouse: Path) -> None:
    keys = _rows(
        warehouse,
        "select province_code, city_code, brand from indicators.kpi_monthly "
        "where stat_month = '202602' order by all",
    )
    assert keys == [
        ("571", "571", "GOTONE"),
        ("571", "571", "SZX"),
        ("571", "574", "MZONE"),
        ("574", "574", "GOTONE"),
    ]


def test_kpi_revenue_and_usage(warehouse: Path) -> None:
    # U1: bills 5000 + 1234 (A1) + 1000 (A2, split billing) fen, late fee 50 fen; calls of 61 s
    # (local: 2 min) and 7 s (national toll: 2 x 6 s = 0.2 min, off-net); a 0 s call; 2 SMS MO;
    # 3072 KB of data.
    row = _one(
        warehouse,
        "select users_on_net, billed_users, billed_revenue, late_fee_revenue, arpu, calls, "
        "voice_minutes, billed_minutes, mou, offnet_minutes, sms_sent, data_mb, dou, churn_rate "
        "from indicators.kpi_monthly where stat_month = '202602' and province_code = '571' "
        "and city_code = '571' and brand = 'GOTONE'",
    )
    assert row == (
        1, 1, Decimal("72.34"), Decimal("0.50"), Decimal("72.34"), 2,
        Decimal("1.1333"), Decimal("2.2"), Decimal("1.1333"), Decimal("0.1167"), 2,
        Decimal("3.0000"), Decimal("3.0000"), Decimal("0"),
    )  # fmt: skip


def test_late_record_counts_in_the_month_of_its_own_time(warehouse: Path) -> None:
    # U3's 125 s call of 2026-02-28 23:59:30 was delivered with data date 20260302; U3 is absent
    # from the 202603 snapshot, so it stays in city 574 / MZONE.
    row = _one(
        warehouse,
        "select calls, voice_minutes, billed_minutes, offnet_minutes, roam_out_minutes, data_mb "
        "from indicators.kpi_monthly where stat_month = '202602' and province_code = '571' "
        "and city_code = '574' and brand = 'MZONE'",
    )
    assert row == (
        1, Decimal("2.0833"), Decimal("3.0"), Decimal("2.0833"), Decimal("2.0833"),
        Decimal("0.5000"),
    )  # fmt: skip
    march = _one(
        warehouse,
        "select calls, billed_minutes from indicators.kpi_monthly where stat_month = '202603' "
        "and city_code = '571' and brand = 'SZX'",
    )
    assert march == (1, Decimal("0.5"))  # U4's 30 s intra-province toll call: 5 units of 6 s


def test_subscriber_movements_and_reentry(warehouse: Path) -> None:
    row = _one(
        warehouse,
        "select users_on_net, new_users, churned_users, net_adds, churn_rate, reentry_users, "
        "billed_users, billed_revenue from indicators.kpi_monthly where stat_month = '202602' "
        "and province_code = '571' and city_code = '571' and brand = 'SZX'",
    )
    assert row == (1, 1, 1, 0, Decimal("1"), 1, 1, Decimal("15.00"))
    # No USER snapshot of 202512: the churn rate of 202601 is NULL everywhere.
    assert _rows(
        warehouse,
        "select distinct churn_rate from indicators.kpi_monthly where stat_month = '202601'",
    ) == [(None,)]


def test_rolled_up_churn_rate_is_recomputed_from_parts(warehouse: Path) -> None:
    rows = _rows(
        warehouse,
        "select level, province_code, users_on_net, churned_users, churn_rate, billed_users, "
        "billed_revenue, arpu from indicators.kpi_monthly_rollup "
        "where stat_month = '202602' and level in ('province', 'all') "
        "order by level, province_code",
    )
    assert rows == [
        ("all", "ALL", 4, 2, Decimal("0.4"), 3, Decimal("107.34"), Decimal("35.78")),
        ("province", "571", 3, 1, Decimal("0.333333"), 3, Decimal("107.34"), Decimal("35.78")),
        ("province", "574", 1, 1, Decimal("0.5"), 0, Decimal("0.00"), None),
    ]


def test_finance(warehouse: Path) -> None:
    rows = _rows(
        warehouse,
        "select stat_month, collected, bad_debt, arrears, doubtful_debt "
        "from indicators.finance_monthly where province_code = '571' "
        "and stat_month in ('202602', '202603') order by stat_month",
    )
    # 202602: collected 5000 - 1000 (reversal) + 2000 fen; arrears A1 6284 - 4000, A2 1000,
    # A3 0, A4 1500 + 1500 (the 202511 bill, older than 3 months: doubtful).
    # 202603: A4 written off 1500 fen, settling its oldest bill first: nothing doubtful left.
    assert rows == [
        ("202602", Decimal("60.00"), Decimal("0.00"), Decimal("62.84"), Decimal("15.00")),
        ("202603", Decimal("0.00"), Decimal("15.00"), Decimal("47.84"), Decimal("0.00")),
    ]
    assert _rows(
        warehouse,
        "select pay_channel, collected from indicators.collections_by_channel "
        "where stat_month = '202602' order by pay_channel",
    ) == [("AUTO", Decimal("20.00")), ("HALL", Decimal("40.00"))]


def test_user_value(warehouse: Path) -> None:
    rows = _rows(
        warehouse,
        "select user_id, avg_revenue_6m, vip_tier from indicators.user_value_monthly "
        "where stat_month = '202602' and province_code = '571' order by user_id",
    )
    assert rows == [
        ("U1", Decimal("12.06"), None),  # 7234 fen over 6 months
        ("U2", Decimal("5.00"), None),  # (1500 in 202511 + 1500) over 6 months
        ("U3", Decimal("3.33"), None),
        ("U4", Decimal("0.00"), None),  # opened 2026-02-20: one month counted
    ]


def test_groups(warehouse: Path) -> None:
    rows = _rows(
        warehouse,
        "select group_id, group_class, boss_group_class, active_members, is_new_group, "
        "group_revenue, group_arpu, member_churn, member_penetration "
        "from indicators.group_monthly where stat_month = '202602' order by group_id",
    )
    # G1: U1 active (U3 left on 2026-02-15); U1's VAS row is billed to A2, an account of the
    # group's customer, and still counts once. G2 is a bank: class A whatever BOSS says.
    assert rows == [
        ("G1", "C", "C", 1, True, Decimal("72.34"), Decimal("72.34"), 0, Decimal("0.1")),
        ("G2", "A", "B", 0, False, Decimal("0.00"), None, 0, Decimal("0")),
    ]


def test_dictionary_and_missing_interface(warehouse: Path) -> None:
    dictionary = _rows(warehouse, "select indicator_code from indicators.dictionary")
    codes = [code for (code,) in dictionary]
    with (WAREHOUSE / "seeds" / "indicator_dictionary.csv").open(encoding="utf-8") as seed:
        assert sorted(codes) == sorted(row["indicator_code"] for row in csv.DictReader(seed))
    published = {c for columns in CONTRACT.values() for c in columns}
    keys = {"stat_month", "province_code", "city_code", "brand", "user_id", "group_id"}
    keys.add("pay_channel")
    assert sorted(published - keys - set(codes)) == []
    # PLAN never arrived: its staging view is an empty typed relation, not an error.
    assert _one(warehouse, "select count(*) from marts.dim_plans") == (0,)


def test_column_labels_are_inherited_and_match_the_dashboards(warehouse: Path) -> None:
    """A passed-through column carries the label of the model it comes from (the build's own
    tests fail on a column labelled twice or not at all), and the Superset bundle, generated
    without dbt, resolves every presentation label as the build does."""
    labels = {
        (schema, table, column): (zh, en)
        for schema, table, column, zh, en in _rows(
            warehouse,
            "select schema_name, table_name, column_name, label_zh, label_en "
            "from indicators.column_labels",
        )
    }
    # labelled once, on collections_by_channel; collection_shares and the dashboards' table
    # pass the column through
    for table in ("indicators.collections_by_channel", "indicators.collection_shares",
                  "presentation.collections_by_channel"):  # fmt: skip
        assert labels[(*table.split("."), "payment_count")] == ("缴费笔数", "Payments"), table
    assert labels[("presentation", "kpi_city_brand", "city_name")] == ("地市", "City")
    resolved = {
        ("presentation", model["config"]["alias"], column["name"]): column_label(
            name, column["name"]
        )
        for name, model in presentation_models().items()
        for column in model["columns"]
    }
    assert resolved == {key: label for key, label in labels.items() if key[0] == "presentation"}


def test_incremental_usage_picks_up_a_late_delivery(warehouse: Path) -> None:
    # A delivery of 20260308 carrying a call made on 2026-02-06 arrives after the first build.
    hour_sql = (
        "select coalesce(sum(calls), 0) from indicators.traffic_by_hour "
        "where stat_month = '202602' and province_code = '571' and hour_of_day = 15"
    )
    (calls_at_15_before,) = _one(warehouse, hour_sql)
    write_delivery(
        warehouse / "lake", "VOICE", "571", "20260308",
        [{
            "cdr_id": "V9", "user_id": "U1", "msisdn": "13800000001", "call_type": "MOC",
            "other_carrier": "CMCC", "start_time": dt.datetime(2026, 2, 6, 15), "duration_s": 60,
            "roam_type": "0", "toll_type": "0",
        }],
        loaded_at=dt.datetime(2026, 4, 2, 8),
    )  # fmt: skip
    _dbt(warehouse, "build", "--select", "fct_user_day_usage+", "fct_voice_hour_usage+")
    row = _one(
        warehouse,
        "select calls, voice_minutes, billed_minutes from indicators.kpi_monthly "
        "where stat_month = '202602' and city_code = '571' and brand = 'GOTONE'",
    )
    assert row == (3, Decimal("2.1333"), Decimal("3.2"))
    day = _one(
        warehouse,
        "select calls, voice_seconds from marts.fct_user_day_usage "
        "where user_id = 'U1' and usage_date = date '2026-02-06'",
    )
    assert day == (2, 67)
    assert _one(warehouse, hour_sql) == (calls_at_15_before + 1,)
    # replacing the touched days in place gives what a rebuild from scratch gives
    usage_facts = ("marts.fct_user_day_usage", "marts.fct_voice_hour_usage")
    incremental = {
        table: sorted(_rows(warehouse, f"select * from {table}")) for table in usage_facts
    }
    _dbt(
        warehouse, "run", "--select", "fct_user_day_usage", "fct_voice_hour_usage", "--full-refresh"
    )
    rebuilt = {table: sorted(_rows(warehouse, f"select * from {table}")) for table in usage_facts}
    assert incremental == rebuilt


def test_growth_without_revenue_is_flagged(warehouse: Path) -> None:
    # Last in the module: it adds a month. April's snapshot adds U5 beside U1 and U4 (2 users on
    # net in March) and April bills nothing, as March did: users grew, revenue did not (增量不增收).
    snapshot = [
        _user("U1", "C1", "GOTONE", "571", "NORMAL", dt.date(2025, 6, 10)),
        _user("U4", "C4", "SZX", "571", "NORMAL", dt.date(2026, 2, 20)),
        _user("U5", "C5", "GOTONE", "571", "NORMAL", dt.date(2026, 4, 2)),
    ]
    write_delivery(warehouse / "lake", "USER", "571", "202604", snapshot)
    _dbt(warehouse, "run", "--select", "stg_boss__users+")
    rows = _rows(
        warehouse,
        "select * from indicators.growth_vs_revenue where stat_month = '202604' order by all",
    )
    assert rows == [
        ("202604", "571", 3, 2, 1, Decimal("0.5"), Decimal("0.00"), Decimal("0.00"),
         Decimal("0.00"), None, True),
        ("202604", "ALL", 3, 2, 1, Decimal("0.5"), Decimal("0.00"), Decimal("0.00"),
         Decimal("0.00"), None, True),
    ]  # fmt: skip
    # March against February: users fell in 571 (3 to 2), so nothing is flagged there.
    assert _rows(
        warehouse,
        "select province_code, is_growth_without_revenue from indicators.growth_vs_revenue "
        "where stat_month = '202603' order by all",
    ) == [("571", False), ("ALL", False)]


def test_a_rollup_that_differs_from_its_parts_fails_the_build(warehouse: Path, tmp_path) -> None:
    """The rollup's one check is dbt's singular test; a failing dbt test fails `dbt build`, which
    stops the publication (tests/orchestration/test_pipeline.py)."""
    broken = tmp_path / "home"
    broken.mkdir()
    shutil.copyfile(warehouse / "warehouse.duckdb", broken / "warehouse.duckdb")
    with duckdb.connect(str(broken / "warehouse.duckdb")) as con:
        con.execute(
            "update indicators.kpi_monthly_rollup set voice_minutes = voice_minutes + 1 "
            "where level = 'city' and province_code = '574' and city_code = '574' "
            "and stat_month = '202602'"
        )
    result = _dbt(broken, "test", "--select", "assert_rollup_matches_kpi_monthly", succeeds=False)
    assert "Failure in test assert_rollup_matches_kpi_monthly" in result.stdout
    assert "Got 1 result, configured to fail if != 0" in result.stdout
    # and so it reads in quality_results: a blocking failure of one row, on the rollup's asset
    target = broken / "dbt" / "target"
    [check] = run_results_as_checks(
        Settings(home=broken),
        json.loads((target / "run_results.json").read_text(encoding="utf-8")),
        json.loads((target / "manifest.json").read_text(encoding="utf-8")),
    )
    assert (check.check_name, check.asset, check.severity, check.passed) == (
        "assert_rollup_matches_kpi_monthly", "indicators/kpi_monthly_rollup", BLOCKING, False
    )  # fmt: skip
    assert (check.observed_value, check.threshold) == (1.0, "0 failing rows")
    assert check.summary == "1 failing rows"  # not kept: no store_failures outside quality/
    assert check.details["message"] == "Got 1 result, configured to fail if != 0"


def test_every_dbt_test_of_the_build_is_a_quality_result(warehouse: Path) -> None:
    """data_quality.dbt_tests on the build's own run_results.json: one result per test, on the
    asset Dagster shows it on, with dbt's status and failing-row count."""
    run_results = json.loads((warehouse / "build_run_results.json").read_text(encoding="utf-8"))
    manifest = json.loads((warehouse / "build_manifest.json").read_text(encoding="utf-8"))
    tests = {
        r["unique_id"]: r for r in run_results["results"] if r["unique_id"].startswith("test.")
    }
    found = run_results_as_checks(Settings(home=warehouse), run_results, manifest)
    by_id = {r.details["dbt_test"]: r for r in found}
    assert set(by_id) == set(tests)  # every test evaluated, each on an asset
    for unique_id, outcome in tests.items():
        check = by_id[unique_id]
        assert check.passed == (outcome["status"] == "pass"), unique_id
        assert check.observed_value == float(outcome["failures"]), unique_id
    assert {r.severity for r in found if r.passed and r.asset.startswith("staging/")} == {WARNING}
    assert by_id["test.jingfen.arrears_match_ledger"].asset == "marts/fct_account_months"
    assert by_id["test.jingfen.assert_arrears_aging_adds_up"].asset == "indicators/arrears_aging"
    # The one failing test, a warning: the sample lake bills U1 1234 fen of LOCAL calls in 202602
    # that no CDR rates, and rates a 30 fen SMS that no bill charges.
    [assurance] = [r for r in found if not r.passed]
    assert (assurance.check_name, assurance.severity, assurance.observed_value) == (
        "revenue_assurance", WARNING, 2.0
    )  # fmt: skip
    assert sorted(
        (r["user_id"], r["bill_month"], r["item_class"], r["rated_fen"], r["billed_fen"])
        for r in assurance.details["failing_rows"]
    ) == [("U1", "202602", "LOCAL", 0, 1234), ("U1", "202602", "SMS", 30, 0)]
    assert (
        assurance.details["stored_failures"] == '"warehouse"."dbt_test__audit"."revenue_assurance"'
    )
