"""Read-only ad-hoc queries on the published copy (``jingfen sql``)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from core.errors import JingfenError
from core.settings import Settings
from publication.publish import connect_published

READ_STATEMENTS = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
    duckdb.StatementType.PRAGMA,
}


class QueryRefused(JingfenError):
    """The query was not run: it does not parse, writes, or reaches outside the published copy."""


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple]


def run_query(settings: Settings, sql: str) -> Result:
    """Run one or more read statements; the result is the last statement's."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as err:
        raise QueryRefused(f"The query does not parse: {err}") from err
    if not statements:
        raise QueryRefused("The query is empty.")
    for statement in statements:
        if statement.type not in READ_STATEMENTS:
            kind = statement.type.name
            raise QueryRefused(
                f"'jingfen sql' is read-only: a {kind} statement is refused. "
                "Only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and PRAGMA may run."
            )
    con = connect_published(settings)
    try:
        for statement in statements[:-1]:
            con.execute(statement.query)
        cursor = con.execute(statements[-1].query)
        columns = [d[0] for d in cursor.description or []]
        return Result(columns, cursor.fetchall())
    except duckdb.PermissionException as err:
        raise QueryRefused(
            f"'jingfen sql' reads only the published copy ({str(err).splitlines()[0]}): files "
            "and other databases are out of its reach."
        ) from err
    except duckdb.Error as err:
        raise JingfenError(f"The query failed: {err}") from err
    finally:
        con.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        # Money is DECIMAL(18,2): a double's shortest repr prints it back exactly.
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        return _text(value)
    return value


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_csv(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_text(v) for v in row] for row in result.rows)
    return out.getvalue()


def format_json(result: Result) -> str:
    records = [
        {col: _json_value(val) for col, val in zip(result.columns, row, strict=True)}
        for row in result.rows
    ]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def format_table(result: Result) -> str:
    cells = [[_text(v) for v in row] for row in result.rows]
    widths = [
        max([_width(col)] + [_width(row[i]) for row in cells])
        for i, col in enumerate(result.columns)
    ]

    def line(values: Sequence[str]) -> str:
        return " | ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True))

    rule = "-+-".join("-" * w for w in widths)
    lines = [line(result.columns), rule, *(line(row) for row in cells)]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


FORMATTERS = {"table": format_table, "csv": format_csv, "json": format_json}
