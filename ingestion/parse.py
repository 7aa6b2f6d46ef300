"""Parsing and validating one delivery in DuckDB (interfaces.md §2, §4.2).

One parallel scan reads every field as text, casts and checks it, and stages the typed rows in a
temporary table whose rowid is the record's position (so line numbers cost nothing). Reasons are
computed in SQL for the few failing rows only. DuckDB's CSV reader keeps the lines it cannot split
into the right number of fields itself (``store_rejects``). Duplicate keys are found with one
aggregate. Python touches individual lines only on the rare paths (blank lines, duplicates).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np

from core.contract import (
    PROVINCE_CITY,
    PROVINCE_ONLY_INDICATORS,
    Field,
    FieldType,
    Interface,
    lake_schema,
    province_cities,
)
from core.settings import Settings

# Value rules the contract states in prose only (interfaces.md §3); kept here, next to the checks.
RANGES: dict[tuple[str, str], tuple[int, int]] = {("PAYREL", "share_pct"): (1, 100)}
# "A negative target is a bad value" (interfaces.md §3, TARGET).
NON_NEGATIVE: frozenset[tuple[str, str]] = frozenset({("TARGET", "target_value")})

_T = TypeVar("_T", str, bytes)
_SHOWN_VALUE_CHARS = 40
_PARQUET_OPTIONS = "FORMAT parquet, USE_TMP_FILE false"
_CAST_TYPES = (
    FieldType.INT, FieldType.DATE, FieldType.TIMESTAMP, FieldType.CODE, FieldType.DECIMAL,
)  # fmt: skip
_DECIMAL = "DECIMAL(20,6)"  # core.contract.LAKE_TYPES of FieldType.DECIMAL


@dataclass(frozen=True)
class RejectedRecord:
    line_no: int
    raw_line: str  # service_password already blanked
    reason: str


@dataclass(frozen=True)
class Parsed:
    record_count: int  # non-empty lines: loaded + rejected
    rejects: list[RejectedRecord]

    @property
    def loaded_count(self) -> int:
        return self.record_count - len(self.rejects)


@dataclass(frozen=True)
class Lineage:
    province: str
    data_date: str
    file_name: str
    loaded_at: dt.datetime


def connect(settings: Settings, spill: Path, workers: int = 1) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to ``spill``, so a delivery larger than memory loads;
    one of ``workers`` loading at once, each with its share of the memory and the threads."""
    spill.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(
        config={
            "memory_limit": _share_of_memory(settings.memory_limit, workers),
            "threads": max(1, settings.threads // workers),
            "temp_directory": str(spill),
            "preserve_insertion_order": True,  # staged rowid == position in the file
        }
    )


_UNIT_BYTES = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
               "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}  # fmt: skip


def _share_of_memory(limit: str, workers: int) -> str:
    """``limit`` (as core/settings.py normalises it: 4GB, 512MiB) divided by ``workers``."""
    if workers == 1:
        return limit
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]+)", limit).groups()  # type: ignore[union-attr]
    return f"{int(float(number) * _UNIT_BYTES[unit.upper()] / workers) // 2**10}KiB"


_TABLES = ("staged", "skips", "dropped", "csv_rejects", "csv_scans")


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """Empty a connection of one delivery's tables before the next (the reader's rejects
    tables would otherwise accumulate the rejects of every scan); one transaction."""
    drops = " ".join(f"DROP TABLE IF EXISTS temp.{table};" for table in _TABLES)
    try:
        con.execute(f"BEGIN; {drops} COMMIT")
    except duckdb.Error:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")  # leave no transaction open on the shared connection
        raise


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _col(name: str) -> str:
    return f'"{name}"'


def _shown(column: str) -> str:
    return f"'''' || left({column}, {_SHOWN_VALUE_CHARS}) || ''''"


def _enum_type(values: Iterable[str]) -> str:
    return "ENUM(" + ", ".join(sql_text(value) for value in values) + ")"


