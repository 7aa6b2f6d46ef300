"""The Dagster instance lives under the home folder, so a run leaves nothing elsewhere."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from core.settings import Settings

INSTANCE_TEMPLATE = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home(settings: Settings) -> Path:
    """Create ``$JINGFEN_HOME/dagster`` with the instance settings and export DAGSTER_HOME."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = settings.dagster_config
    if not config.exists() or config.read_bytes() != INSTANCE_TEMPLATE.read_bytes():
        shutil.copyfile(INSTANCE_TEMPLATE, config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def get_instance(settings: Settings) -> DagsterInstance:
    prepare_dagster_home(settings)
    return DagsterInstance.get()


RUNNER_PID_TAG = "jingfen/runner_pid"
RUNNER_HOST_TAG = "jingfen/runner_host"


def runner_tags() -> dict[str, str]:
    """Tags naming the process that executes a run in-process (`jingfen run`)."""
    return {RUNNER_PID_TAG: str(os.getpid()), RUNNER_HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        pass
    return True


def fail_abandoned_runs(instance: DagsterInstance) -> list[str]:
    """Mark failed the runs of a `jingfen run` whose process is gone (killed, out of memory).

    Dagster keeps such a run STARTED for ever, and with one run at a time (dagster.yaml) it would
    hold every queued run, a sensor's or the UI's, back, as its writer slots would hold every
    writing step. Returns the run ids marked.
    """
    host = socket.gethostname()
    in_progress = RunsFilter(
        statuses=[DagsterRunStatus.STARTING, DagsterRunStatus.STARTED],
        tags={RUNNER_HOST_TAG: host},
    )
    abandoned = []
    for run in instance.get_runs(in_progress):
        pid = int(run.tags.get(RUNNER_PID_TAG, "0"))
        if pid and not _alive(pid):
            instance.report_run_failed(
                run,
                message=f"The jingfen run process ({pid}) ended while this run was in progress "
                "(killed or out of memory); marked failed so that queued runs can start.",
            )
            # Its claimed writer slots (dagster.yaml pools) would otherwise block every writer.
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            abandoned.append(run.run_id)
    return abandoned
