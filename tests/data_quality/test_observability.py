"""Observability checks over a hand-made load log."""

from __future__ import annotations

import duckdb

from data_quality.observability import sequences


def _load_log(rows: list[tuple[str, str, str]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "create table load_log (iface varchar, province_code varchar, data_date varchar, "
        "seq varchar, file_name varchar, status varchar, processed_at timestamp)"
    )
    for minute, (seq, status, day) in enumerate(rows):
        con.execute(
            "insert into load_log values ('VOICE', '571', ?, ?, ?, ?, "
            "timestamp '2026-01-02 00:00:00' + to_minutes(?))",
            [day, seq, f"VOICE_571_{day}_{seq}.AVL", status, minute],
        )
    return con


def test_a_failed_attempt_neither_loads_a_file_nor_unloads_an_earlier_version():
    con = _load_log(
        [
            ("001", "LOADED", "20260101"),
            ("002", "FAILED", "20260101"),  # never loaded: missing
            ("001", "LOADED", "20260102"),
            ("002", "LOADED", "20260102"),
            ("002", "FAILED", "20260102"),  # a re-delivery that failed: the loaded one stays
        ]
    )
    result = sequences(con, "VOICE")
    assert not result.passed
    assert result.details["missing"] == [
        {"province": "571", "data_date": "20260101", "missing_seq": [2]}
    ]
