"""Reconciliations: the same number computed two ways must agree, within a stated tolerance.

Each function takes an in-memory DuckDB connection from ``frames.lake`` (views ``lake_<iface>``)
into which the warehouse has been attached read-only as ``wh`` (see ``attach_warehouse``), and
returns one ``CheckResult``. The lake side is recomputed straight from the loaded records with the
definitions of indicators.md, independent of the dbt models it checks.
"""

from __future__ import annotations

from typing import Any

import duckdb

from core.settings import Settings
from data_quality.results import BLOCKING, WARNING, CheckResult

MAX_LISTED = 20
REVENUE_TOLERANCE_FEN = 0  # per user-month
# Published indicator vs the lake, relative. Counts of users and money are exact; usage record
# counts may differ by what the unknown-user gate already allows (records of users in no snapshot
# carry no city or brand and stay out of kpi_monthly).
PUBLISHED_TOLERANCE = {
    "users_on_net": 0.0,
    "billed_users": 0.0,
    "billed_revenue": 0.0,
    "calls": 0.01,
    "sms_sent": 0.01,
}


def attach_warehouse(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    path = str(settings.warehouse_db).replace("'", "''")
    con.execute(f"attach '{path}' as wh (read_only)")


def detach_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("detach wh")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _jsonable(rows: list[dict], limit: int = MAX_LISTED) -> list[dict[str, Any]]:
    return [
        {k: (float(v) if hasattr(v, "as_tuple") else v) for k, v in r.items()} for r in rows[:limit]
    ]


# BILL usage item class → the CDR fee it is rated from (generator and BOSS rating alike).
RATED_FEES = {
    "LOCAL": ("VOICE", "start_time", "base_fee_fen"),
    "TOLL": ("VOICE", "start_time", "toll_fee_fen"),
    "ROAM": ("VOICE", "start_time", "roam_fee_fen"),
    "SMS": ("SMS", "send_time", "fee_fen"),
    "DATA": ("DATA", "start_time", "fee_fen"),
}
LATE_DAYS = 7  # CDRs of a month may arrive in deliveries up to 7 days after it
MAX_MISMATCHES = 1000


def revenue_assurance(con: duckdb.DuckDBPyConnection) -> CheckResult:
    """Rated CDR fees per user, month and item class (by the CDR's own time) vs the BILL items.

    A mismatch in a month whose CDR interface has a delivery still rejected or missing among the
    data dates that can carry the month's records is marked ``deliveries_incomplete``: the rated
    side is short there, and the corrected delivery will settle it.
    """
    rated = " union all ".join(
        f"select _province_code as province, user_id, strftime({ts}, '%Y%m') as month, "
        f"'{cls}' as item_class, '{iface}' as iface, coalesce({fee}, 0) as fee "
        f"from lake_{iface.lower()}"
        for cls, (iface, ts, fee) in RATED_FEES.items()
    )
    classes = tuple(RATED_FEES)
    ifaces = {cls: iface for cls, (iface, _, _) in RATED_FEES.items()}
    iface_case = " ".join(f"when '{c}' then '{i}'" for c, i in ifaces.items())
    rows = _rows(
        con,
        f"""
        with rated as (
            select province, user_id, month, item_class, sum(fee) as rated_fen
            from ({rated}) where user_id is not null and month is not null group by all
        ), billed as (
            select _province_code as province, user_id, bill_month as month, item_class,
                   sum(standard_fee_fen) as billed_fen
            from lake_bill where item_class in {classes}
            group by all
        ), bill_months as (
            select distinct _province_code as province, bill_month as month from lake_bill
        ), incomplete as (
            -- (province, iface, month) with a delivery whose latest outcome is REJECTED
            select distinct province_code as province, iface, m.month
            from (
                select province_code, iface, data_date from load_log
                where seq is not null
                qualify row_number() over (partition by province_code, iface, data_date, seq
                                           order by processed_at desc) = 1
                    and status = 'REJECTED'
            ) as rejected
            join bill_months as m on m.province = rejected.province_code
                and strptime(rejected.data_date, '%Y%m%d')
                    between strptime(m.month || '01', '%Y%m%d')
                    and strptime(m.month || '01', '%Y%m%d') + interval 1 month
                        + interval {LATE_DAYS} day
        ), compared as (
            select coalesce(r.province, b.province) as province,
                   coalesce(r.user_id, b.user_id) as user_id,
                   coalesce(r.month, b.month) as month,
                   coalesce(r.item_class, b.item_class) as item_class,
                   coalesce(r.rated_fen, 0) as rated_fen, coalesce(b.billed_fen, 0) as billed_fen
            from rated as r
            full join billed as b
                on b.province = r.province and b.user_id = r.user_id and b.month = r.month
                and b.item_class = r.item_class
        )
        select c.province, c.user_id, c.month, c.item_class, c.rated_fen, c.billed_fen,
               c.billed_fen - c.rated_fen as difference_fen,
               i.iface is not null as deliveries_incomplete
        from compared as c
        join bill_months as m on m.province = c.province and m.month = c.month
        left join incomplete as i
            on i.province = c.province and i.month = c.month
            and i.iface = case c.item_class {iface_case} end
        where abs(c.billed_fen - c.rated_fen) > {REVENUE_TOLERANCE_FEN}
        order by deliveries_incomplete, abs(c.billed_fen - c.rated_fen) desc, c.user_id
        """,
    )
    total = con.execute(
        "select count(*) from (select distinct _province_code, user_id, bill_month, item_class "
        f"from lake_bill where item_class in {classes})"
    ).fetchone()[0]
    unexplained = [r for r in rows if not r["deliveries_incomplete"]]
    return CheckResult(
        "revenue_assurance",
        "marts/fct_bill_items",
        WARNING,
        not rows,
        float(len(rows)),
        f"|billed − rated| ≤ {REVENUE_TOLERANCE_FEN} fen per user, month and item class "
        f"({', '.join(f'{c} ← {i}.{f}' for c, (i, _, f) in RATED_FEES.items())})",
        {
            "mismatches": _jsonable(rows, MAX_MISMATCHES),
            "mismatched_items": len(rows),
            "unexplained_items": len(unexplained),
            "billed_items": total,
            "net_difference_fen": sum(int(r["difference_fen"]) for r in rows),
        },
        ",".join(sorted({r["month"] for r in rows})) or None,
        (
            f"{len(rows)} of {total} billed items differ from their CDRs, {len(unexplained)} "
            "where every delivery is in"
            + "".join(
                f"; user {r['user_id']} {r['month']} {r['item_class']}: billed "
                f"{r['billed_fen']} vs rated {r['rated_fen']}"
                for r in (unexplained or rows)[:3]
            )
        )
        if rows
        else f"{total} billed items agree with their CDRs",
    )


def day_sums_match_month(con: duckdb.DuckDBPyConnection) -> CheckResult:
    """Σ fct_user_day_usage over a user's month equals the usage in fct_user_months."""
    measures = [
        "calls", "voice_seconds", "billed_tenth_minutes", "offnet_seconds", "roam_out_seconds",
        "sms_sent", "data_kb",
    ]  # fmt: skip
    sums = ", ".join(f"sum({m}) as {m}" for m in measures)
    differs = " or ".join(f"coalesce(d.{m}, 0) <> coalesce(m.{m}, 0)" for m in measures)
    rows = _rows(
        con,
        f"""
        with days as (
            select province_code, user_id, usage_month as stat_month, {sums}
            from wh.marts.fct_user_day_usage group by all
        )
        select coalesce(d.province_code, m.province_code) as province_code,
               coalesce(d.user_id, m.user_id) as user_id,
               coalesce(d.stat_month, m.stat_month) as stat_month,
               {", ".join(f"d.{x} as day_{x}, m.{x} as month_{x}" for x in measures)}
        from days as d
        full join wh.marts.fct_user_months as m
            on m.province_code = d.province_code and m.user_id = d.user_id
            and m.stat_month = d.stat_month
        where {differs}
        order by all
        """,
    )
    return CheckResult(
        "day_sums_match_month",
        "marts/fct_user_months",
        BLOCKING,
        not rows,
        float(len(rows)),
        "exact: " + ", ".join(measures),
        {"mismatches": _jsonable(rows)},
        ",".join(sorted({r["stat_month"] for r in rows})) or None,
        f"{len(rows)} user-months differ from the sum of their days"
        if rows
        else "every user-month equals the sum of its days",
    )


def published_totals_match_lake(con: duckdb.DuckDBPyConnection) -> CheckResult:
    """Indicator totals per province-month vs a direct count from the lake (indicators.md)."""
    rows = _rows(
        con,
        """
        with published as (
            select province_code, stat_month, sum(users_on_net) as users_on_net,
                   sum(billed_users) as billed_users, sum(billed_revenue) as billed_revenue,
                   sum(calls) as calls, sum(sms_sent) as sms_sent
            from wh.indicators.kpi_monthly group by all
        ), users as (
            select _province_code as province_code, _data_date as stat_month,
                   count(*) filter (where user_status <> 'CANCEL') as users_on_net
            from lake_user group by all
        ), bills as (
            select _province_code as province_code, bill_month as stat_month,
                   count(distinct user_id) filter (where item_class <> 'LATEFEE') as billed_users,
                   coalesce(sum(actual_fee_fen) filter (where item_class <> 'LATEFEE'), 0)
                       / 100 as billed_revenue
            from lake_bill group by all
        ), calls as (
            select _province_code as province_code, strftime(start_time, '%Y%m') as stat_month,
                   count(*) as calls
            from lake_voice where duration_s > 0 group by all
        ), sms as (
            select _province_code as province_code, strftime(send_time, '%Y%m') as stat_month,
                   count(*) as sms_sent
            from lake_sms where direction = 'MO' group by all
        )
        select p.province_code, p.stat_month,
               p.users_on_net as published_users_on_net, u.users_on_net as lake_users_on_net,
               p.billed_users as published_billed_users, b.billed_users as lake_billed_users,
               p.billed_revenue as published_billed_revenue,
               b.billed_revenue as lake_billed_revenue,
               p.calls as published_calls, c.calls as lake_calls,
               p.sms_sent as published_sms_sent, s.sms_sent as lake_sms_sent
        from published as p
        left join users as u using (province_code, stat_month)
        left join bills as b using (province_code, stat_month)
        left join calls as c using (province_code, stat_month)
        left join sms as s using (province_code, stat_month)
        order by all
        """,
    )
    off: list[dict[str, Any]] = []
    worst = 0.0
    for r in rows:
        for indicator, tolerance in PUBLISHED_TOLERANCE.items():
            published = float(r[f"published_{indicator}"] or 0)
            lake = float(r[f"lake_{indicator}"] or 0)
            relative = abs(published - lake) / abs(lake) if lake else abs(published)
            if indicator == "billed_revenue":
                relative = 0.0 if abs(published - lake) < 0.005 else max(relative, 1e-9)
            worst = max(worst, relative)
            if relative > tolerance:
                off.append(
                    {
                        "province": r["province_code"],
                        "month": r["stat_month"],
                        "indicator": indicator,
                        "published": published,
                        "lake": lake,
                        "relative_difference": round(relative, 6),
                        "tolerance": tolerance,
                    }
                )
    return CheckResult(
        "published_totals_match_lake",
        "indicators/kpi_monthly",
        BLOCKING,
        not off,
        round(worst, 6),
        ", ".join(f"{k} ±{v:.0%}" if v else f"{k} exact" for k, v in PUBLISHED_TOLERANCE.items()),
        {"differences": off[:MAX_LISTED], "province_months": len(rows)},
        ",".join(sorted({o["month"] for o in off})) or None,
        "; ".join(
            f"{o['province']} {o['month']} {o['indicator']}: published {o['published']:g} "
            f"vs lake {o['lake']:g}"
            for o in off[:5]
        )
        or f"{len(rows)} province-months agree with the lake",
    )


def arrears_match_ledger(con: duckdb.DuckDBPyConnection) -> CheckResult:
    """Per account and month: max(0, Σ billed − Σ paid) from the lake = fct_account_months; and
    the province totals = indicators.finance_monthly.arrears."""
    accounts = _rows(
        con,
        """
        with months as (
            select distinct province_code, acct_id, stat_month from wh.marts.fct_account_months
        ), billed as (
            select m.province_code, m.acct_id, m.stat_month, sum(b.actual_fee_fen) as billed_fen
            from months as m
            join lake_bill as b
                on b._province_code = m.province_code and b.acct_id = m.acct_id
                and b.bill_month <= m.stat_month
            group by all
        ), paid as (
            select m.province_code, m.acct_id, m.stat_month, sum(p.amount_fen) as paid_fen
            from months as m
            join lake_payment as p
                on p._province_code = m.province_code and p.acct_id = m.acct_id
                and strftime(p.pay_time, '%Y%m') <= m.stat_month
            group by all
        ), ledger as (
            select m.province_code, m.acct_id, m.stat_month,
                   greatest(coalesce(b.billed_fen, 0) - coalesce(p.paid_fen, 0), 0) as lake_fen
            from months as m
            left join billed as b using (province_code, acct_id, stat_month)
            left join paid as p using (province_code, acct_id, stat_month)
        )
        select l.province_code, l.acct_id, l.stat_month, l.lake_fen,
               f.arrears_fen as mart_fen
        from ledger as l
        join wh.marts.fct_account_months as f using (province_code, acct_id, stat_month)
        where l.lake_fen <> coalesce(f.arrears_fen, 0)
        order by abs(l.lake_fen - coalesce(f.arrears_fen, 0)) desc, l.acct_id, l.stat_month
        """,
    )
    provinces = _rows(
        con,
        """
        with mart as (
            select province_code, stat_month, sum(arrears_fen) as mart_fen
            from wh.marts.fct_account_months group by all
        )
        select cast(f.province_code as varchar) as province_code,
               cast(f.stat_month as varchar) as stat_month,
               f.arrears as published_yuan, coalesce(m.mart_fen, 0) / 100 as accounts_yuan
        from wh.indicators.finance_monthly as f
        left join mart as m
            on m.province_code = f.province_code and m.stat_month = f.stat_month
        where abs(coalesce(f.arrears, 0) - coalesce(m.mart_fen, 0) / 100) >= 0.005
        order by all
        """,
    )
    failed = bool(accounts or provinces)
    return CheckResult(
        "arrears_match_ledger",
        "marts/fct_account_months",
        BLOCKING,
        not failed,
        float(len(accounts) + len(provinces)),
        "exact: per account max(0, Σ BILL actual_fee_fen − Σ PAYMENT amount_fen) to month end; "
        "finance_monthly.arrears = Σ accounts",
        {"accounts": _jsonable(accounts), "province_months": _jsonable(provinces)},
        ",".join(sorted({r["stat_month"] for r in accounts + provinces})) or None,
        (
            f"{len(accounts)} account-months and {len(provinces)} province-months differ"
            + "".join(
                f"; acct {r['acct_id']} {r['stat_month']}: ledger {r['lake_fen']} vs "
                f"mart {r['mart_fen']}"
                for r in accounts[:3]
            )
        )
        if failed
        else "every account's arrears equal billed − paid",
    )


RECONCILIATIONS = {
    "revenue_assurance": revenue_assurance,
    "day_sums_match_month": day_sums_match_month,
    "published_totals_match_lake": published_totals_match_lake,
    "arrears_match_ledger": arrears_match_ledger,
}
