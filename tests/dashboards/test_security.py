"""4A through Superset's API: who sees which rows, who may use SQL Lab, and what gets logged."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import requests

from dashboards.spec import DASHBOARDS, DATABASE_NAME, DATASETS

SEED = Path(__file__).resolve().parents[2] / "warehouse" / "seeds" / "cities.csv"
with SEED.open(encoding="utf-8") as seed:
    CITY_NAMES = [(row["city_code"], row["city_name_zh"]) for row in csv.DictReader(seed)]


def _rows_by_city(api, dataset_id: int, metric: str) -> list[dict]:
    response = api.post(
        "/api/v1/chart/data",
        json={
            "datasource": {"id": dataset_id, "type": "table"},
            "queries": [{"columns": ["city_code"], "metrics": [metric], "row_limit": 1000}],
            "result_format": "json",
            "result_type": "full",
        },
    )
    assert response.status_code == 200, response.text
    return response.json()["result"][0]["data"]


def _total(api, dataset_id: int, metric: str):
    response = api.post(
        "/api/v1/chart/data",
        json={
            "datasource": {"id": dataset_id, "type": "table"},
            "queries": [{"columns": [], "metrics": [metric]}],
            "result_format": "json",
            "result_type": "full",
        },
    )
    assert response.status_code == 200, response.text
    return response.json()["result"][0]["data"][0][metric]


def test_city_analyst_sees_only_its_city(superset):
    """Every dataset asked for its rows by city: a city role gets its own city's rows only, and
    nothing of the province-wide datasets (they have no city to filter on)."""
    datasets = {d["table_name"]: d["id"] for d in superset.api().all("dataset")}
    manager = superset.api("manager")
    everyone = {r["city_code"] for r in _rows_by_city(manager, datasets["kpi_city_brand"],
                                                       "users_on_net")}  # fmt: skip
    assert len(everyone - {"UNKNOWN"}) > 1
    for city in superset.cities:
        api = superset.api(f"analyst_{city}")
        for dataset in DATASETS:
            metric = dataset.metrics[0].name
            if dataset.city_column:
                rows = _rows_by_city(api, datasets[dataset.key], metric)
                assert {r["city_code"] for r in rows} <= {city}, (city, dataset.key)
            else:
                assert _total(api, datasets[dataset.key], metric) in (None, 0), dataset.key


def test_city_analyst_charts_show_only_its_city(superset):
    """The overview's saved charts through their own query (the chart data API)."""
    city = superset.cities[0]
    api = superset.api(f"analyst_{city}")
    titles = {c.title for c in DASHBOARDS[0].charts}
    names = {name for code, name in CITY_NAMES if code.lstrip("0") == city.lstrip("0")}
    assert names, f"no name for city {city} in the cities seed"
    for chart in api.all("chart"):
        if chart["slice_name"] not in titles:
            continue
        response = api.chart_data(chart["id"])
        assert response.status_code == 200, (chart["slice_name"], response.text[:300])
        for result in response.json()["result"]:
            for row in result["data"]:
                assert row.get("city_code", city) == city
                if "city_name" in row:
                    assert row["city_name"] in names


def test_every_saved_chart_query_answers(superset):
    """Each chart's own query_context (GET /api/v1/chart/<id>/data, as reports and the API use
    it) runs: the dashboards build their queries in the browser, so this is checked apart."""
    api = superset.api("manager")
    charts = api.all("chart")
    assert len(charts) == sum(len(d.charts) for d in DASHBOARDS)
    for chart in charts:
        response = api.chart_data(chart["id"])
        assert response.status_code == 200, (chart["slice_name"], response.text[:300])


def test_city_analyst_has_no_sql_lab(superset):
    city = superset.cities[0]
    api = superset.api(f"analyst_{city}")
    database_id = next(d["id"] for d in superset.api().all("database"))
    response = api.post(
        "/api/v1/sqllab/execute/",
        json={"database_id": database_id, "sql": "select 1", "runAsync": False, "schema": "main"},
    )
    assert response.status_code in (401, 403), response.text


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


def test_analyst_reads_but_cannot_write_in_sql_lab(superset):
    api = superset.api("analyst")
    databases = superset.api().all("database")
    assert [d["database_name"] for d in databases] == [DATABASE_NAME]
    database_id = databases[0]["id"]
    read = _execute(api, database_id, "select count(*) as n from indicators.kpi_monthly")
    assert read.status_code == 200, read.text
    assert read.json()["data"][0]["n"] > 0
    for sql in (
        "create table indicators.scratch as select 1 as x",
        "delete from indicators.kpi_monthly",
        "update indicators.kpi_monthly set users_on_net = 0",
        "copy (select 1) to '/tmp/jingfen-sqllab-escape.csv'",
        "select * from read_csv('/etc/passwd')",
    ):
        response = _execute(api, database_id, sql)
        assert response.status_code >= 400, (sql, response.text[:300])


def test_anonymous_access_is_refused(superset):
    anonymous = requests.Session()
    for path in ("/api/v1/dashboard/", "/api/v1/chart/", "/api/v1/dataset/", "/api/v1/database/"):
        response = anonymous.get(f"{superset.url}{path}", timeout=30)
        assert response.status_code == 401, (path, response.status_code)
    page = anonymous.get(f"{superset.url}/superset/dashboard/{DASHBOARDS[0].slug}/", timeout=30)
    assert "/login" in page.url
    data = anonymous.post(f"{superset.url}/api/v1/chart/data", json={}, timeout=30)
    assert data.status_code in (400, 401, 403)


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
    path = superset.settings.superset_home / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
