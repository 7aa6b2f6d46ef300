"""The publication's Spark session is configured from dbt's profile: the build's master, metastore
and warehouse folder, never a second copy of them. (Copying tables out of Spark is proven by
tests/reconciliation/test_engines.py, on a real build.)"""

from __future__ import annotations

from core.settings import Settings
from publication.spark import spark_conf


def test_the_session_reads_the_builds_tables_where_the_build_wrote_them():
    settings = Settings.from_env(
        {"JINGFEN_HOME": "/srv/jf", "JINGFEN_ENGINE": "spark",
         "JINGFEN_SPARK_MASTER": "spark://10.0.0.5:7077", "JINGFEN_SPARK_DRIVER_MEMORY": "6g"}
    )  # fmt: skip
    conf = spark_conf(settings)
    assert conf["spark.master"] == "spark://10.0.0.5:7077"
    assert conf["spark.driver.memory"] == "6g"
    assert conf["spark.sql.warehouse.dir"] == "/srv/jf/spark/warehouse"
    assert conf["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        "jdbc:derby:;databaseName=/srv/jf/spark/metastore/metastore_db;create=true"
    )
    assert conf["spark.sql.timestampType"] == "TIMESTAMP_NTZ"
    assert all(isinstance(value, str) for value in conf.values())
