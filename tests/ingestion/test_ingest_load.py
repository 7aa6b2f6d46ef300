"""Loading, typing, idempotency, re-delivery, split files and file hand-over (interfaces.md §4)."""

from __future__ import annotations

import datetime as dt

import duckdb

from core.contract import INTERFACES, lake_schema
from ingestion.ingest import (
    ingest_delivery,
    ingest_landing,
    list_ready_deliveries,
    quarantine_unrecognised,
)
from tests.ingestion.deliveries import (
    cust_row,
    lake_files,
    lake_query,
    land,
    ops_rows,
    voice_row,
    write_check,
)

VOICE_FILE = "voice/province=571/data_date=20261001/VOICE_571_20261001_001.parquet"


def test_a_delivery_loads_typed_with_lineage_and_moves_to_archive(settings):
    land(settings, "VOICE", [voice_row(i) for i in range(1, 11)])

    summary = ingest_landing(settings, progress=None)

    assert [(o.status, o.loaded_count, o.rejected_count) for o in summary.outcomes] == [
        ("LOADED", 10, 0)
    ]
    assert lake_files(settings) == [VOICE_FILE]
    schema = duckdb.sql(
        f"DESCRIBE SELECT * FROM read_parquet('{settings.lake / VOICE_FILE}', "
        "hive_partitioning=false)"
    ).fetchall()
    assert {name: sql_type for name, sql_type, *_ in schema} == lake_schema(INTERFACES["VOICE"])
    first = lake_query(settings, "VOICE", "cdr_id, start_time, duration_s, roam_fee_fen, "
                       "_province_code, _data_date, _file_name, _line_no")[0]  # fmt: skip
    assert first == (
        "C00000001", dt.datetime(2026, 10, 1, 12), 61, -5, "571", "20261001",
        "VOICE_571_20261001_001.AVL", 1,
    )  # fmt: skip
    assert [n for (n,) in lake_query(settings, "VOICE", "_line_no")] == list(range(1, 11))
    assert sorted(p.name for p in settings.landing.iterdir()) == []
    assert sorted(p.name for p in settings.archive.iterdir()) == [
        "VOICE_571_20261001_001.AVL",
        "VOICE_571_20261001_001.CHK",
    ]
    (row,) = ops_rows(
        settings,
        "SELECT status, record_count, loaded_count, rejected_count, lake_path, seq, "
        "content_sha256 IS NOT NULL, duration_ms >= 0 FROM load_log",
    )
    assert row == ("LOADED", 10, 10, 0, VOICE_FILE, "001", True, True)


def test_monthly_snapshot_dates_and_chinese_text(settings):
    land(settings, "CUST", [cust_row(1, "张三"), cust_row(2, "欧阳娜娜")], "202610")
    ingest_landing(settings, progress=None)
    assert lake_query(settings, "CUST", "cust_name, birth_date, _data_date") == [
        ("张三", dt.date(1980, 1, 1), "202610"),
        ("欧阳娜娜", dt.date(1980, 1, 1), "202610"),
    ]


def test_data_file_without_check_file_waits_until_it_arrives(settings):
    data = land(settings, "VOICE", [voice_row(1), voice_row(2)], with_check=False)

    first = ingest_landing(settings, progress=None)
    assert first.outcomes == []
    assert first.waiting == [data.name]
    assert "wait for their check file" in first.describe()
    assert data.exists() and lake_files(settings) == []

    write_check(settings, data, record_count=2)
    second = ingest_landing(settings, progress=None)
    assert [o.status for o in second.outcomes] == ["LOADED"]
    assert second.waiting == []
    assert lake_files(settings) == [VOICE_FILE]


def test_identical_delivery_again_is_skipped(settings):
    rows = [voice_row(i) for i in range(1, 6)]
    land(settings, "VOICE", rows)
    ingest_landing(settings, progress=None)
    land(settings, "VOICE", rows)

    again = ingest_landing(settings, progress=None)

    assert [o.status for o in again.outcomes] == ["SKIPPED"]
    assert ops_rows(
        settings, "SELECT status, loaded_count FROM load_log ORDER BY processed_at"
    ) == [
        ("LOADED", 5),
        ("SKIPPED", 0),
    ]
    assert len(lake_query(settings, "VOICE")) == 5
    assert list(settings.landing.iterdir()) == []


def test_identical_delivery_is_loaded_again_if_its_lake_file_was_lost(settings):
    rows = [voice_row(i) for i in range(1, 4)]
    land(settings, "VOICE", rows)
    ingest_landing(settings, progress=None)
    (settings.lake / VOICE_FILE).unlink()
    land(settings, "VOICE", rows)

    assert [o.status for o in ingest_landing(settings, progress=None).outcomes] == ["LOADED"]
    assert len(lake_query(settings, "VOICE")) == 3


def test_redelivery_replaces_records_and_rejects(settings):
    land(
        settings,
        "VOICE",
        [voice_row(1), voice_row(2, call_type="BAD"), *map(voice_row, range(3, 30))],
    )
    ingest_landing(settings, progress=None)
    assert ops_rows(settings, "SELECT line_no FROM rejected_records") == [(2,)]

    land(settings, "VOICE", [voice_row(i, duration_s="7") for i in range(1, 4)])
    summary = ingest_landing(settings, progress=None)

    assert [o.status for o in summary.outcomes] == ["REPLACED"]
    assert lake_files(settings) == [VOICE_FILE]
    assert lake_query(settings, "VOICE", "cdr_id, duration_s") == [
        ("C00000001", 7), ("C00000002", 7), ("C00000003", 7),
    ]  # fmt: skip
    assert ops_rows(settings, "SELECT count(*) FROM rejected_records") == [(0,)]
    assert ops_rows(settings, "SELECT status FROM load_log ORDER BY processed_at") == [
        ("LOADED",),
        ("REPLACED",),
    ]


