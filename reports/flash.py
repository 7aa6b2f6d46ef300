"""The figures of the weekly flash: the latest 7 days against the 7 before them.

The days are ``indicators.flash_daily`` of the scope (a day without a row had nothing: zeros),
the weeks ``indicators.flash_weekly`` (a week end without rows had nothing in either week).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from core.errors import JingfenError
from core.settings import Settings
from reports.reader import Reader, open_reader, published_at
from reports.tables import CHANGE, DEC2, INT, YUAN, FlashFigures, Table

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
# The indicators of flash_weekly the flash shows, in order: active users as their daily average,
# net opens (opens minus cancels) after the two they come from.
WEEKLY = (("avg_active_users", DEC2), *DAILY_COLUMNS[1:3], ("net_opens", INT), *DAILY_COLUMNS[3:])
WEEK = 7


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


def _summary(
    reader: Reader, end_date: dt.date, days: list[dt.date]
) -> tuple[Table, list[str], dict[str, tuple]]:
    """The weeks' table, the kind of each of its rows (a row's unit is its indicator's) and the
    figures of each indicator by code."""
    latest = reader.one(
        "select stat_month, users_on_net from indicators.kpi_monthly_rollup where "
        + reader.level_filter
        + " and users_on_net > 0 order by stat_month desc limit 1",
        reader.level_params,
    )
    # A week's sum is named as the day column it adds up; the daily average, which no day column
    # is, as the dictionary names it.
    names = {
        code: f"{zh} {en}"
        for code, zh, en in reader.rows(
            "select indicator_code, name_zh, name_en from indicators.dictionary"
        )
    }
    for code, _ in DAILY_COLUMNS:
        day_column = reader.column("flash_daily", code)
        names[code] = f"{day_column.zh} {day_column.en}"
    weeks = {
        code: figures
        for code, *figures in reader.rows(
            "select indicator_code, this_week, last_week, wow_change, wow_change_rate "
            "from indicators.flash_weekly where week_end = ? and " + reader.level_filter,
            [end_date, *reader.level_params],
        )
    }
    rows, kinds, by_code = [], [], {}
    if latest:
        users = reader.column("kpi_monthly_rollup", "users_on_net")
        rows.append((f"{users.zh} {users.en} ({latest[0]})", latest[1], None, None, None))
        kinds.append(INT)
    for code, kind in WEEKLY:
        this_week, last_week, change, rate = weeks.get(code, (0, 0, 0, None))
        if kind == INT:
            this_week, last_week, change = int(this_week), int(last_week), int(change)
        rows.append((names.get(code, code), this_week, last_week, change, rate))
        kinds.append(kind)
        by_code[code] = (this_week, last_week, change, rate)
    column = partial(reader.column, "flash_weekly")
    table = Table(
        "summary",
        "本周与上周",
        "This week against last week",
        (
            column("indicator_code", key="indicator"),
            column("this_week"),
            column("last_week"),
            column("wow_change", key="change"),
            column("wow_change_rate", CHANGE, key="change_rate"),
        ),
        rows,
        note=f"本周 {days[7]:%m-%d}~{days[13]:%m-%d}, 上周 {days[0]:%m-%d}~{days[6]:%m-%d}",
    )
    return table, kinds, by_code


def load_flash(
    settings: Settings, end_date: dt.date | None = None, province: str | None = None
) -> FlashFigures:
    """The weekly flash: the latest 7 days against the 7 before them."""
    with open_reader(settings, province) as reader:
        end_date = end_date or _end_date(reader)
        days = [end_date - dt.timedelta(days=2 * WEEK - 1 - i) for i in range(2 * WEEK)]
        summary, kinds, weeks = _summary(reader, end_date, days)
        return FlashFigures(
            end_date=end_date,
            scope=reader.scope,
            scope_name=reader.scope_name,
            published_at=published_at(settings),
            summary=summary,
            summary_kinds=kinds,
            weeks=weeks,
            daily=_daily(reader, days),
        )
