"""`JINGFEN_ENGINE=spark jingfen run`, the whole path: ingest, dbt build on Spark local, the gate,
publication into the DuckDB published copy. Twice: the second run, after the generator's
redelivery of late and corrected records, finds the first run's tables in the Spark warehouse
(the metastore under the home) and rebuilds only the usage days those records touch.

The province is the one of tests/warehouse/engines.py, so once both batches are in, the published
copy holds the row counts test_spark_build.py's DuckDB build of the same lake publishes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from core.settings import Settings
from tests.warehouse.engines import jingfen
from tests.warehouse.test_spark_build import KNOWN_ROWS

# Spark under load costs minutes per dozen nodes: more than the suite's default timeout
pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.timeout(3600)]


def _day_files(settings: Settings) -> dict[str, set[str]]:
    """fct_user_day_usage's partitions on Spark: the Parquet files of each usage day."""
    table = settings.spark_warehouse / "marts.db" / "fct_user_day_usage"
    return {
        folder.name: {path.name for path in folder.glob("*.parquet")}
        for folder in table.glob("province_code=*/usage_date=*")
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict, dict]:
    """The home after both runs, and the usage days' files after the first and the second."""
    home = tmp_path_factory.mktemp("spark-run")
    settings = Settings.from_env({"JINGFEN_HOME": str(home), "JINGFEN_ENGINE": "spark"})
    jingfen(home, "generate", "--users", "60", "--months", "3", "--start", "202601",
            "--seed", "5", "--defects", "0.05")  # fmt: skip
    jingfen(home, "run", JINGFEN_ENGINE="spark")
    first = _day_files(settings)
    shutil.copytree(home / "landing_redelivery", home / "landing", dirs_exist_ok=True)
    jingfen(home, "run", JINGFEN_ENGINE="spark")
    return settings, first, _day_files(settings)


def _count(path: Path, table: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def test_the_published_copy_holds_what_duckdb_publishes_for_the_same_lake(runs):
    settings, _, _ = runs
    assert {table: _count(settings.serving_db, table) for table in KNOWN_ROWS} == KNOWN_ROWS
    # the DuckDB warehouse was never written: Spark built it
    assert not settings.warehouse_db.exists()


def test_the_second_run_rewrites_only_the_days_its_records_touch(runs):
    _, first, second = runs
    assert set(first) <= set(second)  # no day lost
    days = sorted(second)
    touched = [day for day in days if second[day] != first.get(day)]
    assert touched  # the late records' days
    # one range of days, from the first to the last the new records fall on, not all of them
    assert days[days.index(touched[0]) : days.index(touched[-1]) + 1] == touched
    assert len(touched) < len(days)
