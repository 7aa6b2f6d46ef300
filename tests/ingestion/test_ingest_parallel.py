"""Deliveries loaded side by side give the same lake, load log, rejects and folders as one at a
time (issue 15): a generated province with defects, then its corrected and late re-deliveries."""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from core.settings import Settings
from generator import generate
from generator.defects import REDELIVERY_FOLDER
from ingestion.ingest import ingest_landing
from ingestion.parallel import run_grouped
from tests.ingestion.deliveries import lake_files, ops_rows

# What differs between two runs of the same deliveries: when they ran.
RUN_TIMES = ("started_at", "processed_at", "duration_ms")


def _province(home: Path) -> Settings:
    settings = Settings(home=home, memory_limit="1GB", threads=2)
    generate(settings.landing, users=120, months=2, seed=23, start="202601",
             provinces=["571", "591"], defects=0.08, progress=lambda _m: None)  # fmt: skip
    return settings


def _ingest_twice(settings: Settings) -> list[list[str]]:
    """The first batch, then the re-deliveries; each run's outcomes without their times."""
    first = ingest_landing(settings, progress=None)
    shutil.copytree(settings.home / REDELIVERY_FOLDER, settings.landing, dirs_exist_ok=True)
    second = ingest_landing(settings, progress=None)
    return [[_untimed(settings, o) for o in run.outcomes] for run in (first, second)]


def _untimed(settings: Settings, outcome) -> str:
    """The outcome without its time taken, its lake file relative to the home's lake."""
    lake_path = outcome.lake_path and outcome.lake_path.relative_to(settings.lake)
    return repr(dataclasses.replace(outcome, duration_ms=0, lake_path=lake_path))


def _lake_rows(settings: Settings, relative: str) -> list[tuple]:
    path = settings.lake / relative
    return duckdb.sql(
        f"SELECT * EXCLUDE (_loaded_at) FROM read_parquet('{path}') ORDER BY _line_no"
    ).fetchall()


def _load_log(settings: Settings) -> list[tuple]:
    columns = ops_rows(settings, "SELECT column_name FROM duckdb_columns() "
                                 "WHERE table_name = 'load_log' ORDER BY column_index")  # fmt: skip
    kept = ", ".join(name for (name,) in columns if name not in RUN_TIMES)
    return ops_rows(settings, f"SELECT {kept} FROM load_log ORDER BY ALL")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    alone = _province(tmp_path_factory.mktemp("workers1") / "home")
    side_by_side = dataclasses.replace(alone, home=tmp_path_factory.mktemp("workers4") / "home")
    shutil.copytree(alone.home, side_by_side.home)
    alone = dataclasses.replace(alone, ingest_workers=1)
    side_by_side = dataclasses.replace(side_by_side, ingest_workers=4)
    return alone, _ingest_twice(alone), side_by_side, _ingest_twice(side_by_side)


def test_the_province_exercises_every_outcome(homes):
    alone, _outcomes, _other, _ = homes
    statuses = Counter(row[0] for row in ops_rows(alone, "SELECT status FROM load_log"))
    assert statuses == {"LOADED": 746, "REPLACED": 6, "SKIPPED": 6, "REJECTED": 15}


def test_outcomes_are_reported_in_the_same_order(homes):
    _alone, outcomes_alone, _other, outcomes_side_by_side = homes
    assert outcomes_side_by_side == outcomes_alone


def test_the_same_lake(homes):
    alone, _, side_by_side, _ = homes
    files = lake_files(alone)
    assert lake_files(side_by_side) == files
    for relative in files:
        assert _lake_rows(side_by_side, relative) == _lake_rows(alone, relative), relative


def test_the_same_load_log_and_rejected_records(homes):
    alone, _, side_by_side, _ = homes
    assert _load_log(side_by_side) == _load_log(alone)
    rejects = "SELECT * FROM rejected_records ORDER BY ALL"
    assert ops_rows(side_by_side, rejects) == ops_rows(alone, rejects)


def test_the_same_archive_quarantine_and_landing(homes):
    alone, _, side_by_side, _ = homes
    for folder in ("archive", "quarantine", "landing"):
        assert _tree(side_by_side.home / folder) == _tree(alone.home / folder), folder


def test_groups_run_in_order_and_side_by_side_up_to_the_bound():
    running, most, lock, seen = 0, 0, threading.Lock(), []
    busy: set[str] = set()  # the groups with an item in progress
    overlapped: list[tuple[str, int]] = []

    def work(item: tuple[str, int]) -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            seen.append(item)
            if item[0] in busy:
                overlapped.append(item)
            busy.add(item[0])
        time.sleep(0.3 if item == ("a", 0) else 0.02)  # a slow first item its group must wait for
        with lock:
            running -= 1
            busy.discard(item[0])
        return f"{item[0]}{item[1]}"

    items = [(group, n) for n in range(3) for group in "abcdef"]
    handed: list[str] = []
    results = run_grouped(items, lambda item: item[0], work, 3, handed.append)
    assert results == handed == [f"{g}{n}" for g, n in items]
    assert most == 3
    assert overlapped == []
    for group in "abcdef":
        assert [n for g, n in seen if g == group] == [0, 1, 2]


def test_a_failing_item_stops_the_others_and_is_raised():
    started: list[int] = []

    def work(item: int) -> int:
        started.append(item)
        if item == 1:
            raise ValueError("item 1 is bad")
        time.sleep(0.05)
        return item

    stopped = []
    with pytest.raises(ValueError, match="item 1 is bad"):
        run_grouped(list(range(40)), lambda i: i % 2, work, 2, on_stop=lambda: stopped.append(1))
    assert stopped == [1]
    assert 1 in started and len(started) < 40
