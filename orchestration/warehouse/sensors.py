"""A finished ingestion run asks for a build, so new data reaches the published copy."""

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    RunStatusSensorContext,
    run_status_sensor,
)

from orchestration.ingestion.jobs import INGEST_JOBS
from orchestration.warehouse.jobs import build_and_publish_job


@run_status_sensor(
    run_status=DagsterRunStatus.SUCCESS,
    monitored_jobs=list(INGEST_JOBS.values()),
    request_job=build_and_publish_job,
    default_status=DefaultSensorStatus.RUNNING,
    description="After each successful ingestion run, build and publish.",
)
def build_after_ingestion(context: RunStatusSensorContext) -> RunRequest:
    return RunRequest(run_key=f"after:{context.dagster_run.run_id}")
