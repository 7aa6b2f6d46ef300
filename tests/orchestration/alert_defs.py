"""A job that fails its blocking check, a job that runs out of memory, and the alert sensor."""

import duckdb
from dagster import AssetCheckResult, Definitions, asset, asset_check, define_asset_job

from jingfen.settings import Settings
from orchestration.alerts import alert_on_run_failure
from orchestration.failures import infrastructure_retries


@asset
def numbers() -> None:
    """Stands in for a built table."""


@asset_check(asset=numbers, blocking=True)
def numbers_are_positive() -> AssetCheckResult:
    return AssetCheckResult(passed=False, description="3 rows are negative")


@asset
def hungry() -> None:
    with infrastructure_retries("the test build", Settings.from_env()):
        con = duckdb.connect(config={"memory_limit": "2MB", "threads": 1})
        con.execute(
            "select sum(x::int) from (select range::varchar x from range(5000000) order by x)"
        )


gated_job = define_asset_job("gated", selection=[numbers])
hungry_job = define_asset_job("hungry_job", selection=[hungry])

defs = Definitions(
    assets=[numbers, hungry],
    asset_checks=[numbers_are_positive],
    jobs=[gated_job, hungry_job],
    sensors=[alert_on_run_failure],
)
