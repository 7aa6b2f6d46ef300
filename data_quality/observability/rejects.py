"""What ingestion rejected, as the load log tells it."""

from __future__ import annotations

import duckdb

from data_quality.observability.findings import MAX_LISTED, asset_of, partition_of
from data_quality.results import WARNING, CheckResult


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
        asset_of(iface),
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
        partition_of([d for _, _, d, _ in deliveries] + [d for _, d, _ in records]),
        (
            f"{len(deliveries)} deliveries rejected"
            + "".join(f" ({f}: {r})" for f, _, _, r in deliveries[:3])
            + f"; {rejected_records} records rejected in {len(records)} loaded deliveries"
        )
        if problems
        else "nothing rejected",
    )
