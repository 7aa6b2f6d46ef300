"""Write hand-made rows into a Parquet lake laid out exactly as ingestion writes it.

Columns and types come from core.contract.lake_schema(), paths from lake_relative_path(), so
a test lake cannot drift from the contract the dbt sources read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from core.contract import ALL_INTERFACES, lake_relative_path, lake_schema

LOADED_AT = dt.datetime(2026, 4, 1, 8, 0, 0)


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def write_delivery(
    lake: Path,
    iface: str,
    province: str,
    data_date: str,
    rows: Iterable[Mapping[str, Any]],
    seq: int = 1,
    loaded_at: dt.datetime = LOADED_AT,
) -> Path:
    """One delivery (one Parquet file) of `iface`; missing fields are NULL."""
    interface = ALL_INTERFACES[iface]
    schema = lake_schema(interface)
    stem = f"{iface}_{province}_{data_date}_{seq:03d}"
    target = lake / lake_relative_path(iface, province, data_date, stem)
    target.parent.mkdir(parents=True, exist_ok=True)
    lineage = {
        "_province_code": province,
        "_data_date": data_date,
        "_file_name": f"{stem}.AVL",
        "_loaded_at": loaded_at,
    }
    selects = []
    for line_no, row in enumerate(rows, start=1):
        unknown = set(row) - set(schema)
        if unknown:
            raise KeyError(f"{iface} has no lake column(s) {sorted(unknown)}")
        values = {**row, **lineage, "_line_no": line_no}
        selects.append(
            "select "
            + ", ".join(
                f"cast({_literal(values.get(name))} as {type_}) as {name}"
                for name, type_ in schema.items()
            )
        )
    if not selects:
        raise ValueError("a delivery holds at least one record")
    with duckdb.connect() as con:
        con.execute(f"copy ({' union all '.join(selects)}) to '{target}' (format parquet)")
    return target
