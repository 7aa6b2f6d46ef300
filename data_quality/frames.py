"""Reading what the lake checks judge: lake Parquet and the load log, via DuckDB.

Personal columns are masked by the select lists that build the published copy (``core.masking``)
before any frame reaches GX or a result: a frame holds what the published copy would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from core.contract import INTERFACES, lake_glob, lake_schema
from core.masking import MaskedSelect
from core.privacy import Masker, installation_secret
from core.settings import Settings

# GX validates pandas frames, so a large window is validated in parts of this size: a day of a
# 1-million-user province is about ten million CDRs, and a week of them did not fit in 24 GiB.
MAX_FRAME_ROWS = 500_000


def lake_files(settings: Settings, iface: str) -> list[Path]:
    return sorted(settings.lake.glob(lake_glob(iface)))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def lake_source(settings: Settings, iface: str) -> str | None:
    """A ``read_parquet`` expression over every lake file of ``iface`` (None when there is none)."""
    files = lake_files(settings, iface)
    if not files:
        return None
    listed = ", ".join(_literal(str(p)) for p in files)
    return f"read_parquet([{listed}], union_by_name = true, hive_partitioning = false)"


def masked(con: duckdb.DuckDBPyConnection, settings: Settings) -> MaskedSelect:
    """The masking select lists of ``con`` (one per connection: it names the functions it adds)."""
    return MaskedSelect(con, Masker(installation_secret(settings)))


@contextmanager
def lake(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB with one view per lake interface (``lake_voice``…) and the ops tables.

    Interfaces without any file get an empty view of their contract schema, so SQL never fails
    on a missing interface; ``load_log`` and ``rejected_records`` are empty when ops.duckdb is.
    """
    con = duckdb.connect()
    try:
        con.execute(f"set memory_limit = {_literal(settings.memory_limit)}")
        con.execute(f"set threads = {int(settings.threads)}")
        con.execute("set enable_progress_bar = false")
        for code, interface in INTERFACES.items():
            source = lake_source(settings, code)
            name = f"lake_{code.lower()}"
            if source is None:
                columns = ", ".join(
                    f'null::{kind} as "{col}"' for col, kind in lake_schema(interface).items()
                )
                con.execute(f"create view {name} as select {columns} where false")
            else:
                con.execute(f"create view {name} as select * from {source}")
        if settings.ops_db.exists():
            con.execute(f"attach {_literal(str(settings.ops_db))} as ops (read_only)")
            con.execute("create view load_log as select * from ops.load_log")
            con.execute("create view rejected_records as select * from ops.rejected_records")
        else:
            con.execute(
                "create view load_log as select null::varchar as file_name, "
                "null::varchar as iface, null::varchar as province_code, "
                "null::varchar as data_date, null::varchar as seq, null::varchar as status, "
                "null::bigint as record_count, null::bigint as loaded_count, "
                "null::bigint as rejected_count, null::varchar as reason, "
                "null::timestamp as processed_at where false"
            )
        yield con
    finally:
        con.close()


def parts(
    con: duckdb.DuckDBPyConnection,
    select_sql: str,
    key_columns: tuple[str, ...],
    max_rows: int = MAX_FRAME_ROWS,
) -> Iterator[pd.DataFrame]:
    """Every row of ``select_sql``, in frames of about ``max_rows`` rows.

    A larger result is split by a hash of the key: every row of a key is in the same frame, so a
    repeated key is found within one frame, and each frame fits in memory. ``frame.attrs`` holds
    ``population`` (the rows of all frames) and ``part`` (``(i, n)``: this is frame i of n).
    """
    population = con.execute(f"select count(*) from ({select_sql})").fetchone()[0]
    count = max(1, -(-population // max_rows))
    key = ", ".join(f'"{column}"' for column in key_columns)
    for part in range(count):
        sql = select_sql
        if count > 1:
            sql = f"select * from ({select_sql}) where hash({key}) % {count} = {part}"
        frame = con.execute(sql).df()
        frame.attrs.update(population=population, part=(part, count))
        yield frame


def lake_frames(
    masking: MaskedSelect, iface: str, data_dates: int | None = None
) -> Iterator[pd.DataFrame]:
    """The loaded records of one interface (of its newest ``data_dates`` per province), masked,
    in frames split by key (``parts``)."""
    con = masking.con
    name = f"lake_{iface.lower()}"
    columns = [row[0] for row in con.execute(f"describe {name}").fetchall()]
    recent = ""
    if data_dates:
        recent = (
            f"semi join (select * from (select distinct _province_code, _data_date from {name}) "
            f"qualify row_number() over (partition by _province_code "
            f"order by _data_date desc) <= {int(data_dates)}) as recent "
            f"using (_province_code, _data_date)"
        )
    key = ("_province_code", *INTERFACES[iface].primary_key)
    return parts(con, f"select {masking.select(columns)} from {name} {recent}", key)
