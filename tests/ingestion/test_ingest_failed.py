"""Resource failures (memory, disk, permission, interruption): FAILED, left in landing, retried.

A failure that is not the delivery's fault must never quarantine it: it is logged FAILED with its
cause, the command exits non-zero, and the next run loads it without anyone moving files.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, materialize

from ingestion import lake, parse
from ingestion.ingest import ingest_landing
from jingfen.cli import main
from orchestration.ingestion.assets import lake_assets
from orchestration.resources import JingfenHome
from tests.ingestion.deliveries import land, ops_rows, voice_row

STAYS = "the delivery stays in landing for the next run"


def _landing(settings) -> list[str]:
    return sorted(p.name for p in settings.landing.iterdir())


def _log(settings) -> list[tuple]:
    return ops_rows(
        settings,
        "SELECT file_name, status, record_count, loaded_count, rejected_count, reason "
        "FROM load_log ORDER BY processed_at",
    )


def test_out_of_memory_is_failed_not_rejected_and_the_next_run_loads(settings, capsys):
    land(settings, "VOICE", [voice_row(i) for i in range(1, 201)])
    starved = dataclasses.replace(settings, memory_limit="1MB")

    (outcome,) = ingest_landing(starved, progress=None).outcomes

    reason = (
        "out of memory under JINGFEN_MEMORY_LIMIT=1MB: raise JINGFEN_MEMORY_LIMIT or free "
        f"memory, then ingest again; {STAYS}"
    )
    assert (outcome.status, outcome.reason, outcome.loaded_count) == ("FAILED", reason, 0)
    assert outcome.describe() == f"VOICE_571_20261001_001.AVL: FAILED ({reason})"
    assert _landing(settings) == ["VOICE_571_20261001_001.AVL", "VOICE_571_20261001_001.CHK"]
    assert not settings.quarantine.exists() or list(settings.quarantine.iterdir()) == []
    assert _log(settings) == [("VOICE_571_20261001_001.AVL", "FAILED", 200, 0, 0, reason)]

    (again,) = ingest_landing(settings, progress=None).outcomes
    assert (again.status, again.loaded_count) == ("LOADED", 200)
    assert [row[1] for row in _log(settings)] == ["FAILED", "LOADED"]
    assert _landing(settings) == []


def test_jingfen_ingest_exits_non_zero_on_a_failed_delivery(settings, monkeypatch, capsys):
    land(settings, "VOICE", [voice_row(i) for i in range(1, 201)])
    land(settings, "VOICE", [voice_row(i) for i in range(201, 211)], seq=2)
    monkeypatch.setenv("JINGFEN_MEMORY_LIMIT", "1MB")

    assert main(["ingest"]) == 1

    captured = capsys.readouterr()
    assert captured.err == (
        "jingfen ingest: 2 deliveries failed for a reason that is not their content "
        "(VOICE_571_20261001_001.AVL: out of memory under JINGFEN_MEMORY_LIMIT=1MB: raise "
        "JINGFEN_MEMORY_LIMIT or free memory, then ingest again; the delivery stays in landing "
        "for the next run): fix the cause and run jingfen ingest again\n"
    )
    assert "2 deliveries: 0 loaded, 0 replaced, 0 skipped, 0 rejected, 2 failed;" in captured.out
    assert len(_landing(settings)) == 4


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (
            OSError(errno.ENOSPC, "No space left on device"),
            "the disk is full under {home}: free space there, then ingest again; " + STAYS,
        ),
        (
            duckdb.IOException("IO Error: Could not write file: No space left on device"),
            "the disk is full under {home}: free space there, then ingest again; " + STAYS,
        ),
        (
            PermissionError(errno.EACCES, "Permission denied", "/x/lake/voice"),
            "permission denied on /x/lake/voice: fix its permissions, then ingest again; " + STAYS,
        ),
        (
            OSError(errno.EIO, "Input/output error", "/x/lake/voice"),
            "cannot read or write /x/lake/voice (Input/output error): fix that, then ingest "
            "again; " + STAYS,
        ),
    ],
)
def test_a_failed_delivery_does_not_stop_the_others(settings, monkeypatch, failure, reason):
    land(settings, "VOICE", [voice_row(1), voice_row(2)])
    land(settings, "VOICE", [voice_row(3)], seq=2)
    real_publish = lake.publish
    calls = []

    def publish_fails_once(tmp: Path, final: Path) -> None:
        calls.append(final.name)
        if len(calls) == 1:
            raise failure
        real_publish(tmp, final)

    monkeypatch.setattr(lake, "publish", publish_fails_once)
    summary = ingest_landing(settings, progress=None)

    expected = reason.format(home=settings.home)
    assert [(o.seq, o.status, o.reason) for o in summary.outcomes] == [
        ("001", "FAILED", expected),
        ("002", "LOADED", None),
    ]
    assert _landing(settings) == ["VOICE_571_20261001_001.AVL", "VOICE_571_20261001_001.CHK"]
    assert [p.name for p in settings.lake.rglob("*.parquet*")] == ["VOICE_571_20261001_002.parquet"]
    monkeypatch.undo()
    assert [o.status for o in ingest_landing(settings, progress=None).outcomes] == ["LOADED"]


def test_unreadable_data_file_is_failed_and_left_in_landing(settings, monkeypatch):
    data = land(settings, "VOICE", [voice_row(1)])
    real_open = open

    def deny(path, *args, **kwargs):
        if Path(path) == data:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    (outcome,) = ingest_landing(settings, progress=None).outcomes
    monkeypatch.undo()

    assert (outcome.status, outcome.reason) == (
        "FAILED",
        f"permission denied on {data}: fix its permissions, then ingest again; {STAYS}",
    )
    assert data.exists()


@pytest.mark.parametrize(
    "interruption",
    # the second is what DuckDB's client raises when Ctrl-C or SIGTERM comes during a query
    [KeyboardInterrupt(), RuntimeError("Query interrupted")],
    ids=["between queries", "during a query"],
)
def test_an_interruption_is_recorded_then_raised(settings, monkeypatch, interruption):
    land(settings, "VOICE", [voice_row(1)])

    def interrupted(*args, **kwargs):
        raise interruption

    monkeypatch.setattr(parse, "write_if_clean", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest_landing(settings, progress=None)
    monkeypatch.undo()

    assert _log(settings) == [
        (
            "VOICE_571_20261001_001.AVL", "FAILED", 1, 0, 0,
            "interrupted before it was done: the delivery stays in landing for the next run",
        )
    ]  # fmt: skip
    assert _landing(settings) == ["VOICE_571_20261001_001.AVL", "VOICE_571_20261001_001.CHK"]
    assert [o.status for o in ingest_landing(settings, progress=None).outcomes] == ["LOADED"]


def test_sigterm_stops_jingfen_ingest_cleanly_and_the_next_run_finishes(settings):
    for seq in range(1, 9):
        land(settings, "VOICE", [voice_row(seq * 100_000 + i) for i in range(20_000)], seq=seq)
    env = {**os.environ, "JINGFEN_HOME": str(settings.home)}
    run = subprocess.Popen(
        [sys.executable, "-m", "jingfen.cli", "ingest"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list((settings.home / "archive").glob("*.CHK")) and run.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)

    assert (run.returncode, err) == (130, "jingfen ingest: interrupted\n")
    statuses = [row[1] for row in _log(settings)]
    # stopped after the first delivery: at most the one being ingested when the signal came is
    # FAILED, and it is the last row
    assert statuses[0] == "LOADED" and len(statuses) < 8
    assert set(statuses[:-1]) <= {"LOADED"} and statuses[-1] in ("LOADED", "FAILED")
    done = subprocess.run(
        [sys.executable, "-m", "jingfen.cli", "ingest"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    loaded = ops_rows(settings, "SELECT file_name FROM load_log WHERE status = 'LOADED'")
    assert sorted(name for (name,) in loaded) == [
        f"VOICE_571_20261001_{seq:03d}.AVL" for seq in range(1, 9)
    ]
    assert _landing(settings) == []


def _materialize_voice(settings, memory_limit: str):
    """The VOICE lake asset for 20261001 through Dagster, as `jingfen run` would run it."""
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("data_date", ["20261001"])
    (voice,) = [a for a in lake_assets if a.key.path == ["lake", "voice"]]
    os.environ["JINGFEN_MEMORY_LIMIT"] = memory_limit
    try:
        return materialize(
            [voice], partition_key="20261001", instance=instance, raise_on_error=False,
            resources={"home": JingfenHome(home=str(settings.home))},
        )  # fmt: skip
    finally:
        del os.environ["JINGFEN_MEMORY_LIMIT"]


def test_the_dagster_asset_fails_after_recording_and_is_not_retried(settings):
    land(settings, "VOICE", [voice_row(i) for i in range(1, 201)])

    result = _materialize_voice(settings, "1MB")

    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type is DagsterEventType.STEP_FAILURE]
    assert failure.step_failure_data.error.message.strip() == (
        "dagster._core.definitions.events.Failure: 1 delivery of VOICE failed for a reason that "
        "is not its content (VOICE_571_20261001_001.AVL: out of memory under "
        "JINGFEN_MEMORY_LIMIT=1MB: raise JINGFEN_MEMORY_LIMIT or free memory, then ingest "
        f"again; {STAYS})"
    )
    retries = [e for e in result.all_events if e.event_type is DagsterEventType.STEP_UP_FOR_RETRY]
    assert retries == []
    assert [row[1] for row in _log(settings)] == ["FAILED"]

    result = _materialize_voice(settings, "1GB")
    assert result.success
    assert [row[1] for row in _log(settings)] == ["FAILED", "LOADED"]
