"""One session for many deliveries (the CLI's run, Dagster's ingest_deliveries) gives the same
results as one delivery at a time, and leaves nothing of one delivery behind for the next."""

from __future__ import annotations

import dataclasses
import shutil

import duckdb

from core.settings import Settings
from ingestion.ingest import (
    DeliveryOutcome,
    IngestSession,
    ingest_deliveries,
    ingest_delivery,
    list_ready_deliveries,
)
from tests.ingestion.deliveries import land, ops_rows, user_row, voice_row


def _land_mixed(settings: Settings) -> None:
    """Deliveries whose parse leaves state in a DuckDB connection: reader rejects, failing
    rows, duplicates, a split file, blank lines, transcoded text, then clean files."""
    bad = [voice_row(i) for i in range(1, 30)]
    bad[3] = "|".join(voice_row(4)[:14])  # wrong field count: the reader's rejects table
    bad[5] = voice_row(6, call_type="moc")
    bad.append(voice_row(2))  # duplicate key
    land(settings, "VOICE", bad, seq=1)
    land(settings, "VOICE", [voice_row(i) for i in range(29, 60)], seq=2)  # key 29 loaded already
    land(settings, "VOICE", [voice_row(i) for i in range(1, 10)], "20261002")  # clean
    blank_line = ["|".join(voice_row(1)), "|".join(voice_row(2)), "", "|".join(voice_row(3))]
    land(settings, "VOICE", blank_line, "20261003", record_count=3)
    land(settings, "USER", [user_row(i) for i in range(1, 20)], "202609", gz=True)
    land(settings, "USER", [user_row(i, "渠道") for i in range(1, 20)], "202610", encoding="GBK")
    land(settings, "VOICE", [voice_row(i) for i in range(1, 20)], "20261004", record_count=18)
    land(settings, "VOICE", [voice_row(i) for i in range(1, 40)], "20261005")  # clean again


def _state(settings: Settings) -> dict:
    files = {}
    for path in sorted(settings.lake.rglob("*.parquet")):
        files[str(path.relative_to(settings.lake))] = duckdb.execute(
            "SELECT count(*), sum(hash(t::VARCHAR)), list(_line_no ORDER BY _line_no) FROM "
            f"(SELECT * EXCLUDE (_loaded_at) FROM '{path}') AS t"
        ).fetchall()
    return {
        "log": ops_rows(
            settings,
            "SELECT file_name, status, record_count, loaded_count, rejected_count, reason, "
            "content_sha256, lake_path FROM load_log ORDER BY ALL",
        ),
        "rejected": ops_rows(settings, "SELECT * FROM rejected_records ORDER BY ALL"),
        "pending": ops_rows(settings, "SELECT count(*) FROM pending_moves"),
        "lake": files,
        "landing": sorted(p.name for p in settings.landing.iterdir()),
        "quarantine": sorted(p.name for p in settings.quarantine.iterdir()),
    }


def _outcomes(settings: Settings, outcomes: list[DeliveryOutcome]) -> list[DeliveryOutcome]:
    """Outcomes without timing, with lake paths relative to the home's lake."""
    return [
        dataclasses.replace(
            o, duration_ms=0, lake_path=o.lake_path and o.lake_path.relative_to(settings.lake)
        )
        for o in outcomes
    ]


def test_many_deliveries_in_one_session_as_one_by_one(tmp_path):
    one_by_one = Settings(tmp_path / "one", memory_limit="1GB", threads=2, reject_threshold=0.5)
    batched = Settings(tmp_path / "batch", memory_limit="1GB", threads=2, reject_threshold=0.5)
    one_by_one.landing.mkdir(parents=True)
    _land_mixed(one_by_one)
    shutil.copytree(one_by_one.landing, batched.landing)  # byte for byte (gzip holds a time)

    single = [ingest_delivery(one_by_one, d) for d in list_ready_deliveries(one_by_one)]
    said: list[str] = []
    batch = ingest_deliveries(batched, list_ready_deliveries(batched), progress=said.append)

    assert [(o.status, o.loaded_count, o.rejected_count) for o in batch] == [
        ("LOADED", 19, 0), ("LOADED", 19, 0), ("LOADED", 27, 3), ("LOADED", 30, 1),
        ("LOADED", 9, 0), ("LOADED", 3, 0), ("REJECTED", 0, 18), ("LOADED", 39, 0),
    ]  # fmt: skip
    assert _outcomes(batched, batch) == _outcomes(one_by_one, single)
    assert said == [o.describe() for o in batch]
    state = _state(batched)
    assert state == _state(one_by_one)
    assert state["pending"] == [(0,)] and state["landing"] == []
    blank = "voice/province=571/data_date=20261003/VOICE_571_20261003_001.parquet"
    assert state["lake"][blank][0][2] == [1, 2, 4]  # the blank line 3 keeps its number


def test_a_session_can_be_reused_and_releases_ops_at_the_end(settings):
    rows = [voice_row(i) for i in range(1, 41)]
    rows[9] = "|".join(voice_row(10)[:14])  # the reader's own rejects table gets a row
    land(settings, "VOICE", rows, seq=1)
    land(settings, "VOICE", [voice_row(i) for i in range(41, 80)], seq=2)
    with IngestSession(settings) as session:
        first, second = (session.ingest(d) for d in list_ready_deliveries(settings))
        # nothing of the first delivery's rejects is counted again for the second
        assert (first.loaded_count, first.rejected_count) == (39, 1)
        assert (second.loaded_count, second.rejected_count) == (39, 0)
    # the session closed ops.duckdb: another process (here a read-only connection) can open it
    assert ops_rows(settings, "SELECT count(*) FROM load_log") == [(2,)]
    assert ops_rows(settings, "SELECT count(*) FROM rejected_records") == [(1,)]
