"""Spark as a real cluster: a standalone master and a worker, separate processes started here from
the pyspark distribution (bin/spark-class), build the usage facts through kpi_monthly of the
seeded province with JINGFEN_SPARK_MASTER=spark://127.0.0.1:PORT; their numbers must be DuckDB's
for the same lake. The master and the worker are stopped whatever happens.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from core.engine import require_engine
from core.processes import Service, start, stop
from tests.warehouse.engines import dbt, differences, finish, home_over, province, spark_table

# Spark under load costs minutes per dozen nodes: more than the suite's default timeout
pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.timeout(3600)]

SELECTION = ["--select", "+kpi_monthly", "--resource-type", "model", "--resource-type", "seed"]
COMPARED = {"indicators.kpi_monthly": 90, "marts.fct_user_day_usage": 9530}
WORKER_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive_workers(web_ui: str) -> int:
    try:
        with urllib.request.urlopen(f"{web_ui}/json/", timeout=2) as answer:
            return int(json.load(answer).get("aliveworkers", 0))
    except OSError:
        return 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The master's URL, once a worker has registered with it, and the worker's folder."""
    import pyspark

    spark_home = Path(pyspark.__file__).parent
    folder = tmp_path_factory.mktemp("cluster")
    port, web_port = _free_port(), _free_port()
    master = f"spark://127.0.0.1:{port}"
    env = {**os.environ, "SPARK_HOME": str(spark_home), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_LOG_DIR": str(folder)}  # fmt: skip
    spark_class = ["nice", "-n", "10", str(spark_home / "bin" / "spark-class")]
    services = [
        Service("Spark master", [*spark_class, "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(web_port)],
                url=f"http://127.0.0.1:{web_port}", env=env),
        Service("Spark worker", [*spark_class, "org.apache.spark.deploy.worker.Worker",
                "--host", "127.0.0.1", "--cores", "2", "--memory", "2g",
                "--webui-port", str(_free_port()), "--work-dir", str(folder / "work"),
                master], env=env),
    ]  # fmt: skip
    try:
        start(services)
        deadline = time.monotonic() + WORKER_SECONDS
        while _alive_workers(f"http://127.0.0.1:{web_port}") < 1:
            assert all(s.process.poll() is None for s in services), "the cluster stopped"
            assert time.monotonic() < deadline, f"no worker registered with {master}"
            time.sleep(1)
        yield master, folder / "work"
    finally:
        stop(services)


def test_a_standalone_cluster_builds_the_numbers_duckdb_builds(cluster, tmp_path_factory):
    master, worker_folder = cluster
    source = province(tmp_path_factory.mktemp("province"))
    duck = home_over(source, tmp_path_factory.mktemp("duckdb-home"), "duckdb")
    spark = home_over(source, tmp_path_factory.mktemp("cluster-home"), "spark",
                      JINGFEN_SPARK_MASTER=master)  # fmt: skip
    assert spark.spark_master == master
    require_engine(spark)
    finish(*((settings, dbt(settings, "build", *SELECTION)) for settings in (duck, spark)))
    # the driver really ran its jobs on the cluster: the worker started executors for them
    assert list(worker_folder.glob("app-*"))

    found, compared = [], {}
    with duckdb.connect(str(duck.warehouse_db), read_only=True) as con:
        for table in COMPARED:
            columns = [row[0] for row in con.execute(f"describe {table}").fetchall()]
            on_spark = spark_table(spark, table)
            compared[table], more = differences(con, table, columns, table, on_spark)
            found += more
    assert found == [], "\n".join(found[:40])
    assert compared == COMPARED
