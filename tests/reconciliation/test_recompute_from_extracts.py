"""What an outside tester does: recompute every published indicator from the raw extract files.

Two provinces are generated into one fresh home with the command line, as a user would: 571
clean, 574 with defects (bad records, rejected, late, re-delivered and repeated deliveries). The
first ingest takes what landed; then the corrected and repeated deliveries of
``landing_redelivery/`` land and ``jingfen run`` ingests them and builds and publishes.

The recomputation (``recompute.py``) reads only copies of the landed files, taken before each
ingest, and applies indicators.md literally in plain Python. From the published copy it takes
only what interfaces.md §5 says is published about rejections — which deliveries were rejected
(``ops.load_log``) and which records (``ops.rejected_records``, file name and line number) — so
the promise "every record loaded or recorded as rejected" is checked end to end too.

Comparison: counts and DECIMAL yuan exactly; ratios, minutes and MB exactly after rounding the
exact fraction half away from zero to the scale of the published column (churn_rate and
member_penetration 6 decimals, arpu and group_arpu 2, minutes, MOU, MB and DOU 4).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.reconciliation.extracts import land_batches, replay
from tests.reconciliation.recompute import KPI_COLUMNS, Recomputation

USERS, MONTHS = 150, 4
CLEAN, DEFECTIVE = "571", "574"
# Seeds whose four months hold a write-off (坏账核销) in each province and a re-entry (重入网),
# so bad_debt and reentry_users are exercised, not only their zeros.


def _jingfen(home: Path, *args: str) -> None:
    script = Path(sys.executable).with_name("jingfen")
    env = {**os.environ, "JINGFEN_HOME": str(home)}
    done = subprocess.run([str(script), *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"jingfen {' '.join(args)}:\n{done.stdout[-3000:]}{done.stderr}"


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("home")
    batches = tmp_path_factory.mktemp("landed")
    common = ["--users", str(USERS), "--months", str(MONTHS), "--start", "202601"]
    _jingfen(home, "generate", *common, "--seed", "13", "--provinces", CLEAN)
    _jingfen(
        home, "generate", *common, "--seed", "1", "--provinces", DEFECTIVE, "--defects", "0.05"
    )
    shutil.copytree(home / "landing", batches / "0")
    _jingfen(home, "ingest")
    shutil.copytree(home / "landing_redelivery", batches / "1")
    shutil.copytree(home / "landing_redelivery", home / "landing", dirs_exist_ok=True)
    _jingfen(home, "run")
    (home / "batches").symlink_to(batches)
    return home


def published(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home / "serving.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def recomputed(home) -> Recomputation:
    load_log = published(
        home,
        "select file_name, status, record_count, loaded_count, rejected_count "
        "from ops.load_log order by processed_at, started_at",
    )
    rejected = published(home, "select file_name, line_no, raw_line from ops.rejected_records")
    batches = sorted((home / "batches").iterdir(), key=lambda p: int(p.name))
    extracts = replay(land_batches(batches), load_log, rejected)
    # The defective province really exercised the contract's rejection paths.
    assert extracts.rejected_deliveries > 0 and extracts.rejected_lines > 0
    assert any(status == "REPLACED" for _f, status, *_ in load_log)
    return Recomputation(extracts)


@pytest.fixture(scope="module")
def kpi_parts(recomputed):
    return recomputed.kpi_parts()


def published_rows(home: Path, table: str, keys: list[str], columns: list[str]) -> dict:
    rows = published(home, f"select {', '.join(keys + columns)} from {table}")
    result: dict[tuple, dict[str, object]] = {}
    for row in rows:
        key = tuple(row[: len(keys)])
        assert key not in result, f"{table}: two rows for {dict(zip(keys, key, strict=True))}"
        result[key] = dict(zip(columns, row[len(keys) :], strict=True))
    return result


def _same(ours: object, theirs: object) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if isinstance(ours, Decimal):
        return isinstance(theirs, Decimal) and ours == theirs
    return ours == theirs and type(ours) is type(theirs)


def assert_same_rows(table: str, keys: list[str], ours: dict, theirs: dict, limit: int = 15):
    """Row sets equal and every value equal; else a readable diff of the first mismatches."""
    problems: list[str] = []
    for key in sorted(set(ours) - set(theirs)):
        problems.append(f"missing from {table}: {dict(zip(keys, key, strict=True))} {ours[key]}")
    for key in sorted(set(theirs) - set(ours)):
        problems.append(
            f"not expected in {table}: {dict(zip(keys, key, strict=True))} {theirs[key]}"
        )
    for key in sorted(set(ours) & set(theirs)):
        for column, value in ours[key].items():
            if not _same(value, theirs[key][column]):
                problems.append(
                    f"{table} {dict(zip(keys, key, strict=True))} {column}: "
                    f"recomputed {value!r}, published {theirs[key][column]!r}"
                )
    assert not problems, (
        f"{len(problems)} differences between the recomputation and {table}; first {limit}:\n"
        + "\n".join(problems[:limit])
    )
    assert ours, f"{table}: nothing to compare"


def test_kpi_monthly(home, recomputed, kpi_parts):
    keys = ["stat_month", "province_code", "city_code", "brand"]
    ours = recomputed.kpi_monthly(kpi_parts)
    theirs = published_rows(home, "indicators.kpi_monthly", keys, list(KPI_COLUMNS))
    assert_same_rows("indicators.kpi_monthly", keys, ours, theirs)
    # The recomputation went through the interesting paths, not only through zeros.
    assert {k[1] for k in ours} == {CLEAN, DEFECTIVE}
    assert any(k[2] == "UNKNOWN" for k in ours)  # usage of a user in no USER snapshot
    assert sum(row["reentry_users"] for row in ours.values()) > 0
    assert {row["churn_rate"] is None for row in ours.values()} == {True, False}
    assert sum(row["late_fee_revenue"] for row in ours.values()) > 0


def test_kpi_monthly_rollup(home, recomputed, kpi_parts):
    keys = ["level", "stat_month", "province_code", "city_code", "brand"]
    ours = recomputed.kpi_rollup(kpi_parts)
    theirs = published_rows(home, "indicators.kpi_monthly_rollup", keys, list(KPI_COLUMNS))
    assert_same_rows("indicators.kpi_monthly_rollup", keys, ours, theirs)
    assert {k[0] for k in ours} == {"city", "province", "all"}


def test_finance_monthly(home, recomputed):
    keys = ["stat_month", "province_code"]
    columns = ["collected", "bad_debt", "arrears", "doubtful_debt"]
    ours = recomputed.finance_monthly()
    theirs = published_rows(home, "indicators.finance_monthly", keys, columns)
    assert_same_rows("indicators.finance_monthly", keys, ours, theirs)
    assert any(row["doubtful_debt"] > 0 for row in ours.values())
    assert {k[1] for k, row in ours.items() if row["bad_debt"] > 0} == {CLEAN, DEFECTIVE}


def test_collections_by_channel(home, recomputed):
    keys = ["stat_month", "province_code", "pay_channel"]
    ours = recomputed.collections_by_channel()
    theirs = published_rows(home, "indicators.collections_by_channel", keys, ["collected"])
    assert_same_rows("indicators.collections_by_channel", keys, ours, theirs)


def test_user_value_monthly(home, recomputed):
    keys = ["stat_month", "province_code", "user_id"]
    ours = recomputed.user_value_monthly()
    theirs = published_rows(
        home, "indicators.user_value_monthly", keys, ["avg_revenue_6m", "vip_tier"]
    )
    assert_same_rows("indicators.user_value_monthly", keys, ours, theirs)
    assert {row["vip_tier"] for row in ours.values()} > {None}


def test_group_monthly(home, recomputed):
    keys = ["stat_month", "province_code", "group_id"]
    columns = [
        "group_class", "boss_group_class", "active_members", "is_new_group", "group_revenue",
        "group_arpu", "member_churn", "member_penetration",
    ]  # fmt: skip
    ours = recomputed.group_monthly()
    theirs = published_rows(home, "indicators.group_monthly", keys, columns)
    assert_same_rows("indicators.group_monthly", keys, ours, theirs)
    assert {row["group_class"] for row in ours.values()} == {"A", "B", "C"}
    assert sum(row["member_churn"] for row in ours.values()) > 0
