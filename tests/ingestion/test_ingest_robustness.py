"""Killed runs, concurrent runs and plain errors (no traceback) for the operator."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from core.settings import Settings
from ingestion import lake
from ingestion.ingest import ingest_landing
from jingfen.cli import main
from tests.ingestion.deliveries import land, voice_row, write_check

DELIVERIES = 10
RECORDS = 30_000


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> Path:
    """A landing folder with enough work for a run to be killed in the middle of it."""
    folder = tmp_path_factory.mktemp("landed")
    con = duckdb.connect()
    for seq in range(1, DELIVERIES + 1):
        data = folder / f"VOICE_571_20261001_{seq:03d}.AVL"
        # every 997th record has a bad code, so rejected records are part of what must match
        con.execute(
            f"""
            COPY (
                SELECT 'C' || {seq} || '-' || i, 'U' || (i % 977),
                    '138' || lpad(i::VARCHAR, 8, '0'),
                    CASE WHEN i % 997 = 0 THEN 'BAD' ELSE 'MOC' END, '13900000000', 'CU',
                    '20261001' || lpad((i % 24)::VARCHAR, 2, '0') || '0000', i % 600, '0', '1',
                    '', 'CELL' || (i % 50), i % 100, 0, 0
                FROM range({RECORDS}) AS t(i)
            ) TO '{data}' (FORMAT csv, DELIMITER '|', HEADER false, QUOTE '', ESCAPE '')
            """
        )
        check = folder / data.name.replace(".AVL", ".CHK")
        check.write_text(f"{data.name}|{data.stat().st_size}|{RECORDS}|20261001|20261002010000|\n")
    (folder / "junk.bin").write_bytes(b"\x00" * 10)
    return folder


def _home(tmp_path: Path, landed: Path, name: str) -> Settings:
    settings = Settings(home=tmp_path / name)
    shutil.copytree(landed, settings.landing)
    return settings


def _start(settings: Settings) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "jingfen.cli", "ingest"],
        env={**os.environ, "JINGFEN_HOME": str(settings.home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _state(settings: Settings) -> dict:
    """Everything a run leaves behind, minus timings."""
    con = duckdb.connect(str(settings.ops_db), read_only=True)
    try:
        log = con.execute(
            "SELECT file_name, status, record_count, loaded_count, rejected_count, reason, "
            "content_sha256, lake_path FROM load_log ORDER BY ALL"
        ).fetchall()
        rejected = con.execute("SELECT * FROM rejected_records ORDER BY ALL").fetchall()
        pending = con.execute("SELECT count(*) FROM pending_moves").fetchone()
    finally:
        con.close()
    files = {}
    for path in sorted(settings.lake.rglob("*")):
        if path.is_file():
            files[str(path.relative_to(settings.lake))] = duckdb.execute(
                "SELECT count(*), sum(hash(t::VARCHAR)) FROM "
                f"(SELECT * EXCLUDE (_loaded_at) FROM '{path}') AS t"
            ).fetchall()
    return {
        "log": log,
        "rejected": rejected,
        "pending": pending,
        "lake": files,
        "landing": sorted(p.name for p in settings.landing.iterdir()),
        "archive": sorted(p.name for p in (settings.home / "archive").iterdir()),
        "quarantine": sorted(p.name for p in settings.quarantine.iterdir()),
    }


@pytest.fixture(scope="module")
def clean_state(tmp_path_factory, landed) -> dict:
    settings = _home(tmp_path_factory.mktemp("clean"), landed, "home")
    run = _start(settings)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    state = _state(settings)
    assert len(state["lake"]) == DELIVERIES
    assert len(state["log"]) == DELIVERIES + 1
    assert len(state["rejected"]) == DELIVERIES * len(range(0, RECORDS, 997))
    return state


def test_runs_killed_at_any_moment_end_like_one_clean_run(tmp_path, landed, clean_state):
    settings = _home(tmp_path, landed, "home")
    archive = settings.home / "archive"
    # Kill after a given number of deliveries are done, plus a little: the kills land in
    # different phases (start-up, parsing, writing, committing, moving) whatever the machine speed.
    for done, extra in ((0, 0.3), (2, 0.05), (4, 0.15), (7, 0.0)):
        run = _start(settings)
        deadline = time.monotonic() + 60
        while len(list(archive.glob("*.CHK"))) < done and run.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(extra)
        run.send_signal(signal.SIGKILL)
        run.wait()
    assert list(settings.landing.glob("*.CHK")), "the kills came too late to interrupt anything"
    run = _start(settings)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err

    assert _state(settings) == clean_state
    assert not list(settings.lake.rglob(".*")), "no temporary file is left in the lake"


def test_a_second_run_waits_for_the_first(tmp_path, landed, clean_state):
    settings = _home(tmp_path, landed, "home")
    first = _start(settings)
    lock = settings.ingest_lock_file
    deadline = time.monotonic() + 30
    while not (lock.exists() and lock.read_text() == str(first.pid)):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    second = _start(settings)
    out2, err2 = second.communicate(timeout=120)
    _, err1 = first.communicate(timeout=120)

    assert (first.returncode, second.returncode) == (0, 0), err1 + err2
    assert f"another jingfen ingest (pid {first.pid}) is running" in out2
    assert out2.strip().endswith("0 deliveries: 0 loaded, 0 replaced, 0 skipped, 0 rejected; "
                                 "0 records loaded, 0 records rejected")  # fmt: skip
    assert _state(settings) == clean_state


def test_missing_landing_folder_is_one_plain_sentence(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JINGFEN_HOME", str(tmp_path / "nowhere"))
    assert main(["ingest"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"the landing folder {tmp_path / 'nowhere' / 'landing'} does not exist" in err


def test_unreadable_file_is_one_plain_sentence(settings, monkeypatch, capsys):
    data = land(settings, "VOICE", [voice_row(1)])
    real_open = open

    def deny(path, *args, **kwargs):
        if Path(path) == data:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    assert main(["ingest"]) == 1
    assert capsys.readouterr().err == (
        "jingfen ingest: 1 delivery failed for a reason that is not its content "
        f"(VOICE_571_20261001_001.AVL: permission denied on {data}: fix its permissions, then "
        "ingest again; the delivery stays in landing for the next run): fix the cause and run "
        "jingfen ingest again\n"
    )
    assert data.exists(), "the delivery stays in landing for the next run"


@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        duckdb.IOException("IO Error: Could not write file: No space left on device"),
    ],
)
def test_full_disk_is_one_plain_sentence_and_loses_nothing(settings, monkeypatch, capsys, failure):
    data = land(settings, "VOICE", [voice_row(1), voice_row(2)])

    def full(tmp: Path, final: Path) -> None:
        raise failure

    monkeypatch.setattr(lake, "publish", full)
    assert main(["ingest"]) == 1
    assert capsys.readouterr().err == (
        "jingfen ingest: 1 delivery failed for a reason that is not its content "
        f"({data.name}: the disk is full under {settings.home}: free space there, then ingest "
        "again; the delivery stays in landing for the next run): fix the cause and run jingfen "
        "ingest again\n"
    )
    assert data.exists()
    assert not list(settings.lake.rglob("*.parquet*"))
    monkeypatch.undo()
    monkeypatch.setenv("JINGFEN_HOME", str(settings.home))
    assert [o.status for o in ingest_landing(settings, progress=None).outcomes] == ["LOADED"]


def test_check_file_written_for_a_file_that_then_vanishes_is_rejected(settings):
    data = land(settings, "VOICE", [voice_row(1)])
    write_check(settings, data, record_count=1)
    data.unlink()
    (outcome,) = ingest_landing(settings, progress=None).outcomes
    assert outcome.status == "REJECTED" and "has not landed" in outcome.reason
