"""What a report shows: tables of typed columns, the key indicators, the figures of a report.

The PDF and the workbook render these and compute nothing themselves, so the two can never
disagree; reports.month and reports.flash fill them from the published copy (reports.reader).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ALL = "ALL"

# Column kinds: how a value is formatted (PDF) and number-formatted (Excel).
TEXT, INT, YUAN, RATIO, CHANGE, POINTS, DEC2 = (
    "text",
    "int",
    "yuan",
    "ratio",
    "change",
    "pp",
    "dec2",
)


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """One topic: a sheet of the workbook, a table of the PDF."""

    key: str
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    note: str = ""

    def column(self, key: str) -> list[Any]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


NO_TARGET = "未下达目标"  # a headline indicator without a delivered target: never 0%


@dataclass(frozen=True)
class Plan:
    """A headline indicator against the year's plan (indicators.target_progress)."""

    target_year: Decimal | None  # None: no whole-year target was delivered
    actual_ytd: Decimal | None
    completion_year: Decimal | None
    time_progress: Decimal
    progress_gap: Decimal | None


@dataclass(frozen=True)
class Indicator:
    """A key indicator of the month and its comparisons (None: nothing to compare with)."""

    code: str
    name_zh: str
    name_en: str
    kind: str
    value: Decimal | None
    previous_month: Decimal | None
    last_year: Decimal | None
    mom_change: Decimal | None
    mom_rate: Decimal | None
    yoy_change: Decimal | None
    yoy_rate: Decimal | None
    plan: Plan | None  # None where target_progress has no row (the level of every province)

    @property
    def compares_in_points(self) -> bool:
        """A ratio (churn rate) is compared in percentage points, not as a rate of a rate."""
        return self.kind == RATIO


@dataclass(frozen=True)
class Movement:
    """Where a change came from: the city or brand whose part of an indicator moved most."""

    indicator: str
    dimension: str  # "city" or "brand"
    label: str
    change: Decimal


@dataclass
class MonthFigures:
    month: str
    scope: str  # a province code or ALL
    scope_name: str
    published_at: dt.datetime
    indicators: list[Indicator]
    reentry_users: int  # 弃卡重入网 of the month, as kpi_monthly_rollup publishes it
    # The key-indicator table's headers, by key: indicator_code, name_zh, name_en, value, mom,
    # yoy, previous_month, last_year.
    indicator_columns: dict[str, Column] = field(default_factory=dict)
    # The plan table's headers, by target_progress column: target_year, actual_ytd, ...
    plan_columns: dict[str, Column] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    movements: list[Movement] = field(default_factory=list)
    growth_without_revenue: bool | None = None
    commentary: list[str] = field(default_factory=list)

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)


@dataclass
class FlashFigures:
    end_date: dt.date
    scope: str
    scope_name: str
    published_at: dt.datetime
    summary: Table
    summary_kinds: list[str]  # how each summary row's figures are written: its indicator's unit
    # (this week, last week, change, change rate) of each indicator of the summary, by code
    weeks: dict[str, tuple]
    daily: Table
    commentary: list[str] = field(default_factory=list)
