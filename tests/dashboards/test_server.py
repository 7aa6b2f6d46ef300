"""Superset's gunicorn as `jingfen serve` runs it: it answers, reads a newly published copy at
once (its connections and its cache of chart data), and SIGTERM ends every process. No query
here forces Superset past its cache: each one sees what a dashboard would show."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import duckdb

from core.processes import STOP_SECONDS
from dashboards import service
from dashboards.spec import DASHBOARDS, DATASETS
from publication.publish import publish
from publication.sources import publication_sources
from tests.dashboards.conftest import free_port, wait_for

KPI = next(d for d in DATASETS if d.key == "kpi_city_brand")


def _group_members(group: int) -> list[str]:
    listing = subprocess.run(["ps", "-eo", "pgid=,pid=,stat="], capture_output=True, text=True)
    return [
        line
        for line in listing.stdout.splitlines()
        if line.split()[0] == str(group) and not line.split()[2].startswith("Z")
    ]


def test_gunicorn_workers_answer_and_stop_on_sigterm(superset, tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        # A session of its own, as jingfen serve starts it: the group is gunicorn and its workers.
        process = subprocess.Popen(
            service.server_argv(str(port)),
            env=service.environment(superset.settings),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process, log)
        # the master and at least two workers
        assert len(_group_members(process.pid)) >= 3, _group_members(process.pid)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_SECONDS)
        deadline = time.monotonic() + 2
        while _group_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _group_members(process.pid) == []
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _users_on_net(api, dataset_id: int) -> int:
    response = api.post(
        "/api/v1/chart/data",
        json={
            "datasource": {"id": dataset_id, "type": "table"},
            "queries": [{"columns": [], "metrics": ["users_on_net"]}],
            "result_format": "json",
            "result_type": "full",
        },
    )
    assert response.status_code == 200, response.text
    return response.json()["result"][0]["data"][0]["users_on_net"]


def _publish_changed_copy(serving_db, extra_users: int) -> int:
    """What `jingfen run` does, in short: a new file swapped in over the published copy. Returns
    the number of rows changed."""
    building = serving_db.with_name(serving_db.name + ".building")
    shutil.copyfile(serving_db, building)
    con = duckdb.connect(str(building))
    try:
        con.execute(f"update {KPI.table} set users_on_net = users_on_net + ?", [extra_users])
        rows = con.execute(f"select count(*) from {KPI.table}").fetchone()[0]
    finally:
        con.close()
    os.replace(building, serving_db)
    return rows


def test_a_newly_published_copy_is_read_at_once(superset, tmp_path):
    """Superset's processes keep the published copy open between queries: a copy swapped in by
    the pipeline must still answer the very next query."""
    api = superset.api()
    dataset = next(d["id"] for d in api.all("dataset") if d["table_name"] == "kpi_city_brand")
    serving_db = superset.settings.serving_db
    original = tmp_path / "serving.duckdb"
    shutil.copyfile(serving_db, original)
    before = _users_on_net(api, dataset)
    try:
        rows = _publish_changed_copy(serving_db, 1000)
        # several queries: more than one worker process is likely to answer
        for _ in range(4):
            assert _users_on_net(api, dataset) == before + 1000 * rows
    finally:
        os.replace(original, serving_db)
    assert _users_on_net(api, dataset) == before


def _published_users_on_net(serving_db) -> int:
    con = duckdb.connect(str(serving_db), read_only=True)
    try:
        return con.execute(f"select sum(users_on_net) from {KPI.table}").fetchone()[0]
    finally:
        con.close()


def _change_warehouse(warehouse_db, extra_users: int) -> None:
    con = duckdb.connect(str(warehouse_db))
    try:
        # the table the card reads, as the next dbt build would leave it
        con.execute(f"update {KPI.table} set users_on_net = users_on_net + ?", [extra_users])
    finally:
        con.close()


def test_the_next_dashboard_load_after_a_publish_shows_the_new_numbers(superset, tmp_path):
    """The overview's 在网用户数 card as a dashboard loads it (its saved query posted to
    /api/v1/chart/data, not forced): answered from Superset's cache between publishes, and
    with the new numbers at the first load after `publish` swapped in a changed warehouse."""
    api = superset.api("manager")
    card = next(c for c in DASHBOARDS[0].charts if c.key == "ov_users")
    chart_id = next(c["id"] for c in api.all("chart") if c["slice_name"] == card.title)
    query = api.saved_query(chart_id)
    assert query.get("force") is False

    def load() -> tuple[int, bool]:
        response = api.post("/api/v1/chart/data", json=query)
        assert response.status_code == 200, response.text[:300]
        (result,) = response.json()["result"]
        return result["data"][0]["users_on_net"], bool(result["is_cached"])

    settings = superset.settings
    before = _published_users_on_net(settings.serving_db)
    loads = [load() for _ in range(4)]
    assert {users for users, _ in loads} == {before}
    assert any(cached for _, cached in loads[1:]), "Superset's cache never answered"

    original = tmp_path / "serving.duckdb"
    shutil.copyfile(settings.serving_db, original)
    _change_warehouse(settings.warehouse_db, 1000)
    try:
        publish(settings, publication_sources(settings))
        after = _published_users_on_net(settings.serving_db)
        shown = [load()[0] for _ in range(4)]
    finally:
        _change_warehouse(settings.warehouse_db, -1000)
        os.replace(original, settings.serving_db)  # the other tests read the sample numbers
    assert after != before
    assert shown == [after] * 4
    publish(settings, publication_sources(settings))  # the sample warehouse once more
    assert _published_users_on_net(settings.serving_db) == before
    assert [load()[0] for _ in range(4)] == [before] * 4
