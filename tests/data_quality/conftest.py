"""A generated province run once through the whole pipeline, shared by a test module."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb

from core.settings import Settings
from data_quality.dbt_tests import run_results_as_checks
from data_quality.results import CheckResult
from generator import generate

WAREHOUSE = Path(__file__).resolve().parents[2] / "warehouse"

# The warehouse's quality rules (warehouse/tests/quality), the asset each is a check of and
# whether its failure blocks the publication (severity error) or warns.
QUALITY_TESTS = {
    "kpi_monthly_counts_and_shares_valid": "indicators/kpi_monthly",
    "kpi_monthly_arpu_plausible": "indicators/kpi_monthly",
    "kpi_monthly_revenues_non_negative": "indicators/kpi_monthly",
    "finance_monthly_arrears_non_negative": "indicators/finance_monthly",
    "group_monthly_members_non_negative": "indicators/group_monthly",
    "group_monthly_penetration_is_a_share": "indicators/group_monthly",
    "user_value_monthly_revenue_non_negative": "indicators/user_value_monthly",
    "fct_user_months_usage_non_negative": "marts/fct_user_months",
    "fct_user_months_revenue_non_negative": "marts/fct_user_months",
    "fct_account_months_arrears_non_negative": "marts/fct_account_months",
    "revenue_assurance": "marts/fct_bill_items",
    "day_sums_match_month": "marts/fct_user_months",
    "published_totals_match_lake": "indicators/kpi_monthly",
    "arrears_match_ledger": "marts/fct_account_months",
    "volatility": "indicators/kpi_monthly",
}
WARNING_TESTS = {
    "fct_user_months_revenue_non_negative",
    "group_monthly_penetration_is_a_share",
    "kpi_monthly_arpu_plausible",
    "kpi_monthly_revenues_non_negative",
    "revenue_assurance",
    "user_value_monthly_revenue_non_negative",
    "volatility",
}


def run_province(home: Path, defects: float, seed: int) -> Iterator[Settings]:
    """Generate a small province under ``home``, run the pipeline once, yield its settings."""
    previous = os.environ.get("JINGFEN_HOME")
    os.environ["JINGFEN_HOME"] = str(home)
    try:
        settings = Settings.from_env()
        generate(settings.landing, users=150, months=2, seed=seed, start="202601",
                 provinces=["571"], defects=defects, progress=lambda _m: None)  # fmt: skip
        from orchestration.runner import run_pipeline

        run_pipeline(settings, say=lambda _m: None)
        yield settings
    finally:
        if previous is None:
            os.environ.pop("JINGFEN_HOME", None)
        else:
            os.environ["JINGFEN_HOME"] = previous


def copy_home(settings: Settings, target: Path) -> Settings:
    """A copy of the lake, ops.duckdb and warehouse.duckdb, to break without harm."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(settings.lake, target / "lake")
    for name in ("ops.duckdb", "warehouse.duckdb"):
        shutil.copyfile(settings.home / name, target / name)
    return Settings(home=target, memory_limit=settings.memory_limit, threads=settings.threads)


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def execute(path: Path, sql: str) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(sql)
    finally:
        con.close()


def dbt_test(settings: Settings, *select: str) -> dict[str, CheckResult]:
    """``dbt test --select ...`` on the warehouse of ``settings`` (a copy, broken on purpose), as
    the pipeline reads it: the quality results of run_results.json, by test name."""
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), "test", "--select", *select,
               "--project-dir", str(WAREHOUSE), "--profiles-dir", str(WAREHOUSE)]  # fmt: skip
    env = {**os.environ, **settings.dbt_environment()}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode in (0, 1), done.stdout[-4000:] + done.stderr[-2000:]
    target = settings.dbt_target
    run_results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    return {r.check_name: r for r in run_results_as_checks(settings, run_results, manifest)}
