"""Ingestion jobs: one per partitions definition, since a run covers only one."""

from dagster import AssetSelection, define_asset_job

from core.contract import ALL_INTERFACES, Period
from orchestration.ingestion.assets import lake_key


def _lake_selection(period: Period) -> AssetSelection:
    # The lake's quality checks judge every interface together: they run once, in the build.
    return AssetSelection.assets(
        *(lake_key(code) for code, iface in ALL_INTERFACES.items() if iface.period is period)
    ).without_checks()


ingest_daily_job = define_asset_job(
    "ingest_daily",
    selection=_lake_selection(Period.DAY),
    description="Load the ready deliveries of the daily interfaces for the selected data dates.",
)
ingest_monthly_job = define_asset_job(
    "ingest_monthly",
    selection=_lake_selection(Period.MONTH),
    description="Load the ready deliveries of the monthly interfaces for the selected months.",
)
ingest_yearly_job = define_asset_job(
    "ingest_yearly",
    selection=_lake_selection(Period.YEAR),
    description="Load the ready deliveries of the yearly plans (TARGET) for the selected years.",
)
INGEST_JOBS = {
    Period.DAY: ingest_daily_job,
    Period.MONTH: ingest_monthly_job,
    Period.YEAR: ingest_yearly_job,
}