def _typed(f: Field) -> str:
    c = _col(f.name)
    if f.type is FieldType.CODE:
        # exact, case-sensitive membership; the ENUM also spares the Parquet writer from hashing
        # every value into a dictionary (see _lake_columns)
        return f"TRY_CAST({c} AS {_enum_type(f.codes)})"
    if f.type is FieldType.INT:
        return f"TRY_CAST({c} AS BIGINT)"
    if f.type is FieldType.DATE:
        return f"CAST(try_strptime({c}, '%Y%m%d') AS DATE)"
    if f.type is FieldType.TIMESTAMP:
        return f"try_strptime({c}, '%Y%m%d%H%M%S')"
    if f.type is FieldType.DECIMAL:
        return f"TRY_CAST({c} AS {_DECIMAL})"
    return c


def _rules(iface: Interface, f: Field, lineage: Lineage) -> list[tuple[str, str]]:
    """(condition a non-NULL value must meet, reason when it does not) for one field: the
    rule of its type, then the rules of a plan that depend on the delivery itself."""
    rule = _rule(iface, f)
    rules = [rule] if rule else []
    c, t = _col(f.name), f"t_{f.name}"
    shown = _shown(c)
    if f.type is FieldType.YEAR:
        rules.append(
            (
                f"{c} = {sql_text(lineage.data_date)}",
                f"'{f.name} ' || {shown} || ' is not the year of the file''s data date "
                f"{lineage.data_date}'",
            )
        )
    if f.type is FieldType.CITY:
        cities = [PROVINCE_CITY, *province_cities(lineage.province)]
        rules.append(
            (
                f"{c} IN ({', '.join(sql_text(code) for code in cities)})",
                f"'unknown city in {f.name}: ' || {shown} || ' (neither a city of province "
                f"{lineage.province} nor {PROVINCE_CITY})'",
            )
        )
    if f.type is FieldType.DECIMAL and (iface.code, f.name) in NON_NEGATIVE:
        rules.append(
            (
                f"{t} IS NULL OR {t} >= 0",
                f"'negative value in {f.name} (0 or more expected): ' || {shown}",
            )
        )
    if f.name == "indicator" and iface.code == "TARGET":
        only = ", ".join(sql_text(code) for code in PROVINCE_ONLY_INDICATORS)
        rules.append(
            (
                f'{c} NOT IN ({only}) OR "city_code" = {sql_text(PROVINCE_CITY)}',
                f"'{f.name} ' || {shown} || ' is published for the province only: its target "
                f"takes city_code {PROVINCE_CITY}'",
            )
        )
    return rules


def _rule(iface: Interface, f: Field) -> tuple[str, str] | None:
    """(condition a non-NULL value must meet, reason when it does not) for one field's type."""
    c, t = _col(f.name), f"t_{f.name}"
    shown = _shown(c)
    if f.type is FieldType.YEAR:
        return (
            f"regexp_full_match({c}, '[0-9]{{4}}')",
            f"'unparsable value in {f.name} (year YYYY expected): ' || {shown}",
        )
    if f.type is FieldType.DECIMAL:
        return (
            f"regexp_full_match({c}, '-?[0-9]{{1,14}}([.][0-9]{{1,6}})?') AND {t} IS NOT NULL",
            f"'unparsable value in {f.name} (decimal of at most 6 places expected): ' || {shown}",
        )
    if f.type is FieldType.INT:
        low_high = RANGES.get((iface.code, f.name))
        ok = f"regexp_full_match({c}, '-?[0-9]+') AND {t} IS NOT NULL"
        if low_high:
            ok += f" AND {t} BETWEEN {low_high[0]} AND {low_high[1]}"
            return ok, (
                f"'unparsable value in {f.name} (integer {low_high[0]}–{low_high[1]} expected): '"
                f" || {shown}"
            )
        return ok, f"'unparsable value in {f.name} (integer expected): ' || {shown}"
    if f.type is FieldType.DATE:
        return (
            f"regexp_full_match({c}, '[0-9]{{8}}') AND {t} IS NOT NULL",
            f"'unparsable value in {f.name} (date YYYYMMDD expected): ' || {shown}",
        )
    if f.type is FieldType.TIMESTAMP:
        return (
            f"regexp_full_match({c}, '[0-9]{{14}}') AND {t} IS NOT NULL",
            f"'unparsable value in {f.name} (timestamp YYYYMMDDHHMMSS expected): ' || {shown}",
        )
    if f.type is FieldType.MONTH:
        return (
            f"regexp_full_match({c}, '[0-9]{{4}}(0[1-9]|1[0-2])')",
            f"'unparsable value in {f.name} (month YYYYMM expected): ' || {shown}",
        )
    if f.type is FieldType.MSISDN:
        return (
            f"regexp_full_match({c}, '[0-9]{{11}}')",
            f"'unparsable value in {f.name} (11 digits expected): ' || {shown}",
        )
    if f.type is FieldType.CODE:
        return f"{t} IS NOT NULL", f"'bad code in {f.name}: ' || {shown}"
    return None


