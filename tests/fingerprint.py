"""A fingerprint of what a seeded province publishes, to prove a restructuring changed nothing.

It builds one province with defects through the command line (`jingfen generate`, `jingfen run`,
`jingfen report`, the weekly flash), then records:

- every table of the published copy: its columns and types, its row count and a hash of its
  sorted rows (doubles rounded to 9 significant digits, the home's path written as ``<home>``,
  the values of timestamp columns, run ids and durations left out: they say when and how fast
  the run ran), and a hash per column, to tell which column changed;
- every file of the committed dashboard bundle (its SHA-256);
- every cell of the monthly report's and the weekly flash's workbooks, as text.

``tests/fixtures/published_fingerprint.json`` is the fingerprint of main; test_fingerprint.py
builds the province again and compares. A change that is meant regenerates the file with
``make fingerprint``; its diff in git says which tables, files or cells changed.

    python -m tests.fingerprint OUT.json          # build a province, write its fingerprint
    python -m tests.fingerprint --compare A B     # what differs between two fingerprints
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import openpyxl

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "published_fingerprint.json"
BUNDLE = ROOT / "dashboards" / "bundle"

USERS, MONTHS, SEED, DEFECTS = 300, 4, 7, "0.05"
REPORT_MONTH = "202604"
# The cert_no hashes are keyed by the installation secret: a fixed one makes them comparable.
SECRET = "5a" * 32
VOLATILE_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE_TIME", "INTERVAL")
# A check's details quote sample rows, which differ from one build of the same province to the next.
VOLATILE_COLUMNS = ("run_id", "duration_ms", "details")
PUBLISHED_AT = re.compile(r"(发布时间 published) \d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _jingfen(home: Path, *args: str) -> None:
    script = Path(sys.executable).with_name("jingfen")
    env = {**os.environ, "JINGFEN_HOME": str(home)}
    done = subprocess.run([str(script), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"jingfen {' '.join(args)}:\n{done.stdout[-3000:]}{done.stderr}")


def build_province(home: Path) -> None:
    secrets = home / "secrets"
    secrets.mkdir(parents=True, mode=0o700)
    (secrets / "cert_no.key").write_text(SECRET + "\n", encoding="ascii")
    (secrets / "cert_no.key").chmod(0o600)
    common = ["--users", str(USERS), "--months", str(MONTHS), "--seed", str(SEED)]
    _jingfen(home, "generate", *common, "--provinces", "571,574", "--defects", DEFECTS)
    _jingfen(home, "run")
    _jingfen(home, "report", "--month", REPORT_MONTH)
    code = "from core.settings import Settings; from reports import build_flash; "
    code += "build_flash(Settings.from_env(), say=lambda _: None)"
    env = {**os.environ, "JINGFEN_HOME": str(home)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


def _value_sql(name: str, data_type: str) -> str:
    column = f'"{name}"'
    if data_type in VOLATILE_TYPES or name in VOLATILE_COLUMNS:
        return f"case when {column} is null then '∅' else '<time>' end"
    if data_type in ("DOUBLE", "FLOAT", "REAL"):
        return f"coalesce(printf('%.9g', {column}), '∅')"
    return f"coalesce(replace({column}::varchar, $home, '<home>'), '∅')"


def table_fingerprints(serving_db: Path, home: Path) -> dict[str, Any]:
    con = duckdb.connect(str(serving_db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() order by 1, 2"
        ).fetchall()
        prints: dict[str, Any] = {}
        for schema, table in tables:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? and table_catalog = current_database() "
                "order by ordinal_position",
                [schema, table],
            ).fetchall()
            values = [_value_sql(name, kind) for name, kind in columns]
            digests = ", ".join(
                f"md5(coalesce(string_agg(c{i}, chr(10) order by c{i}), ''))"
                for i in range(len(columns))
            )
            row = " || '|' || ".join(values)
            cells = ", ".join(f"{value} as c{i}" for i, value in enumerate(values))
            count, digest, *column_digests = con.execute(
                f"select count(*), md5(coalesce(string_agg(r, chr(10) order by r), '')), {digests} "
                f'from (select {row} as r, {cells} from "{schema}"."{table}")',
                {"home": str(home)},
            ).fetchone()
            prints[f"{schema}.{table}"] = {
                "columns": [f"{name} {kind}" for name, kind in columns],
                "rows": count,
                "md5": digest,
                "column_md5": dict(zip([name for name, _ in columns], column_digests, strict=True)),
            }
        return prints
    finally:
        con.close()


def bundle_fingerprints() -> dict[str, str]:
    return {
        str(path.relative_to(BUNDLE)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(BUNDLE.rglob("*"))
        if path.is_file()
    }


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return "<time>"
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, str):
        return PUBLISHED_AT.sub(r"\1 <time>", value)
    return value


def workbook_cells(path: Path) -> dict[str, list[list[Any]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            sheet.title: [
                [_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)
            ]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def fingerprint(home: Path) -> dict[str, Any]:
    reports = home / "reports"
    return {
        "province": {"users": USERS, "months": MONTHS, "seed": SEED, "defects": DEFECTS},
        "tables": table_fingerprints(home / "serving.duckdb", home),
        "bundle": bundle_fingerprints(),
        "workbooks": {path.name: workbook_cells(path) for path in sorted(reports.glob("*.xlsx"))},
    }


def build_fingerprint() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="jingfen-fingerprint-") as tmp:
        home = Path(tmp) / "home"
        build_province(home)
        return fingerprint(home)


def write(prints: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(prints, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _workbook_differences(name: str, old: dict, new: dict) -> list[str]:
    lines = []
    for sheet in sorted(set(old) | set(new)):
        if sheet not in old or sheet not in new:
            lines.append(f"{name} sheet {sheet}: {'added' if sheet in new else 'removed'}")
            continue
        old_rows, new_rows = old[sheet], new[sheet]
        for number in range(max(len(old_rows), len(new_rows))):
            before = old_rows[number] if number < len(old_rows) else None
            after = new_rows[number] if number < len(new_rows) else None
            if before != after:
                lines.append(f"{name} {sheet} row {number + 1}: {before} -> {after}")
    return lines


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One line per table, bundle file or workbook row that differs; empty when identical."""
    lines = [f"province: {old['province']} -> {new['province']}"] * (
        old["province"] != new["province"]
    )
    for part in ("tables", "bundle"):
        for key in sorted(set(old[part]) | set(new[part])):
            before, after = old[part].get(key), new[part].get(key)
            if before == after:
                continue
            if before is None or after is None:
                lines.append(f"{part} {key}: {'added' if before is None else 'removed'}")
            elif part == "bundle":
                lines.append(f"bundle {key}: changed")
            else:
                fields = sorted(before.keys() | after.keys())
                changed = [field for field in fields if before.get(field) != after.get(field)]
                lines.append(f"table {key}: {', '.join(changed)} changed")
                if "column_md5" in changed:
                    old_columns, new_columns = before["column_md5"], after["column_md5"]
                    moved = [
                        c
                        for c in sorted(old_columns.keys() | new_columns.keys())
                        if old_columns.get(c) != new_columns.get(c)
                    ]
                    lines.append(f"    values changed in {', '.join(moved)}")
                if "columns" in changed:
                    lines.append(f"    columns {before['columns']} -> {after['columns']}")
                if "rows" in changed:
                    lines.append(f"    rows {before['rows']} -> {after['rows']}")
    for name in sorted(set(old["workbooks"]) | set(new["workbooks"])):
        before, after = old["workbooks"].get(name), new["workbooks"].get(name)
        if before is None or after is None:
            lines.append(f"workbook {name}: {'added' if before is None else 'removed'}")
        else:
            lines.extend(_workbook_differences(name, before, after))
    return lines


def read(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        found = differences(read(sys.argv[2]), read(sys.argv[3]))
        print("\n".join(found) or "identical")
        sys.exit(1 if found else 0)
    write(build_fingerprint(), Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE)
