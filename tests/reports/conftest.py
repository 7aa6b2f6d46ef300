"""A small published copy for the report tests: the hand-made lake, dbt, then publication.

The sample lake of tests/warehouse is extended with a snapshot and bills of February 2025, so
202602 has a same-month-last-year to compare with. ops.duckdb is made by hand with one rejected
delivery. Built once per test session (about 40 s, mostly dbt).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from core.settings import Settings
from publication.publish import Source, publish
from tests.warehouse.lake_writer import write_delivery
from tests.warehouse.sample_lake import _bill, _user, build_sample_lake

WAREHOUSE_DIR = Path(__file__).resolve().parents[2] / "warehouse"


def _add_last_year(lake: Path) -> None:
    d = dt.date
    users = [
        _user("U1", "C1", "GOTONE", "571", "NORMAL", d(2024, 6, 10)),
        _user("U2", "C2", "SZX", "571", "NORMAL", d(2024, 1, 1)),
    ]
    write_delivery(lake, "USER", "571", "202502", users)
    write_delivery(
        lake,
        "BILL",
        "571",
        "202502",
        [
            _bill("202502", "A1", "U1", "R01", "RENTAL", 4000),
            _bill("202502", "A4", "U2", "R01", "RENTAL", 2000),
        ],
    )


# The province's plan of 2026 (a TARGET delivery): revenue and users on net for the year, new
# users for February; no target for arpu and the rest (未下达目标).
PLAN_2026 = (
    ("00", "billed_revenue", "1000.00"), ("00", "users_on_net", "4"), ("02", "new_users", "2"),
    ("00", "new_users", "10"),
)  # fmt: skip


def _add_plan(lake: Path) -> None:
    rows = [
        {"year": "2026", "month": month, "city_code": "ALL", "indicator": indicator,
         "target_value": value}
        for month, indicator, value in PLAN_2026
    ]  # fmt: skip
    write_delivery(lake, "TARGET", "571", "2026", rows)


def _make_ops(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(
        "create table load_log (file_name varchar, iface varchar, province_code varchar, "
        "data_date varchar, status varchar, record_count bigint, loaded_count bigint, "
        "rejected_count bigint, reason varchar, processed_at timestamp)"
    )
    con.execute(
        "insert into load_log values "
        "('VOICE_571_20260205_001.AVL', 'VOICE', '571', '20260205', 'LOADED', 5, 5, 0, null, "
        "timestamp '2026-02-06 06:00:00'), "
        "('SMS_571_20260206_001.AVL', 'SMS', '571', '20260206', 'REJECTED', 10, 0, 10, "
        "'record count does not match the check file', timestamp '2026-02-07 06:00:00'), "
        "('USER_571_202602_001.AVL', 'USER', '571', '202602', 'LOADED', 2, 2, 0, null, "
        "timestamp '2026-03-02 06:00:00')"
    )
    con.execute(
        "create table rejected_records (file_name varchar, line_no bigint, raw_line varchar, "
        "reason varchar)"
    )
    con.execute(
        "insert into rejected_records values "
        "('SMS_571_20260206_001.AVL', 1, 'x', 'bad field count'), "
        "('SMS_571_20260206_001.AVL', 2, 'y', 'bad field count')"
    )
    # As data_quality.results stores them (published as ops.quality_results): the newest result
    # of a check counts, so the report shows one pass and one failing warning.
    con.execute(
        "create table quality_results (check_name varchar, asset varchar, partition varchar, "
        "severity varchar, passed boolean, observed_value double, threshold varchar, "
        "checked_at timestamp, details varchar, run_id varchar)"
    )
    con.execute(
        "insert into quality_results values "
        "('row_count', 'lake/voice', null, 'blocking', false, 0, '> 0', "
        "timestamp '2026-03-01 06:00:00', '{}', 'r1'), "
        "('row_count', 'lake/voice', null, 'blocking', true, 5, '> 0', "
        "timestamp '2026-03-02 06:00:00', '{}', 'r2'), "
        "('volatility_revenue', 'indicators/kpi_monthly', '202602', 'warning', false, 0.9, "
        "'< 0.5', timestamp '2026-03-02 06:00:00', '{}', 'r2')"
    )
    con.close()


def publication_sources(settings: Settings) -> list[Source]:
    """As orchestration.publication.assets.publication_sources; importing that module parses the
    dbt project for Dagster (a minute on a busy machine), which these tests do not need."""
    return [
        Source(settings.warehouse_db, {"indicators": "indicators", "marts": "marts"}, "warehouse"),
        Source(settings.ops_db, {"main": "ops"}, "ops_store"),
    ]


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose home holds a published copy built from the sample lake."""
    home = tmp_path_factory.mktemp("report_home")
    settings = Settings(home=home)
    build_sample_lake(settings.lake)
    _add_last_year(settings.lake)
    _add_plan(settings.lake)
    env = {
        **os.environ,
        "JINGFEN_HOME": str(home),
        "DBT_LOG_PATH": str(home / "dbt" / "logs"),
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    }
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--project-dir", str(WAREHOUSE_DIR),
            "--profiles-dir", str(WAREHOUSE_DIR),
            "--target-path", str(home / "dbt" / "target"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    _make_ops(settings.ops_db)
    publish(settings, publication_sources(settings))
    return settings
