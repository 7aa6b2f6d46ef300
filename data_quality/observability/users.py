"""Usage of users in no USER snapshot: the one blocking observability check."""

from __future__ import annotations

import duckdb

from data_quality.observability.findings import MAX_LISTED, asset_of, partition_of
from data_quality.results import BLOCKING, WARNING, CheckResult

UNKNOWN_USER_BLOCKING_SHARE = 0.01  # > 1 % of one data date's records → blocking
USAGE_IFACES = ("VOICE", "SMS", "DATA")


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
        asset_of(iface),
        BLOCKING if blocking or not bad else WARNING,
        not bad,
        worst,
        f"no usage record of a user in no USER snapshot; > {UNKNOWN_USER_BLOCKING_SHARE:.0%} "
        "of one data date's records blocks",
        {"data_dates": bad[:MAX_LISTED], "unknown_records": sum(b["unknown"] for b in bad)},
        partition_of([b["data_date"] for b in bad]),
        "; ".join(
            f"{b['province']} {b['data_date']}: {b['unknown']} records; all usage "
            f"{b['usage_unknown']} of {b['usage_records']} ({b['share']:.2%})"
            for b in bad[:5]
        )
        or "every usage record's user is in a USER snapshot",
    )
