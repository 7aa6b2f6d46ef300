"""Surplus empty fields at the end of a line (``a|b|c||``): DuckDB's reader takes such a line for
a record of the right length; the contract rejects it for its wrong number of fields
(interfaces.md §4 step 2), on the one pass and on the careful path alike."""

from __future__ import annotations

import pytest

from ingestion.ingest import ingest_landing
from tests.ingestion.deliveries import lake_query, land, ops_rows, voice_row

RECORDS = 80  # three rejected records stay under the 5% threshold


@pytest.mark.parametrize("careful", [False, True], ids=["otherwise-clean", "with-another-defect"])
def test_surplus_empty_fields_at_the_end_of_a_line_are_rejected(settings, careful):
    rows = ["|".join(voice_row(i)) for i in range(1, RECORDS + 1)]
    rows[9] += "|"  # line 10: 16 fields, the last one empty
    rows[19] += "|||"  # line 20: 18 fields
    if careful:  # a bad code and a blank line (which shifts the staged rows) send it there
        rows[29] = "|".join(voice_row(30, call_type="moc"))
        rows.insert(5, "")  # line 6
    land(settings, "VOICE", rows, record_count=RECORDS)

    (outcome,) = ingest_landing(settings, progress=None).outcomes

    rejected = 3 if careful else 2
    assert (outcome.status, outcome.record_count, outcome.loaded_count, outcome.rejected_count) == (
        "LOADED", RECORDS, RECORDS - rejected, rejected,
    )  # fmt: skip
    reasons = dict(ops_rows(settings, "SELECT line_no, reason FROM rejected_records"))
    shift = 1 if careful else 0
    expected = {
        10 + shift: "wrong number of fields: 16 instead of 15",
        20 + shift: "wrong number of fields: 18 instead of 15",
    }
    if careful:
        expected[31] = "bad code in call_type: 'moc'"
    assert reasons == expected
    raw = dict(ops_rows(settings, "SELECT line_no, raw_line FROM rejected_records"))
    assert raw[10 + shift] == "|".join(voice_row(10)) + "|"
    assert raw[20 + shift] == "|".join(voice_row(20)) + "|||"
    lines = set(range(1, RECORDS + shift + 1)) - set(expected) - ({6} if careful else set())
    assert {n for (n,) in lake_query(settings, "VOICE", "_line_no")} == lines
