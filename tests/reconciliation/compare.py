"""Reading the published copy and comparing it with a recomputation, row by row."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

CLEAN, DEFECTIVE = "571", "574"


def published(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home / "serving.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def published_rows(home: Path, table: str, keys: list[str], columns: list[str]) -> dict:
    rows = published(home, f"select {', '.join(keys + columns)} from {table}")
    result: dict[tuple, dict[str, object]] = {}
    for row in rows:
        key = tuple(row[: len(keys)])
        assert key not in result, f"{table}: two rows for {dict(zip(keys, key, strict=True))}"
        result[key] = dict(zip(columns, row[len(keys) :], strict=True))
    return result


def _same(ours: object, theirs: object) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if isinstance(ours, Decimal):
        return isinstance(theirs, Decimal) and ours == theirs
    return ours == theirs and type(ours) is type(theirs)


def assert_same_rows(table: str, keys: list[str], ours: dict, theirs: dict, limit: int = 15):
    """Row sets equal and every value equal; else a readable diff of the first mismatches."""
    problems: list[str] = []
    for key in sorted(set(ours) - set(theirs)):
        problems.append(f"missing from {table}: {dict(zip(keys, key, strict=True))} {ours[key]}")
    for key in sorted(set(theirs) - set(ours)):
        problems.append(
            f"not expected in {table}: {dict(zip(keys, key, strict=True))} {theirs[key]}"
        )
    for key in sorted(set(ours) & set(theirs)):
        for column, value in ours[key].items():
            if not _same(value, theirs[key][column]):
                problems.append(
                    f"{table} {dict(zip(keys, key, strict=True))} {column}: "
                    f"recomputed {value!r}, published {theirs[key][column]!r}"
                )
    assert not problems, (
        f"{len(problems)} differences between the recomputation and {table}; first {limit}:\n"
        + "\n".join(problems[:limit])
    )
    assert ours, f"{table}: nothing to compare"
