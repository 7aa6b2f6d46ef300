"""When the warehouse is rebuilt without waiting for an ingestion run to ask for it."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.warehouse.jobs import build_and_publish_job

# Daily interfaces are due by 06:00 for the day before (docs/interfaces.md).
daily_build = ScheduleDefinition(
    name="daily_build",
    job=build_and_publish_job,
    cron_schedule="30 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.RUNNING,
    description="06:30 every day: build and publish after the night's deliveries.",
)

# Monthly snapshots and BILL are due by the 3rd: close the month once they are in.
month_close = ScheduleDefinition(
    name="month_close",
    job=build_and_publish_job,
    cron_schedule="0 8 3 * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.RUNNING,
    description="08:00 on the 3rd: the month-close build once BILL and the snapshots arrived.",
)
