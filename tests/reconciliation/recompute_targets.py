"""indicators.target_progress recomputed from the extract records and the delivered plan.

indicators.md, "Year to date and targets", read literally: per month M, province and city (and
``ALL``, the province) every headline indicator's value of M, its year to date (flows summed over
the months January .. M that have a row, stocks taken at M, ratios recomputed from the
year-to-date parts), year on year against M-12, the month's and the whole year's target of the
TARGET delivery that was loaded last under its name, completion, time progress, gap and rank.
Completion divides the indicator's published value (rounded to its column's scale) by the target
and is rounded once to 6 places; no target, a target of 0 or no value: no completion, never 0.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from decimal import Decimal

from tests.reconciliation.recompute import ALL, PARTS, Recomputation, rounded

# Parts summed over the year (users_on_net is the stock of M, previous_users_on_net is summed
# over the months that have it).
FLOWS = tuple(p for p in PARTS if p not in ("users_on_net", "previous_users_on_net"))
# The headline indicators of kpi rows, as Recomputation.kpi_row names them.
KPI_INDICATORS = (
    "users_on_net", "new_users", "churned_users", "net_adds", "churn_rate", "billed_revenue",
    "late_fee_revenue", "arpu", "calls", "voice_minutes", "billed_minutes", "mou", "sms_sent",
    "data_mb", "dou",
)  # fmt: skip
FINANCE_FLOWS, FINANCE_STOCKS = ("collected", "bad_debt"), ("arrears", "doubtful_debt")
COLUMNS = ("actual", "target_month", "completion_month", "actual_ytd", "target_year",
           "completion_year", "time_progress", "progress_gap", "rank_in_province", "yoy",
           "yoy_ytd")  # fmt: skip


def micros(value: Decimal | int) -> int:
    return int(Decimal(value).scaleb(6))


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None:
        return None
    return rounded(micros(numerator), micros(denominator), 6)


def time_progress(month: str) -> Decimal:
    year, number = int(month[:4]), int(month[4:])
    days = sum(calendar.monthrange(year, m)[1] for m in range(1, number + 1))
    return rounded(days, 366 if calendar.isleap(year) else 365, 6)


def _ytd_row(parts: dict[str, int | None]) -> dict[str, object]:
    """Indicators of year-to-date parts: summed flows, the stock of M, ratios of the sums
    (churn_rate: the churned of the months that had a denominator, over those denominators)."""
    row = Recomputation.kpi_row({**parts, "previous_users_on_net": None})
    row["churn_rate"] = (
        None
        if parts["previous_users_on_net"] is None
        else rounded(parts["churned_rated"], parts["previous_users_on_net"], 6)
    )
    return row


def indicator_values(r: Recomputation, kpi_parts: dict) -> dict[tuple, tuple]:
    """(stat_month, province, city, indicator) -> (value of M, year to date)."""
    levels: dict[tuple[str, str, str], dict] = {}
    for (level, month, province, city, _brand), parts in r.rollup_parts(kpi_parts).items():
        if level in ("city", "province"):
            levels[(month, province, city)] = parts
    values: dict[tuple, tuple] = {}
    for (month, province, city), parts in levels.items():
        months = _year_so_far(levels, month, province, city)
        ytd = {f: sum(levels[(m, province, city)][f] for m in months) for f in FLOWS}
        rated = [levels[(m, province, city)] for m in months]
        rated = [p for p in rated if p["previous_users_on_net"] is not None]
        ytd["previous_users_on_net"] = (
            sum(p["previous_users_on_net"] for p in rated) if rated else None
        )
        ytd["churned_rated"] = sum(p["churned_users"] for p in rated)
        ytd["users_on_net"] = parts["users_on_net"]
        now, to_date = r.kpi_row(parts), _ytd_row(ytd)
        for indicator in KPI_INDICATORS:
            values[(month, province, city, indicator)] = (now[indicator], to_date[indicator])
    finance = r.finance_monthly()
    for (month, province, city), _parts in levels.items():
        if city != ALL:
            continue
        months = _year_so_far(levels, month, province, ALL)
        for name in FINANCE_FLOWS:
            total = sum(finance[(m, province)][name] for m in months)
            values[(month, province, ALL, name)] = (finance[(month, province)][name], total)
        for name in FINANCE_STOCKS:
            value = finance[(month, province)][name]
            values[(month, province, ALL, name)] = (value, value)
    return values


def _year_so_far(levels: dict, month: str, province: str, city: str) -> list[str]:
    """The months January .. M of M's year that have a row on this level."""
    return [
        m for m, p, c in levels if (p, c) == (province, city) and m[:4] == month[:4] and m <= month
    ]


def targets(r: Recomputation) -> dict[tuple[str, str, str, str, str], Decimal]:
    """(province, year, month, city, indicator) -> target of the plan loaded last."""
    return {
        (t["province"], t["year"], t["month"], t["city_code"], t["indicator"]): Decimal(
            t["target_value"]
        )
        for t in r.x.events["TARGET"]
    }


def target_progress(r: Recomputation, kpi_parts: dict) -> dict[tuple, dict[str, object]]:
    values, plan = indicator_values(r, kpi_parts), targets(r)
    rows: dict[tuple, dict[str, object]] = {}
    for (month, province, city, indicator), figures in values.items():
        # one DECIMAL column holds every indicator's values, counts included
        actual, actual_ytd = (None if v is None else Decimal(v) for v in figures)
        year = month[:4]
        month_target = plan.get((province, year, month[4:], city, indicator))
        year_target = plan.get((province, year, "00", city, indicator))
        last = values.get((f"{int(year) - 1}{month[4:]}", province, city, indicator))
        completion_year = ratio(actual_ytd, year_target)
        progress = time_progress(month)
        rows[(month, province, city, indicator)] = {
            "actual": actual,
            "target_month": month_target,
            "completion_month": ratio(actual, month_target),
            "actual_ytd": actual_ytd,
            "target_year": year_target,
            "completion_year": completion_year,
            "time_progress": progress,
            "progress_gap": None if completion_year is None else completion_year - progress,
            "rank_in_province": None,
            "yoy": None if last is None else _less_one(ratio(actual, last[0])),
            "yoy_ytd": None if last is None else _less_one(ratio(actual_ytd, last[1])),
        }
    ranked: dict[tuple, list[tuple[Decimal, tuple]]] = defaultdict(list)
    for key, row in rows.items():
        if key[2] != ALL and row["completion_year"] is not None:
            ranked[(key[0], key[1], key[3])].append((row["completion_year"], key))
    for cities in ranked.values():
        for completion, key in cities:
            rows[key]["rank_in_province"] = 1 + sum(other > completion for other, _ in cities)
    return rows


def _less_one(value: Decimal | None) -> Decimal | None:
    return None if value is None else value - 1