def _checks(iface: Interface, lineage: Lineage, canonical: bool = False) -> list[tuple[str, str]]:
    """(condition, reason) per check; ``canonical``: the stricter conditions of the one pass."""
    checks = [
        (f"{_col(name)} IS NOT NULL", sql_text(f"NULL primary key field {name}"))
        for name in iface.primary_key
    ]
    for f in iface.stored_fields:
        for i, rule in enumerate(_rules(iface, f, lineage)):
            cond = (_canonical(iface, f) if canonical and i == 0 else None) or rule[0]
            checks.append((f"({_col(f.name)} IS NULL OR ({cond}))", rule[1]))
    return checks


# Years whose %Y is four digits: a value printed back in this range is exactly the rule's digits.
_FOUR_DIGIT_YEARS = "BETWEEN TIMESTAMP '1000-01-01' AND TIMESTAMP '9999-12-31 23:59:59'"


def _canonical(iface: Interface, f: Field) -> str | None:
    """A condition that implies the rule of ``_rule`` but avoids its regular expression, which
    was the largest cost of the checks: the typed value, printed back, must be the text as it
    came. It is stricter than the rule (leading zeros, ``-0``), so a file with such a value is
    not clean and goes through ``Staging``, which applies the rule itself and loads it."""
    c, t = _col(f.name), f"t_{f.name}"
    if f.type is FieldType.INT:
        low_high = RANGES.get((iface.code, f.name))
        in_range = f" AND {t} BETWEEN {low_high[0]} AND {low_high[1]}" if low_high else ""
        return f"CAST({t} AS VARCHAR) = {c}{in_range}"
    if f.type is FieldType.MSISDN:
        number = f"TRY_CAST({c} AS BIGINT)"
        return f"{number} BETWEEN 10000000000 AND 99999999999 AND CAST({number} AS VARCHAR) = {c}"
    if f.type is FieldType.TIMESTAMP:
        return f"{t} {_FOUR_DIGIT_YEARS} AND strftime({t}, '%Y%m%d%H%M%S') = {c}"
    if f.type is FieldType.DATE:
        return f"{t} {_FOUR_DIGIT_YEARS} AND strftime({t}, '%Y%m%d') = {c}"
    return None


def csv_source(iface: Interface, path: Path, skip: int = 0) -> str:
    """DuckDB's reader over the file, every field as text (``skip``: lines to skip first)."""
    columns = ", ".join(f"{sql_text(name)}: 'VARCHAR'" for name in iface.field_names)
    return (
        f"read_csv({sql_text(str(path))}, columns={{{columns}}}, delim='|', quote='', "
        "escape='', header=false, auto_detect=false, strict_mode=true, store_rejects=true, "
        f"rejects_table='csv_rejects', rejects_scan='csv_scans', rejects_limit=0, skip={skip})"
    )


