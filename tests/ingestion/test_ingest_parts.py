"""A large clean delivery is read in parts, one per thread, each numbering its own lines: forced
here on small files, the results must be those of one part, line numbers exact."""

from __future__ import annotations

import dataclasses

import pytest

from ingestion import parse
from ingestion.ingest import ingest_landing
from tests.ingestion.deliveries import lake_query, land, ops_rows, voice_row

RECORDS = 101  # not a multiple of the number of parts


def _clean() -> list:
    return [voice_row(i) for i in range(1, RECORDS + 1)]


def _blank_line() -> list:
    rows: list = _clean()
    rows.insert(40, "")  # fewer records than lines: parts would overlap
    return rows


def _wrong_field_count_at_a_seam() -> list:
    rows: list = _clean()
    rows[50] = "|".join(voice_row(51)[:14])
    return rows


def _key_repeated_across_parts() -> list:
    rows: list = _clean()
    rows[90] = voice_row(3)
    return rows


def _extra_line() -> list:
    return [*_clean(), voice_row(RECORDS + 1)]  # the check file says RECORDS


CASES = {
    "clean": (_clean, None, ("LOADED", RECORDS, 0)),
    "blank line": (_blank_line, RECORDS, ("LOADED", RECORDS, 0)),
    "wrong field count": (_wrong_field_count_at_a_seam, None, ("LOADED", RECORDS - 1, 1)),
    "repeated key": (_key_repeated_across_parts, None, ("LOADED", RECORDS - 1, 1)),
    "extra line": (_extra_line, RECORDS, ("REJECTED", 0, RECORDS)),
}


def _run(settings, rows, record_count) -> tuple:
    land(settings, "VOICE", rows, record_count=record_count)
    (outcome,) = ingest_landing(settings, progress=None).outcomes
    loaded = lake_query(settings, "VOICE", "_line_no, cdr_id") if outcome.lake_path else []
    lines, keys = [n for n, _ in loaded], [k for _, k in loaded]
    rejected = ops_rows(settings, "SELECT line_no, reason FROM rejected_records ORDER BY 1")
    return (outcome.status, outcome.loaded_count, outcome.rejected_count), lines, keys, rejected


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("threads", [2, 3])
def test_parts_give_the_results_of_one_scan(tmp_path, settings, monkeypatch, case, threads):
    make, record_count, expected = CASES[case]
    lenient = dataclasses.replace(settings, threads=threads, reject_threshold=0.5)
    one = dataclasses.replace(lenient, home=tmp_path / "one")
    one.landing.mkdir(parents=True)
    monkeypatch.setattr(parse, "_PART_BYTES", 10**9)
    single = _run(one, make(), record_count)
    monkeypatch.setattr(parse, "_PART_BYTES", 1)  # every file is large: one part per thread
    assert parse.parts_for(1000, threads) == threads

    staged = []
    real_staging = parse.Staging
    monkeypatch.setattr(parse, "Staging", lambda *a: staged.append(a) or real_staging(*a))

    parted = _run(lenient, make(), record_count)

    assert parted == single
    assert len(staged) == (0 if case == "clean" else 1), "only a clean file is kept from parts"
    assert parted[0] == expected
    if expected[0] == "LOADED":
        # every record sits on its own line: blank lines and rejected lines keep their numbers
        source = [r for r in make() if r]
        assert len(parted[1]) == len(set(parted[1])) == expected[1]
        for line, key in zip(parted[1], parted[2], strict=True):
            row = make()[line - 1]
            assert row and row[0] == key, (line, key)
        assert len(source) == RECORDS
