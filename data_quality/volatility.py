"""Volatility of the key indicators month over month, with a tolerance per indicator.

A province's total of the newest month is compared with the month before. Usage volumes are
compared per calendar day (February is not a 10 % drop in calls). A move beyond the tolerance is
a warning — the number may well be right, but somebody should look before the managers do — and
the result names the cities and brands that moved most, so the look starts in the right place.
"""

from __future__ import annotations

import calendar
from typing import Any

import pandas as pd

from data_quality.results import WARNING, CheckResult

# indicator → (tolerance as a relative change, compare per calendar day)
TOLERANCES: dict[str, tuple[float, bool]] = {
    "users_on_net": (0.02, False),
    "new_users": (0.50, False),
    "churned_users": (0.70, False),
    "billed_users": (0.05, False),
    "billed_revenue": (0.10, False),
    "arpu": (0.10, False),
    "calls": (0.20, True),
    "voice_minutes": (0.20, True),
    "sms_sent": (0.30, True),
    "data_mb": (0.30, True),
}
RATIO_PARTS = {"arpu": ("billed_revenue", "billed_users")}
# Below these bases (the month before, monthly totals) a relative move is noise, not news: a
# 150-user test province grows 15 % a month. ARPU is judged when billed_users reach their base.
MIN_BASE = {
    "users_on_net": 1000,
    "new_users": 100,
    "churned_users": 100,
    "billed_users": 1000,
    "billed_revenue": 50_000,
    "arpu": 1000,
    "calls": 50_000,
    "voice_minutes": 100_000,
    "sms_sent": 20_000,
    "data_mb": 100_000,
}
TOP_MOVERS = 3


def _days(month: str) -> int:
    return calendar.monthrange(int(month[:4]), int(month[4:]))[1]


def _totals(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    sums = [c for c in TOLERANCES if c not in RATIO_PARTS]
    parts = {p for pair in RATIO_PARTS.values() for p in pair}
    totals = frame.groupby(by, dropna=False)[sorted(set(sums) | parts)].sum().astype(float)
    for ratio, (num, den) in RATIO_PARTS.items():
        totals[ratio] = totals[num] / totals[den].where(totals[den] != 0)
    return totals


def _per_day(values: pd.Series, month: str, indicator: str) -> pd.Series:
    return values / _days(month) if TOLERANCES[indicator][1] else values


def _movers(
    frame: pd.DataFrame, province: str, months: tuple[str, str], indicator: str, dim: str
) -> list[dict[str, Any]]:
    previous, current = months
    part = frame[frame["province_code"] == province]
    before = _totals(part[part["stat_month"] == previous], [dim])[indicator]
    after = _totals(part[part["stat_month"] == current], [dim])[indicator]
    before, after = _per_day(before, previous, indicator), _per_day(after, current, indicator)
    joined = pd.concat([before.rename("before"), after.rename("after")], axis=1).fillna(0.0)
    joined["change"] = joined["after"] - joined["before"]
    joined = joined.reindex(joined["change"].abs().sort_values(ascending=False).index)
    return [
        {
            dim: str(key),
            "before": round(float(row.before), 2),
            "after": round(float(row.after), 2),
            "change": round(float(row.change), 2),
        }
        for key, row in joined.head(TOP_MOVERS).iterrows()
    ]


def month_over_month(kpi: pd.DataFrame) -> CheckResult:
    """Judge the newest month of every province in ``kpi`` (indicators.kpi_monthly rows)."""
    moved: list[dict[str, Any]] = []
    compared: list[str] = []
    skipped: set[str] = set()
    frame = kpi.copy()
    frame["stat_month"] = frame["stat_month"].astype(str)
    for province, part in frame.groupby("province_code"):
        months = sorted(part["stat_month"].unique())
        if len(months) < 2:
            continue
        previous, current = months[-2], months[-1]
        compared.append(f"{province} {previous}→{current}")
        totals = _totals(part, ["stat_month"])
        for indicator, (tolerance, _) in TOLERANCES.items():
            before = _per_day(totals[indicator], previous, indicator).get(previous)
            after = _per_day(totals[indicator], current, indicator).get(current)
            if before is None or after is None or pd.isna(before) or pd.isna(after):
                continue
            base_indicator = "billed_users" if indicator == "arpu" else indicator
            if totals[base_indicator].get(previous, 0) < MIN_BASE[indicator]:
                skipped.add(indicator)
                continue
            change = (after - before) / before if before else (0.0 if not after else 1.0)
            if abs(change) > tolerance:
                moved.append(
                    {
                        "province": str(province),
                        "month": current,
                        "indicator": indicator,
                        "before": round(float(before), 2),
                        "after": round(float(after), 2),
                        "change": round(float(change), 4),
                        "tolerance": tolerance,
                        "per_day": TOLERANCES[indicator][1],
                        "cities": _movers(
                            frame, province, (previous, current), indicator, "city_code"
                        ),
                        "brands": _movers(frame, province, (previous, current), indicator, "brand"),
                    }
                )
    worst = max((abs(m["change"]) for m in moved), default=0.0)
    return CheckResult(
        "volatility",
        "indicators/kpi_monthly",
        WARNING,
        not moved,
        round(worst, 4),
        ", ".join(f"{k} ±{t:.0%}" + (" per day" if d else "") for k, (t, d) in TOLERANCES.items()),
        {"moved": moved, "compared": compared, "below_base": sorted(skipped)},
        ",".join(sorted({m["month"] for m in moved})) or None,
        "; ".join(
            f"{m['province']} {m['month']} {m['indicator']} {m['change']:+.1%} "
            f"(most: city {m['cities'][0]['city_code'] if m['cities'] else '-'}, "
            f"brand {m['brands'][0]['brand'] if m['brands'] else '-'})"
            for m in moved[:5]
        )
        or f"every indicator within tolerance ({', '.join(compared) or 'one month only'})"
        + (f"; not judged (base too small): {', '.join(sorted(skipped))}" if skipped else ""),
    )
