"""The reconciliation suite's one province build, shared by every test module of the suite.

See test_recompute_from_extracts.py for what is built and how it is compared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.settings import Settings
from tests.reconciliation import recompute_users
from tests.reconciliation.compare import CLEAN, DEFECTIVE
from tests.reconciliation.extracts import land_batches, replay
from tests.reconciliation.recompute import Recomputation

USERS, MONTHS = 150, 4

# Seeds whose four months hold a write-off (坏账核销) in each province and a re-entry (重入网),
# so bad_debt and reentry_users are exercised, not only their zeros.


def _jingfen(home: Path, *args: str, **env_vars: str) -> None:
    script = Path(sys.executable).with_name("jingfen")
    env = {**os.environ, "JINGFEN_HOME": str(home), **env_vars}
    done = subprocess.run([str(script), *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"jingfen {' '.join(args)}:\n{done.stdout[-3000:]}{done.stderr}"


# The clean province's revised plan (a re-delivery of its TARGET file, landing with the
# corrections): January's new-users target of REVISED_CITY raised, February's withdrawn.
REVISED_CITY = "0574"


def revise_plan(home: Path, province: str) -> None:
    name = f"TARGET_{province}_2026_001"
    lines = (home / "landing" / f"{name}.AVL").read_text("utf-8").splitlines()
    revised = []
    for line in lines:
        year, month, city, indicator, value = line.split("|")
        if (city, indicator) == (REVISED_CITY, "new_users") and month in ("01", "02"):
            if month == "02":
                continue
            value = str(int(value) + 7)
        revised.append("|".join((year, month, city, indicator, value)))
    data = ("\n".join(revised) + "\n").encode("utf-8")
    folder = home / "landing_redelivery"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.AVL").write_bytes(data)
    check = f"{name}.AVL|{len(data)}|{len(revised)}|2026|20260301090000|UTF-8\n"
    (folder / f"{name}.CHK").write_text(check, "ascii")


@pytest.fixture(scope="session")
def duckdb_home(tmp_path_factory) -> Path:
    """The home built on DuckDB: the first batch ingested, then the second and `jingfen run`."""
    home = tmp_path_factory.mktemp("home")
    batches = tmp_path_factory.mktemp("landed")
    common = ["--users", str(USERS), "--months", str(MONTHS), "--start", "202601"]
    _jingfen(home, "generate", *common, "--seed", "13", "--provinces", CLEAN)
    _jingfen(
        home, "generate", *common, "--seed", "1", "--provinces", DEFECTIVE, "--defects", "0.05"
    )
    revise_plan(home, CLEAN)
    shutil.copytree(home / "landing", batches / "0")
    _jingfen(home, "ingest")
    shutil.copytree(home / "landing_redelivery", batches / "1")
    shutil.copytree(home / "landing_redelivery", home / "landing", dirs_exist_ok=True)
    _jingfen(home, "run")
    (home / "batches").symlink_to(batches)
    return home


@dataclass(frozen=True)
class SparkRuns:
    """The same province built on Spark; after each run, the files of its usage days and the
    statement that wrote them."""

    home: Path
    first_days: dict[str, set[str]]
    second_days: dict[str, set[str]]
    first_write: str
    second_write: str


def _day_files(home: Path) -> dict[str, set[str]]:
    """fct_user_day_usage's partitions on Spark: the Parquet files of each usage day."""
    table = Settings(home=home).spark_warehouse / "marts.db" / "fct_user_day_usage"
    return {
        f"{folder.parent.name}/{folder.name}": {path.name for path in folder.glob("*.parquet")}
        for folder in table.glob("province_code=*/usage_date=*")
    }


def _day_write(home: Path) -> str:
    """The statement the home's last dbt build wrote fct_user_day_usage with."""
    runs = Settings(home=home).dbt_target.glob("*/run/jingfen/models/marts/fct_user_day_usage.sql")
    return max(runs, key=lambda p: p.stat().st_mtime).read_text()


@pytest.fixture(scope="session")
def spark_runs(tmp_path_factory, duckdb_home) -> SparkRuns:
    """The DuckDB home's batches landed in a home on Spark, each followed by `jingfen run`: the
    second run finds the first one's tables in the Spark warehouse and rebuilds incrementally.
    The installation secret is the DuckDB home's, so that masked columns agree."""
    home = tmp_path_factory.mktemp("spark-home")
    shutil.copytree(Settings(home=duckdb_home).secrets, Settings(home=home).secrets)
    shutil.copytree(duckdb_home / "batches" / "0", home / "landing")
    shutil.copy2(duckdb_home / "defects_manifest.json", home)  # what the generator injected
    _jingfen(home, "run", JINGFEN_ENGINE="spark")
    first, first_write = _day_files(home), _day_write(home)
    shutil.copytree(duckdb_home / "batches" / "1", home / "landing", dirs_exist_ok=True)
    _jingfen(home, "run", JINGFEN_ENGINE="spark")
    (home / "batches").symlink_to(duckdb_home / "batches")
    return SparkRuns(home, first, _day_files(home), first_write, _day_write(home))


# Spark under load costs minutes per dozen nodes: more than the suite's default timeout
ON_SPARK = pytest.param(
    "spark", marks=[pytest.mark.spark, pytest.mark.slow, pytest.mark.timeout(3600)]
)


@pytest.fixture(scope="session", params=["duckdb", ON_SPARK])
def home(request) -> Path:
    """Every reconciliation test runs against both engines' published copies."""
    if request.param == "spark":
        return request.getfixturevalue("spark_runs").home
    return request.getfixturevalue("duckdb_home")


@pytest.fixture(scope="session")
def recomputed(duckdb_home) -> Recomputation:
    batches = sorted((duckdb_home / "batches").iterdir(), key=lambda p: int(p.name))
    return Recomputation(replay(land_batches(batches)))


@pytest.fixture(scope="session")
def kpi_parts(recomputed):
    return recomputed.kpi_parts()


@pytest.fixture(scope="session")
def user_months(recomputed):
    return recompute_users.user_months(recomputed)
