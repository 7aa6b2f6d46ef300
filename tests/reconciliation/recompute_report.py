"""The report's tables (brand_changes, city_ranking, vip_tier_summary, reentry_summary,
flash_weekly) recomputed in plain Python from the recomputed indicators (recompute.py,
recompute_finance.py, recompute_users.py, recompute_usage.py): nothing here reads the lake or the
warehouse. Sums are exact; every average and rate is an exact fraction rounded once, half away
from zero (``rounded``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from tests.reconciliation.recompute import ALL, Recomputation, add_months, rounded
from tests.reconciliation.recompute_usage import traffic_by_day

LEVELS = ("province", "all")
VIP_TIERS = ("DIAMOND", "GOLD", "SILVER")
FLASH_SUMS = ("opens", "cancels", "calls", "voice_minutes", "sms_sent", "data_mb", "collected")
# Every figure of flash_daily has at most 4 decimals: in ten-thousandths it is an integer.
TEN_THOUSANDTHS = 10**4


def _scopes(province: str) -> list[tuple[str, str]]:
    """The (level, province_code) rows a province's figures add to."""
    return [("province", province), ("all", ALL)]


def _against_previous_month(
    figures: dict[tuple, dict[str, object]], months: set[tuple], scope_parts: int
) -> dict[tuple, tuple[dict | None, dict | None]]:
    """(month, *key) -> (figures of M, figures of M-1) for each key with figures in M or M-1, for
    the months M of its scope: ``months`` holds (M, *key[:scope_parts])."""
    pairs: dict[tuple, tuple[dict | None, dict | None]] = {}
    for month, *key in figures:
        for this_month in (month, add_months(month, 1)):
            if (this_month, *key[:scope_parts]) in months:
                pairs[(this_month, *key)] = (
                    figures.get((this_month, *key)),
                    figures.get((add_months(this_month, -1), *key)),
                )
    return pairs


def _zero(value: object) -> object:
    return 0 if value is None else value


def brand_changes(kpi_monthly: dict[tuple, dict[str, object]]) -> dict[tuple, dict]:
    """(stat_month, level, province_code, brand) from kpi_monthly's (month, province, city,
    brand) rows: summed over cities, against M-1, for the months the level has."""
    summed: dict[tuple, dict[str, object]] = {}
    for (month, province, _city, brand), row in kpi_monthly.items():
        for level, scope in _scopes(province):
            total = summed.setdefault(
                (month, level, scope, brand),
                {"users_on_net": 0, "net_adds": 0, "billed_revenue": Decimal("0.00")},
            )
            for figure in total:
                total[figure] += row[figure]
    months = {key[:3] for key in summed}
    rows = {}
    for key, (now, before) in _against_previous_month(summed, months, 2).items():
        now, before = now or {}, before or {}
        rows[key] = {
            "users_on_net": now.get("users_on_net"),
            "net_adds": now.get("net_adds"),
            "billed_revenue": now.get("billed_revenue"),
            "previous_users_on_net": before.get("users_on_net"),
            "previous_billed_revenue": before.get("billed_revenue"),
            "users_on_net_change": _zero(now.get("users_on_net"))
            - _zero(before.get("users_on_net")),
            "billed_revenue_change": _zero(now.get("billed_revenue"))
            - _zero(before.get("billed_revenue")),
        }
    return rows


def city_ranking(rollup: dict[tuple, dict[str, object]]) -> dict[tuple, dict]:
    """(stat_month, province_code, city_code) from kpi_monthly_rollup's city rows, for every month
    of the all level: the city's figures, against M-1, ranked by billed revenue."""
    cities = {
        (month, province, city): row
        for (level, month, province, city, _brand), row in rollup.items()
        if level == "city"
    }
    months = {(month,) for (level, month, *_rest) in rollup if level == "all"}
    rows = {}
    for key, (now, before) in _against_previous_month(cities, months, 0).items():
        now, before = now or {}, before or {}
        change = _zero(now.get("billed_revenue")) - _zero(before.get("billed_revenue"))
        previous = before.get("billed_revenue")
        rows[key] = {
            **{f: now.get(f) for f in ("users_on_net", "net_adds", "churn_rate", "arpu")},
            "billed_revenue": now.get("billed_revenue"),
            "previous_users_on_net": before.get("users_on_net"),
            "previous_billed_revenue": previous,
            "users_on_net_change": _zero(now.get("users_on_net"))
            - _zero(before.get("users_on_net")),
            "billed_revenue_change": change,
            "billed_revenue_mom_rate": None
            if previous is None
            else rounded(int(change * 100), abs(int(previous * 100)), 6),
            "province_rank": None,
            "overall_rank": None,
        }

    def order(key: tuple) -> tuple:
        return (-rows[key]["billed_revenue"], -rows[key]["users_on_net"], key[1], key[2])

    ranked = sorted((k for k, row in rows.items() if row["billed_revenue"] is not None), key=order)
    seen: dict[tuple, int] = defaultdict(int)
    for key in ranked:
        for rank, group in (("overall_rank", (key[0],)), ("province_rank", key[:2])):
            seen[(rank, *group)] += 1
            rows[key][rank] = seen[(rank, *group)]
    return rows


