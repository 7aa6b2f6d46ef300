"""Observability of the deliveries, per interface and province: is everything there, on time, whole?

All of it reads the lake and the load log only (``frames.lake``), so it runs before or after dbt.

Freshness is judged against a *virtual clock*: the moment the newest daily data date seen for the
province fell due, i.e. that date + 1 day at 06:00. A generated historical province (or one
re-loaded from an archive) is then not "stale" just because its dates are in the past, while an
interface that stopped while the others went on is. Daily interfaces are due by 06:00 the day
after their data date; monthly ones by the 3rd of the next month. The price of the rule: a
province whose *every* interface stops delivering is not caught here (its clock stops too); the
load log's processed_at against the wall clock is the place for that alarm.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

import duckdb

from core.contract import INTERFACES, Kind, Period, lake_schema
from core.months import month_add, month_range
from data_quality.results import BLOCKING, WARNING, CheckResult

DAILY_DUE_HOUR = 6  # daily data date D is due by D + 1 day, 06:00
MONTHLY_DUE_DAY = 3  # month M is due by the 3rd of M + 1
VOLUME_WINDOW = {Period.DAY: 28, Period.MONTH: 3}  # trailing data dates in the median
VOLUME_MIN_HISTORY = {Period.DAY: 7, Period.MONTH: 1}
VOLUME_BAND = (0.5, 2.0)  # loaded records / trailing median
# Payments bunch on collection days and events on campaign days: a wider band for them.
VOLUME_BANDS = {"PAYMENT": (0.2, 5.0), "EVENT": (0.2, 5.0)}
VOLUME_MIN_MEDIAN = 100  # below this many records a day, noise is not news
UNKNOWN_USER_BLOCKING_SHARE = 0.01  # > 1 % of one data date's records → blocking
USAGE_IFACES = ("VOICE", "SMS", "DATA")
MAX_LISTED = 20

PARQUET_PHYSICAL = {
    "VARCHAR": "BYTE_ARRAY",
    "BIGINT": "INT64",
    "DATE": "INT32",
    "TIMESTAMP": "INT64",
}


def _asset(iface: str) -> str:
    return f"lake/{iface.lower()}"


def _partition(keys: list[str]) -> str | None:
    return ",".join(sorted(set(keys))[:MAX_LISTED]) or None


# --- the virtual clock ------------------------------------------------------------------------


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
        _asset(iface),
        WARNING,
        not late,
        float(len(late)),
        "daily: data date D by D+1 06:00; monthly: month M by the 3rd of M+1 "
        "(virtual clock = newest daily data date of the province + 1 day 06:00)",
        {"late": late, "clocks": {p: c.isoformat() for p, c in clocks.items()}},
        _partition([x["expected"] for x in late]),
        "; ".join(f"{x['province']}: newest {x['newest']}, due {x['expected']}" for x in late)
        or "every province delivered what is due",
    )


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
        _asset(iface),
        WARNING,
        not outliers,
        round(worst, 4),
        f"records per data date within {low:g}x–{high:g}x of the trailing {window}-date median "
        f"(after {history} dates of history, when the median is ≥ {VOLUME_MIN_MEDIAN})",
        {"outliers": outliers[:MAX_LISTED], "data_dates_checked": checked},
        _partition([o["data_date"] for o in outliers]),
        "; ".join(
            f"{o['province']} {o['data_date']}: {o['records']} vs median {o['trailing_median']:g}"
            for o in outliers[:5]
        )
        or f"{checked} data dates within the band",
    )


def schema_drift(con: duckdb.DuckDBPyConnection, iface: str, files: list[str]) -> CheckResult:
    """Every lake file's columns (names, order, physical types) against the contract's schema."""
    expected = lake_schema(INTERFACES[iface])
    drifted: list[dict[str, Any]] = []
    if files:
        rows = con.execute(
            "select file_name, name, type from parquet_schema(?) "
            "where num_children is null or num_children = 0",
            [files],
        ).fetchall()
        by_file: dict[str, list[tuple[str, str]]] = {}
        for file_name, name, kind in rows:
            by_file.setdefault(file_name, []).append((name, kind))
        want = [(c, PARQUET_PHYSICAL.get(t, t)) for c, t in expected.items()]
        for file_name, columns in sorted(by_file.items()):
            if columns != want:
                have = dict(columns)
                drifted.append(
                    {
                        "file": file_name.rsplit("/", 1)[-1],
                        "missing": [c for c, _ in want if c not in have],
                        "unexpected": [c for c, _ in columns if c not in expected],
                        "retyped": [c for c, t in want if c in have and have[c] != t],
                    }
                )
    return CheckResult(
        "schema",
        _asset(iface),
        WARNING,
        not drifted,
        float(len(drifted)),
        "lake files' columns and types equal core.contract.lake_schema",
        {"drifted_files": drifted[:MAX_LISTED], "files": len(files)},
        None,
        f"{len(drifted)} of {len(files)} files differ from the contract"
        if drifted
        else f"{len(files)} files match the contract",
    )


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
        _asset(iface),
        WARNING,
        not missing,
        float(sum(len(m["missing_seq"]) for m in missing)),
        "every sequence number 001…highest of a data date loaded",
        {"missing": missing[:MAX_LISTED]},
        _partition([m["data_date"] for m in missing]),
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
        _asset(iface),
        WARNING,
        not gaps,
        float(len(gaps)),
        "no month missing between the first snapshot and the month due",
        {"missing": gaps[:MAX_LISTED]},
        _partition([g["month"] for g in gaps]),
        ", ".join(f"{g['province']} {g['month']}" for g in gaps) or "no month missing",
    )


def rejections(con: duckdb.DuckDBPyConnection, iface: str) -> CheckResult:
    """Deliveries whose latest outcome is REJECTED, and records rejected from loaded deliveries."""
    deliveries = con.execute(
        """
        select file_name, province_code, data_date, reason
        from load_log where iface = ?
        qualify row_number() over (
            partition by province_code, data_date, seq order by processed_at desc) = 1
            and status = 'REJECTED'
        order by all
        """,
        [iface],
    ).fetchall()
    unnamed = con.execute(
        """
        select file_name, reason from load_log
        where (iface = ? or iface is null) and status = 'REJECTED' and seq is null
        """,
        [iface],
    ).fetchall()
    records = con.execute(
        """
        with latest as (
            select file_name, rejected_count, data_date, status from load_log
            where iface = ? and status in ('LOADED', 'REPLACED')
            qualify row_number() over (partition by file_name order by processed_at desc) = 1
        )
        select file_name, data_date, rejected_count from latest where rejected_count > 0
        order by all
        """,
        [iface],
    ).fetchall()
    reasons = (
        con.execute(
            """
        select regexp_extract(reason, '^([a-zA-Z ]+)', 1) as kind, count(*)
        from rejected_records where iface = ? group by 1 order by 2 desc
        """,
            [iface],
        ).fetchall()
        if con.execute(
            "select count(*) from information_schema.tables where table_name = 'rejected_records'"
        ).fetchone()[0]
        else []
    )
    rejected_records = sum(n for _, _, n in records)
    problems = len(deliveries) + len(records)
    return CheckResult(
        "rejections",
        _asset(iface),
        WARNING,
        problems == 0,
        float(rejected_records),
        "no delivery left REJECTED and no rejected record (ops.load_log, ops.rejected_records)",
        {
            "rejected_deliveries": [
                {"file": f, "province": p, "data_date": d, "reason": r}
                for f, p, d, r in deliveries[:MAX_LISTED]
            ],
            "unrecognised_files": [{"file": f, "reason": r} for f, r in unnamed[:MAX_LISTED]],
            "deliveries_with_rejected_records": [
                {"file": f, "data_date": d, "rejected": n} for f, d, n in records[:MAX_LISTED]
            ],
            "rejected_record_reasons": {k.strip(): n for k, n in reasons},
        },
        _partition([d for _, _, d, _ in deliveries] + [d for _, d, _ in records]),
        (
            f"{len(deliveries)} deliveries rejected"
            + "".join(f" ({f}: {r})" for f, _, _, r in deliveries[:3])
            + f"; {rejected_records} records rejected in {len(records)} loaded deliveries"
        )
        if problems
        else "nothing rejected",
    )


def _usage_users_by_date(con: duckdb.DuckDBPyConnection) -> str:
    """A temporary table of the connection, made on first use: per usage interface, province and
    data date, the records and how many of them have a user in no USER snapshot.

    One streaming aggregate for the three interfaces, shared by their three checks; the records
    themselves are never held (a month of a 1-million-user province is ~300 million of them).
    """
    usage = " union all ".join(
        f"select '{c}' as iface, _province_code, _data_date, user_id from lake_{c.lower()}"
        for c in USAGE_IFACES
    )
    con.execute(
        f"""
        create temporary table if not exists usage_users_by_date as
        with known as (select distinct _province_code, user_id from lake_user),
        snapshot_months as (select distinct _province_code, _data_date as month from lake_user),
        counted as (
            select u.iface, u._province_code, u._data_date, count(*) as records,
                   count(*) filter (where k.user_id is null and u.user_id is not null) as unknown
            from ({usage}) as u
            left join known as k
                on k._province_code = u._province_code and k.user_id = u.user_id
            group by all
        )
        -- judged once the month's USER snapshot is in: before, a user opened this month is
        -- legitimately in no snapshot yet
        select counted.*
        from counted
        semi join snapshot_months as m
            on m._province_code = counted._province_code
            and m.month = left(counted._data_date, 6)
        """
    )
    return "usage_users_by_date"


def _unknown_user_ids(
    con: duckdb.DuckDBPyConnection, iface: str, data_dates: list[tuple[str, str]]
) -> dict[tuple[str, str], list[str]]:
    """The first MAX_LISTED user_ids in no USER snapshot, per (province, data date) asked for."""
    if not data_dates:
        return {}
    rows = con.execute(
        f"""
        select u._province_code, u._data_date,
               list(distinct u.user_id order by u.user_id)[1:{MAX_LISTED}]
        from lake_{iface.lower()} as u
        anti join (select distinct _province_code, user_id from lake_user) as k
            on k._province_code = u._province_code and k.user_id = u.user_id
        where u.user_id is not null and u._data_date in (select unnest(?))
        group by all
        """,
        [sorted({date for _, date in data_dates})],
    ).fetchall()
    return {(province, date): ids for province, date, ids in rows}


def unknown_users(con: duckdb.DuckDBPyConnection, iface: str) -> CheckResult:
    """Usage records whose user is in no USER snapshot of the province.

    Blocking when more than 1 % of one data date's usage records (VOICE, SMS and DATA together)
    are such records (the usage indicators would be wrong); a warning when there are any at all.
    Each usage interface reports its own records and blocks when a data date it has such records
    in is over the line. A data date is
    judged once the USER snapshot of its month is loaded.
    """
    rows = con.execute(
        f"""
        with with_date_totals as (
            select *,
                   sum(records) over (partition by _province_code, _data_date) as usage_records,
                   sum(unknown) over (partition by _province_code, _data_date) as usage_unknown
            from {_usage_users_by_date(con)}
        )
        select _province_code, _data_date, records, unknown, usage_records, usage_unknown
        from with_date_totals
        where iface = ?
        order by _province_code, _data_date
        """,
        [iface],
    ).fetchall()
    user_ids = _unknown_user_ids(con, iface, [(p, d) for p, d, _, u, _, _ in rows if u])
    bad = [
        {
            "province": p,
            "data_date": d,
            "records": n,
            "unknown": u,
            "usage_records": total,
            "usage_unknown": unknown,
            "share": round(unknown / total, 5),
            "user_ids": user_ids.get((p, d), []),
        }
        for p, d, n, u, total, unknown in rows
        if u
    ]
    worst = max((b["share"] for b in bad), default=0.0)
    blocking = worst > UNKNOWN_USER_BLOCKING_SHARE
    return CheckResult(
        "unknown_users",
        _asset(iface),
        BLOCKING if blocking or not bad else WARNING,
        not bad,
        worst,
        f"no usage record of a user in no USER snapshot; > {UNKNOWN_USER_BLOCKING_SHARE:.0%} "
        "of one data date's records blocks",
        {"data_dates": bad[:MAX_LISTED], "unknown_records": sum(b["unknown"] for b in bad)},
        _partition([b["data_date"] for b in bad]),
        "; ".join(
            f"{b['province']} {b['data_date']}: {b['unknown']} records; all usage "
            f"{b['usage_unknown']} of {b['usage_records']} ({b['share']:.2%})"
            for b in bad[:5]
        )
        or "every usage record's user is in a USER snapshot",
    )


def lake_checks(iface: str) -> list[str]:
    """The observability checks that apply to one interface."""
    interface = INTERFACES[iface]
    names = ["freshness", "volume", "schema", "sequence_complete", "rejections"]
    if interface.kind is Kind.SNAPSHOT:
        names.append("snapshot_months")
    if iface in USAGE_IFACES:
        names.append("unknown_users")
    return names


def evaluate(con: duckdb.DuckDBPyConnection, iface: str, files: list[str]) -> list[CheckResult]:
    out = []
    for name in lake_checks(iface):
        if name == "schema":
            out.append(schema_drift(con, iface, files))
        else:
            out.append(CHECKS[name](con, iface))
    return out


CHECKS = {
    "freshness": freshness,
    "volume": volume,
    "sequence_complete": sequences,
    "snapshot_months": snapshot_months,
    "rejections": rejections,
    "unknown_users": unknown_users,
}

__all__ = ["date", "evaluate", "lake_checks"]
