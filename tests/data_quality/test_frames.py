"""GX frames stay bounded on a large province without losing repeated keys."""

from __future__ import annotations

import duckdb

from data_quality.frames import bounded_frame

TABLE = "select i % 9000 as cdr_id, i as line_no from range(10000) as t(i)"  # 1000 keys repeat


def test_a_small_result_is_taken_whole() -> None:
    frame = bounded_frame(duckdb.connect(), TABLE, ("cdr_id",), max_rows=10_000)
    assert len(frame) == 10_000
    assert frame.attrs["population"] == 10_000


def test_a_large_result_is_cut_by_key_and_keeps_every_row_of_a_kept_key() -> None:
    con = duckdb.connect()
    frame = bounded_frame(con, TABLE, ("cdr_id",), max_rows=1_000)
    assert frame.attrs["population"] == 10_000
    assert 500 < len(frame) < 1_500
    kept = set(frame["cdr_id"])
    every_row_of_kept = con.execute(
        f"select count(*) from ({TABLE}) where cdr_id in ({', '.join(map(str, kept))})"
    ).fetchone()[0]
    assert every_row_of_kept == len(frame)
    assert frame["cdr_id"].duplicated().any()  # repeated keys are still there to be found
    again = bounded_frame(con, TABLE, ("cdr_id",), max_rows=1_000)
    assert sorted(again["line_no"]) == sorted(frame["line_no"])
