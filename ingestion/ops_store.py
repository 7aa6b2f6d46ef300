"""The load log and the rejected records, kept in the small DuckDB file settings.ops_db.

DuckDB locks a file exclusively across processes. A run (under the ingest lock) holds the file
open in an ``OpsStore`` and commits one transaction per delivery; opening it waits out a lock
held by a reader for up to a minute.

``pending_moves`` is the journal that makes a run safe to kill: the outcome of a delivery and the
moves of its landed files (to archive or quarantine) are committed together, and the moves are
carried out afterwards; a run that starts finds moves left over by a killed one and finishes them.
A move with ``via`` puts the blanked copy ``via`` at ``target`` and then deletes the plaintext
``source``; a move without a target deletes ``source`` (a copy that could not be blanked).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

import duckdb

from core.errors import JingfenError
from core.settings import Settings
from ingestion.parse import RejectedRecord

LOAD_LOG_COLUMNS = {
    "file_name": "VARCHAR",
    "iface": "VARCHAR",
    "province_code": "VARCHAR",
    "data_date": "VARCHAR",
    "seq": "VARCHAR",
    "status": "VARCHAR",  # LOADED, SKIPPED, REPLACED, REJECTED, FAILED
    "record_count": "BIGINT",
    "loaded_count": "BIGINT",
    "rejected_count": "BIGINT",
    "reason": "VARCHAR",
    "content_sha256": "VARCHAR",
    "lake_path": "VARCHAR",  # relative to the lake root
    "started_at": "TIMESTAMP",
    "processed_at": "TIMESTAMP",
    "duration_ms": "BIGINT",
    "check_file_name": "VARCHAR",
    "byte_size": "BIGINT",
    "encoding": "VARCHAR",
}
REJECTED_RECORDS_COLUMNS = {
    "file_name": "VARCHAR",
    "line_no": "BIGINT",
    "raw_line": "VARCHAR",
    "reason": "VARCHAR",
    "iface": "VARCHAR",
    "province_code": "VARCHAR",
    "data_date": "VARCHAR",
}

_LOCK_WAIT_SECONDS = 60


@dataclass(frozen=True)
class LogEntry:
    """One row of load_log, in column order."""

    file_name: str
    iface: str | None
    province_code: str | None
    data_date: str | None
    seq: str | None
    status: str
    record_count: int | None
    loaded_count: int
    rejected_count: int
    reason: str | None
    content_sha256: str | None
    lake_path: str | None
    started_at: dt.datetime
    processed_at: dt.datetime
    duration_ms: int
    check_file_name: str | None
    byte_size: int | None
    encoding: str | None


@dataclass(frozen=True)
class Move:
    source: Path
    target: Path | None  # None: delete source
    via: Path | None = None  # the blanked copy that goes to target in source's place


class LoadLogBusy(JingfenError):
    """ops.duckdb stayed held by another process: worth trying again later."""


def _create(con: duckdb.DuckDBPyConnection) -> None:
    for table, columns in (
        ("load_log", LOAD_LOG_COLUMNS),
        ("rejected_records", REJECTED_RECORDS_COLUMNS),
        ("pending_moves", {"source": "VARCHAR", "target": "VARCHAR", "via": "VARCHAR"}),
    ):
        body = ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
    # a home made before blanked copies existed: its (empty or pending) journal gains the column
    con.execute("ALTER TABLE pending_moves ADD COLUMN IF NOT EXISTS via VARCHAR")


def _open(settings: Settings) -> duckdb.DuckDBPyConnection:
    """Open ops_db, waiting up to a minute while another process holds it."""
    settings.ops_db.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + _LOCK_WAIT_SECONDS
    while True:
        try:
            con = duckdb.connect(str(settings.ops_db))
            break
        except duckdb.IOException as err:
            if "lock" not in str(err).lower():
                raise JingfenError(
                    f"cannot open the load log {settings.ops_db} "
                    f"({str(err).splitlines()[0].removeprefix('IO Error: ')}): move it away "
                    "(a new one is created) or restore it from a backup, and run jingfen "
                    "ingest again"
                ) from err
            if time.monotonic() > deadline:
                raise LoadLogBusy(
                    f"cannot open the load log {settings.ops_db}: {err}. Close whatever holds "
                    "it (DuckDB allows one writer) and run jingfen ingest again"
                ) from err
            time.sleep(0.2)
    try:
        _create(con)
    except BaseException:
        con.close()
        raise
    return con


@contextlib.contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")  # durable: DuckDB syncs its write-ahead log on commit
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


class OpsStore:
    """ops_db opened once for a whole run (under the ingest lock), one transaction per delivery.

    Opening a DuckDB file, and the checkpoint DuckDB does when it closes it, cost far more than
    a delivery's few rows: a run opens the file once, on first use, commits each delivery's
    outcome in its own transaction (as durable as before: the write-ahead log is synced on every
    commit) and checkpoints once, when it closes. While a run holds the file, other processes
    cannot open it (DuckDB's lock is exclusive).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._con: duckdb.DuckDBPyConnection | None = None

    def _connection(self, create: bool) -> duckdb.DuckDBPyConnection | None:
        if self._con is None and (create or self.settings.ops_db.exists()):
            self._con = _open(self.settings)
        return self._con

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._connection(create=True)
        assert con is not None
        with _transaction(con):
            yield con

    def current_versions(self) -> dict[tuple[str, str, str, str], str]:
        """Content hash of the version in the lake now, per (iface, province, data date, seq)."""
        con = self._connection(create=False)
        if con is None:
            return {}
        rows = con.execute(
            "SELECT iface, province_code, data_date, seq, arg_max(content_sha256, processed_at) "
            "FROM load_log WHERE status IN ('LOADED', 'REPLACED') GROUP BY ALL"
        ).fetchall()
        return {(iface, province, date, seq): sha for iface, province, date, seq, sha in rows}

    def record(
        self,
        entry: LogEntry,
        moves: Sequence[Move],
        rejects: Sequence[RejectedRecord] | None = None,
        replaces_names: Sequence[str] = (),
    ) -> None:
        """Commit one delivery's outcome, its rejected records and its pending file moves together.

        ``rejects`` is given for a loaded delivery: they replace those of every earlier version
        (``replaces_names``: the names the delivery may have had, plain or gzipped).
        """
        with self.transaction() as con:
            _insert(con, entry, moves, rejects, replaces_names)

    def pending_moves(self) -> list[Move]:
        con = self._connection(create=False)
        if con is None:
            return []
        rows = con.execute("SELECT source, target, via FROM pending_moves").fetchall()
        return [
            Move(Path(source), target and Path(target), via and Path(via))
            for source, target, via in rows
        ]

    def clear_moves(self) -> None:
        """Forget moves that have been carried out (all of them: this runs under the lock)."""
        con = self._connection(create=False)
        if con is not None:
            con.execute("DELETE FROM pending_moves")

    def close(self) -> None:
        """Close the file (DuckDB checkpoints it: once per run instead of once per delivery)."""
        if self._con is not None:
            con, self._con = self._con, None
            con.close()


def _insert(
    con: duckdb.DuckDBPyConnection,
    entry: LogEntry,
    moves: Sequence[Move],
    rejects: Sequence[RejectedRecord] | None,
    replaces_names: Sequence[str],
) -> None:
    placeholders = ", ".join("?" for _ in LOAD_LOG_COLUMNS)
    con.execute(f"INSERT INTO load_log VALUES ({placeholders})", list(astuple(entry)))
    if rejects is not None:
        con.execute(
            "DELETE FROM rejected_records WHERE file_name IN (SELECT unnest(?))",
            [list(replaces_names)],
        )
        if rejects:
            # One statement over parallel lists: fast for the thousands of rows a poor
            # delivery can have, where executemany inserts row by row.
            con.execute(
                "INSERT INTO rejected_records SELECT ?, unnest(?), unnest(?), unnest(?), ?, ?, ?",
                [
                    entry.file_name,
                    [r.line_no for r in rejects],
                    [r.raw_line for r in rejects],
                    [r.reason for r in rejects],
                    entry.iface,
                    entry.province_code,
                    entry.data_date,
                ],
            )
    if moves:
        con.execute(
            "INSERT INTO pending_moves SELECT unnest(?), unnest(?), unnest(?)",
            [
                [str(m.source) for m in moves],
                [m.target and str(m.target) for m in moves],
                [m.via and str(m.via) for m in moves],
            ],
        )
