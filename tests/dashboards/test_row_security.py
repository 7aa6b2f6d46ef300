"""Row-level security of the city roles through every route a hostile analyst tried.

What each route must give ``analyst_<city>`` is computed from the published copy itself (DuckDB),
so an empty answer never passes for "only my city": the sample home has rows for both cities.
"""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from dashboards.spec import DASHBOARDS, DATASETS
from tests.dashboards.conftest import city_name

CITY_DATASETS = [d for d in DATASETS if d.city_column]
PROVINCE_DATASETS = [d for d in DATASETS if not d.city_column]


def _published(superset, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(superset.settings.serving_db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _source(dataset) -> str:
    return dataset.sql or f"select * from {dataset.table}"


def _published_cities(superset, dataset) -> set[str]:
    sql = f"select distinct city_code from ({_source(dataset)})"
    return {c for (c,) in _published(superset, sql)}


@pytest.fixture(scope="module")
def dataset_ids(superset) -> dict[str, int]:
    return {d["table_name"]: d["id"] for d in superset.api().all("dataset")}


def _rows(api, dataset_id: int, columns: list[str], metrics: list, **query) -> list[dict]:
    response = api.data(dataset_id, columns=columns, metrics=metrics, row_limit=1000, **query)
    assert response.status_code == 200, response.text[:300]
    return response.json()["result"][0]["data"]


def test_the_sample_home_has_rows_for_every_city(superset):
    """Without this, the checks below could pass on empty answers."""
    kpi = next(d for d in DATASETS if d.key == "kpi_city_brand")
    assert superset.cities == ["571", "574"]
    assert _published_cities(superset, kpi) == {"571", "574", "UNKNOWN"}


def test_manager_sees_every_city(superset, dataset_ids):
    manager = superset.api("manager")
    for dataset in CITY_DATASETS:
        metric = dataset.metrics[0].name
        rows = _rows(manager, dataset_ids[dataset.key], ["city_code"], [metric])
        assert {r["city_code"] for r in rows} == _published_cities(superset, dataset), dataset.key


@pytest.mark.parametrize("city", ["571", "574"])
def test_city_analyst_gets_exactly_its_citys_rows(superset, dataset_ids, city):
    """Every dataset with a city: the cities of the answer are the published ones ∩ {city};
    every province-wide dataset: no row at all (the manager gets its rows)."""
    api, manager = superset.api(f"analyst_{city}"), superset.api("manager")
    for dataset in CITY_DATASETS:
        metric = dataset.metrics[0].name
        rows = _rows(api, dataset_ids[dataset.key], ["city_code"], [metric])
        expected = _published_cities(superset, dataset) & {city}
        assert {r["city_code"] for r in rows} == expected, dataset.key
    for dataset in PROVINCE_DATASETS:
        column, metric = dataset.columns[0].name, dataset.metrics[0].name
        sql = f"select count(distinct {column}) from ({_source(dataset)})"
        ((groups,),) = _published(superset, sql)
        assert len(_rows(manager, dataset_ids[dataset.key], [column], [metric])) == groups
        assert _rows(api, dataset_ids[dataset.key], [column], [metric]) == [], dataset.key


def _manager_value_of(superset, dataset_id: int, metric: str, city: str):
    rows = _rows(superset.api("manager"), dataset_id, ["city_code"], [metric])
    return next(r[metric] for r in rows if r["city_code"] == city)


def test_overview_charts_show_only_the_citys_numbers(superset):
    """The overview's saved charts through their own query: every chart answers with rows, each
    city name shown is the analyst's city, and every big number is the city's own."""
    city = superset.cities[0]
    api = superset.api(f"analyst_{city}")
    overview = {c.title: c for c in DASHBOARDS[0].charts}
    datasets = {d["table_name"]: d["id"] for d in superset.api().all("dataset")}
    names: set[str] = set()
    for chart in api.all("chart"):
        spec = overview.get(chart["slice_name"])
        if spec is None:
            continue
        response = api.chart_data(chart["id"])
        assert response.status_code == 200, (chart["slice_name"], response.text[:300])
        rows = [row for result in response.json()["result"] for row in result["data"]]
        assert rows, f"{chart['slice_name']} shows analyst_{city} nothing"
        assert {row["city_code"] for row in rows if "city_code" in row} <= {city}
        names |= {row["city_name"] for row in rows if "city_name" in row}
        if spec.kind == "kpi":
            (metric,) = spec.metrics
            shown = rows[0][metric]
            assert shown == pytest.approx(
                _manager_value_of(superset, datasets[spec.dataset], metric, city)
            ), spec.title
    assert names == {city_name(city)}


def test_custom_sql_metric_counts_only_the_city(superset, dataset_ids):
    city = superset.cities[0]
    kpi = dataset_ids["kpi_city_brand"]
    api = superset.api(f"analyst_{city}")
    cities = {"expressionType": "SQL", "sqlExpression": "count(distinct city_code)", "label": "n"}
    users = {"expressionType": "SQL", "sqlExpression": "sum(users_on_net)", "label": "users"}
    assert _rows(api, kpi, [], [cities, users]) == [
        {"n": 1, "users": _manager_value_of(superset, kpi, "users_on_net", city)}
    ]
    everything = "(select sum(users_on_net) from indicators.kpi_monthly)"
    subquery = {"expressionType": "SQL", "label": "all", "sqlExpression": everything}
    response = api.data(kpi, columns=[], metrics=[subquery])
    assert response.status_code == 400, response.text[:300]
    assert "sub-queries" in response.json()["message"]


@pytest.mark.parametrize(
    "extras",
    [
        {"where": "city_code <> '' or 1=1"},
        {"having": "1=1 or 1=1"},
    ],
)
def test_where_and_having_clauses_cannot_widen_the_filter(superset, dataset_ids, extras):
    city = superset.cities[0]
    rows = _rows(superset.api(f"analyst_{city}"), dataset_ids["kpi_city_brand"], ["city_code"],
                 ["users_on_net"], extras=extras)  # fmt: skip
    assert {r["city_code"] for r in rows} == {city}


def test_a_where_clause_cannot_close_the_filters_parenthesis(superset, dataset_ids):
    api = superset.api(f"analyst_{superset.cities[0]}")
    response = api.data(dataset_ids["kpi_city_brand"], columns=["city_code"],
                        metrics=["users_on_net"], extras={"where": "1=1) or (1=1"})  # fmt: skip
    assert response.status_code == 400, response.text[:300]
    assert response.json()["message"] == "Invalid SQL clause: 1=1) or (1=1"


def test_adhoc_sql_filter_cannot_widen_the_filter(superset, dataset_ids):
    city = superset.cities[0]
    rows = _rows(superset.api(f"analyst_{city}"), dataset_ids["kpi_city_brand"], ["city_code"],
                 ["users_on_net"], filters=[],
                 adhoc_filters=[{"expressionType": "SQL", "clause": "WHERE",
                                 "sqlExpression": "1=1 or 1=1"}])  # fmt: skip
    assert {r["city_code"] for r in rows} == {city}


def test_drill_to_detail_gives_only_the_citys_rows(superset, dataset_ids):
    city, other = superset.cities
    api = superset.api(f"analyst_{city}")
    kpi = next(d for d in DATASETS if d.key == "kpi_city_brand")
    detail = _rows(api, dataset_ids[kpi.key], ["city_code", "brand_name"], [],
                   result_type="drill_detail")  # fmt: skip
    (count,) = _published(superset, f"select count(*) from ({_source(kpi)}) where city_code = ?",
                          [city])[0]  # fmt: skip
    assert len(detail) == count
    assert {r["city_code"] for r in detail} == {city}
    other_city = _rows(api, dataset_ids[kpi.key], ["city_code"], [], result_type="drill_detail",
                       filters=[{"col": "city_code", "op": "==", "val": other}])  # fmt: skip
    assert other_city == []


def test_samples_are_refused_to_city_roles(superset, dataset_ids):
    """Superset's samples (Explore's "view samples") need can_samples, which Gamma-based roles
    lack; were it granted, RLS would still apply, but today the door is closed."""
    api = superset.api(f"analyst_{superset.cities[0]}")
    response = api.post(
        f"/datasource/samples?datasource_id={dataset_ids['kpi_city_brand']}&datasource_type=table",
        json={},
    )
    assert response.status_code == 401, response.text[:300]


def test_csv_export_holds_only_the_city(superset, dataset_ids):
    city = superset.cities[0]
    api = superset.api(f"analyst_{city}")
    response = api.data(dataset_ids["kpi_city_brand"], result_format="csv",
                        columns=["city_code"], metrics=["users_on_net"])  # fmt: skip
    assert response.status_code == 200, response.text[:300]
    rows = list(csv.reader(io.StringIO(response.text)))
    users = _manager_value_of(superset, dataset_ids["kpi_city_brand"], "users_on_net", city)
    assert rows[1:] == [[city, str(users)]]


def test_a_chart_the_analyst_creates_is_filtered_too(superset, dataset_ids):
    """City roles may save their own charts; what those show is still their city only."""
    city = superset.cities[0]
    api = superset.api(f"analyst_{city}")
    dataset = dataset_ids["kpi_city_brand"]
    query = {
        "datasource": {"id": dataset, "type": "table"},
        "queries": [{"columns": ["city_code"], "metrics": ["users_on_net"]}],
        "result_format": "json",
        "result_type": "full",
    }
    created = api.post(
        "/api/v1/chart/",
        json={"slice_name": "escape attempt", "viz_type": "table", "datasource_type": "table",
              "datasource_id": dataset, "params": "{}", "query_context": json.dumps(query)},
    )  # fmt: skip
    assert created.status_code == 201, created.text[:300]
    chart_id = created.json()["id"]
    try:
        response = api.chart_data(chart_id)
        assert response.status_code == 200, response.text[:300]
        assert {r["city_code"] for r in response.json()["result"][0]["data"]} == {city}
    finally:
        assert api.http.delete(f"{api.base}/api/v1/chart/{chart_id}", timeout=60).ok


# The sample home's plan (sample_home.PLAN_2026) in February 2026: each city's year completion
# and its rank in the province, by indicator. 571: 2 of 3 users, 15,087.34 of 60,000 yuan;
# 574: 1 of 1 user, 20 of 200 yuan.
PLAN_202602 = {
    "571": {"users_on_net": (0.666667, 2), "billed_revenue": (0.251456, 1)},
    "574": {"users_on_net": (1.0, 1), "billed_revenue": (0.1, 2)},
}


@pytest.mark.parametrize("city", ["571", "574"])
def test_city_analyst_sees_only_its_citys_plan(superset, dataset_ids, city):
    """target_progress: the analyst gets its own completion and rank, never the province's row
    ('ALL') nor the other city's, while the manager gets both cities' and the province's."""
    february = [
        {"col": "stat_month", "op": "==", "val": "202602"},
        {"col": "indicator", "op": "IN", "val": ["users_on_net", "billed_revenue"]},
    ]
    columns, metrics = ["city_code", "indicator"], ["completion_year", "rank"]
    plan = dataset_ids["target_progress"]
    rows = _rows(superset.api(f"analyst_{city}"), plan, columns, metrics, filters=february)
    assert {(r["city_code"], r["indicator"]): (r["completion_year"], r["rank"]) for r in rows} == {
        (city, indicator): shown for indicator, shown in PLAN_202602[city].items()
    }
    everyone = _rows(superset.api("manager"), plan, columns, metrics, filters=february)
    assert {r["city_code"] for r in everyone} == {"571", "574", "ALL"}
