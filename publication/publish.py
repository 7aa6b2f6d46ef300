"""The published copy: built from the warehouse, swapped in atomically, read by everyone else.

DuckDB locks a file exclusively across processes, so readers (Superset, reports, ``jingfen sql``)
never open the warehouse. The pipeline writes a complete new copy under a temporary name and
``os.replace``s it over the old one: a reader holding the old file keeps it, a new connection gets
the new one, and nobody ever sees a half-built table.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.errors import JingfenError
from core.masking import MaskedSelect
from core.privacy import Masker, installation_secret
from core.settings import Settings

# Readers of the published copy may be DuckDB 1.5 clients (BI tools, notebooks).
PUBLISHED_STORAGE_VERSION = "v1.5.0"


@dataclass(frozen=True)
class Source:
    """A database file the published copy takes schemas from.

    ``schemas`` maps a schema of the source to its name in the published copy; ``excluded``
    names tables of those schemas (``schema.table``) that stay out; a source that is not
    ``required`` is left out while its file does not exist.
    """

    path: Path
    schemas: Mapping[str, str]
    alias: str
    required: bool = True
    excluded: frozenset[str] = frozenset()


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(settings: Settings, sources: Iterable[Source]) -> Path:
    """Build a new published copy from ``sources`` and swap it in; return its path."""
    target = settings.serving_db
    staging = target.with_name(target.name + ".building")
    staging.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    masker = Masker(installation_secret(settings))
    con = duckdb.connect()
    built = False
    try:
        con.execute("set enable_progress_bar = false")
        con.execute(
            f"attach {_literal(str(staging))} as pub "
            f"(storage_version {_literal(PUBLISHED_STORAGE_VERSION)})"
        )
        masking = MaskedSelect(con, masker)
        for source in sources:
            _copy_schemas(con, source, masking)
        con.execute("checkpoint pub")
        con.execute("detach pub")
        built = True
    except duckdb.Error as err:
        raise JingfenError(
            f"Could not build the published copy {staging}: {err}. "
            "The previous published copy is unchanged."
        ) from err
    finally:
        con.close()
        # A flag rather than sys.exc_info(), which also sees an exception the caller is handling.
        if not built:
            staging.unlink(missing_ok=True)
    _fsync(staging)
    os.replace(staging, target)
    return target


def _copy_schemas(con: duckdb.DuckDBPyConnection, source: Source, masking: MaskedSelect) -> None:
    if not source.path.exists() and not source.required:
        return
    if not source.path.exists():
        raise JingfenError(
            f"{source.path} does not exist: nothing to publish from it. "
            "The previous published copy is unchanged."
        )
    con.execute(f"attach {_literal(str(source.path))} as {source.alias} (read_only)")
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = ? and schema_name in (select unnest(?)) "
            "union all "
            "select schema_name, view_name from duckdb_views() "
            "where database_name = ? and schema_name in (select unnest(?)) and not internal "
            "order by 1, 2",
            [source.alias, list(source.schemas), source.alias, list(source.schemas)],
        ).fetchall()
        tables = [(s, t) for s, t in tables if f"{s}.{t}" not in source.excluded]
        for schema in sorted({source.schemas[schema] for schema, _ in tables}):
            con.execute(f"create schema if not exists pub.{_quote(schema)}")
        for schema, table in tables:
            published = f"pub.{_quote(source.schemas[schema])}.{_quote(table)}"
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from duckdb_columns() "
                    "where database_name = ? and schema_name = ? and table_name = ? "
                    "order by column_index",
                    [source.alias, schema, table],
                ).fetchall()
            ]
            con.execute(
                f"create table {published} as select {masking.select(columns)} "
                f"from {source.alias}.{_quote(schema)}.{_quote(table)}"
            )
    finally:
        con.execute(f"detach {source.alias}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def connect_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published copy that cannot reach other files either."""
    path = settings.serving_db
    if not path.exists():
        raise JingfenError(
            f"There is no published copy at {path} yet: run 'jingfen run' first "
            "(or point JINGFEN_HOME at the home folder that has one)."
        )
    return duckdb.connect(
        str(path),
        read_only=True,
        config={"enable_external_access": False, "lock_configuration": True},
    )
