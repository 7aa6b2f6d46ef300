"""The figures of the weekly flash: the latest 7 days against the 7 before them.

The days are ``indicators.flash_daily`` of the scope (a day without a row had nothing: zeros);
the week sums those days, and a week's change rate is change / |last week|, rounded to 6 places
half away from zero, as every published change rate is.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from core.errors import JingfenError
from core.settings import Settings
from reports.reader import Reader, open_reader, published_at
from reports.tables import CHANGE, DEC2, INT, YUAN, Column, FlashFigures, Table

# The columns of flash_daily the flash shows, in order, with how each is written.
DAILY_COLUMNS = (
    ("active_users", INT),
    ("opens", INT),
    ("cancels", INT),
    ("calls", INT),
    ("voice_minutes", DEC2),
    ("sms_sent", INT),
    ("data_mb", DEC2),
    ("collected", YUAN),
)
WEEK = 7
RATE_PLACES = Decimal("0.000001")
TWO_PLACES = Decimal("0.01")


def _rate(change: Decimal, base: Decimal) -> Decimal | None:
    if base == 0:
        return None
    return (Decimal(change) / abs(Decimal(base))).quantize(RATE_PLACES, ROUND_HALF_UP)


def _end_date(reader: Reader) -> dt.date:
    found = reader.one(
        "select max(usage_date) from indicators.traffic_by_day where " + reader.province_filter,
        reader.scope_params,
    )
    if not found or found[0] is None:
        raise JingfenError(
            "The published copy has no daily traffic yet, so there is no week to report: "
            "run 'jingfen run' first."
        )
    return found[0]


def _daily(reader: Reader, days: list[dt.date]) -> Table:
    names = [name for name, _ in DAILY_COLUMNS]
    found = {
        row[0]: row[1:]
        for row in reader.rows(
            "select flash_date, " + ", ".join(names) + " from indicators.flash_daily "
            "where flash_date between ? and ? and " + reader.level_filter,
            [days[0], days[-1], *reader.level_params],
        )
    }
    nothing = tuple(Decimal("0.00") if kind != INT else 0 for _, kind in DAILY_COLUMNS)
    return Table(
        "daily",
        "逐日明细",
        "Day by day",
        (
            reader.column("flash_daily", "flash_date", key="date"),
            *(reader.column("flash_daily", name, kind) for name, kind in DAILY_COLUMNS),
        ),
        [(day, *found.get(day, nothing)) for day in days],
    )


def _summary(reader: Reader, daily: Table, days: list[dt.date]) -> Table:
    latest = reader.one(
        "select stat_month, users_on_net from indicators.kpi_monthly_rollup where "
        + reader.level_filter
        + " and users_on_net > 0 order by stat_month desc limit 1",
        reader.level_params,
    )
    rows = []
    if latest:
        rows.append((f"在网用户数 Users on net ({latest[0]})", INT, latest[1], None, None, None))
    for column in daily.columns[1:]:
        values = daily.column(column.key)
        this_week, last_week = sum(values[WEEK:]), sum(values[:WEEK])
        name, kind = f"{column.zh} {column.en}", column.kind
        if column.key == "active_users":
            # Distinct users per day do not add up over a week: show the daily average.
            this_week = (Decimal(this_week) / WEEK).quantize(TWO_PLACES, ROUND_HALF_UP)
            last_week = (Decimal(last_week) / WEEK).quantize(TWO_PLACES, ROUND_HALF_UP)
            name, kind = "日均活跃用户数 Active users (daily average)", DEC2
        change = this_week - last_week
        rows.append((name, kind, this_week, last_week, change, _rate(change, last_week)))
    return Table(
        "summary",
        "本周与上周",
        "This week against last week",
        (
            Column("indicator", "指标", "Indicator"),
            Column("kind", "类型", "Kind"),
            Column("this_week", "本周", "This week"),
            Column("last_week", "上周", "Last week"),
            Column("change", "变化", "Change"),
            Column("change_rate", "变化率", "Change rate", CHANGE),
        ),
        rows,
        note=f"本周 {days[7]:%m-%d}~{days[13]:%m-%d}, 上周 {days[0]:%m-%d}~{days[6]:%m-%d}",
    )


def load_flash(
    settings: Settings, end_date: dt.date | None = None, province: str | None = None
) -> FlashFigures:
    """The weekly flash: the latest 7 days against the 7 before them."""
    with open_reader(settings, province) as reader:
        end_date = end_date or _end_date(reader)
        days = [end_date - dt.timedelta(days=2 * WEEK - 1 - i) for i in range(2 * WEEK)]
        daily = _daily(reader, days)
        return FlashFigures(
            end_date=end_date,
            scope=reader.scope,
            scope_name=reader.scope_name,
            published_at=published_at(settings),
            summary=_summary(reader, daily, days),
            daily=daily,
        )
