"""Jobs that fail a blocking check, run out of memory in a step or in a check; the alert sensor."""

import duckdb
from dagster import AssetCheckResult, Definitions, asset, asset_check, define_asset_job

from core.settings import Settings
from data_quality.checks import _guarded
from data_quality.results import BLOCKING
from orchestration.alerts import alert_on_run_failure
from orchestration.failures import infrastructure_retries


@asset
def numbers() -> None:
    """Stands in for a built table."""


@asset_check(asset=numbers, blocking=True)
def numbers_are_positive() -> AssetCheckResult:
    return AssetCheckResult(passed=False, description="3 rows are negative")


def _exhaust_memory() -> None:
    con = duckdb.connect(config={"memory_limit": "2MB", "threads": 1})
    con.execute("select sum(x::int) from (select range::varchar x from range(5000000) order by x)")


@asset
def hungry() -> None:
    with infrastructure_retries("the test build", Settings.from_env()):
        _exhaust_memory()


@asset
def counted() -> None:
    """A table whose check cannot be computed in the memory it is given."""


@asset_check(asset=counted, blocking=True)
def counted_is_complete() -> AssetCheckResult:
    # as orchestration/quality/checks.py reports a check that could not be computed
    result = _guarded("counted_is_complete", "counted", BLOCKING, _exhaust_memory)
    return AssetCheckResult(
        passed=result.passed, description=result.summary, metadata={"details": result.details}
    )


gated_job = define_asset_job("gated", selection=[numbers])
hungry_job = define_asset_job("hungry_job", selection=[hungry])
counted_job = define_asset_job("counted_job", selection=[counted])

defs = Definitions(
    assets=[numbers, hungry, counted],
    asset_checks=[numbers_are_positive, counted_is_complete],
    jobs=[gated_job, hungry_job, counted_job],
    sensors=[alert_on_run_failure],
)
