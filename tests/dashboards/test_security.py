"""4A through Superset's API: who may use SQL Lab and what it refuses, anonymous visitors, what
gets logged. Which rows each role sees: test_row_security.py."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb
import requests

from dashboards.spec import DASHBOARDS, DATABASE_NAME


def test_every_saved_chart_query_answers(superset):
    """Each chart's own query_context (GET /api/v1/chart/<id>/data, as reports and the API use
    it) runs: the dashboards build their queries in the browser, so this is checked apart."""
    api = superset.api("manager")
    charts = api.all("chart")
    assert len(charts) == sum(len(d.charts) for d in DASHBOARDS)
    for chart in charts:
        response = api.chart_data(chart["id"])
        assert response.status_code == 200, (chart["slice_name"], response.text[:300])
        assert all(r["rowcount"] > 0 for r in response.json()["result"]), chart["slice_name"]


def _execute(api, database_id: int, sql: str) -> requests.Response:
    return api.post(
        "/api/v1/sqllab/execute/",
        json={
            "database_id": database_id,
            "sql": sql,
            "runAsync": False,
            "schema": "indicators",
            "tab": "test",
            "client_id": None,
        },
    )


def _database_id(superset) -> int:
    databases = superset.api().all("database")
    assert [d["database_name"] for d in databases] == [DATABASE_NAME]
    return databases[0]["id"]


def _refusal(response: requests.Response) -> str:
    """The one sentence of a refused statement (HTTP 403)."""
    assert response.status_code == 403, response.text[:300]
    (error,) = response.json()["errors"]
    return error["message"]


READ_ONLY = "经分发布库是只读的发布副本"
SETTINGS_LOCKED = "经分发布库的 DuckDB 设置已锁定"
NO_FILES = "SQL Lab 只读经分发布库里的表，不能读写其他文件"


def test_city_analyst_has_no_sql_lab(superset):
    """Superset applies no row-level security in SQL Lab: a city role may not run SQL at all."""
    api = superset.api(f"analyst_{superset.cities[0]}")
    response = _execute(api, _database_id(superset), "select 1")
    assert response.status_code == 403, response.text
    assert response.json() == {"message": "Forbidden"}


def test_analyst_reads_but_cannot_write_in_sql_lab(superset):
    api = superset.api("analyst")
    database_id = _database_id(superset)
    read = _execute(api, database_id, "select count(*) as n from indicators.kpi_monthly")
    assert read.status_code == 200, read.text
    con = duckdb.connect(str(superset.settings.serving_db), read_only=True)
    try:
        (rows,) = con.execute("select count(*) from indicators.kpi_monthly").fetchone()
    finally:
        con.close()
    assert read.json()["data"] == [{"n": rows}]
    for sql, sentence in (
        ("create table indicators.scratch as select 1 as x", READ_ONLY),
        ("delete from indicators.kpi_monthly", READ_ONLY),
        ("update indicators.kpi_monthly set users_on_net = 0", READ_ONLY),
        ("insert into indicators.kpi_monthly select * from indicators.kpi_monthly", READ_ONLY),
        ("copy (select 1) to '/tmp/jingfen-sqllab-escape.csv'", NO_FILES),
        ("select * from read_csv('/etc/passwd')", NO_FILES),
        ("attach '/tmp/jingfen-sqllab-escape.duckdb' as escape", NO_FILES),
    ):
        message = _refusal(_execute(api, database_id, sql))
        assert message.startswith(sentence), (sql, message)
        assert "找不到" not in message  # Superset's own: "the database was not found"
    assert not Path("/tmp/jingfen-sqllab-escape.csv").exists()


def _memory_limit(api, database_id: int) -> str:
    response = _execute(api, database_id, "select current_setting('memory_limit') as m")
    assert response.status_code == 200, response.text[:300]
    return response.json()["data"][0]["m"]


def test_sql_lab_cannot_change_duckdb_settings(superset):
    """A server process shares one DuckDB instance among all its queries: a SET from SQL Lab
    would change the settings of everyone's queries. Several rounds, so that every worker
    process is likely to have been asked."""
    database_id = _database_id(superset)
    for username in ("engineer", "admin", "analyst"):
        api = superset.api(username)
        before = _memory_limit(api, database_id)
        for _ in range(3):
            for sql in ("SET memory_limit = '1MB'", "SET GLOBAL threads = 1",
                        "RESET memory_limit", "PRAGMA memory_limit = '1MB'"):  # fmt: skip
                assert _refusal(_execute(api, database_id, sql)).startswith(SETTINGS_LOCKED)
            assert _memory_limit(api, database_id) == before
    chart = superset.api("manager").all("chart")[0]
    assert superset.api("manager").chart_data(chart["id"]).status_code == 200


def test_anonymous_access_is_refused(superset):
    anonymous = requests.Session()
    for path in ("/api/v1/dashboard/", "/api/v1/chart/", "/api/v1/dataset/", "/api/v1/database/"):
        response = anonymous.get(f"{superset.url}{path}", timeout=30)
        assert response.status_code == 401, (path, response.status_code)
    page = anonymous.get(f"{superset.url}/superset/dashboard/{DASHBOARDS[0].slug}/", timeout=30)
    assert "/login" in page.url
    data = anonymous.post(f"{superset.url}/api/v1/chart/data", json={}, timeout=30)
    assert data.status_code == 401


def test_action_log_records_who_opened_what(superset):
    analyst = superset.api("analyst")
    chart = analyst.all("chart")[0]
    assert analyst.chart_data(chart["id"]).status_code == 200
    admin = superset.api()
    response = admin.get(
        "/api/v1/log/?q=(order_column:dttm,order_direction:desc,page:0,page_size:100)"
    )
    assert response.status_code == 200, response.text
    users = {(entry.get("user") or {}).get("username") for entry in response.json()["result"]}
    assert "analyst" in users


def test_secret_key_is_private(superset):
    path = superset.settings.superset_secret_key_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
