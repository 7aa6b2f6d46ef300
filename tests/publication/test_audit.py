"""The audit log of `jingfen sql`: every query recorded, refused or not, and nobody can edit it."""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from core.errors import JingfenError
from core.settings import Settings
from publication.audit import parse_since, redact
from publication.publish import Source, publish

ME = pwd.getpwuid(os.geteuid()).pw_name


def jingfen(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JINGFEN_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "jingfen.cli", *args], env=env, capture_output=True, text=True
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    warehouse = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema indicators")
    con.execute("create table indicators.kpi as select range as n from range(7)")
    con.close()
    publish(Settings(home=home), [Source(warehouse, {"indicators": "indicators"}, "wh")])
    return home


def audit_rows(home: Path) -> list[dict]:
    result = jingfen(home, "audit", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_query_is_recorded_with_who_when_and_the_exact_row_count(home):
    before = dt.datetime.now(dt.UTC)
    assert jingfen(home, "sql", "select n from indicators.kpi where n < 5").returncode == 0
    [row] = audit_rows(home)
    fields = ("os_user", "host", "statement", "outcome", "reason", "rows_returned")
    assert tuple(row[f] for f in fields) == (
        ME, socket.gethostname(), "select n from indicators.kpi where n < 5", "ok", None, 5
    )  # fmt: skip
    assert before <= dt.datetime.fromisoformat(row["at"]) <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("delete from indicators.kpi", "read-only: a DELETE statement is refused"),
        ("select 1; drop table indicators.kpi", "read-only: a DROP statement is refused"),
        ("set memory_limit = '1MB'", "read-only: a SET statement is refused"),
        ("selec nonsense", "does not parse"),
        ("select * from read_csv('/etc/passwd')", 'Cannot access file "/etc/passwd"'),
    ],
)
def test_a_refused_statement_is_recorded_as_refused_with_why(home, statement, reason):
    result = jingfen(home, "sql", statement)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [row] = audit_rows(home)
    assert (row["statement"], row["outcome"], row["rows_returned"]) == (statement, "refused", None)
    assert reason in row["reason"]


def test_a_failed_query_is_recorded_as_failed(home):
    assert jingfen(home, "sql", "select nope from indicators.kpi").returncode == 1
    [row] = audit_rows(home)
    assert row["outcome"] == "failed" and "nope" in row["reason"]


def test_concurrent_queries_are_all_recorded(home):
    statements = [f"select n from indicators.kpi where n < {k}" for k in range(1, 8)]
    env = {**os.environ, "JINGFEN_HOME": str(home)}
    processes = [
        subprocess.Popen([sys.executable, "-m", "jingfen.cli", "sql", s], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for s in statements
    ]  # fmt: skip
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    rows = audit_rows(home)
    assert sorted((r["statement"], r["rows_returned"]) for r in rows) == sorted(
        (s, k) for k, s in enumerate(statements, start=1)
    )
    assert len({r["id"] for r in rows}) == len(statements)


def test_the_store_refuses_updates_and_deletes_and_is_not_world_readable(home):
    assert jingfen(home, "sql", "select 1").returncode == 0
    path = Settings(home=home).audit_db
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    con = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("update sql_audit set os_user = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("delete from sql_audit")
    finally:
        con.close()
    assert [r["os_user"] for r in audit_rows(home)] == [ME]


def test_credentials_in_a_statement_are_not_recorded(home):
    secret = "create secret s3cret (type s3, key_id 'AKIAEXAMPLE', secret 'hunter2')"
    attach = "attach 'postgres://analyst:hunter2@db/x' as pg (type postgres, password 'hunter2')"
    for statement in (secret, attach):
        assert jingfen(home, "sql", statement).returncode == 1
    rows = audit_rows(home)
    assert [r["outcome"] for r in rows] == ["refused", "refused"]
    stored = b"".join(p.read_bytes() for p in Settings(home=home).audit_db.parent.iterdir())
    assert b"hunter2" not in stored and b"AKIAEXAMPLE" not in stored
    assert rows[1]["statement"] == (
        "attach 'postgres://analyst:***@db/x' as pg (type postgres, password '***')"
    )


def test_redact_keeps_ordinary_literals():
    assert redact("select * from t where name = 'password reset'") == (
        "select * from t where name = 'password reset'"
    )


def test_since_filters_and_formats(home):
    assert jingfen(home, "sql", "select 1").returncode == 0
    assert len(audit_rows(home)) == 1
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()
    result = jingfen(home, "audit", "--since", tomorrow, "--format", "csv")
    assert result.stdout.splitlines() == [
        "id,at,os_user,host,pid,statement,outcome,reason,rows_returned"
    ]
    table = jingfen(home, "audit", "--since", "1h").stdout
    assert "select 1" in table and "(1 row)" in table


def test_parse_since():
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert parse_since("2h", now) == dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    assert parse_since("2026-11-30", now) == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    with pytest.raises(JingfenError, match="neither a date"):
        parse_since("yesterday", now)


def test_redact_finds_credentials_in_connection_strings():
    assert redact("attach 'host=db user=a password=hunter2 dbname=x' as pg (type postgres)") == (
        "attach 'host=db user=a password=*** dbname=x' as pg (type postgres)"
    )
