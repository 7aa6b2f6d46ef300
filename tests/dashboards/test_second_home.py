"""A second home on the same checkout (a new province, `make clean && make up`) gets the same
Superset as a home initialised from scratch: it starts from the template the first home left in
Superset's environment, which must hold every permission and role `superset init` made."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess

from core.settings import Settings
from dashboards import service
from dashboards.spec import DASHBOARDS
from dashboards.superset_api import SupersetApi
from tests.dashboards.conftest import (
    ADMIN_PASSWORD,
    DEMO_PASSWORD,
    PASSWORDS,
    city_name,
    free_port,
    wait_for,
)


def _grants(database) -> dict[str, set[tuple[str, str]]]:
    """Every role with its (permission, view) pairs; "" holds those no role has."""
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select coalesce(r.name, ''), p.name, v.name from ab_permission_view as pv "
            "join ab_permission as p on p.id = pv.permission_id "
            "join ab_view_menu as v on v.id = pv.view_menu_id "
            "left join ab_permission_view_role as pvr on pvr.permission_view_id = pv.id "
            "left join ab_role as r on r.id = pvr.role_id"
        ).fetchall()
        roles = {name for (name,) in con.execute("select name from ab_role")}
    finally:
        con.close()
    grants: dict[str, set[tuple[str, str]]] = {role: set() for role in roles}
    for role, permission, view in rows:
        grants.setdefault(role, set()).add((permission, view))
    return grants


def test_a_second_home_gets_a_complete_superset(superset, tmp_path):
    templates = list(service.venv_dir().glob(f"metadata-*.{service.TEMPLATE_KIND}.sqlite"))
    assert len(templates) == 1, templates  # the session's home made it, or found it

    fresh = Settings.from_env({"JINGFEN_HOME": str(tmp_path / "fresh"), **PASSWORDS})
    fresh.superset_home.mkdir(parents=True)
    service.initialise(fresh)
    expected = _grants(fresh.superset_metadata_db)
    assert {"Admin", "Alpha", "Gamma", "Public", "sql_lab"} <= set(expected)
    assert ("can_drill", "Dashboard") in expected["Gamma"]
    assert ("all_datasource_access", "all_datasource_access") in expected["Alpha"]

    second = Settings.from_env({"JINGFEN_HOME": str(tmp_path / "second"), **PASSWORDS})
    service.prepare_metadata(second)
    assert _grants(second.superset_metadata_db) == expected

    shutil.copyfile(superset.settings.serving_db, second.serving_db)
    service.prepare_content(second)
    port = free_port()
    log = tmp_path / "second-superset.log"
    with log.open("w") as out:
        process = subprocess.Popen(service.server_argv(str(port)),
                                   env=service.environment(second), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/health", process, log)
        _check_city_analyst_opens_the_overview(url, superset.cities[0])
        admin = SupersetApi(url, "admin", ADMIN_PASSWORD)
        for dataset in admin.all("dataset"):
            drill = admin.get(f"/api/v1/dataset/{dataset['id']}/drill_info/")
            assert drill.status_code == 200, (dataset["table_name"], drill.text[:300])
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def _check_city_analyst_opens_the_overview(url: str, city: str) -> None:
    api = SupersetApi(url, f"analyst_{city}", DEMO_PASSWORD)
    overview = DASHBOARDS[0]
    dashboard = api.get(f"/api/v1/dashboard/{overview.slug}")
    assert dashboard.status_code == 200, dashboard.text[:300]
    charts = api.get(f"/api/v1/dashboard/{overview.slug}/charts")
    assert charts.status_code == 200, charts.text[:300]
    listed = charts.json()["result"]
    assert sorted(c["slice_name"] for c in listed) == sorted(c.title for c in overview.charts)
    names: set[str] = set()
    for chart in listed:
        response = api.chart_data(chart["id"])
        assert response.status_code == 200, (chart["slice_name"], response.text[:300])
        rows = [row for result in response.json()["result"] for row in result["data"]]
        assert rows, chart["slice_name"]
        names |= {row["city_name"] for row in rows if "city_name" in row}
    assert names == {city_name(city)}
