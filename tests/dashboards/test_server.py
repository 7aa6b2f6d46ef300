"""Superset's gunicorn as `jingfen serve` runs it: it answers, and SIGTERM ends every process."""

from __future__ import annotations

import os
import signal
import subprocess
import time

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
