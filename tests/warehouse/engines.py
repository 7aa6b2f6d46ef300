"""What the Spark tests share: one seeded province ingested once, homes of either engine over
copies of its lake, dbt builds started side by side, and a row-by-row comparison of tables.

The province is tiny (60 users, 3 months, with defects and a redelivery of late and corrected
records) because every dbt node costs Spark seconds. Builds run under `nice`, so that the other
work on the machine keeps some CPU. Money is compared to the fen, minutes and MB to the second
decimal, and any difference names the table, the row's key columns and both values.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from core.privacy import installation_secret, secret_path
from core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
WAREHOUSE = REPO / "warehouse"
BIN = Path(sys.executable).parent
CENT = Decimal("0.01")
BUILD_SECONDS = 3000


def jingfen(home: Path, *args: str, **env: str) -> str:
    done = subprocess.run(
        [str(BIN / "jingfen"), *args],
        env={**os.environ, "JINGFEN_HOME": str(home), **env},
        capture_output=True,
        text=True,
        timeout=BUILD_SECONDS,
    )
    assert done.returncode == 0, f"jingfen {' '.join(args)}:\n{done.stdout[-3000:]}{done.stderr}"
    return done.stdout


def province(home: Path) -> Path:
    """The seeded province's lake (and its installation secret) in ``home``; returns home."""
    jingfen(home, "generate", "--users", "60", "--months", "3", "--start", "202601",
            "--seed", "5", "--defects", "0.05")  # fmt: skip
    jingfen(home, "ingest")
    # the generator's second batch: late call records and corrected redeliveries
    shutil.copytree(home / "landing_redelivery", home / "landing", dirs_exist_ok=True)
    jingfen(home, "ingest")
    installation_secret(Settings(home=home))
    return home


def home_over(source: Path, home: Path, engine: str, **env: str) -> Settings:
    """A home of ``engine`` reading a copy of the source's lake, with the same secret (so that
    masked columns agree)."""
    shutil.copytree(source / "lake", home / "lake")
    settings = Settings.from_env({"JINGFEN_HOME": str(home), "JINGFEN_ENGINE": engine, **env})
    secret_path(settings).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(secret_path(Settings(home=source)), secret_path(settings))
    return settings


def dbt(settings: Settings, *args: str) -> subprocess.Popen[str]:
    """`dbt ARGS` on the settings' home, started (not waited for) in a session of its own (with
    Spark's JVM); finish() waits."""
    env = {
        **os.environ,
        **settings.dbt_environment(),
        "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", ""),
    }
    log = (settings.home / "dbt.out").open("w")
    return subprocess.Popen(
        ["nice", "-n", "10", str(BIN / "dbt"), "--no-use-colors", *args,
         "--project-dir", str(WAREHOUSE), "--profiles-dir", str(WAREHOUSE)],
        env=env, cwd=settings.home, stdout=log, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip


def finish(*builds: tuple[Settings, subprocess.Popen[str]]) -> None:
    """Wait for every (settings, dbt process); when one fails or time runs out, stop the others
    (and their JVMs) rather than leave them building."""
    try:
        for settings, process in builds:
            returncode = process.wait(timeout=BUILD_SECONDS)
            log = (settings.home / "dbt.out").read_text(encoding="utf-8", errors="replace")
            # dbt's own lines, without the JVM's stack traces
            lines = [line for line in log.splitlines() if line[:2].isdigit() or "Error" in line]
            assert returncode == 0, f"dbt on {settings.engine}:\n" + "\n".join(lines)[-8000:]
    finally:
        for _, process in builds:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _value(value: object) -> object:
    """A value as both engines must agree on it: numbers to the second decimal (the fen,
    hundredths of a minute or MB), dates and times as ISO text, the rest as text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    rows = (tuple(_value(v) for v in row) for row in con.execute(sql).fetchall())
    return sorted(rows, key=lambda row: tuple((v is None, str(v)) for v in row))


def differences(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], duck: str, spark: str
) -> tuple[int, list[str]]:
    """(rows, differences) of the same columns read from two relations of ``con``."""
    listed = ", ".join(f'"{c}"' for c in columns)
    left, right = (_rows(con, f"select {listed} from {r}") for r in (duck, spark))
    if len(left) != len(right):
        return len(left), [f"{table}: {len(left)} rows on DuckDB, {len(right)} on Spark"]
    found = []
    for duck_row, spark_row in zip(left, right, strict=True):
        for column, duck_value, spark_value in zip(columns, duck_row, spark_row, strict=True):
            if duck_value != spark_value:
                key = {c: v for c, v, s in zip(columns, duck_row, spark_row, strict=True)
                       if not isinstance(v, Decimal) and v == s}  # fmt: skip
                found.append(f"{table} {key}: {column} is {duck_value!r} on DuckDB, "
                             f"{spark_value!r} on Spark")  # fmt: skip
    return len(left), found


def spark_table(settings: Settings, table: str) -> str:
    """A table of the Spark warehouse as DuckDB reads its Parquet folder (partition columns from
    the folder names, as text: compare through _value)."""
    schema, name = table.split(".")
    folder = settings.spark_warehouse / f"{schema}.db" / name
    return (
        f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true, "
        "hive_types_autocast = false, union_by_name = true)"
    )
