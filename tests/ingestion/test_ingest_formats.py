"""Encodings, compression and line endings (interfaces.md §1, §2)."""

from __future__ import annotations

import dataclasses
import gzip

from ingestion.ingest import ingest_landing
from tests.ingestion.deliveries import cust_row, lake_query, land, ops_rows, voice_row, write_check

# Every character's GBK trail byte is 0x7C, the field separator: splitting before decoding breaks.
PIPE_TRAIL_NAME = "東方瑋億"


def test_gbk_name_whose_bytes_contain_the_separator(settings):
    assert b"|" in PIPE_TRAIL_NAME.encode("gbk")
    land(settings, "CUST", [cust_row(1, PIPE_TRAIL_NAME), cust_row(2, "李四")], "202610",
         encoding="GBK")  # fmt: skip

    summary = ingest_landing(settings, progress=None)

    assert [(o.status, o.loaded_count) for o in summary.outcomes] == [("LOADED", 2)]
    assert lake_query(settings, "CUST", "cust_name, city_code") == [
        (PIPE_TRAIL_NAME, "0571"),
        ("李四", "0571"),
    ]
    assert not list(settings.tmp.rglob("*.utf8.txt")), "the transcoded work file is removed"


def test_gbk_bytes_that_do_not_decode_reject_only_their_record(settings):
    lines = ["|".join(cust_row(i, "张三")).encode("gbk") for i in range(1, 30)]
    lines[4] = lines[4].replace("张三".encode("gbk"), b"\xff\xfe")
    data = settings.landing / "CUST_571_202610_001.AVL"
    data.write_bytes(b"\n".join(lines) + b"\n")
    write_check(settings, data, record_count=29, encoding="GBK")

    summary = ingest_landing(settings, progress=None)

    assert [(o.loaded_count, o.rejected_count) for o in summary.outcomes] == [(28, 1)]
    assert ops_rows(settings, "SELECT line_no, reason FROM rejected_records") == [
        (5, "not valid GBK text")
    ]


def test_gzip_delivery_loads(settings):
    land(settings, "VOICE", [voice_row(i) for i in range(1, 21)], gz=True)

    summary = ingest_landing(settings, progress=None)

    assert [(o.file_name, o.status, o.loaded_count) for o in summary.outcomes] == [
        ("VOICE_571_20261001_001.AVL.gz", "LOADED", 20)
    ]
    assert lake_query(settings, "VOICE", "_line_no, _file_name")[-1] == (
        20,
        "VOICE_571_20261001_001.AVL.gz",
    )


def test_gzip_and_gbk_together(settings):
    land(settings, "CUST", [cust_row(1, PIPE_TRAIL_NAME)], "202610", gz=True, encoding="GBK")
    ingest_landing(settings, progress=None)
    assert lake_query(settings, "CUST", "cust_name") == [(PIPE_TRAIL_NAME,)]


def test_corrupt_gzip_rejects_the_delivery_to_quarantine(settings):
    payload = bytearray(
        gzip.compress(("\n".join("|".join(voice_row(i)) for i in range(500))).encode())
    )
    payload[len(payload) // 2 : len(payload) // 2 + 8] = b"garbage!"
    data = settings.landing / "VOICE_571_20261001_001.AVL.gz"
    data.write_bytes(bytes(payload))
    write_check(settings, data, record_count=500)
    (settings.landing / "VOICE_571_20261001_002.AVL.gz").write_bytes(b"not gzip at all")
    write_check(settings, settings.landing / "VOICE_571_20261001_002.AVL.gz", record_count=1)

    summary = ingest_landing(settings, progress=None)

    assert [o.status for o in summary.outcomes] == ["REJECTED", "REJECTED"]
    assert all("data file is not a readable gzip: VOICE_571" in o.reason for o in summary.outcomes)
    assert sorted(p.name for p in settings.quarantine.iterdir()) == [
        "VOICE_571_20261001_001.AVL.gz", "VOICE_571_20261001_001.CHK",
        "VOICE_571_20261001_001.reason.txt", "VOICE_571_20261001_002.AVL.gz",
        "VOICE_571_20261001_002.CHK", "VOICE_571_20261001_002.reason.txt",
    ]  # fmt: skip
    assert not settings.lake.exists() or not list(settings.lake.rglob("*.parquet"))


def test_crlf_lines_load_without_carriage_returns(settings):
    land(settings, "VOICE", [voice_row(1, roam_fee_fen="3"), voice_row(2, visited_city="")],
         newline="\r\n")  # fmt: skip

    summary = ingest_landing(settings, progress=None)

    assert [o.loaded_count for o in summary.outcomes] == [2]
    assert lake_query(settings, "VOICE", "roam_fee_fen, visited_city, _line_no") == [
        (3, None, 1),
        (-5, None, 2),
    ]


def test_last_line_without_newline_and_empty_file(settings):
    data = land(settings, "VOICE", [voice_row(1), voice_row(2)])
    data.write_bytes(data.read_bytes().rstrip(b"\n"))
    write_check(settings, data, record_count=2)
    land(settings, "VOICE", [], seq=2)

    summary = ingest_landing(settings, progress=None)

    assert [(o.status, o.loaded_count) for o in summary.outcomes] == [("LOADED", 2), ("LOADED", 0)]
    assert len(lake_query(settings, "VOICE")) == 2


def test_blank_lines_are_not_records_but_keep_line_numbers(settings):
    settings = dataclasses.replace(settings, reject_threshold=0.5)
    land(settings, "VOICE", ["|".join(voice_row(1)), "", "|".join(voice_row(2)), "BAD"],
         record_count=3)  # fmt: skip

    summary = ingest_landing(settings, progress=None)

    assert [(o.loaded_count, o.rejected_count) for o in summary.outcomes] == [(2, 1)]
    assert lake_query(settings, "VOICE", "_line_no") == [(1,), (3,)]
    assert ops_rows(settings, "SELECT line_no, raw_line FROM rejected_records") == [(4, "BAD")]
