"""When the reports go out.

The monthly report waits for the month close: from the 3rd to the 10th, every hour, the schedule
looks whether the published copy holds the bills of last month (billed users > 0) and, the first
time it does, asks for one report run for that month (the run key keeps it to one). A month close
that fails at 08:00 and is repaired later therefore still gets its report, and never a report
built from a copy without the month's bills.
"""

from __future__ import annotations

from dagster import (
    DefaultScheduleStatus,
    RunConfig,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from core.errors import JingfenError
from orchestration.reports.assets import (
    MonthlyReportConfig,
    WeeklyFlashConfig,
    monthly_report_job,
    previous_month,
    weekly_flash_job,
)
from orchestration.resources import JingfenHome
from publication.publish import connect_published

MONTHLY_OP = "reports__monthly_report"
FLASH_OP = "reports__weekly_flash"


def month_is_closed(home: JingfenHome, month: str) -> bool:
    """True when the published copy holds the month's bills (the month close was published)."""
    try:
        con = connect_published(home.settings)
    except JingfenError:
        return False
    try:
        found = con.execute(
            "select count(*) from indicators.kpi_monthly_rollup "
            "where level = 'all' and stat_month = ? and billed_users > 0",
            [month],
        ).fetchone()
    except Exception:
        return False
    finally:
        con.close()
    return bool(found and found[0])


@schedule(
    name="monthly_report_after_close",
    job=monthly_report_job,
    cron_schedule="0 * 3-10 * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.RUNNING,
    description="From the 3rd to the 10th, hourly: once last month's close is published, build "
    "the monthly report and mail it (one run per month).",
)
def monthly_report_after_close(context: ScheduleEvaluationContext):
    month = previous_month(context.scheduled_execution_time.date())
    if not month_is_closed(JingfenHome(), month):
        return SkipReason(f"The published copy does not hold the bills of {month} yet.")
    return RunRequest(
        run_key=f"monthly_report:{month}",
        run_config=RunConfig(ops={MONTHLY_OP: MonthlyReportConfig(month=month)}),
        tags={"jingfen/report_month": month},
    )


@schedule(
    name="weekly_flash_monday",
    job=weekly_flash_job,
    cron_schedule="0 9 * * 1",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.RUNNING,
    description="09:00 on Mondays (after the daily build): the weekly flash of the latest days.",
)
def weekly_flash_monday(context: ScheduleEvaluationContext):
    day = context.scheduled_execution_time.date()
    return RunRequest(
        run_key=f"weekly_flash:{day.isoformat()}",
        run_config=RunConfig(ops={FLASH_OP: WeeklyFlashConfig()}),
    )


report_schedules = [monthly_report_after_close, weekly_flash_monday]
