"""One writer at a time, whichever route starts the runs: `jingfen run` executes in its own
process (the in-process executor, no run queue), `jingfen serve`'s daemon launches run workers
(the multiprocess executor). Both claim the pool slots of the instance (orchestration/dagster.yaml).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import Settings
from orchestration.instance import get_instance

MODULE = "tests.orchestration.writer_defs"
ROOT = Path(__file__).resolve().parents[2]
# as `jingfen run` does: execute_in_process on the instance of DAGSTER_HOME
IN_PROCESS = (
    "import sys; from dagster import DagsterInstance; "
    "from tests.orchestration.writer_defs import defs; "
    "job = defs.resolve_job_def(sys.argv[1]); "
    "sys.exit(0 if job.execute_in_process(instance=DagsterInstance.get()).success else 1)"
)


def _start(route: str, job: str, env: dict[str, str]) -> subprocess.Popen:
    if route == "in_process":
        argv = [sys.executable, "-c", IN_PROCESS, job]
    else:  # the multiprocess executor, each step in its own process, as a launched run does
        argv = [str(Path(sys.executable).parent / "dagster"), "job", "execute", "-m", MODULE,
                "-a", "defs", "-j", job]  # fmt: skip
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip


def _intervals(tmp_path: Path, routes: tuple[str, str], assets: tuple[str, str]) -> list[dict]:
    home = tmp_path / "home"
    get_instance(Settings.from_env({"JINGFEN_HOME": str(home)}))  # the real dagster.yaml
    logs = tmp_path / "writers"
    logs.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home / "dagster"), "WRITER_LOG_DIR": str(logs),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    processes = [
        _start(route, f"job_{asset}", env) for route, asset in zip(routes, assets, strict=True)
    ]
    for process in processes:
        output, _ = process.communicate(timeout=180)
        assert process.returncode == 0, output
    return sorted(
        (json.loads((logs / f"{a}.json").read_text()) for a in assets), key=lambda i: i["start"]
    )


ROUTES = [("in_process", "in_process"), ("multiprocess", "multiprocess"),
          ("in_process", "multiprocess")]  # fmt: skip


@pytest.fixture(autouse=True)
def _restore_dagster_home(monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", os.environ.get("DAGSTER_HOME", "/nonexistent"))


@pytest.mark.parametrize("routes", ROUTES, ids=["+".join(r) for r in ROUTES])
@pytest.mark.parametrize("pool", ["warehouse", "lake"])
def test_two_writers_of_one_pool_never_overlap(tmp_path, routes, pool):
    first, second = _intervals(tmp_path, routes, (f"{pool}_a", f"{pool}_b"))
    assert {first["pool"], second["pool"]} == {f"{pool}_writer"}
    assert first["end"] <= second["start"], (first, second)


def test_steps_without_a_pool_do_overlap(tmp_path):
    # The control: the same two processes, free to overlap, do; so the test above can fail.
    first, second = _intervals(tmp_path, ("in_process", "multiprocess"), ("free_a", "free_b"))
    assert second["start"] < first["end"], (first, second)
