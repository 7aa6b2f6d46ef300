"""Lake files' columns and physical types against the contract's lake schema."""

from __future__ import annotations

from typing import Any

import duckdb

from core.contract import INTERFACES, lake_schema
from data_quality.observability.findings import MAX_LISTED, asset_of
from data_quality.results import WARNING, CheckResult

PARQUET_PHYSICAL = {
    "VARCHAR": "BYTE_ARRAY",
    "BIGINT": "INT64",
    "DATE": "INT32",
    "TIMESTAMP": "INT64",
}


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
        asset_of(iface),
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
