"""Nothing missing: every split file of a data date, every month of a snapshot interface."""

from __future__ import annotations

import duckdb

from core.contract import Period
from core.months import month_range
from data_quality.observability.findings import MAX_LISTED, asset_of, partition_of
from data_quality.observability.timing import expected_newest, province_clocks
from data_quality.results import WARNING, CheckResult


def sequences(con: duckdb.DuckDBPyConnection, iface: str) -> CheckResult:
    """Split files of a data date: _001 … _max must all be loaded (a rejected one is missing).

    A FAILED attempt (a resource failure) changes nothing in the lake: a file is loaded when its
    latest other outcome loaded it, and a file that only ever FAILED is missing."""
    rows = con.execute(
        """
        with outcomes as (
            select province_code, data_date, seq, file_name,
                   arg_max(status, processed_at) filter (where status <> 'FAILED') as status
            from load_log where iface = ? and seq is not null
            group by all
        ), per_date as (
            select province_code, data_date, max(cast(seq as integer)) as last_seq,
                   list(cast(seq as integer))
                       filter (where status in ('LOADED', 'REPLACED', 'SKIPPED')) as loaded
            from outcomes group by all
        )
        select province_code, data_date, last_seq, coalesce(loaded, []) from per_date
        order by all
        """,
        [iface],
    ).fetchall()
    missing = []
    for province, day, last, loaded in rows:
        gaps = [s for s in range(1, int(last) + 1) if s not in set(loaded)]
        if gaps:
            missing.append({"province": province, "data_date": day, "missing_seq": gaps})
    return CheckResult(
        "sequence_complete",
        asset_of(iface),
        WARNING,
        not missing,
        float(sum(len(m["missing_seq"]) for m in missing)),
        "every sequence number 001…highest of a data date loaded",
        {"missing": missing[:MAX_LISTED]},
        partition_of([m["data_date"] for m in missing]),
        "; ".join(
            f"{m['province']} {m['data_date']}: missing "
            + ",".join(f"{s:03d}" for s in m["missing_seq"])
            for m in missing[:5]
        )
        or f"{len(rows)} data dates complete",
    )


def snapshot_months(con: duckdb.DuckDBPyConnection, iface: str) -> CheckResult:
    """A monthly snapshot for every month from the interface's first up to the month now due."""
    clocks = province_clocks(con)
    loaded: dict[str, set[str]] = {}
    for province, month in con.execute(
        f"select distinct _province_code, _data_date from lake_{iface.lower()}"
    ).fetchall():
        loaded.setdefault(province, set()).add(month)
    gaps = []
    for province, months in sorted(loaded.items()):
        last = max(months)
        if province in clocks:
            last = max(last, expected_newest(Period.MONTH, clocks[province]))
        for month in month_range(min(months), last):
            if month not in months:
                gaps.append({"province": province, "month": month})
    return CheckResult(
        "snapshot_months",
        asset_of(iface),
        WARNING,
        not gaps,
        float(len(gaps)),
        "no month missing between the first snapshot and the month due",
        {"missing": gaps[:MAX_LISTED]},
        partition_of([g["month"] for g in gaps]),
        ", ".join(f"{g['province']} {g['month']}" for g in gaps) or "no month missing",
    )
