"""A run whose `jingfen run` process died is marked failed, so it cannot hold the one-run queue."""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
from dagster import DagsterRunStatus
from dagster._core.storage.dagster_run import DagsterRun

from jingfen.settings import Settings
from orchestration.instance import (
    RUNNER_HOST_TAG,
    RUNNER_PID_TAG,
    fail_abandoned_runs,
    get_instance,
)


def _gone_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_only_runs_of_a_dead_process_are_marked_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "unused"))  # restored after the test
    instance = get_instance(Settings.from_env({"JINGFEN_HOME": str(tmp_path)}))
    host = socket.gethostname()
    runs = {
        "dead": {RUNNER_PID_TAG: str(_gone_pid()), RUNNER_HOST_TAG: host},
        "alive": {RUNNER_PID_TAG: str(os.getpid()), RUNNER_HOST_TAG: host},
        "other_host": {RUNNER_PID_TAG: str(_gone_pid()), RUNNER_HOST_TAG: f"not-{host}"},
    }
    ids = {}
    for name, tags in runs.items():
        ids[name] = str(uuid.uuid4())
        instance.add_run(
            DagsterRun(
                job_name="build_and_publish",
                run_id=ids[name],
                status=DagsterRunStatus.STARTED,
                tags=tags,
            )
        )

    assert fail_abandoned_runs(instance) == [ids["dead"]]
    status = {name: instance.get_run_by_id(run_id).status for name, run_id in ids.items()}
    assert status == {
        "dead": DagsterRunStatus.FAILURE,
        "alive": DagsterRunStatus.STARTED,
        "other_host": DagsterRunStatus.STARTED,
    }
    assert fail_abandoned_runs(instance) == []