def vip_tier_summary(
    values: dict[tuple, dict[str, object]],
    more: dict[tuple, dict[str, object]],
    rollup: dict[tuple, dict[str, object]],
) -> dict[tuple, dict]:
    """(stat_month, level, province_code, vip_tier) for every level row of kpi_monthly_rollup and
    VIP tier, from user_value_monthly's (month, province, user_id) rows (``values``: the tier and
    avg_revenue_6m; ``more``: billed_revenue)."""
    users: dict[tuple, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for (month, province, user_id), row in values.items():
        if row["vip_tier"] is None:
            continue
        billed = more[(month, province, user_id)]["billed_revenue"]
        for level, scope in _scopes(province):
            users[(month, level, scope, row["vip_tier"])].append((billed, row["avg_revenue_6m"]))
    rows = {}
    for level, month, province, _city, _brand in rollup:
        if level not in LEVELS:
            continue
        for tier in VIP_TIERS:
            found = users.get((month, level, province, tier), [])
            rows[(month, level, province, tier)] = {
                "vip_users": len(found),
                "billed_revenue": sum((b for b, _a in found), Decimal("0.00")),
                "avg_revenue_6m": rounded(
                    sum(int(a * 100) for _b, a in found), 100 * len(found), 2
                ),
            }
    return rows


def reentry_summary(reentries: dict[tuple, dict[str, object]]) -> dict[tuple, dict]:
    """(stat_month, level, province_code, city_code) from reentry_list's rows."""
    days: dict[tuple, list[int]] = defaultdict(list)
    for (province, _event), row in reentries.items():
        for level, scope in _scopes(province):
            days[(row["stat_month"], level, scope, row["city_code"])].append(
                row["days_since_cancel"]
            )
    return {
        key: {
            "reentry_users": len(found),
            "avg_days_since_cancel": rounded(sum(found), len(found), 2),
            "min_days_since_cancel": min(found),
        }
        for key, found in days.items()
    }


def flash_days(rec: Recomputation) -> dict[tuple[date, str, str], dict[str, int]]:
    """(day, level, province_code) -> flash_daily's figures of the day, in ten-thousandths:
    traffic_by_day's, the distinct users opened and cancelled (by the event's date), and the
    payments of the day that are not write-offs."""
    days: dict[tuple, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("active_users", *FLASH_SUMS), 0)
    )

    def add(day: date, province: str, figure: str, amount: int) -> None:
        for level, scope in _scopes(province):
            days[(day, level, scope)][figure] += amount

    def as_date(text: str) -> date:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))

    for (day, province), row in traffic_by_day(rec).items():
        for figure in ("active_users", "calls", "voice_minutes", "sms_sent", "data_mb"):
            add(day, province, figure, int(row[figure] * TEN_THOUSANDTHS))
    users: dict[tuple, set[str]] = defaultdict(set)
    for event in rec.x.events["EVENT"]:
        if event["event_type"] in ("OPEN", "CANCEL"):
            figure = "opens" if event["event_type"] == "OPEN" else "cancels"
            users[(as_date(event["event_time"]), event["province"], figure)].add(event["user_id"])
    for (day, province, figure), found in users.items():
        add(day, province, figure, len(found) * TEN_THOUSANDTHS)
    for payment in rec.x.events["PAYMENT"]:
        if payment["pay_type"] != "WRITEOFF":
            add(as_date(payment["pay_time"]), payment["province"], "collected",
                int(payment["amount_fen"]) * 100)  # fmt: skip
    return days


def flash_weekly(rec: Recomputation) -> dict[tuple, dict]:
    """(week_end, level, province_code, indicator_code) for every day up to 13 days after a day of
    flash_daily: this week (week_end - 6 .. week_end), last week (the 7 days before), the change
    and its rate; active users as avg_active_users, their sum over 7 rounded to 2 decimals;
    net_opens, opens minus cancels."""
    days = flash_days(rec)
    ends = {
        (day + timedelta(days=k), level, scope) for day, level, scope in days for k in range(14)
    }
    rows = {}
    for end, level, scope in ends:
        weeks = [
            [days.get((end - timedelta(days=k + 7 * w), level, scope)) for k in range(7)]
            for w in (0, 1)
        ]
        sums = {
            figure: [sum(d[figure] for d in week if d) for week in weeks]
            for figure in ("active_users", *FLASH_SUMS)
        }
        figures = {
            "avg_active_users": [
                rounded(s, 7 * TEN_THOUSANDTHS, 2) for s in sums.pop("active_users")
            ]
        }
        figures |= {f: [Decimal(s).scaleb(-4) for s in pair] for f, pair in sums.items()}
        opens, cancels = figures["opens"], figures["cancels"]
        figures["net_opens"] = [o - c for o, c in zip(opens, cancels, strict=True)]
        for code, (this_week, last_week) in figures.items():
            change = this_week - last_week
            rows[(end, level, scope, code)] = {
                "this_week": this_week,
                "last_week": last_week,
                "wow_change": change,
                "wow_change_rate": rounded(
                    int(change * TEN_THOUSANDTHS), abs(int(last_week * TEN_THOUSANDTHS)), 6
                ),
            }
    return rows
