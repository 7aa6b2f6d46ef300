"""The engine check: Spark without Java, pyspark or dbt-spark is one sentence naming the setup
command; DuckDB needs nothing; this machine (set up with the spark group) passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.engine import SPARK_SETUP, require_engine
from core.errors import JingfenError
from core.settings import Settings

SPARK = Settings(home=Path("/srv/jf"), engine="spark")


def _found(*modules: str):
    return lambda name: name in modules


def test_duckdb_needs_nothing_more():
    require_engine(Settings(home=Path("/srv/jf")), which=lambda _: None, module_found=_found())


def test_spark_on_this_machine_has_what_it_needs():
    require_engine(SPARK)


@pytest.mark.parametrize(
    ("java", "modules", "sentence"),
    [
        (None, ("pyspark", "dbt.adapters.spark"),
         "JINGFEN_ENGINE is spark but Java is not installed: run "
         "`JINGFEN_ENGINE=spark make setup`"),
        ("/usr/bin/java", ("dbt.adapters.spark",),
         "JINGFEN_ENGINE is spark but pyspark is not installed: run "
         "`JINGFEN_ENGINE=spark make setup`"),
        (None, (),
         "JINGFEN_ENGINE is spark but Java, pyspark and dbt-spark are not installed: run "
         "`JINGFEN_ENGINE=spark make setup`"),
    ],
)  # fmt: skip
def test_spark_missing_a_part_names_the_command_to_run(java, modules, sentence):
    with pytest.raises(JingfenError) as raised:
        require_engine(SPARK, which=lambda _: java, module_found=_found(*modules))
    assert str(raised.value) == sentence
    assert SPARK_SETUP in sentence
