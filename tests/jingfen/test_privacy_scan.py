"""A hostile look at a real run: no personal value of the landing files reaches the published
copy, and no service_password is left anywhere under the home.

One province with defects is generated and run through ``jingfen run``, after rejected CUST,
ACCT and USER lines (the generator breaks only usage records) are added to its first month. The
landing files are copied before the run and parsed by the contract; the scans look for their
values, and are shown to find them where they are meant to be (warehouse, ops.duckdb, landing).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from core.contract import ALL_INTERFACES, DATA_FILE_RE, FieldType
from core.privacy import SECRET_FILE_NAME
from generator.defects import RECORD_REASONS

pytestmark = pytest.mark.slow

USERS, MONTHS, SEED, DEFECTS = 100, 2, 1, 0.3
PERSONAL = ("msisdn", "other_number", "cert_no", "cust_name", "acct_name", "birth_date")
FIRST_MONTH = "571_202601_001"


def _jingfen(home: Path, *args: str) -> None:
    script = Path(sys.executable).with_name("jingfen")
    env = {**os.environ, "JINGFEN_HOME": str(home)}
    done = subprocess.run([str(script), *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"jingfen {' '.join(args)}:\n{done.stdout[-3000:]}{done.stderr}"


def _records(path: Path) -> tuple[str, list[str]]:
    """(interface code, lines) of a data file, decoded as its check file says (UTF-8 or GBK)."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = zlib.decompressobj(wbits=31).decompress(raw)  # a truncated one as far as it goes
    check = path.with_name(path.name.split(".")[0] + ".CHK")
    gbk = check.exists() and check.read_text("ascii").strip().endswith("|GBK")
    return DATA_FILE_RE.match(path.name)["iface"], raw.decode(
        "gbk" if gbk else "utf-8"
    ).splitlines()


def _append(landing: Path, stem: str, lines: list[str]) -> None:
    """Add broken lines to a delivery and fix its check file."""
    data, check = landing / f"{stem}.AVL", landing / f"{stem}.CHK"
    fields = check.read_text("ascii").strip().split("|")
    raw = data.read_bytes()
    raw += "".join(f"{line}\n" for line in lines).encode("gbk" if fields[5] == "GBK" else "utf-8")
    data.write_bytes(raw)
    fields[1], fields[2] = str(len(raw)), str(int(fields[2]) + len(lines))
    check.write_text("|".join(fields) + "\n", encoding="ascii")


def _break_first_month(landing: Path) -> dict[str, list[str]]:
    """Rejected CUST, ACCT and USER lines holding real personal values: one whose fields are in
    place (a bad value, quoted in its reason) and one with a wrong field count, for each."""
    added = {}
    for iface, bad_field, bad in (
        ("CUST", "birth_date", lambda v: v + "0"),
        ("ACCT", "pay_method", lambda v: "XX"),
        ("USER", "msisdn", lambda v: v + "9"),
    ):
        _, lines = _records(landing / f"{iface}_{FIRST_MONTH}.AVL")
        fields = next(line for line in lines if iface != "CUST" or line.split("|")[1] == "1")
        fields = fields.split("|")
        position = ALL_INTERFACES[iface].field_names.index(bad_field)
        broken = [*fields[:position], bad(fields[position]), *fields[position + 1 :]]
        added[iface] = ["|".join(broken), "|".join([*fields, "extra"])]
        _append(landing, f"{iface}_{FIRST_MONTH}", added[iface])
    return added


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("home")
    _jingfen(
        home, "generate", "--users", str(USERS), "--months", str(MONTHS), "--seed", str(SEED),
        "--start", "202601", "--defects", str(DEFECTS),
    )  # fmt: skip
    added = _break_first_month(home / "landing")
    before = tmp_path_factory.mktemp("landing-before") / "landing"
    shutil.copytree(home / "landing", before)
    _jingfen(home, "run")
    manifest = json.loads((home / "defects_manifest.json").read_text())
    return {"home": home, "landing": before, "added": added, "manifest": manifest}


# --- personal values -----------------------------------------------------------------------------