def staging_sql(iface: Interface, path: Path, lineage: Lineage) -> str:
    """The one pass: typed columns plus, for failing rows only, the reason and the raw line."""
    cast = [f for f in iface.stored_fields if f.type in _CAST_TYPES]
    casts = [f"{_typed(f)} AS t_{f.name}" for f in cast]
    typed = [
        f"t_{f.name} AS {_col(f.name)}" if f in cast else _col(f.name) for f in iface.stored_fields
    ]
    checks = _checks(iface, lineage)
    ok = " AND ".join(cond for cond, _ in checks)
    reason = "concat_ws('; ', " + ", ".join(
        f"CASE WHEN NOT ({cond}) THEN {why} END" for cond, why in checks
    ) + ")"  # fmt: skip
    raw = " || '|' || ".join(
        "''" if f.type is FieldType.SECRET else f"coalesce({_col(f.name)}, '')"
        for f in iface.fields
    )
    fields = f"SELECT *, {', '.join(casts) or 'NULL AS _none'} FROM {csv_source(iface, path)}"
    return (
        f"CREATE OR REPLACE TEMP TABLE staged AS SELECT {', '.join(typed)}, "
        f"CASE WHEN NOT _ok THEN {reason} END AS _reason, "
        f"CASE WHEN NOT _ok THEN {raw} END AS _raw "
        f"FROM (SELECT *, {ok} AS _ok FROM ({fields}))"
    )


def secret_slots(iface: Interface, count: int) -> list[int]:
    """Positions to blank among a line's ``count`` fields, even when the count is wrong.

    With too few fields the password may have moved anywhere: everything from its position on,
    and the last field, are blanked. With too many, everything from its position on. Used for
    raw lines of rejected records and for the archived and quarantined copies (``blanking``).
    """
    secret_positions = [i for i, f in enumerate(iface.fields) if f.type is FieldType.SECRET]
    if not secret_positions or count == 0:
        return []
    if count == len(iface.fields):
        return secret_positions
    return sorted({*range(min(secret_positions), count), count - 1})


def blank_secrets(iface: Interface, values: list[_T], empty: _T) -> list[_T]:
    """``values`` (a line's fields) with ``secret_slots`` set to ``empty``."""
    blanked = list(values)
    for i in secret_slots(iface, len(values)):
        blanked[i] = empty
    return blanked


def redact(iface: Interface, line: str) -> str:
    """A raw line with its credential fields blanked (see ``blank_secrets``)."""
    return "|".join(blank_secrets(iface, line.split("|"), ""))


_LINE_SIZE = re.compile(r"Maximum line size of ([0-9]+) bytes")


def _reader_reason(error_type: str, line: str, iface: Interface, encoding: str, msg: str) -> str:
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"wrong number of fields: {line.count('|') + 1} instead of {len(iface.fields)}"
    if error_type == "INVALID ENCODING":
        return f"not valid {encoding} text"
    size = _LINE_SIZE.search(msg)
    if error_type == "LINE SIZE OVER MAXIMUM" and size:
        return f"line longer than {size[1]} bytes (binary content or missing line breaks?)"
    return msg.splitlines()[0] if msg else error_type


def unparsable(file_name: str, err: duckdb.Error) -> str:
    """The reason for a delivery DuckDB's reader gave up on, in one sentence (its own message
    is a page of reader options)."""
    first = str(err).splitlines()[0] if str(err) else type(err).__name__
    if "state machine reached an invalid state" in first:
        return (
            f"{file_name} is not |-separated text that DuckDB's CSV reader can split into lines "
            "and fields (binary or corrupted content?): check what was delivered under this "
            "name and ask for it again"
        )
    return (
        f"{file_name} cannot be parsed ({first.removesuffix('.')}): check what was delivered "
        "under this name and ask for it again"
    )


def blank_lines(path: Path) -> list[int]:
    """Line numbers of empty lines; DuckDB skips them silently, so they shift the numbering."""
    with open(path, "rb") as text:
        return [n for n, line in enumerate(text, 1) if not line.strip(b"\r\n")]


