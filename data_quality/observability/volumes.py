"""Records loaded per data date against the median of the trailing data dates."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median
from typing import Any

import duckdb

from core.contract import INTERFACES, Period
from core.months import month_range
from data_quality.observability.findings import MAX_LISTED, asset_of, partition_of
from data_quality.results import WARNING, CheckResult

VOLUME_WINDOW = {Period.DAY: 28, Period.MONTH: 3}  # trailing data dates in the median
VOLUME_MIN_HISTORY = {Period.DAY: 7, Period.MONTH: 1}
VOLUME_BAND = (0.5, 2.0)  # loaded records / trailing median
# Payments bunch on collection days and events on campaign days: a wider band for them.
VOLUME_BANDS = {"PAYMENT": (0.2, 5.0), "EVENT": (0.2, 5.0)}
VOLUME_MIN_MEDIAN = 100  # below this many records a day, noise is not news


def _counts(con: duckdb.DuckDBPyConnection, iface: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for province, day, n in con.execute(
        f"select _province_code, _data_date, count(*) from lake_{iface.lower()} "
        "group by all order by all"
    ).fetchall():
        out.setdefault(province, {})[day] = n
    return out


def volume(con: duckdb.DuckDBPyConnection, iface: str) -> CheckResult:
    """Records loaded per data date against the median of the trailing data dates."""
    period = INTERFACES[iface].period
    window, history = VOLUME_WINDOW[period], VOLUME_MIN_HISTORY[period]
    low, high = VOLUME_BANDS.get(iface, VOLUME_BAND)
    outliers: list[dict[str, Any]] = []
    checked = 0
    for province, counts in _counts(con, iface).items():
        # a data date with no records at all (every file rejected) counts as 0
        days = sorted(counts)
        if period is Period.DAY and days:
            first = datetime.strptime(days[0], "%Y%m%d").date()
            last = datetime.strptime(days[-1], "%Y%m%d").date()
            days = [
                (first + timedelta(days=i)).strftime("%Y%m%d")
                for i in range((last - first).days + 1)
            ]
        elif days:
            days = month_range(days[0], days[-1])
        for i, day in enumerate(days):
            trailing = [counts.get(d, 0) for d in days[max(0, i - window) : i]]
            if len(trailing) < history or median(trailing) < VOLUME_MIN_MEDIAN:
                continue
            checked += 1
            expected = median(trailing)
            ratio = counts.get(day, 0) / expected if expected else 1.0
            if not low <= ratio <= high:
                outliers.append(
                    {
                        "province": province,
                        "data_date": day,
                        "records": counts.get(day, 0),
                        "trailing_median": expected,
                        "ratio": round(ratio, 3),
                    }
                )
    worst = max((abs(1 - o["ratio"]) for o in outliers), default=0.0)
    return CheckResult(
        "volume",
        asset_of(iface),
        WARNING,
        not outliers,
        round(worst, 4),
        f"records per data date within {low:g}x–{high:g}x of the trailing {window}-date median "
        f"(after {history} dates of history, when the median is ≥ {VOLUME_MIN_MEDIAN})",
        {"outliers": outliers[:MAX_LISTED], "data_dates_checked": checked},
        partition_of([o["data_date"] for o in outliers]),
        "; ".join(
            f"{o['province']} {o['data_date']}: {o['records']} vs median {o['trailing_median']:g}"
            for o in outliers[:5]
        )
        or f"{checked} data dates within the band",
    )
