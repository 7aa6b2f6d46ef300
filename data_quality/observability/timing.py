"""Freshness, judged against a *virtual clock* per province.

The clock is the moment the newest daily data date seen for the province fell due, i.e. that
date + 1 day at 06:00. A generated historical province (or one re-loaded from an archive) is then
not "stale" just because its dates are in the past, while an interface that stopped while the
others went on is. Daily interfaces are due by 06:00 the day after their data date; monthly ones
by the 3rd of the next month. The price of the rule: a province whose *every* interface stops
delivering is not caught here (its clock stops too); the load log's processed_at against the wall
clock is the place for that alarm.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import duckdb

from core.contract import INTERFACES, Period
from core.months import month_add
from data_quality.observability.findings import asset_of, partition_of
from data_quality.results import WARNING, CheckResult

DAILY_DUE_HOUR = 6  # daily data date D is due by D + 1 day, 06:00
MONTHLY_DUE_DAY = 3  # month M is due by the 3rd of M + 1


def province_clocks(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """Per province, the moment its newest daily data date fell due (see the module doc)."""
    daily = [c for c, i in INTERFACES.items() if i.period is Period.DAY]
    rows = con.execute(
        "select province_code, max(data_date) from load_log "
        "where iface in (select unnest(?)) group by 1",
        [daily],
    ).fetchall()
    lake_rows = con.execute(
        " union all ".join(
            f"select _province_code, max(_data_date) from lake_{c.lower()} group by 1"
            for c in daily
        )
    ).fetchall()
    newest: dict[str, str] = {}
    for province, day in [*rows, *lake_rows]:
        if province and day and len(day) == 8:
            newest[province] = max(newest.get(province, day), day)
    return {
        p: datetime.strptime(d, "%Y%m%d") + timedelta(days=1, hours=DAILY_DUE_HOUR)
        for p, d in newest.items()
    }


def expected_newest(period: Period, now: datetime) -> str:
    """The newest data date an interface must have delivered by ``now``."""
    if period is Period.DAY:
        due = now - timedelta(hours=DAILY_DUE_HOUR) - timedelta(days=1)
        return due.strftime("%Y%m%d")
    month = now.strftime("%Y%m")
    return month_add(month, -1 if now.day >= MONTHLY_DUE_DAY else -2)


def _newest_loaded(con: duckdb.DuckDBPyConnection, iface: str) -> dict[str, str]:
    """Newest data date per province with a loaded delivery (an empty one counts) or records."""
    return dict(
        con.execute(
            f"""
            select province, max(data_date) from (
                select province_code as province, data_date from load_log
                where iface = ? and status in ('LOADED', 'REPLACED', 'SKIPPED')
                union all
                select _province_code, _data_date from lake_{iface.lower()}
            ) group by 1
            """,
            [iface],
        ).fetchall()
    )


def freshness(con: duckdb.DuckDBPyConnection, iface: str) -> CheckResult:
    interface = INTERFACES[iface]
    clocks = province_clocks(con)
    newest = _newest_loaded(con, iface)
    late: list[dict[str, Any]] = []
    for province, now in sorted(clocks.items()):
        expected = expected_newest(interface.period, now)
        have = newest.get(province)
        if have is None or have < expected:
            late.append({"province": province, "newest": have, "expected": expected})
    return CheckResult(
        "freshness",
        asset_of(iface),
        WARNING,
        not late,
        float(len(late)),
        "daily: data date D by D+1 06:00; monthly: month M by the 3rd of M+1 "
        "(virtual clock = newest daily data date of the province + 1 day 06:00)",
        {"late": late, "clocks": {p: c.isoformat() for p, c in clocks.items()}},
        partition_of([x["expected"] for x in late]),
        "; ".join(f"{x['province']}: newest {x['newest']}, due {x['expected']}" for x in late)
        or "every province delivered what is due",
    )
