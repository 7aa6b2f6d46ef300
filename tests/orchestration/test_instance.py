"""The instance settings: a dead `jingfen run` holds neither the run queue nor a writer slot, and
only infrastructure failures retry a run."""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
from dagster import DagsterRunStatus
from dagster._core.events import RunFailureReason
from dagster._core.execution.retries import auto_reexecution_should_retry_run
from dagster._core.storage.dagster_run import DagsterRun

from core.settings import Settings
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


def test_a_dead_process_gives_its_writer_slot_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "unused"))
    instance = get_instance(Settings.from_env({"JINGFEN_HOME": str(tmp_path)}))
    storage = instance.event_log_storage
    run_id = str(uuid.uuid4())
    tags = {RUNNER_PID_TAG: str(_gone_pid()), RUNNER_HOST_TAG: socket.gethostname()}
    instance.add_run(DagsterRun(job_name="build_and_publish", run_id=run_id,
                                status=DagsterRunStatus.STARTED, tags=tags))  # fmt: skip
    storage.initialize_concurrency_limit_to_default("warehouse_writer")
    claim = storage.claim_concurrency_slot("warehouse_writer", run_id, "warehouse_models")
    assert claim.is_claimed
    assert storage.get_concurrency_info("warehouse_writer").active_run_ids == {run_id}

    assert fail_abandoned_runs(instance) == [run_id]
    info = storage.get_concurrency_info("warehouse_writer")
    assert (info.slot_count, info.active_slot_count) == (1, 0)


@pytest.mark.parametrize(
    ("reason", "retried"),
    [(RunFailureReason.STEP_FAILURE, False), (RunFailureReason.RUN_WORKER_RESTART, True),
     (RunFailureReason.START_TIMEOUT, True)],
)  # fmt: skip
def test_only_infrastructure_failures_retry_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason, retried
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "unused"))
    instance = get_instance(Settings.from_env({"JINGFEN_HOME": str(tmp_path)}))
    run = DagsterRun(job_name="build_and_publish", run_id=str(uuid.uuid4()),
                     status=DagsterRunStatus.FAILURE)  # fmt: skip
    instance.add_run(run)
    assert (instance.run_retries_enabled, instance.run_retries_max_retries) == (True, 2)
    assert auto_reexecution_should_retry_run(instance, run, reason) is retried
