"""How Superset's server processes follow the published copy that `jingfen run` swaps in.

Runs inside Superset's own environment (imported by superset_config.py, and by name through
``DATA_CACHE_CONFIG``; dashboards/ is on its PYTHONPATH). Two things read the published copy
between publishes and must notice a new one: the connection each process keeps open to it, and
the cache of chart data each process keeps in memory.
"""

from __future__ import annotations

import os
import threading

from flask_caching.backends.simplecache import SimpleCache
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError


def replaced_copy_open(path: str) -> bool:
    """Whether this process still has a replaced (deleted) copy of ``path`` open. Where that
    cannot be told (no /proc), assume it has."""
    deleted = f"{os.path.realpath(path)} (deleted)"
    try:
        descriptors = list(os.scandir("/proc/self/fd"))
    except OSError:
        return True
    for descriptor in descriptors:
        try:
            if os.readlink(descriptor.path) == deleted:
                return True
        except OSError:
            continue  # closed in the meantime
    return False


class PublishedCopyKeeper:
    """One open connection per server process to each DuckDB file Superset queries.

    Superset makes a new engine and connection for every query (three per chart request), and
    opening the published copy costs DuckDB 15-50 ms each time; while one connection to the file
    stays open, DuckDB's instance cache makes the next connect nearly free. The kept connection is
    opened like Superset's own (same URL and arguments: DuckDB refuses a second configuration of
    one file), and replaced when `jingfen run` has swapped in a new published copy (another inode),
    so that no query keeps reading an old copy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[int, object]] = {}

    def __call__(self, url, engine_kwargs, username, security_manager, source):
        """Superset's DB_CONNECTION_MUTATOR: sees every engine Superset creates, changes none."""
        if url.get_backend_name() == "duckdb" and url.database and url.database != ":memory:":
            self._keep_open(url, engine_kwargs)
        return url, engine_kwargs

    def _keep_open(self, url, engine_kwargs) -> None:
        try:
            inode = os.stat(url.database).st_ino
        except OSError:
            return  # no file: Superset's own connect reports it
        with self._lock:
            kept = self._kept.get(url.database)
            if kept and kept[0] == inode:
                return
            if kept:
                kept[1].close()
                del self._kept[url.database]
            # DuckDB hands a new connection the cached instance of a file while any connection
            # to it lives, even once the file is replaced: wait until the queries still reading
            # the old copy are done (a later query tries again), so the kept one opens the new.
            if replaced_copy_open(url.database):
                return
            try:
                connection = create_engine(url, **engine_kwargs).raw_connection()
            except SQLAlchemyError:
                return  # only a shortcut: Superset's own connect reports what is wrong
            self._kept[url.database] = (inode, connection)


class PublishedCopyCache(SimpleCache):
    """Superset's chart data cache, in memory per process, with one namespace per published copy.

    Every key is stored under the identity of the copy (device, inode, modification time, size)
    that was published when the query looked in the cache, so a newly published copy starts
    with an empty namespace and the next dashboard load reads it; between publishes repeated
    loads are answered from the cache. A result is kept only if nothing changed while it was
    computed: not when the copy was swapped meanwhile, and not while this process still has a
    replaced copy open (DuckDB may then answer from the old one)."""

    def __init__(self, published_copy: str, threshold=500, default_timeout=300,
                 ignore_errors=False):  # fmt: skip
        super().__init__(threshold, default_timeout, ignore_errors)
        self._published_copy = published_copy
        self._looked_up = threading.local()  # per request thread: (key, copy) of the last miss

    @classmethod
    def factory(cls, app, config, args, kwargs):
        kwargs.update(threshold=config["CACHE_THRESHOLD"],
                      ignore_errors=config["CACHE_IGNORE_ERRORS"])  # fmt: skip
        return cls(*args, **kwargs)

    def _copy(self) -> str | None:
        """The published copy a query started now reads, or None when that cannot be told."""
        try:
            found = os.stat(self._published_copy)
        except OSError:
            return None
        if replaced_copy_open(self._published_copy):
            return None
        return f"{found.st_dev}:{found.st_ino}:{found.st_mtime_ns}:{found.st_size}"

    def get(self, key):
        copy = self._copy()
        value = None if copy is None else super().get(f"{copy}/{key}")
        self._looked_up.miss = (key, copy) if value is None else None
        return value

    def has(self, key):
        copy = self._copy()
        return copy is not None and super().has(f"{copy}/{key}")

    def set(self, key, value, timeout=None):
        copy = self._copy()
        miss = getattr(self._looked_up, "miss", None)
        if miss is not None and miss[0] == key and miss[1] != copy:
            return False  # computed across a publish: it may hold either copy's numbers
        if copy is None:
            return False
        return super().set(f"{copy}/{key}", value, timeout)

    def add(self, key, value, timeout=None):
        copy = self._copy()
        return copy is not None and super().add(f"{copy}/{key}", value, timeout)

    def delete(self, key):
        copy = self._copy()
        return copy is not None and super().delete(f"{copy}/{key}")
