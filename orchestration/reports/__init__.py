"""Scheduled management reports: the monthly report after month close and the weekly flash."""

from dagster import Definitions

from orchestration.reports.assets import report_assets, report_jobs
from orchestration.reports.schedules import report_schedules
from orchestration.resources import JingfenHome

# orchestration/definitions.py merges these lists; reports_defs is the domain on its own, so its
# tests need not load the dbt project.
reports_defs = Definitions(
    assets=report_assets,
    jobs=report_jobs,
    schedules=report_schedules,
    resources={"home": JingfenHome()},
)

__all__ = ["report_assets", "report_jobs", "report_schedules", "reports_defs"]
