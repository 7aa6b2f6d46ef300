"""The `jingfen` command line as operators' scripts meet it: exit codes, formats, refusals."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from core.settings import Settings
from publication.publish import Source, publish


def jingfen(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JINGFEN_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "jingfen.cli", *args], env=env, capture_output=True, text=True
    )


@pytest.fixture
def published_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    warehouse = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema indicators")
    con.execute(
        "create table indicators.kpi_monthly as select * from (values "
        "('202601', '0571', 'GOTONE', 120.50::decimal(18,2), '杭州'), "
        "('202601', '0574', 'SZX', 33.10::decimal(18,2), '宁波')) "
        "as t(stat_month, city_code, brand, arpu, city_name)"
    )
    con.close()
    publish(Settings(home=home), [Source(warehouse, {"indicators": "indicators"}, "wh")])
    return home


def test_sql_csv_prints_header_and_rows_only(published_home):
    result = jingfen(
        published_home, "sql", "--format", "csv",
        "select city_code, arpu, city_name from indicators.kpi_monthly order by city_code",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [["city_code", "arpu", "city_name"], ["0571", "120.50", "杭州"],
                    ["0574", "33.10", "宁波"]]  # fmt: skip


def test_sql_json_and_table(published_home):
    result = jingfen(published_home, "sql", "--format", "json",
                     "select brand, arpu from indicators.kpi_monthly order by brand")  # fmt: skip
    assert json.loads(result.stdout) == [
        {"brand": "GOTONE", "arpu": 120.5},
        {"brand": "SZX", "arpu": 33.1},
    ]
    table = jingfen(published_home, "sql", "select city_name from indicators.kpi_monthly").stdout
    assert "杭州" in table and "(2 rows)" in table


@pytest.mark.parametrize(
    "statement",
    [
        "delete from indicators.kpi_monthly",
        "insert into indicators.kpi_monthly values ('x','x','x',1,'x')",
        "create table t as select 1",
        "copy indicators.kpi_monthly to 'out.csv'",
        "attach 'other.duckdb' as other",
        "select 1; drop table indicators.kpi_monthly",
    ],
)
def test_sql_refuses_writes(published_home, statement):
    result = jingfen(published_home, "sql", statement)
    assert result.returncode == 1
    assert "read-only" in result.stderr
    assert "Traceback" not in result.stderr
    check = jingfen(published_home, "sql", "select count(*) as n from indicators.kpi_monthly")
    assert check.returncode == 0 and "2" in check.stdout


def test_sql_without_a_published_copy_says_what_to_do(tmp_path):
    result = jingfen(tmp_path / "empty-home", "sql", "select 1")
    assert result.returncode == 1
    assert "jingfen run" in result.stderr and "Traceback" not in result.stderr


def test_sql_error_is_one_plain_message(published_home):
    result = jingfen(published_home, "sql", "select nope from indicators.kpi_monthly")
    assert result.returncode == 1
    assert "The query failed" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "--users", "10", "--months", "1", "--seed", "1", "--start", "2026-01"],
         "YYYYMM"),
        (["generate", "--users", "10", "--months", "1", "--seed", "1", "--provinces", "57"],
         "3 digits"),
        (["report"], "--month"),
    ],
)  # fmt: skip
def test_bad_arguments_are_named(tmp_path, args, message):
    result = jingfen(tmp_path, *args)
    assert result.returncode == 2
    assert message in result.stderr
