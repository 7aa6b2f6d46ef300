"""Record and delivery rejection, the threshold, and the service password (interfaces.md §4)."""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

from ingestion.ingest import ingest_landing
from tests.ingestion.deliveries import (
    PASSWORD,
    lake_query,
    land,
    ops_rows,
    user_row,
    voice_row,
    write_check,
)


@pytest.fixture
def lenient(settings):
    return dataclasses.replace(settings, reject_threshold=0.9)


def test_each_kind_of_record_rejection(lenient):
    good = [voice_row(i) for i in range(1, 21)]
    bad = [
        "|".join(voice_row(21)[:14]),  # 14 fields
        "|".join(voice_row(22)) + "|extra",  # 16 fields
        voice_row(23, duration_s="1.5"),
        voice_row(24, duration_s=" 12"),
        voice_row(25, start_time="20261301120000"),
        voice_row(26, start_time="2026100112000"),
        voice_row(27, msisdn="1380013800"),
        voice_row(28, call_type="moc"),
        voice_row(29, cdr_id=""),
        voice_row(5, duration_s="999"),  # key of line 5 again
        voice_row(30, base_fee_fen="9223372036854775808"),
    ]
    land(lenient, "VOICE", good + bad)

    summary = ingest_landing(lenient, progress=None)

    (outcome,) = summary.outcomes
    assert (outcome.status, outcome.record_count, outcome.loaded_count, outcome.rejected_count) == (
        "LOADED", 31, 20, 11,
    )  # fmt: skip
    reasons = dict(ops_rows(lenient, "SELECT line_no, reason FROM rejected_records"))
    assert reasons == {
        21: "wrong number of fields: 14 instead of 15",
        22: "wrong number of fields: 16 instead of 15",
        23: "unparsable value in duration_s (integer expected): '1.5'",
        24: "unparsable value in duration_s (integer expected): ' 12'",
        25: "unparsable value in start_time (timestamp YYYYMMDDHHMMSS expected): '20261301120000'",
        26: "unparsable value in start_time (timestamp YYYYMMDDHHMMSS expected): '2026100112000'",
        27: "unparsable value in msisdn (11 digits expected): '1380013800'",
        28: "bad code in call_type: 'moc'",
        29: "NULL primary key field cdr_id",
        30: "duplicate primary key cdr_id=C00000005: first at line 5",
        31: "unparsable value in base_fee_fen (integer expected): '9223372036854775808'",
    }
    raw = dict(ops_rows(lenient, "SELECT line_no, raw_line FROM rejected_records"))
    assert raw[22] == "|".join(voice_row(22)) + "|extra"
    assert raw[30] == "|".join(voice_row(5, duration_s="999"))
    assert lake_query(lenient, "VOICE", "duration_s", "cdr_id = 'C00000005'") == [(65,)]
    assert ops_rows(
        lenient, "SELECT count(*) FROM load_log WHERE loaded_count + rejected_count = record_count"
    ) == [(1,)]


def test_first_valid_occurrence_of_a_key_loads(lenient):
    land(lenient, "VOICE", [voice_row(1, call_type="X"), voice_row(1), voice_row(1, toll_type="1")])
    ingest_landing(lenient, progress=None)
    assert lake_query(lenient, "VOICE", "_line_no") == [(2,)]
    assert ops_rows(lenient, "SELECT line_no FROM rejected_records ORDER BY 1") == [(1,), (3,)]


def test_range_rule_of_payrel_share(lenient):
    rows = [["U1", "A1", "ALL", pct, "1", "20260101", ""] for pct in ("100", "0", "101", "50")]
    rows[3][2] = "VOICE"
    land(lenient, "PAYREL", rows, "202610")
    ingest_landing(lenient, progress=None)
    assert ops_rows(lenient, "SELECT line_no, reason FROM rejected_records ORDER BY 1") == [
        (2, "unparsable value in share_pct (integer 1–100 expected): '0'"),
        (3, "unparsable value in share_pct (integer 1–100 expected): '101'"),
        (4, "bad code in item_class: 'VOICE'"),
    ]


