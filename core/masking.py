"""The masking rules of core/privacy.py applied in DuckDB: select lists that mask as they copy.

The publication (``publication.publish``) builds the published copy with them, and the quality
checks (``data_quality.frames``) read every frame GX sees through them, so a value is masked the
same way wherever it leaves the warehouse.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import pyarrow as pa

from core.contract import ALL_INTERFACES, DATA_FILE_RE
from core.privacy import RAW_LINE_COLUMN, LineLayout, Masker, Personal, column_kind, published_name

# Where each personal field sits in a raw line of each interface (docs/design.md, "Personal data").
LINE_LAYOUTS = {
    code: LineLayout(
        tuple(f.personal for f in iface.fields),
        frozenset(code for f in iface.fields for code in f.codes),
    )
    for code, iface in ALL_INTERFACES.items()
}


def line_layout(file_name: str | None) -> LineLayout | None:
    """The layout of a raw line of ``file_name``'s interface (None: no interface fits)."""
    match = DATA_FILE_RE.match(file_name or "")
    return LINE_LAYOUTS.get(match["iface"]) if match else None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class MaskedSelect:
    """The select lists that copy columns with personal data masked, through Python functions
    registered on one connection: the installation secret stays in this process and never
    appears in SQL text, an error message or a copy."""

    def __init__(self, con: duckdb.DuckDBPyConnection, masker: Masker) -> None:
        self.con = con
        self.masker = masker
        self.names = (f"jingfen_mask_{n}" for n in itertools.count())

    def _function(self, rule: Callable[..., Any], arguments: int, result: str) -> str:
        name = next(self.names)
        arrow_type = pa.int32() if result == "INTEGER" else pa.string()

        def masked(rows: Iterable[tuple[Any, ...]]) -> pa.Array:
            return pa.array([None if r[-1] is None else rule(*r) for r in rows], type=arrow_type)

        # DuckDB takes the arity from the Python signature.
        def one(values: pa.Array) -> pa.Array:
            return masked((v,) for v in values.to_pylist())

        def two(first: pa.Array, values: pa.Array) -> pa.Array:
            return masked(zip(first.to_pylist(), values.to_pylist(), strict=True))

        self.con.create_function(
            name,
            one if arguments == 1 else two,
            ["VARCHAR"] * arguments,
            result,
            type="arrow",
            null_handling="special",
        )
        return name

    def select(self, columns: list[str]) -> str:
        """``columns`` as a select list: personal ones masked (a birth date as its year, under
        ``published_name``), the others as they are."""
        parts = []
        for column in columns:
            quoted = _quote(column)
            if column.lower() == RAW_LINE_COLUMN:
                function = self._function(
                    lambda file_name, line: self.masker.line(line, line_layout(file_name)),
                    2,
                    "VARCHAR",
                )
                file_name = _quote("file_name") if "file_name" in columns else "null"
                parts.append(f"{function}({file_name}::varchar, {quoted}::varchar) as {quoted}")
                continue
            rule = self.masker.column(column)
            if rule is None:
                parts.append(quoted)
                continue
            birth = column_kind(column) is Personal.BIRTH_DATE
            function = self._function(rule, 1, "INTEGER" if birth else "VARCHAR")
            parts.append(f"{function}({quoted}::varchar) as {_quote(published_name(column))}")
        return ", ".join(parts)
