"""The same warehouse on Spark: one seeded province (tests/warehouse/engines.py) built by dbt on
DuckDB and on Spark local at the same time, every model, test and unit test; each home published
the way `jingfen run` publishes (on Spark: its tables copied out of the Spark warehouse), and the
two published copies compared table by table, column type by column type, row by row.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from core.engine import require_engine
from core.settings import Settings
from publication.publish import publish
from publication.sources import publication_sources
from tests.warehouse.engines import dbt, differences, finish, home_over, province

# Spark under load costs minutes per dozen nodes: more than the suite's default timeout
pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.timeout(3600)]

# rows of a few published tables of the seeded province (60 users, 202601-202603, seed 5)
KNOWN_ROWS = {
    "indicators.kpi_monthly": 90,
    "indicators.finance_monthly": 3,
    "indicators.flash_daily": 180,
    "indicators.column_labels": 621,
    "marts.fct_user_day_usage": 9530,
    "marts.fct_voice_hour_usage": 1905,
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Settings]:
    """{"duckdb": settings, "spark": settings} of two homes built and published from one lake."""
    source = province(tmp_path_factory.mktemp("province"))
    homes = {
        engine: home_over(source, tmp_path_factory.mktemp(f"{engine}-home"), engine)
        for engine in ("duckdb", "spark")
    }
    require_engine(homes["spark"])
    started = time.monotonic()
    finish(*((settings, dbt(settings, "build")) for settings in homes.values()))
    print(f"both builds took {time.monotonic() - started:.0f} s")
    for settings in homes.values():
        publish(settings, publication_sources(settings))
    return homes


def _columns(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Every table of a DuckDB file: its (column, type) pairs, by schema.table."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select schema_name || '.' || table_name, column_name, data_type from duckdb_columns()"
            " where not internal order by schema_name, table_name, column_index"
        ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def test_spark_builds_every_table_duckdb_builds(builds):
    with duckdb.connect(str(builds["duckdb"].warehouse_db), read_only=True) as con:
        duck = {table for (table,) in con.execute(
            "select schema_name || '.' || table_name from duckdb_tables()"
        ).fetchall()}  # fmt: skip
    folders = builds["spark"].spark_warehouse.glob("*.db/*")
    spark = {f"{f.parent.name.removesuffix('.db')}.{f.name}" for f in folders if f.is_dir()}
    # the lake's catalog tables (schema boss) are Spark's way of reading the lake
    assert {name for name in spark if not name.startswith("boss.")} == duck
    assert {"indicators.kpi_monthly", "marts.fct_user_day_usage", "reference.brands"} <= duck


def test_both_engines_publish_the_same_tables_and_column_types(builds):
    duck, spark = (_columns(builds[engine].serving_db) for engine in ("duckdb", "spark"))
    assert set(spark) == set(duck)
    # by name: Spark puts a partitioned table's partition columns last (the usage facts')
    assert {table: spark[table] for table in duck if dict(spark[table]) != dict(duck[table])} == {}
    moved = {table for table in duck if spark[table] != duck[table]}
    assert moved == {"marts.fct_user_day_usage", "marts.fct_voice_hour_usage"}
    assert len([table for table in duck if table.startswith("indicators.")]) == 33


def test_every_published_table_holds_the_same_rows_on_both_engines(builds):
    tables = _columns(builds["duckdb"].serving_db)
    compared, found = {}, []
    with duckdb.connect(str(builds["duckdb"].serving_db), read_only=True) as con:
        con.execute(f"attach '{builds['spark'].serving_db}' as spark (read_only)")
        for table, columns in tables.items():
            names = [column for column, _ in columns]
            compared[table], more = differences(con, table, names, table, f"spark.{table}")
            found += more
    assert found == [], "\n".join(found[:40])
    # a comparison of empty tables proves nothing: the seeded province's counts are these
    assert {table: compared[table] for table in KNOWN_ROWS} == KNOWN_ROWS