def personal_values(landing: Path) -> dict[str, str]:
    """Every personal value of the landing files → its fields (cert_no also as its unkeyed
    SHA-256 and the 16-digit prefix of it, birth dates also as DuckDB prints a DATE).

    A value that also occurs in a non-personal field cannot be told apart from that field's
    published value (a group's account is named as the group, someone's birthday is someone
    else's opening date), so it is left out.
    """
    personal: dict[str, set[str]] = {}
    other: set[str] = set()
    for path in sorted(landing.iterdir()):
        if not DATA_FILE_RE.match(path.name):
            continue
        iface, lines = _records(path)
        fields = ALL_INTERFACES[iface].fields
        for line in lines:
            values = line.split("|")
            if len(values) != len(fields):
                continue
            for field, value in zip(fields, values, strict=True):
                if not value:
                    continue
                if field.name in PERSONAL:
                    personal.setdefault(value, set()).add(field.name)
                elif field.type is not FieldType.SECRET:
                    other.add(value)
    found = {}
    for value, names in personal.items():
        name = "+".join(sorted(names))  # an account is often named as its customer
        if value in other or (
            not value.isascii() and any(value in text for text in other if not text.isascii())
        ):
            continue
        found[value] = name
        if "cert_no" in names:
            digest = hashlib.sha256(value.encode()).hexdigest()
            found[digest] = found[digest[:16]] = "cert_no (unkeyed SHA-256)"
        if "birth_date" in names:
            found[f"{value[:4]}-{value[4:6]}-{value[6:]}"] = name
    return found


_TOKENS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9A-Za-z]+|[^\x00-\x7f]+")


def _hits_in(text: str, values: dict[str, str], lengths: list[int]) -> set[str]:
    """Personal values in ``text``: whole tokens, and longer values (11 characters and more,
    or a name) inside a longer token, so a number embedded in a longer one is found too."""
    hits = set()
    for token in _TOKENS.findall(text):
        if token in values:
            hits.add(token)
        inside = [n for n in lengths if n < len(token) and (n >= 11 or not token.isascii())]
        for n in inside:
            hits.update(
                token[i : i + n] for i in range(len(token) - n + 1) if token[i : i + n] in values
            )
    return hits


def scan_database(path: Path, values: dict[str, str]) -> Counter:
    """(schema.table.column, field) → how many distinct personal values of that field it holds,
    over every column of every table, cast to text."""
    lengths = sorted({len(v) for v in values})
    found: Counter = Counter()
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where database_name = current_database() and not internal order by all"
        ).fetchall()
        for schema, table, column in columns:
            texts = con.execute(
                f'select distinct "{column}"::varchar from "{schema}"."{table}" '
                f'where "{column}" is not null'
            ).fetchall()
            for (text,) in texts:
                for hit in _hits_in(text, values, lengths):
                    found[(f"{schema}.{table}.{column}", values[hit])] += 1
    finally:
        con.close()
    return found


def test_the_run_rejected_personal_lines_of_every_kind(run):
    ops = duckdb.connect(str(run["home"] / "ops.duckdb"), read_only=True)
    rejected = dict(
        ops.execute("select iface, count(*) from rejected_records group by 1").fetchall()
    )
    usage = Counter()
    for defect in run["manifest"]["defects"]:
        if defect["kind"] in RECORD_REASONS and defect["expected"]["status"] == "LOADED":
            usage[defect["iface"]] += len(defect["lines"])
    assert usage["VOICE"] > 0
    assert rejected == {"CUST": 2, "ACCT": 2, "USER": 2, **usage}


def _fields(labels) -> Counter:
    return Counter(field for label in labels for field in label.split("+"))


def test_published_copy_holds_no_personal_value_of_the_landing(run):
    values = personal_values(run["landing"])
    kinds = _fields(values.values())
    assert set(kinds) == {*PERSONAL, "cert_no (unkeyed SHA-256)"}
    assert kinds["msisdn"] >= USERS and kinds["cust_name"] >= USERS // 2
    assert scan_database(run["home"] / "serving.duckdb", values) == Counter()


def test_the_personal_scan_finds_the_unmasked_copies(run):
    values = personal_values(run["landing"])
    for unmasked in ("warehouse.duckdb", "ops.duckdb"):
        found = scan_database(run["home"] / unmasked, values)
        assert set(_fields(field for _, field in found)) >= set(PERSONAL), unmasked


def test_published_rejected_lines_are_masked_by_position(run):
    added, home = run["added"], run["home"]
    key = bytes.fromhex((home / "secrets" / SECRET_FILE_NAME).read_text().strip())
    fields = added["CUST"][0].split("|")
    cert = hmac.new(key, fields[4].encode(), hashlib.sha256).hexdigest()
    expected_cust = "|".join([*fields[:2], fields[2][0] + "**", fields[3], cert, fields[5],
                              fields[6][:4], *fields[7:]])  # fmt: skip
    year = fields[6][:4]
    con = duckdb.connect(str(home / "serving.duckdb"), read_only=True)
    rows = con.execute(
        "select raw_line, reason from ops.rejected_records where file_name = ? order by line_no",
        [f"CUST_{FIRST_MONTH}.AVL"],
    ).fetchall()
    assert rows == [
        (expected_cust, f"unparsable value in birth_date (date YYYYMMDD expected): '{year}'"),
        ("|".join(v if not v or v in {"1", "2", "3", "9", "M", "F", "0"} else "***"
                  for v in [*fields, "extra"]), "wrong number of fields: 11 instead of 10"),
    ]  # fmt: skip


