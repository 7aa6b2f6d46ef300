"""The dashboards, described compactly: one module per dashboard, with the datasets it owns.

`dashboards/bundle.py` turns this description into Superset's export format under
`dashboards/bundle/` (`make bundle`); a test checks the committed files are its output. Every
chart reads a table of the published copy that dbt built for it (schema ``presentation``: an
indicators table with its codes' labels joined from the seeds), or a small ``ops`` table; its
size follows cities x months x segments, not users, so a query stays well under a second in a
province of millions. Column labels come from the dbt YAML (``meta.label_zh``).
"""

from __future__ import annotations

from dashboards.spec import finance, groups, growth, kpi, overview, quality, traffic, vip
from dashboards.spec.vocabulary import Chart, Column, Dashboard, Dataset, Metric

DATABASE_NAME = "经分发布库"

DATASETS: tuple[Dataset, ...] = (
    *kpi.DATASETS,
    *growth.DATASETS,
    *traffic.DATASETS,
    *finance.DATASETS,
    *groups.DATASETS,
    *vip.DATASETS,
    *quality.DATASETS,
)
DATASETS_BY_KEY = {d.key: d for d in DATASETS}

DASHBOARDS: tuple[Dashboard, ...] = (
    overview.DASHBOARD,
    growth.DASHBOARD,
    traffic.DASHBOARD,
    finance.DASHBOARD,
    groups.DASHBOARD,
    vip.DASHBOARD,
    quality.DASHBOARD,
)

__all__ = [
    "DASHBOARDS",
    "DATABASE_NAME",
    "DATASETS",
    "DATASETS_BY_KEY",
    "Chart",
    "Column",
    "Dashboard",
    "Dataset",
    "Metric",
]
