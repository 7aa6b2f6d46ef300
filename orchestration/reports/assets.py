"""The report assets: files under $JINGFEN_HOME/reports, mailed to JINGFEN_REPORT_RECIPIENTS.

The work itself is plain Python in reports/ (the CLI runs the same functions); these assets only
choose the month, call it and record what was written and to whom it went.
"""

import datetime as dt

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
    define_asset_job,
)

from core.months import month_add
from orchestration.resources import JingfenHome
from reports import ReportFiles, build_flash, build_report, send_report
from reports.mail import report_recipients

PUBLISHED = AssetKey(["published", "serving"])


class MonthlyReportConfig(Config):
    month: str = ""
    """The month YYYYMM; empty means the month before today's."""
    province: str = ""
    """One province code; empty means every province of the published copy."""
    send: bool = True
    """Mail the files to JINGFEN_REPORT_RECIPIENTS (when it names anyone)."""


class WeeklyFlashConfig(Config):
    end_date: str = ""
    """The last day YYYY-MM-DD of the week; empty means the latest day with published traffic."""
    province: str = ""
    send: bool = True


def previous_month(today: dt.date) -> str:
    return month_add(f"{today:%Y%m}", -1)


def _deliver(context: AssetExecutionContext, home: JingfenHome, files: ReportFiles, send: bool):
    recipients = report_recipients(home.settings)
    if send and recipients:
        send_report(home.settings, files, recipients, say=context.log.info)
    elif send:
        context.log.warning(
            "JINGFEN_REPORT_RECIPIENTS is empty: the report was written but not mailed."
        )
    return {
        "pdf": MetadataValue.path(str(files.pdf)),
        "xlsx": MetadataValue.path(str(files.xlsx)),
        "mailed_to": ", ".join(recipients) if send and recipients else "(not mailed)",
        "summary": MetadataValue.md("\n".join(f"- {line}" for line in files.summary)),
    }


@asset(
    key=AssetKey(["reports", "monthly_report"]),
    deps=[PUBLISHED],
    group_name="reports",
    kinds={"pdf", "excel"},
    description="经营分析月报: the month's key indicators with MoM/YoY, trend, cities, churn, "
    "groups, VIP, collections, arrears and data quality, as PDF and Excel from the published "
    "copy, mailed to JINGFEN_REPORT_RECIPIENTS.",
)
def monthly_report(
    context: AssetExecutionContext, config: MonthlyReportConfig, home: JingfenHome
) -> MaterializeResult:
    month = config.month or previous_month(dt.date.today())
    files = build_report(
        home.settings, month, say=context.log.info, province=config.province or None
    )
    metadata = _deliver(context, home, files, config.send)
    return MaterializeResult(metadata={"month": month, **metadata})


@asset(
    key=AssetKey(["reports", "weekly_flash"]),
    deps=[PUBLISHED],
    group_name="reports",
    kinds={"pdf", "excel"},
    description="经营快报 (weekly flash): users, opens, churn, traffic and collections of the "
    "latest 7 days against the 7 before, from the published copy.",
)
def weekly_flash(
    context: AssetExecutionContext, config: WeeklyFlashConfig, home: JingfenHome
) -> MaterializeResult:
    end_date = dt.date.fromisoformat(config.end_date) if config.end_date else None
    files = build_flash(
        home.settings, say=context.log.info, end_date=end_date, province=config.province or None
    )
    metadata = _deliver(context, home, files, config.send)
    return MaterializeResult(metadata=metadata)


report_assets = [monthly_report, weekly_flash]

monthly_report_job = define_asset_job(
    "monthly_report",
    selection=AssetSelection.assets(monthly_report),
    description="Build the monthly management report from the published copy and mail it.",
)
weekly_flash_job = define_asset_job(
    "weekly_flash",
    selection=AssetSelection.assets(weekly_flash),
    description="Build the weekly flash from the published copy and mail it.",
)
report_jobs = [monthly_report_job, weekly_flash_job]
