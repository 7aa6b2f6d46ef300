"""Failures that are not a delivery's fault: memory, disk, permissions, I/O, an interruption.

Such a delivery is not rejected: it stays in landing, the load log records it ``FAILED`` with
one sentence, and the next run processes it. What its content is to blame for (DuckDB's reader
cannot parse it, a check fails) is a rejection instead; ingestion/README.md lists which is which.
"""

from __future__ import annotations

import errno

import duckdb

from core.errors import is_interruption
from core.settings import Settings

STAYS = "the delivery stays in landing for the next run"
INTERRUPTED = f"interrupted before it was done: {STAYS}"
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)


class ResourceFailure(Exception):
    """``cause``: the load log's reason; ``retry``: might trying again in a moment help."""

    def __init__(self, cause: str, retry: bool = False) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retry = retry


def classify(err: BaseException, settings: Settings, file_name: str) -> ResourceFailure | None:
    """The resource failure ``err`` is, or None when it is not one (a bug: let it propagate)."""
    if isinstance(err, ResourceFailure):
        return err
    if (
        not isinstance(err, Exception)
        or is_interruption(err)
        or isinstance(err, duckdb.InterruptException)
    ):
        return ResourceFailure(INTERRUPTED)  # KeyboardInterrupt, SIGTERM, Dagster's interrupt
    if isinstance(err, (duckdb.OutOfMemoryException, MemoryError)):
        return ResourceFailure(
            f"out of memory under JINGFEN_MEMORY_LIMIT={settings.memory_limit}: raise "
            f"JINGFEN_MEMORY_LIMIT or free memory, then ingest again; {STAYS}"
        )
    text = str(err).lower()
    full = isinstance(err, OSError) and err.errno in _DISK_FULL
    if full or (isinstance(err, duckdb.IOException) and "space left" in text):
        return ResourceFailure(
            f"the disk is full under {settings.home}: free space there, then ingest again; {STAYS}"
        )
    if isinstance(err, OSError):
        where = err.filename or file_name
        if isinstance(err, PermissionError) or err.errno in _DENIED:
            return ResourceFailure(
                f"permission denied on {where}: fix its permissions, then ingest again; {STAYS}"
            )
        return ResourceFailure(
            f"cannot read or write {where} ({err.strerror or err}): fix that, then ingest "
            f"again; {STAYS}",
            retry=True,
        )
    if isinstance(err, duckdb.IOException):
        first = str(err).splitlines()[0].removeprefix("IO Error: ")
        if "permission denied" in text:
            return ResourceFailure(
                f"permission denied while ingesting {file_name} ({first}): fix the permissions, "
                f"then ingest again; {STAYS}"
            )
        return ResourceFailure(
            f"cannot read or write while ingesting {file_name} ({first}): fix that, then "
            f"ingest again; {STAYS}",
            retry=True,
        )
    return None


def is_resource(err: duckdb.Error) -> bool:
    """A DuckDB error that says nothing about the delivery's content."""
    return isinstance(
        err, (duckdb.OutOfMemoryException, duckdb.IOException, duckdb.InterruptException)
    )