_SCAN_BYTES = 4 << 20


def _line_blocks(path: Path) -> Iterable[tuple[int, np.ndarray]]:
    """(number of the first line, bytes of whole lines) blocks of a file, for numpy scans."""
    first, rest = 1, b""
    with open(path, "rb") as raw:
        while True:
            chunk = raw.read(_SCAN_BYTES)
            block = rest + chunk
            if chunk:
                cut = block.rfind(b"\n") + 1
                block, rest = block[:cut], block[cut:]
            if block:
                yield first, np.frombuffer(block, np.uint8)
                first += block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
            if not chunk:
                return


def pipe_count(path: Path) -> int:
    """How many ``|`` a file holds: a clean file of n-field records holds n - 1 a record."""
    count = 0
    buffer = memoryview(bytearray(_SCAN_BYTES))  # reused: a fresh chunk per read faults pages
    with open(path, "rb", buffering=0) as raw:
        while size := raw.readinto(buffer):
            count += int(np.count_nonzero(np.frombuffer(buffer[:size], np.uint8) == 0x7C))
    return count


def surplus_fields(path: Path, fields: int) -> dict[int, int]:
    """Field counts of the lines with more than ``fields`` fields, by line number.

    DuckDB's reader takes a line whose surplus fields are all empty (``a|b|c||``) for a record of
    the right length; the contract rejects it (interfaces.md §4 step 2), so the pipes are counted
    here, per line, with numpy."""
    found: dict[int, int] = {}
    for first, data in _line_blocks(path):
        newlines = np.flatnonzero(data == 0x0A)
        ends = newlines if data[-1] == 0x0A else np.append(newlines, len(data))
        starts = np.concatenate(([0], newlines + 1))[: len(ends)]
        pipes = np.flatnonzero(data == 0x7C)
        counts = np.searchsorted(pipes, ends) - np.searchsorted(pipes, starts)
        for i in np.flatnonzero(counts >= fields):
            found[first + int(i)] = int(counts[i]) + 1
    return found


def fetch_lines(path: Path, wanted: Iterable[int]) -> dict[int, str]:
    wanted = set(wanted)
    found: dict[int, str] = {}
    with open(path, "rb") as text:
        for n, line in enumerate(text, 1):
            if n in wanted:
                found[n] = line.rstrip(b"\r\n").decode("utf-8", "replace")
                if len(found) == len(wanted):
                    break
    return found


