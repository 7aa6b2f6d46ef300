"""The warehouse on Spark, as the published copy reads it: a DuckDB file of its published tables.

The published tables are aggregates and small, so after the gate passed they are copied out of
the Spark warehouse into ``Settings.spark_published``, which the publication then reads exactly as
it reads the DuckDB warehouse (masking, atomic swap). The copy runs in a child process: Spark's
embedded metastore admits one JVM at a time, and a JVM started here would hold it after the copy,
locking out the next dbt build. Spark writes each table as plain Parquet (its types exact:
decimals, dates, wall-clock timestamps) and DuckDB loads those files.

    python -m publication.spark SCHEMA...   # with JINGFEN_HOME set
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import duckdb
import yaml

from core.errors import JingfenError
from core.settings import Settings

PROFILE = Path(__file__).resolve().parents[1] / "warehouse" / "profiles.yml"
_ENV_VAR_CALL = re.compile(r"\{\{\s*env_var\('([A-Z_]+)',\s*'([^']*)'\)\s*\}\}")


def spark_conf(settings: Settings) -> dict[str, str]:
    """The Spark configuration of dbt's profile (warehouse/profiles.yml, its one home), given
    these settings: the same master, metastore and warehouse folder as the build."""
    environment = settings.dbt_environment()
    text = _ENV_VAR_CALL.sub(
        lambda call: environment.get(call[1], call[2]), PROFILE.read_text(encoding="utf-8")
    )
    output = yaml.safe_load(text)["jingfen"]["outputs"]["spark"]
    return {key: str(value) for key, value in output["server_side_parameters"].items()}


def export_published(settings: Settings, schemas: Iterable[str]) -> Path:
    """Copy every table of ``schemas`` from the Spark warehouse into spark_published; return it."""
    done = subprocess.run(
        [sys.executable, "-m", "publication.spark", *schemas],
        env={**os.environ, "JINGFEN_HOME": str(settings.home), "JINGFEN_ENGINE": "spark"},
        cwd=settings.spark_home if settings.spark_home.exists() else settings.home,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if "Error" in line or "error" in line]
        raise JingfenError(
            "Could not copy the published tables out of the Spark warehouse "
            f"{settings.spark_warehouse}: {(lines or done.stderr.splitlines() or ['?'])[-1]}. "
            "The previous published copy is unchanged."
        )
    return settings.spark_published


def _export(settings: Settings, schemas: list[str]) -> None:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in {**spark_conf(settings), "spark.app.name": "jingfen-publish"}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    folder = settings.spark_export
    shutil.rmtree(folder, ignore_errors=True)
    tables = []
    try:
        known = {row.namespace for row in spark.sql("show databases").collect()}
        for schema in schemas:
            if schema not in known:
                continue
            for table in sorted(spark.catalog.listTables(schema), key=lambda t: t.name):
                if table.isTemporary:
                    continue
                path = folder / schema / table.name
                spark.table(f"{schema}.{table.name}").coalesce(1).write.parquet(str(path))
                tables.append((schema, table.name, path))
    finally:
        spark.stop()
    target = settings.spark_published
    building = target.with_name(target.name + ".building")
    building.unlink(missing_ok=True)
    with duckdb.connect(str(building)) as con:
        for schema in sorted({schema for schema, _, _ in tables}):
            con.execute(f'create schema "{schema}"')
        for schema, table, path in tables:
            files = str(path / "*.parquet").replace("'", "''")
            name = f'"{schema}"."{table}"'
            con.execute(f"create table {name} as select * from '{files}'")
    os.replace(building, target)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    _export(Settings.from_env(), sys.argv[1:])