def test_rejected_redelivery_keeps_the_loaded_version(settings):
    land(settings, "VOICE", [voice_row(1), voice_row(2)])
    ingest_landing(settings, progress=None)
    land(settings, "VOICE", [voice_row(1), voice_row(3)], record_count=5)

    summary = ingest_landing(settings, progress=None)

    assert [o.status for o in summary.outcomes] == ["REJECTED"]
    assert len(lake_query(settings, "VOICE")) == 2


def test_split_delivery_keeps_one_lake_file_per_file_and_rejects_keys_loaded_earlier(settings):
    land(settings, "VOICE", [voice_row(i) for i in range(1, 41)], seq=1)
    land(settings, "VOICE", [voice_row(i) for i in range(40, 81)], seq=2)

    summary = ingest_landing(settings, progress=None)

    assert [(o.seq, o.status, o.loaded_count, o.rejected_count) for o in summary.outcomes] == [
        ("001", "LOADED", 40, 0),
        ("002", "LOADED", 40, 1),
    ]
    assert len(lake_files(settings)) == 2
    assert ops_rows(settings, "SELECT file_name, line_no, reason FROM rejected_records") == [
        (
            "VOICE_571_20261001_002.AVL", 1,
            "primary key cdr_id=C00000040 already loaded for this data date from "
            "VOICE_571_20261001_001.AVL line 40",
        )
    ]  # fmt: skip
    keys = lake_query(settings, "VOICE", "cdr_id")
    assert len(keys) == len(set(keys)) == 80


def test_other_provinces_and_dates_are_separate_partitions(settings):
    land(settings, "VOICE", [voice_row(1)], province="574")
    land(settings, "VOICE", [voice_row(1)], "20261002")
    ingest_landing(settings, progress=None)
    assert lake_files(settings) == [
        "voice/province=571/data_date=20261002/VOICE_571_20261002_001.parquet",
        "voice/province=574/data_date=20261001/VOICE_574_20261001_001.parquet",
    ]


def test_finer_api_lists_and_ingests_one_delivery(settings):
    land(settings, "VOICE", [voice_row(2)], seq=2)
    land(settings, "VOICE", [voice_row(2)], seq=1)
    land(settings, "VOICE", [voice_row(3)], "20261003", with_check=False)

    ready = list_ready_deliveries(settings)

    assert [(d.iface, d.province, d.data_date, d.seq) for d in ready] == [
        ("VOICE", "571", "20261001", "001"),
        ("VOICE", "571", "20261001", "002"),
    ]
    outcome = ingest_delivery(settings, ready[1])
    assert (outcome.status, outcome.loaded_count, outcome.seq) == ("LOADED", 1, "002")
    assert outcome.lake_path is not None and outcome.lake_path.exists()
    assert [d.seq for d in list_ready_deliveries(settings)] == ["001"]
    (settings.landing / "README.txt").write_text("not a delivery")
    assert [o.file_name for o in quarantine_unrecognised(settings)] == ["README.txt"]
    assert (settings.quarantine / "README.txt").exists()


def test_names_that_fit_no_interface_are_quarantined(settings):
    (settings.landing / "notes.txt").write_text("hello")
    land(settings, "VOICE", [voice_row(1)], "202610")  # a daily interface with a month
    (settings.landing / "FOO_571_20261001_001.AVL").write_text("x\n")
    (settings.landing / ".VOICE_571_20261001_001.AVL").write_text("hidden upload in progress")

    summary = ingest_landing(settings, progress=None)

    rejected = {o.file_name: o.reason for o in summary.by_status("REJECTED")}
    assert set(rejected) == {
        "notes.txt",
        "FOO_571_20261001_001.AVL",
        "VOICE_571_202610_001.AVL",
        "VOICE_571_202610_001.CHK",
    }
    assert "FOO is not an interface" in rejected["FOO_571_20261001_001.AVL"]
    assert "per YYYYMMDD (daily)" in rejected["VOICE_571_202610_001.AVL"]
    assert (settings.quarantine / "notes.txt").exists()
    assert "fits no interface" in (settings.quarantine / "notes.txt.reason.txt").read_text()
    assert [p.name for p in settings.landing.iterdir()] == [".VOICE_571_20261001_001.AVL"]
    assert ops_rows(settings, "SELECT count(*) FROM load_log WHERE status = 'REJECTED'") == [(4,)]


def test_ops_file_deleted_between_runs_of_one_process_is_recreated(settings):
    land(settings, "VOICE", [voice_row(1)])
    ingest_landing(settings, progress=None)
    settings.ops_db.unlink()
    land(settings, "VOICE", [voice_row(2)], seq=2)

    assert [o.status for o in ingest_landing(settings, progress=None).outcomes] == ["LOADED"]
    assert ops_rows(settings, "SELECT seq FROM load_log") == [("002",)]
