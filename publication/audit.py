"""The audit log of `jingfen sql` (4A 审计): who ran which statement, when, and what came of it.

Every query is recorded, run or refused, before its result is shown: a query that cannot be
recorded is not answered. The log is an append-only SQLite database under the home
(``audit/sql_audit.sqlite``, mode 0640): triggers abort any UPDATE or DELETE, WAL and a busy
time-out let concurrent `jingfen sql` processes append safely. Engineers read it with
`jingfen audit` (or any SQLite client, read-only). Credentials never reach it: secrets and
passwords written in a statement are replaced by ``***`` before it is stored.
"""

from __future__ import annotations

import datetime as dt
import os
import pwd
import re
import socket
import sqlite3
from pathlib import Path

from core.errors import JingfenError
from core.settings import Settings
from publication.query import QueryRefused, Result, run_query

BUSY_TIMEOUT_MS = 30_000
OUTCOMES = ("ok", "refused", "failed")
COLUMNS = ["id", "at", "os_user", "host", "pid", "statement", "outcome", "reason", "rows_returned"]

SCHEMA = f"""
create table if not exists sql_audit (
    id integer primary key autoincrement,
    at text not null,
    os_user text not null,
    host text not null,
    pid integer not null,
    statement text not null,
    outcome text not null check (outcome in {OUTCOMES!r}),
    reason text,
    rows_returned integer
);
create index if not exists sql_audit_at on sql_audit (at);
create trigger if not exists sql_audit_no_update before update on sql_audit
begin select raise(abort, 'the audit log is append-only: rows cannot be changed'); end;
create trigger if not exists sql_audit_no_delete before delete on sql_audit
begin select raise(abort, 'the audit log is append-only: rows cannot be deleted'); end;
"""

_NAMES = r"(password|passwd|pwd|secret|key_id|secret_key|access_key|session_token|token)"
# In the statement: a literal given as a credential (PASSWORD 'x', SECRET = 'x').
_NAMED_BEFORE = re.compile(rf"(?i)\b{_NAMES}\s*[=:]?\s*$")
# Inside a literal: a connection string's password=x and a URI's user:password@.
_KEY_VALUE = re.compile(rf"(?i)\b{_NAMES}=[^\s&;']+")
_URI_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@']+):[^@\s']*@")
_CREATE_SECRET = re.compile(r"(?is)^\s*create\s+(or\s+replace\s+)?(persistent\s+|temporary\s+)?"
                            r"secret\b")  # fmt: skip
_LITERAL = re.compile(r"'(?:[^']|'')*'")


def _redact_literal(code_before: str, literal: str) -> str:
    if _NAMED_BEFORE.search(code_before):
        return "'***'"
    literal = _URI_USERINFO.sub(r"\1:***@", literal)
    return _KEY_VALUE.sub(lambda m: f"{m.group(1)}=***", literal)


def redact(statement: str) -> str:
    """The statement with every credential it spells out replaced by ***."""
    if _CREATE_SECRET.match(statement):
        return _LITERAL.sub("'***'", statement)
    parts, position = [], 0
    for literal in _LITERAL.finditer(statement):
        code = statement[position : literal.start()]
        parts += [code, _redact_literal(code, literal.group(0))]
        position = literal.end()
    parts.append(statement[position:])
    return "".join(parts)


def _os_user() -> str:
    # The effective user of the process, not $USER, which anybody can set.
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _connect_for_append(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    if not path.exists():
        # readable by the owner's group (engineers), by nobody else; SQLite gives its -wal and
        # -shm files the same mode
        descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o640)
        os.fchmod(descriptor, 0o640)
        os.close(descriptor)
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("pragma journal_mode = wal")
    return con


def record(
    settings: Settings, statement: str, outcome: str, reason: str | None, rows: int | None
) -> None:
    """Append one query to the audit log; JingfenError when it cannot be recorded."""
    path = settings.audit_db
    row = (
        dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        _os_user(),
        socket.gethostname(),
        os.getpid(),
        redact(statement),
        outcome,
        redact(reason) if reason else None,
        rows,
    )
    try:
        con = _connect_for_append(path)
        try:
            con.executescript(SCHEMA)  # idempotent; SQLite serialises writers
            con.execute(
                "insert into sql_audit (at, os_user, host, pid, statement, outcome, reason, "
                "rows_returned) values (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        finally:
            con.close()
    except (sqlite3.Error, OSError) as err:
        raise JingfenError(
            f"The query could not be recorded in the audit log {path} ({err}), so it is not "
            "answered: check that the folder is writable and the disk not full."
        ) from err


def audited_query(settings: Settings, statement: str) -> Result:
    """`jingfen sql`: run the query and record it, refused or not, before the result is shown."""
    try:
        result = run_query(settings, statement)
    except QueryRefused as err:
        record(settings, statement, "refused", str(err), None)
        raise
    except JingfenError as err:
        record(settings, statement, "failed", str(err), None)
        raise
    record(settings, statement, "ok", None, len(result.rows))
    return result


_RELATIVE = re.compile(r"^(\d+)\s*([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_since(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """A UTC date or time (``2026-12-01``, ``2026-12-01 08:00``) or an age (``2h``, ``7d``)."""
    now = now or dt.datetime.now(dt.UTC)
    relative = _RELATIVE.match(text.strip().lower())
    if relative:
        return now - dt.timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise JingfenError(
            f"--since {text!r} is neither a date (2026-12-01), a time (2026-12-01 08:00) "
            "nor an age (90m, 2h, 7d)."
        ) from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def read_audit(settings: Settings, since: dt.datetime | None = None) -> Result:
    """The recorded queries, oldest first; read-only, so reading never changes the log."""
    path = settings.audit_db
    if not path.exists():
        return Result(COLUMNS, [])
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            rows = con.execute(
                f"select {', '.join(COLUMNS)} from sql_audit where at >= ? order by id",
                [since.isoformat(timespec="microseconds") if since else ""],
            ).fetchall()
        finally:
            con.close()
    except sqlite3.Error as err:
        raise JingfenError(f"The audit log {path} cannot be read ({err}).") from err
    return Result(COLUMNS, rows)