class Staging:
    """One delivery staged in a DuckDB connection, with its rejects and line numbering."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, iface: Interface, path: Path, lineage: Lineage
    ) -> None:
        self.con, self.iface, self.path = con, iface, path
        con.execute(staging_sql(iface, path, lineage))
        self._staged, self._failing = con.execute(
            "SELECT count(*), count(_reason) FROM staged"
        ).fetchone()
        self._reader_rows = con.execute(
            "SELECT line, any_value(error_type), any_value(csv_line), any_value(error_message) "
            "FROM csv_rejects GROUP BY line ORDER BY line"
        ).fetchall()
        self.record_count = self._staged + len(self._reader_rows)
        self._skip_keys: list[int] = []
        self._dropped: set[int] = set()
        self.rejects: list[RejectedRecord] = []

    def collect_rejects(self, line_count: int, encoding: str) -> None:
        """Number the lines (``line_count`` counts every line, empty ones too) and gather the
        records the reader and the SQL checks rejected."""
        skipped = [row[0] for row in self._reader_rows]
        if line_count > self.record_count:
            skipped = sorted([*skipped, *blank_lines(self.path)])
        # staged row r (0-based) sits on line r + 1 + (skipped lines before it); k_j below is
        # the number of staged rows before the j-th skipped line.
        self._skip_keys = [line - j for j, line in enumerate(skipped, 1)]
        self._reject_surplus_fields(skipped, {row[0] for row in self._reader_rows})
        self.rejects = [
            RejectedRecord(
                line,
                redact(self.iface, text.strip("\r\n")),
                _reader_reason(error_type, text.strip("\r\n"), self.iface, encoding, message),
            )
            for line, error_type, text, message in self._reader_rows
        ]
        if self._failing:
            self.rejects += [
                RejectedRecord(self.line_of(rid), redact(self.iface, raw), reason)
                for rid, raw, reason in self.con.execute(
                    "SELECT rowid, _raw, _reason FROM staged WHERE _reason IS NOT NULL"
                ).fetchall()
            ]

    def _reject_surplus_fields(self, skipped: list[int], reader_lines: set[int]) -> None:
        """Mark the staged rows of lines with surplus empty fields (see ``surplus_fields``) as
        failing, with their whole line, so that every later step treats them as rejected."""
        expected = len(self.iface.fields)
        counts = {
            line: count
            for line, count in surplus_fields(self.path, expected).items()
            if line not in reader_lines
        }
        if not counts:
            return
        raw = fetch_lines(self.path, counts)
        rowid_of = {line: line - 1 - bisect.bisect_left(skipped, line) for line in counts}
        self.con.executemany(
            "UPDATE staged SET _reason = ?, _raw = ? WHERE rowid = ?",
            [
                (
                    f"wrong number of fields: {count} instead of {expected}",
                    redact(self.iface, raw[line]),
                    rowid_of[line],
                )
                for line, count in counts.items()
            ],
        )
        self._failing = self.con.execute("SELECT count(_reason) FROM staged").fetchone()[0]

    def line_of(self, rowid: int) -> int:
        return rowid + 1 + bisect.bisect_right(self._skip_keys, rowid)

    def reject_duplicates(self, siblings: list[Path]) -> None:
        """Reject repeated keys: within the delivery the first occurrence loads; a key already
        loaded from another file of the same data date (a split delivery) is rejected here."""
        pk = ", ".join(_col(name) for name in self.iface.primary_key)
        shown_key = " || ', ' || ".join(
            f"'{name}=' || CAST({_col(name)} AS VARCHAR)" for name in self.iface.primary_key
        )
        found: dict[int, str] = {}
        for rid, first, key in self.con.execute(
            f"""
            WITH repeated AS (
                SELECT {pk} FROM staged WHERE _reason IS NULL GROUP BY ALL HAVING count(*) > 1
            ),
            occurrences AS (
                SELECT s.rowid AS rid, min(s.rowid) OVER (PARTITION BY {pk}) AS first_rid,
                    {shown_key} AS key
                FROM staged AS s SEMI JOIN repeated USING ({pk})
                WHERE s._reason IS NULL
            )
            SELECT rid, first_rid, key FROM occurrences WHERE rid > first_rid
            """
        ).fetchall():
            found[rid] = f"duplicate primary key {key}: first at line {self.line_of(first)}"
        if siblings:
            files = "[" + ", ".join(sql_text(str(p)) for p in siblings) + "]"
            for rid, file_name, line_no, key in self.con.execute(
                f"""
                SELECT s.rowid, o._file_name, min(o._line_no), {shown_key}
                FROM staged AS s
                JOIN read_parquet({files}, hive_partitioning = false) AS o USING ({pk})
                WHERE s._reason IS NULL GROUP BY ALL
                """
            ).fetchall():
                found.setdefault(
                    rid,
                    f"primary key {key} already loaded for this data date from {file_name} "
                    f"line {line_no}",
                )
        if not found:
            return
        self._dropped.update(found)
        lines = {rid: self.line_of(rid) for rid in found}
        raw = fetch_lines(self.path, lines.values())
        self.rejects += [
            RejectedRecord(lines[rid], redact(self.iface, raw.get(lines[rid], "")), reason)
            for rid, reason in found.items()
        ]

    def parsed(self) -> Parsed:
        return Parsed(self.record_count, sorted(self.rejects, key=lambda r: r.line_no))

    def write_parquet(self, out: Path, lineage: Lineage) -> int:
        """Write the loadable rows, typed as lake_schema(), to ``out``; returns rows written."""
        con = self.con
        source = "(SELECT rowid AS _rid, * FROM staged WHERE _reason IS NULL)"
        line_no = "_rid + 1"
        if self._skip_keys:
            con.execute("CREATE OR REPLACE TEMP TABLE skips (k BIGINT, before BIGINT)")
            con.execute(
                "INSERT INTO skips SELECT unnest(?), unnest(?)",
                [self._skip_keys, list(range(1, len(self._skip_keys) + 1))],
            )
            source = (
                f"(SELECT s.*, coalesce(k.before, 0) AS _before FROM {source} AS s "
                "ASOF LEFT JOIN (SELECT k, max(before) AS before FROM skips GROUP BY k) AS k "
                "ON s._rid >= k.k)"
            )
            line_no = "_rid + 1 + _before"
        where = ""
        if self._dropped:
            con.execute("CREATE OR REPLACE TEMP TABLE dropped (rid BIGINT)")
            con.execute("INSERT INTO dropped SELECT unnest(?)", [sorted(self._dropped)])
            where = "WHERE _rid NOT IN (SELECT rid FROM dropped)"
        columns = _lake_columns(self.iface, lineage, line_no)
        written = con.execute(
            f"COPY (SELECT {columns} FROM {source} {where}) TO {sql_text(str(out))} "
            f"({_PARQUET_OPTIONS})"
        ).fetchone()
        return int(written[0])


def _lake_columns(iface: Interface, lineage: Lineage, line_no: str) -> str:
    """The SELECT list of a lake file, typed as ``lake_schema()``.

    Codes (already ENUMs, see ``_typed``) and the three constant text columns go out as ENUMs:
    Parquet stores an ENUM as the same dictionary-encoded string column (read back as VARCHAR),
    but DuckDB's writer then copies its dictionary instead of hashing every one of the values.
    """
    constants = {
        "_province_code": lineage.province,
        "_data_date": lineage.data_date,
        "_file_name": lineage.file_name,
    }
    values = {
        **{name: f"CAST({sql_text(v)} AS {_enum_type([v])})" for name, v in constants.items()},
        **{f.name: _col(f.name) for f in iface.stored_fields if f.type is FieldType.CODE},
        "_line_no": f"CAST({line_no} AS BIGINT)",
        "_loaded_at": f"CAST({sql_text(lineage.loaded_at.isoformat(sep=' '))} AS TIMESTAMP)",
    }
    return ", ".join(
        f"{values.get(name, f'CAST({_col(name)} AS {sql_type})')} AS {_col(name)}"
        for name, sql_type in lake_schema(iface).items()
    )


_PART_BYTES = 32 << 20  # a file is numbered in parts of at least this size, one per thread


def parts_for(byte_size: int, threads: int) -> int:
    """How many parts a clean delivery is read in: one per thread, unless it is small."""
    return max(1, min(threads, byte_size // _PART_BYTES))


def write_if_clean(
    con: duckdb.DuckDBPyConnection,
    iface: Interface,
    path: Path,
    expected: int,
    out: Path,
    lineage: Lineage,
    parts: int = 1,
) -> int:
    """The fast path for a clean delivery: one streaming scan straight into the Parquet file.

    DuckDB's CSV reader gives no line number, so rows are numbered by a positional join with
    ``range`` (DuckDB keeps the file's order within one scan), which is the line number as long as
    no line was skipped, and failing rows are simply left out. A positional join runs on one
    thread, so a large file is read as ``parts`` scans of consecutive line ranges (``skip`` lines,
    then ``LIMIT``), each numbered by its own ``range`` and run in parallel (``UNION ALL``, order
    not preserved: the line number is a column). Returns the rows written; the caller keeps the
    file only if that equals the number of lines, no line was rejected by the reader and no key
    repeats (see ``has_repeated_keys``). Should the reader see more rows than expected, the last
    part numbers them past ``expected`` and the count gives them away; should it see fewer (blank
    lines: the reader skips them, ``skip`` counts them), a part reads on into the next one and the
    rows read twice repeat their keys. Any defect sends the delivery through ``Staging``, which
    explains every rejection.
    """
    checks = " AND ".join(cond for cond, _ in _checks(iface, lineage, canonical=True))
    cast = [f for f in iface.stored_fields if f.type in _CAST_TYPES]
    casts = ", ".join(f"{_typed(f)} AS t_{f.name}" for f in cast) or "NULL AS _none"
    typed = ", ".join(
        f"t_{f.name} AS {_col(f.name)}" if f in cast else _col(f.name) for f in iface.stored_fields
    )
    bounds = [expected * i // parts for i in range(parts + 1)]
    selects = []
    for i in range(parts):
        first, last = bounds[i] + 1, bounds[i + 1]
        source = csv_source(iface, path, skip=first - 1)
        if i < parts - 1:
            source = f"(SELECT * FROM {source} LIMIT {last - first + 1})"
        else:
            # One number more than expected: a surplus row gets it and is counted. The padding
            # row the join adds otherwise has NULL fields and fails the primary-key check.
            last += 1
        # Cast below the join: no filter is pushed through a positional join, so each value is
        # cast once, not once in the checks and again in the projection (~1 s on 5M records).
        numbered = (
            f"SELECT * FROM (SELECT *, {casts} FROM {source}) "
            f"POSITIONAL JOIN range({first}, {last + 1}) AS numbers(_line)"
        )
        selects.append(
            f"SELECT {typed}, _line FROM ({numbered}) WHERE _line IS NOT NULL AND {checks}"
        )
    rows = " UNION ALL ".join(f"({select})" for select in selects)
    copy = (
        f"COPY (SELECT {_lake_columns(iface, lineage, '_line')} FROM ({rows})) "
        f"TO {sql_text(str(out))} ({_PARQUET_OPTIONS})"
    )
    if parts == 1:
        return int(con.execute(copy).fetchone()[0])
    con.execute("SET preserve_insertion_order = false")  # lets the parts run in parallel
    try:
        return int(con.execute(copy).fetchone()[0])
    finally:
        con.execute("SET preserve_insertion_order = true")


def reader_rejected(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM csv_rejects").fetchone()[0])


def has_repeated_keys(
    con: duckdb.DuckDBPyConnection, iface: Interface, written: Path, siblings: list[Path]
) -> bool:
    """Does a key repeat within the written file, or already sit in a sibling split file?"""
    pk = ", ".join(_col(name) for name in iface.primary_key)
    source = f"read_parquet({sql_text(str(written))}, hive_partitioning = false)"
    # Only a repeated 64-bit hash (a repeated key, or rarely a collision) needs the exact look.
    if (
        _hashes_repeat(con, source, pk)
        and con.execute(
            f"SELECT 1 FROM {source} GROUP BY {pk} HAVING count(*) > 1 LIMIT 1"
        ).fetchone()
    ):
        return True
    if not siblings:
        return False
    files = "[" + ", ".join(sql_text(str(p)) for p in siblings) + "]"
    return bool(
        con.execute(
            f"SELECT 1 FROM {source} SEMI JOIN read_parquet({files}, hive_partitioning = false) "
            f"USING ({pk}) LIMIT 1"
        ).fetchone()
    )


def _hashes_repeat(con: duckdb.DuckDBPyConnection, source: str, pk: str) -> bool:
    """Do two rows' key hashes collide? numpy's vectorised sort of the hashes, then a look at
    neighbours, costs a third of the CPU of DuckDB's hash aggregate over millions of distinct
    keys (8 bytes a record in memory)."""
    hashes = con.execute(f"SELECT hash({pk}) AS h FROM {source}").fetchnumpy()["h"]
    hashes.sort()
    return bool((hashes[1:] == hashes[:-1]).any())
