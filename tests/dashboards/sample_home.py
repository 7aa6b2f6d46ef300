"""A small published copy for the dashboard tests: the hand-made lake, dbt, an ops store, publish.

The ops store stands in for what ingestion writes (interfaces.md §5): a few deliveries in the load
log, one of them rejected, and two rejected records; the quality store holds three check results.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from core.settings import Settings
from data_quality.results import CheckResult, store
from publication.publish import publish
from publication.sources import publication_sources
from tests.warehouse.lake_writer import write_delivery
from tests.warehouse.sample_lake import build_sample_lake

WAREHOUSE_DIR = Path(__file__).resolve().parents[2] / "warehouse"

LOAD_LOG = [
    ("USER_571_20260131_001.AVL", "USER", "571", "20260131", "LOADED", 3, 3, 0, None),
    ("USER_571_20260228_001.AVL", "USER", "571", "20260228", "LOADED", 2, 2, 0, None),
    ("VOICE_571_20260215_001.AVL", "VOICE", "571", "20260215", "LOADED", 12, 10, 2, None),
    ("VOICE_571_20260216_001.AVL", "VOICE", "571", "20260216", "REJECTED", 10, 0, 10,
     "record count in the check file (11) differs from the data file (10)"),
    ("BILL_574_20260228_001.AVL", "BILL", "574", "20260228", "REPLACED", 4, 4, 0, None),
]  # fmt: skip


def build_ops_store(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "create table load_log (file_name varchar, iface varchar, province_code varchar, "
            "data_date varchar, status varchar, record_count bigint, loaded_count bigint, "
            "rejected_count bigint, reason varchar, processed_at timestamp)"
        )
        at = dt.datetime(2026, 3, 1, 2, 0)
        con.executemany(
            "insert into load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, at + dt.timedelta(minutes=i)) for i, row in enumerate(LOAD_LOG)],
        )
        con.execute(
            "create table rejected_records (file_name varchar, line_no bigint, "
            "raw_line varchar, reason varchar)"
        )
        con.executemany(
            "insert into rejected_records values (?, ?, ?, ?)",
            [
                ("VOICE_571_20260215_001.AVL", 4, "C4||U1|...", "NULL primary key cdr_id"),
                ("VOICE_571_20260215_001.AVL", 9, "C8|U2|...", "duplicate primary key C8"),
            ],
        )
    finally:
        con.close()


def store_quality_results(settings: Settings) -> None:
    """A few check results, one of them failed, as the quality checks would store them."""
    store(
        settings,
        [
            CheckResult("row_count_matches_check_file", "lake/voice", "warning", True,
                        10.0, "= 10"),
            CheckResult("reconcile_billed_revenue", "indicators/kpi_monthly", "blocking", True,
                        0.0, "|diff| = 0", partition="202602"),
            CheckResult("volatility_users_on_net", "indicators/kpi_monthly", "warning", False,
                        0.35, "|mom| < 0.2", partition="202603",
                        summary="users on net moved 35% month on month"),
        ],
        run_id="sample",
    )  # fmt: skip


def _vip_bills(fee_fen: int, month: str, acct: str, user: str) -> dict:
    return {
        "bill_month": month, "acct_id": acct, "user_id": user, "item_code": "G01",
        "item_class": "DATA", "standard_fee_fen": fee_fen, "discount_fen": 0,
        "actual_fee_fen": fee_fen,
    }  # fmt: skip


def add_vip_bills(lake: Path) -> None:
    """Large bills so the VIP dashboard has tiers to show: U1 silver in 202601 then gold,
    U2 silver in 202601 then churned (it cancels in February)."""
    write_delivery(lake, "BILL", "571", "202601", [
        _vip_bills(600_000, "202601", "A1", "U1"), _vip_bills(500_000, "202601", "A4", "U2"),
    ], seq=9)  # fmt: skip
    write_delivery(
        lake, "BILL", "571", "202602", [_vip_bills(400_000, "202602", "A1", "U1")], seq=9
    )


# The province's plan of 2026 (a TARGET delivery): the year's users on net and revenue for each
# city and the province, the February new users of 571 only; ARPU and the rest have no target,
# so the dashboards show 未下达目标 for them rather than 0%.
PLAN_2026 = (
    ("00", "ALL", "users_on_net", "4"), ("00", "571", "users_on_net", "3"),
    ("00", "574", "users_on_net", "1"), ("00", "ALL", "billed_revenue", "80000.00"),
    ("00", "571", "billed_revenue", "60000.00"), ("00", "574", "billed_revenue", "200.00"),
    ("02", "571", "new_users", "2"),
)  # fmt: skip


def add_plan(lake: Path) -> None:
    rows = [
        {"year": "2026", "month": month, "city_code": city, "indicator": indicator,
         "target_value": value}
        for month, city, indicator, value in PLAN_2026
    ]  # fmt: skip
    write_delivery(lake, "TARGET", "571", "2026", rows)


def build_sample_home(home: Path) -> Settings:
    """Lake → dbt build → ops store → published copy under ``home``; return its settings."""
    settings = Settings.from_env({"JINGFEN_HOME": str(home)})
    build_sample_lake(settings.lake)
    add_vip_bills(settings.lake)
    add_plan(settings.lake)
    env = {**os.environ, "JINGFEN_HOME": str(settings.home), "DBT_LOG_PATH": str(home / "dbt")}
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(
        [str(dbt), "build", "--project-dir", str(WAREHOUSE_DIR), "--profiles-dir",
         str(WAREHOUSE_DIR), "--target-path", str(home / "dbt" / "target"), "--quiet"],
        env=env, check=True,
    )  # fmt: skip
    sources = publication_sources(settings)
    for source in sources:  # stores the pipeline's other steps would have written
        if source.path.exists():
            continue
        if source.path == settings.ops_db:
            build_ops_store(source.path)
        elif source.path == settings.quality_db:
            store_quality_results(settings)
        else:
            duckdb.connect(str(source.path)).close()
    publish(settings, sources)
    return settings