@pytest.mark.parametrize(("bad", "status"), [(5, "LOADED"), (6, "REJECTED")])
def test_reject_threshold_just_under_and_just_over(settings, bad, status):
    rows = [voice_row(i, call_type="BAD" if i <= bad else "MOC") for i in range(1, 101)]
    land(settings, "VOICE", rows)

    (outcome,) = ingest_landing(settings, progress=None).outcomes

    assert outcome.status == status
    if status == "LOADED":
        assert (outcome.loaded_count, outcome.rejected_count) == (95, 5)
        assert len(lake_query(settings, "VOICE")) == 95
    else:
        assert outcome.reason.startswith(
            "more than 5% of the records rejected: 6 of 100 (6.0%); first: line 1: "
            "bad code in call_type: 'BAD'"
        )
        assert not list(settings.lake.rglob("*.parquet"))
        assert ops_rows(settings, "SELECT count(*) FROM rejected_records") == [(0,)]
        note = (settings.quarantine / "VOICE_571_20261001_001.reason.txt").read_text()
        assert "line 6: bad code in call_type: 'BAD'" in note
        assert (settings.quarantine / "VOICE_571_20261001_001.AVL").exists()


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"byte_size": 3}, None),  # the reason names the real size, known once landed
        ({"record_count": 4}, "record count in the check file differs from the data file: "),
        ({"record_count": 2}, "holds 3 records, its check file says 2"),
        ({"check_data_date": "20261002"}, "gives data date 20261002, the name says 20261001"),
        ({"encoding": "BIG5"}, "declares encoding 'BIG5'"),
    ],
)
def test_check_file_mismatch_rejects_the_whole_delivery(settings, kwargs, reason):
    data = land(settings, "VOICE", [voice_row(i) for i in range(3)], **kwargs)
    if reason is None:
        reason = (
            f"byte size in the check file differs from the data file: {data.name} is "
            f"{data.stat().st_size} bytes, its check file says 3"
        )

    (outcome,) = ingest_landing(settings, progress=None).outcomes

    assert outcome.status == "REJECTED"
    assert reason in outcome.reason
    assert not list(settings.lake.rglob("*.parquet"))
    assert (settings.quarantine / data.name).exists()
    assert ops_rows(settings, "SELECT status, loaded_count, reason FROM load_log")[0][:2] == (
        "REJECTED",
        0,
    )


def test_check_file_naming_another_file_or_alone(settings):
    data = land(settings, "VOICE", [voice_row(1)])
    check = write_check(settings, data, record_count=1)
    check.write_text(check.read_text().replace(data.name, "VOICE_571_20261001_009.AVL"))
    lone = settings.landing / "SMS_571_20261001_001.CHK"
    lone.write_text("SMS_571_20261001_001.AVL|10|1|20261001|20261002010000|UTF-8\n")
    (settings.landing / "EVENT_571_20261001_001.CHK").write_text("garbage\n")
    (settings.landing / "EVENT_571_20261001_001.AVL").write_text("x\n")

    reasons = {o.file_name: o.reason for o in ingest_landing(settings, progress=None).outcomes}

    assert "describes 'VOICE_571_20261001_009.AVL'" in reasons["VOICE_571_20261001_001.AVL"]
    assert "has not landed" in reasons["SMS_571_20261001_001.AVL"]
    assert "has 1 fields, expected 6" in reasons["EVENT_571_20261001_001.AVL"]
    assert list(settings.landing.iterdir()) == []


def test_service_password_is_stored_nowhere(settings, capsys):
    lenient = dataclasses.replace(settings, reject_threshold=0.6)
    rows = [user_row(i) for i in range(1, 11)]
    rows += [
        user_row(11, brand="NOPE"),
        "|".join(user_row(12)) + "|extra",
        "|".join(user_row(13)[:5] + user_row(13)[6:]),  # a field missing: password moves left
        user_row(1),  # repeated key
    ]
    land(lenient, "USER", rows, "202610")
    land(lenient, "USER", [user_row(i, brand="NOPE") for i in range(20)], "202609")  # rejected

    summary = ingest_landing(lenient, progress=print)

    assert [o.status for o in summary.outcomes] == ["REJECTED", "LOADED"]
    assert ops_rows(lenient, "SELECT count(*) FROM rejected_records") == [(4,)]
    raw = dict(ops_rows(lenient, "SELECT line_no, raw_line FROM rejected_records"))
    assert raw[11].endswith("|0571|") and raw[14].endswith("|0571|")
    stored = [*lenient.lake.rglob("*.parquet"), lenient.ops_db, *lenient.quarantine.glob("*.txt")]
    for path in stored:
        assert PASSWORD.encode() not in path.read_bytes(), path
    (user_file,) = lenient.lake.glob("user/**/*.parquet")
    columns = duckdb.sql(f"DESCRIBE SELECT * FROM '{user_file}'").fetchall()
    assert "service_password" not in {c[0] for c in columns}
    assert len(lake_query(lenient, "USER")) == 10
    assert PASSWORD not in summary.describe() + capsys.readouterr().out
    assert not list(lenient.tmp.rglob("*.utf8.txt"))


def test_a_repeated_key_alone_is_caught(settings):
    land(settings, "VOICE", [*(voice_row(i) for i in range(1, 31)), voice_row(3, toll_type="2")])

    (outcome,) = ingest_landing(settings, progress=None).outcomes

    assert (outcome.loaded_count, outcome.rejected_count) == (30, 1)
    assert ops_rows(settings, "SELECT line_no, reason FROM rejected_records") == [
        (31, "duplicate primary key cdr_id=C00000003: first at line 3")
    ]
    assert lake_query(settings, "VOICE", "toll_type", "cdr_id = 'C00000003'") == [("0",)]


@pytest.mark.parametrize(
    "kwargs", [{"byte_size": 3}, {"record_count": 4}], ids=["size-mismatch", "count-mismatch"]
)
def test_a_rejected_delivery_with_a_check_file_logs_its_record_count(settings, kwargs):
    land(settings, "VOICE", [voice_row(i) for i in range(3)], **kwargs)
    ingest_landing(settings, progress=None)
    expected = kwargs.get("record_count", 3)
    assert ops_rows(settings, "SELECT status, record_count, rejected_count FROM load_log") == [
        ("REJECTED", expected, expected)
    ]