# --- service_password --------------------------------------------------------------------------


def passwords(landing: Path) -> dict[str, tuple[str, str]]:
    """user_id → (city_code, service_password) of every USER record of the landing files."""
    fields = ALL_INTERFACES["USER"].field_names
    found = {}
    for path in sorted(landing.glob("USER_*.AVL*")):
        for line in _records(path)[1]:
            values = line.split("|")
            if len(values) == len(fields) and values[-1]:
                record = dict(zip(fields, values, strict=True))
                found[record["user_id"]] = (record["city_code"], record["service_password"])
    return found


def scan_for_passwords(root: Path, known: dict[str, tuple[str, str]]) -> list[str]:
    """Files under ``root`` that hold a service_password of ``known``.

    Six digits occur by chance in any binary file, so only what a leak looks like counts: in
    text (gzip opened) the password as a USER line holds it, after its city_code
    (``|0571|123456``) or after the word service_password; in DuckDB and Parquet files, a text
    column holding such a line, or a row holding a user_id beside that user's password.
    """
    pairs = b"|".join(re.escape(f"|{c}|{p}".encode()) for c, p in known.values())
    in_line = re.compile(rb"(?:" + pairs + rb")(?=[\r\n|]|$)", re.M)
    after_name = re.compile(rb"service_password\W{0,20}([0-9]{6})")
    secrets = {p for _, p in known.values()}
    leaks = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        raw = path.read_bytes()
        if raw[8:12] == b"DUCK" or raw[:4] == b"PAR1":
            if _table_leak(path, raw[:4] == b"PAR1", in_line, known):
                leaks.append(str(path))
            continue
        if raw[:2] == b"\x1f\x8b":
            raw = zlib.decompressobj(wbits=31).decompress(raw)  # a truncated one as far as it goes
        if in_line.search(raw) or any(m[1].decode() in secrets for m in after_name.finditer(raw)):
            leaks.append(str(path))
    return leaks


def _table_leak(path: Path, parquet: bool, in_line: re.Pattern, known: dict) -> bool:
    con = duckdb.connect()
    try:
        if parquet:
            con.execute(f"create view t as select * from read_parquet('{path}')")
            tables = [("t", "main")]
        else:
            con.execute(f"attach '{path}' as db (read_only)")
            tables = con.execute(
                "select table_name, schema_name from duckdb_tables() where database_name = 'db'"
            ).fetchall()
        for table, schema in tables:
            name = "t" if parquet else f'db."{schema}"."{table}"'
            columns = [r[0] for r in con.execute(f"describe {name}").fetchall()]
            if any("password" in c.lower() for c in columns):
                return True
            for column in columns:
                texts = con.execute(f'select distinct "{column}"::varchar from {name}').fetchall()
                if any(t and in_line.search(t.encode()) for (t,) in texts):
                    return True
                if "user_id" in columns and column != "user_id":
                    rows = con.execute(f'select distinct user_id, "{column}"::varchar from {name}')
                    if any(u in known and known[u][1] == v for u, v in rows.fetchall()):
                        return True
    finally:
        con.close()
    return False


def test_no_file_under_the_home_holds_a_service_password(run):
    known = passwords(run["landing"])
    assert len(known) >= USERS
    assert scan_for_passwords(run["home"], known) == []


def test_the_password_scan_finds_them_where_they_are(run, tmp_path):
    known = passwords(run["landing"])
    leaks = scan_for_passwords(run["landing"], known)
    assert leaks == [str(p) for p in sorted(run["landing"].glob("USER_*.AVL*"))]
    user_id, (city, secret) = next(iter(known.items()))
    leaked = tmp_path / "leak.duckdb"
    con = duckdb.connect(str(leaked))
    con.execute("create table a as select ? as user_id, ? as note", [user_id, secret])
    con.execute("create table b as select ? as line", [f"U|K|138|GOTONE|{city}|{secret}"])
    con.close()
    assert scan_for_passwords(tmp_path, known) == [str(leaked)]
