"""Superset's gunicorn as `jingfen serve` runs it: it answers, reads a newly published copy at
once, and SIGTERM ends every process."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import duckdb

from dashboards import service
from jingfen.serve import STOP_SECONDS
from tests.dashboards.conftest import free_port, wait_for


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
            service.server_argv(superset.settings, str(port)),
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
            "force": True,
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
        con.execute("update indicators.kpi_monthly set users_on_net = users_on_net + ?",
                    [extra_users])  # fmt: skip
        rows = con.execute("select count(*) from indicators.kpi_monthly").fetchone()[0]
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
