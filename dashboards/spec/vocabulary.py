"""The words the dashboards are described in: columns, metrics, datasets, charts, dashboards.

A chart names its dataset, metrics and columns by key; dashboards/bundle.py turns these values
into Superset's export format. Chart builders (``kpi``, ``trend``, ``bars``, ``pie``, ``table``,
``pivot``) and metric builders (``total``, ``ratio``, ``widest``) keep each dashboard module short.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import JingfenError

# What a dashboard shows where a completion is NULL because no target was delivered (or a target
# of 0): never 0% or a blank cell (docs/indicators.md "Year to date and targets").
NO_TARGET = "未下达目标"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    label: str
    is_dttm: bool = False


@dataclass(frozen=True)
class Metric:
    """A saved metric. Without ``label`` it is named after ``column``'s label (the column it
    sums, or the same-named column a ratio recomputes), so the name lives with the column."""

    name: str
    expression: str
    d3format: str | None = None
    label: str | None = None
    column: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A table of the published copy Superset reads: ``table`` (schema.table, a physical
    dataset) or ``sql`` (a virtual one, only for the ops tables that dbt does not build)."""

    key: str
    description: str
    columns: tuple[Column, ...]
    metrics: tuple[Metric, ...]
    table: str | None = None
    sql: str | None = None
    model: str | None = None  # the dbt model behind ``table``, for the exposures
    city_column: str | None = None  # row-level security applies here; None: province-wide
    main_dttm: str | None = None

    @property
    def table_name(self) -> str:
        return self.table.split(".")[1] if self.table else self.key

    @property
    def schema(self) -> str:
        return self.table.split(".")[0] if self.table else "indicators"

    def has(self, column: str) -> bool:
        return any(c.name == column for c in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise JingfenError(f"The dataset {self.key} has no column {name}.")

    def metric_label(self, metric: Metric) -> str:
        if metric.label is not None:
            return metric.label
        if metric.column is None:
            raise JingfenError(f"The metric {metric.name} of {self.key} needs a label or a column.")
        return self.column(metric.column).label


@dataclass(frozen=True)
class Chart:
    """One chart. ``kind``: kpi, line, bar, pie, table, raw, pivot."""

    key: str
    title: str
    dataset: str
    kind: str
    metrics: tuple[str, ...] = ()
    groupby: tuple[str, ...] = ()
    x: str | None = None  # line/bar: the x axis (month_start for trends, a category otherwise)
    columns: tuple[str, ...] = ()  # pivot: column dimension; table raw mode: the columns shown
    filters: tuple[tuple[str, str, str], ...] = ()  # (column, operator, value)
    order_by: str | None = None
    descending: bool = True
    row_limit: int = 1000
    stack: bool = False
    width: int = 4
    height: int = 50
    description: str = ""
    trend: bool = False  # a trend over months: the month filter leaves it alone


@dataclass(frozen=True)
class Dashboard:
    """Rows of charts (widths add up to 12) and native filters on the named columns; each filter
    is named after its column's label."""

    key: str
    title: str
    slug: str
    description: str
    rows: tuple[tuple[Chart, ...], ...]
    filters: tuple[str, ...] = ("stat_month", "city_name", "brand_name")
    charts: tuple[Chart, ...] = field(default=(), init=False)

    def __post_init__(self):
        object.__setattr__(self, "charts", tuple(c for row in self.rows for c in row))


# --- metrics -------------------------------------------------------------------------------------


def total(column: str, d3format: str = ",d", name: str | None = None, label: str | None = None):
    """SUM(column), named after the column unless ``name`` / ``label`` say otherwise."""
    return Metric(name or column, f"SUM({column})", d3format, label, column)


def ratio(name: str, numerator: str, denominator: str, d3format: str = ",.2f", label=None):
    """A ratio recomputed from summed parts, never averaged (indicators.md); without ``label``
    it takes the label of the column ``name`` (arpu, mou, ...)."""
    expression = f"SUM({numerator}) / NULLIF(SUM({denominator}), 0)"
    return Metric(name, expression, d3format, label, name)


def widest(name: str, column: str, d3format: str | None) -> Metric:
    """``column`` on the widest level among the rows the viewer may see (level_rank), so that one
    chart shows province-wide changes to a manager and a city's own to that city's analyst.
    ARG_MAX_NULL, not ARG_MAX: a NULL change of the widest level must stay NULL, not give way to a
    narrower level's value."""
    return Metric(name, f"ARG_MAX_NULL({column}, level_rank)", d3format, column=column)


def count(name: str, label: str, condition: str | None = None) -> Metric:
    expression = f"COUNT(*) FILTER (WHERE {condition})" if condition else "COUNT(*)"
    return Metric(name, expression, ",d", label)


# --- charts --------------------------------------------------------------------------------------


def kpi(key, title, dataset, metric, **options) -> Chart:
    options.setdefault("width", 2)
    options.setdefault("height", 25)
    return Chart(key, title, dataset, "kpi", metrics=(metric,), **options)


def trend(key, title, dataset, metrics, groupby=(), x="month_start", kind="line", **options):
    return Chart(key, title, dataset, kind, metrics=tuple(metrics), groupby=tuple(groupby), x=x,
                 trend=True, **options)  # fmt: skip


def bars(key, title, dataset, metrics, x, groupby=(), **options) -> Chart:
    return Chart(key, title, dataset, "bar", metrics=tuple(metrics), x=x, groupby=tuple(groupby),
                 **options)  # fmt: skip


def pie(key, title, dataset, metric, groupby, **options) -> Chart:
    return Chart(key, title, dataset, "pie", metrics=(metric,), groupby=(groupby,), **options)


def table(key, title, dataset, metrics, groupby, **options) -> Chart:
    return Chart(key, title, dataset, "table", metrics=tuple(metrics), groupby=tuple(groupby),
                 **options)  # fmt: skip


def pivot(key, title, dataset, metrics, rows, columns=(), **options) -> Chart:
    return Chart(key, title, dataset, "pivot", metrics=tuple(metrics), groupby=tuple(rows),
                 columns=tuple(columns), **options)  # fmt: skip


def raw(key, title, dataset, columns, order_by, **options) -> Chart:
    """A table of rows as they are (no aggregation), ordered by one of its columns."""
    return Chart(key, title, dataset, "raw", columns=tuple(columns), order_by=order_by, **options)
