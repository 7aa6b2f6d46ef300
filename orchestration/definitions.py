"""The one Dagster entry point: every domain's assets, checks, jobs, schedules and sensors."""

from dagster import Definitions

from orchestration.alerts import alert_on_run_failure
from orchestration.ingestion.assets import lake_assets
from orchestration.ingestion.jobs import INGEST_JOBS
from orchestration.ingestion.sensors import landing_sensor
from orchestration.publication.assets import published_copy
from orchestration.quality import quality_checks
from orchestration.reports import report_assets, report_jobs, report_schedules
from orchestration.resources import JingfenHome
from orchestration.warehouse.assets import warehouse_models
from orchestration.warehouse.jobs import build_and_publish_job
from orchestration.warehouse.resources import dbt
from orchestration.warehouse.schedules import daily_build, month_close
from orchestration.warehouse.sensors import build_after_ingestion

defs = Definitions(
    assets=[*lake_assets, warehouse_models, published_copy, *report_assets],
    asset_checks=[*quality_checks],
    jobs=[*INGEST_JOBS.values(), build_and_publish_job, *report_jobs],
    schedules=[daily_build, month_close, *report_schedules],
    sensors=[landing_sensor, build_after_ingestion, alert_on_run_failure],
    resources={"home": JingfenHome(), "dbt": dbt},
)
