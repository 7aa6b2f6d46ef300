"""The same warehouse on Spark, the whole path: the reconciliation suite's province (a clean and a
defective province, late and corrected records, a revised plan) landed in a home on Spark in its
two batches, each followed by `JINGFEN_ENGINE=spark jingfen run` — ingest, dbt build on Spark
local (every model, test and unit test), the quality gate, publication into the DuckDB published
copy. Every reconciliation test also runs against that copy (the `home` fixture's spark
parameter); this module compares it with the DuckDB home's table by table, column type by column
type and row by row (money to the fen, minutes and MB to the second decimal), and checks that
Spark's second run was incremental.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from core.settings import Settings
from tests.warehouse.engines import differences

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.timeout(3600)]

# rows of a few published tables of the suite's province (both batches)
KNOWN_ROWS = {
    "indicators.kpi_monthly": 206,
    "indicators.target_progress": 1292,
    "indicators.column_labels": 646,
    "marts.fct_user_day_usage": 49504,
    "marts.fct_voice_hour_usage": 5478,
}
# When each home ran, not what it computed: the load times of the usage facts' records and the
# load log's timings (the two homes ingested the same files minutes apart)
RUN_TIMES = {"last_loaded_at", "started_at", "processed_at", "duration_ms"}
# Each home's history of check outcomes: the Spark home ran twice, the DuckDB home once (the
# outcomes of the last builds are compared node by node above)
HISTORIES = {"ops.quality_results"}


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


def _outcomes(home: Path) -> Counter[tuple[str, str]]:
    """(resource type, status) of every node of the home's last dbt build."""
    latest = max(
        Settings(home=home).dbt_target.glob("*/run_results.json"), key=lambda p: p.stat().st_mtime
    )
    results = json.loads(latest.read_text())["results"]
    return Counter((r["unique_id"].split(".")[0], r["status"]) for r in results)


def test_every_node_has_the_same_outcome_on_both_engines(duckdb_home, spark_runs):
    duck, spark = _outcomes(duckdb_home), _outcomes(spark_runs.home)
    assert spark == duck
    assert {kind for kind, _ in duck} >= {"model", "seed", "test", "unit_test"}


def test_spark_builds_every_table_duckdb_builds(duckdb_home, spark_runs):
    with duckdb.connect(str(Settings(home=duckdb_home).warehouse_db), read_only=True) as con:
        duck = {table for (table,) in con.execute(
            "select schema_name || '.' || table_name from duckdb_tables()"
        ).fetchall()}  # fmt: skip
    folders = Settings(home=spark_runs.home).spark_warehouse.glob("*.db/*")
    spark = {f"{f.parent.name.removesuffix('.db')}.{f.name}" for f in folders if f.is_dir()}
    # the lake's catalog tables (schema boss) are Spark's way of reading the lake
    assert {name for name in spark if not name.startswith("boss.")} == duck
    # the DuckDB warehouse was never written: Spark built it
    assert not Settings(home=spark_runs.home).warehouse_db.exists()


def test_both_engines_publish_the_same_tables_and_column_types(duckdb_home, spark_runs):
    duck, spark = (_columns(Settings(home=h).serving_db) for h in (duckdb_home, spark_runs.home))
    assert set(spark) == set(duck)
    # by name: Spark puts a partitioned table's partition columns last (the usage facts')
    assert {table: spark[table] for table in duck if dict(spark[table]) != dict(duck[table])} == {}
    moved = {table for table in duck if spark[table] != duck[table]}
    assert moved == {"marts.fct_user_day_usage", "marts.fct_voice_hour_usage"}


def test_every_published_table_holds_the_same_rows_on_both_engines(duckdb_home, spark_runs):
    duck_db, spark_db = (Settings(home=h).serving_db for h in (duckdb_home, spark_runs.home))
    compared, found = {}, []
    with duckdb.connect(str(duck_db), read_only=True) as con:
        con.execute(f"attach '{spark_db}' as spark (read_only)")
        for table, columns in _columns(duck_db).items():
            if table in HISTORIES:
                continue
            names = [column for column, _ in columns if column not in RUN_TIMES]
            compared[table], more = differences(con, table, names, table, f"spark.{table}")
            found += more
    assert found == [], "\n".join(found[:40])
    # a comparison of empty tables proves nothing: the suite's province has these counts
    assert {table: compared[table] for table in KNOWN_ROWS} == KNOWN_ROWS


def test_the_second_run_overwrites_the_days_its_records_touch(spark_runs):
    # the first run creates the table; the second finds it in the metastore and overwrites
    # partitions (the batch's late records reach back to January: its day range is wide here)
    assert "create table marts.fct_user_day_usage" in spark_runs.first_write
    assert "insert overwrite table marts.fct_user_day_usage" in spark_runs.second_write
    assert "partition (province_code,usage_date)" in spark_runs.second_write
    first, second = spark_runs.first_days, spark_runs.second_days
    assert set(first) <= set(second)  # no day lost
    days = sorted(second)
    touched = [day for day in days if second[day] != first.get(day)]
    assert touched  # the late records' days
    # one range of days per province, from the first to the last the new records fall on
    for province in {day.split("/")[0] for day in touched}:
        ours = [day for day in days if day.startswith(province + "/")]
        mine = [day for day in touched if day.startswith(province + "/")]
        assert ours[ours.index(mine[0]) : ours.index(mine[-1]) + 1] == mine
