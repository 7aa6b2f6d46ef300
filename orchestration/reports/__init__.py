"""Scheduled management reports: the monthly report after month close and the weekly flash."""

from dagster import Definitions

from orchestration.reports.assets import report_assets, report_jobs
from orchestration.reports.schedules import report_schedules
from orchestration.resources import JingfenHome

# Merge into orchestration/definitions.py: assets=[..., *report_assets], jobs=[..., *report_jobs],
# schedules=[..., *report_schedules]. reports_defs stands alone (tests, `dagster dev -m`).
reports_defs = Definitions(
    assets=report_assets,
    jobs=report_jobs,
    schedules=report_schedules,
    resources={"home": JingfenHome()},
)

__all__ = ["report_assets", "report_jobs", "report_schedules", "reports_defs"]
