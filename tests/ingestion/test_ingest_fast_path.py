"""The one pass for clean deliveries checks values by printing them back instead of by regular
expressions: it may be stricter than the contract (the careful path then loads the file), never
more lenient (a value DuckDB's casts accept but the contract does not must still be rejected)."""

from __future__ import annotations

import datetime as dt

import pytest

from ingestion import parse
from ingestion.ingest import ingest_landing
from tests.ingestion.deliveries import lake_query, land, ops_rows, user_row, voice_row

RECORDS = 40  # one rejected record stays under the 5% threshold
ODD = 17  # the record carrying the value under test


def _ingest(settings, iface: str, rows: list) -> tuple:
    land(settings, iface, rows, "202610" if iface == "USER" else "20261001")  # monthly, daily
    (outcome,) = ingest_landing(settings, progress=None).outcomes
    return outcome.status, outcome.loaded_count, outcome.rejected_count


@pytest.fixture
def staged(monkeypatch) -> list:
    """Records each time a delivery goes through the careful path."""
    calls: list = []
    real_staging = parse.Staging
    monkeypatch.setattr(parse, "Staging", lambda *a: calls.append(a) or real_staging(*a))
    return calls


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[("duration_s", v) for v in ["+5", " 5", "5 ", "1e3", "1_000", "0x10", "1.5", "1.", "٣"]],
        *[("msisdn", v) for v in ["+1380000000", " 1380000000", "1380000000 ", "1.38000e10"]],
        *[("start_time", v) for v in ["2026100112000 ", " 2026100112000", "2026100112000"]],
        *[("start_time", v) for v in ["+2026100112000", "20261001120060"]],
    ],
)
def test_a_value_the_casts_accept_but_the_contract_does_not_is_rejected(settings, field, value):
    rows = [voice_row(i, **({field: value} if i == ODD else {})) for i in range(1, RECORDS + 1)]

    assert _ingest(settings, "VOICE", rows) == ("LOADED", RECORDS - 1, 1)
    ((line, reason),) = ops_rows(settings, "SELECT line_no, reason FROM rejected_records")
    assert (line, reason.split(" (")[0]) == (ODD, f"unparsable value in {field}")


def test_leading_zeros_and_minus_zero_load_through_the_careful_path(settings, staged):
    odd = {"duration_s": "007", "roam_fee_fen": "-0", "msisdn": "01380000000"}
    rows = [voice_row(i, **(odd if i == ODD else {})) for i in range(1, RECORDS + 1)]

    assert _ingest(settings, "VOICE", rows) == ("LOADED", RECORDS, 0)
    assert len(staged) == 1
    assert lake_query(
        settings, "VOICE", "duration_s, roam_fee_fen, msisdn", f"_line_no = {ODD}"
    ) == [(7, 0, "01380000000")]


def test_a_clean_delivery_with_dates_takes_the_one_pass(settings, staged):
    rows = [
        user_row(i, open_date="19991231", status_date="20240229") for i in range(1, RECORDS + 1)
    ]

    assert _ingest(settings, "USER", rows) == ("LOADED", RECORDS, 0)
    assert staged == []
    assert lake_query(settings, "USER", "open_date, status_date", "_line_no = 1") == [
        (dt.date(1999, 12, 31), dt.date(2024, 2, 29))
    ]


def test_an_impossible_date_is_rejected(settings):
    rows = [user_row(i, **({"open_date": "20260229"} if i == ODD else {}))
            for i in range(1, RECORDS + 1)]  # fmt: skip

    assert _ingest(settings, "USER", rows) == ("LOADED", RECORDS - 1, 1)
    ((line, reason),) = ops_rows(settings, "SELECT line_no, reason FROM rejected_records")
    assert (line, reason.split(" (")[0]) == (ODD, "unparsable value in open_date")
