"""GX frames stay bounded on a large province and still hold every row, each key whole in one
frame; what GX and the quality results see is masked exactly as the published copy is."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pandas as pd

from core.contract import INTERFACES, lake_schema
from core.privacy import installation_secret
from core.settings import Settings
from data_quality import dbt_tests, frames
from data_quality.frames import parts
from publication.publish import Source, connect_published, publish

TABLE = "select i % 9000 as cdr_id, i as line_no from range(10000) as t(i)"  # 1000 keys repeat


def test_a_small_result_is_taken_whole() -> None:
    [frame] = parts(duckdb.connect(), TABLE, ("cdr_id",), max_rows=10_000)
    assert len(frame) == 10_000
    assert (frame.attrs["population"], frame.attrs["part"]) == (10_000, (0, 1))


def test_a_large_result_is_split_by_key_and_every_row_is_validated() -> None:
    split = list(parts(duckdb.connect(), TABLE, ("cdr_id",), max_rows=1_000))
    assert [f.attrs["part"] for f in split] == [(i, 10) for i in range(10)]
    assert {f.attrs["population"] for f in split} == {10_000}
    # every row in exactly one frame: nothing is sampled away
    assert sorted(n for f in split for n in f["line_no"]) == list(range(10_000))
    assert all(len(f) < 1_500 for f in split)
    # every row of a key in the same frame, so each of the 1000 repeated keys is found in one
    keys = [set(f["cdr_id"]) for f in split]
    assert sum(len(k) for k in keys) == len(set().union(*keys)) == 9_000
    assert sum(int(f["cdr_id"].duplicated().sum()) for f in split) == 1_000


CERT_NO = "330102199001011234"
# Every kind of column the masking rules know (by name, by suffix, keyed, free text, a raw line)
# and one that is not personal; the second person's personal fields are empty.
PEOPLE = (
    "select * from (values "
    f"('U1', '13812345678', '1381234', '{CERT_NO}', '张三', '张三的账户', date '1990-01-01', "
    "'13900001111', 'a1b2', 'in msisdn (phone): ''13812345678''', '13812345678|GOTONE', "
    "'GOTONE'), "
    "('U2', null, null, null, null, null, date '1985-06-30', null, null, null, null, 'SZX')) "
    "as t(user_id, msisdn, other_number, cert_no, cust_name, acct_name, birth_date, "
    "payer_msisdn, state_hash, reason, raw_line, brand)"
)


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows, with None for an empty value (pandas reads a NULL text as NaN, unequal to
    itself)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def test_failing_rows_are_masked_exactly_as_the_published_copy(tmp_path) -> None:
    """The rows of a failed dbt test go into quality_results as the published copy has them."""
    settings = Settings(home=tmp_path / "home")
    settings.home.mkdir()
    warehouse = settings.warehouse_db
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"create schema marts; create table marts.people as {PEOPLE}")
    publish(settings, [Source(warehouse, {"marts": "marts"}, "wh")])
    with connect_published(settings) as con:
        published = con.execute("select * from marts.people order by user_id").df()

    rows, months = dbt_tests.stored_failures(settings, "marts.people")
    assert months == []  # no month column
    key = installation_secret(settings)

    def keyed(value: str) -> str:
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

    assert (
        sorted(rows, key=lambda r: r["user_id"])
        == records(published)
        == [
            {
                "user_id": "U1",
                "msisdn": "138****5678",
                "other_number": "138****",
                "cert_no": keyed(CERT_NO),
                "cust_name": "张**",
                "acct_name": "张**",
                "birth_year": 1990,
                "payer_msisdn": "139****1111",
                "state_hash": keyed("a1b2"),
                "reason": "in msisdn (phone): '138****5678'",
                "raw_line": "***|***",  # no file name: no interface tells which field is which
                "brand": "GOTONE",
            },
            {
                "user_id": "U2",
                "msisdn": None,
                "other_number": None,
                "cert_no": None,
                "cust_name": None,
                "acct_name": None,
                "birth_year": 1985,
                "payer_msisdn": None,
                "state_hash": None,
                "reason": None,
                "raw_line": None,
                "brand": "SZX",
            },
        ]
    )


def test_a_lake_frame_is_masked_by_the_same_rules(tmp_path) -> None:
    settings = Settings(home=tmp_path / "home")
    folder = settings.lake / "cust" / "province=571" / "data_date=202601"
    folder.mkdir(parents=True)
    values = {"cust_id": "'C1'", "cust_name": "'李四'", "cert_no": f"'{CERT_NO}'",
              "birth_date": "date '1985-06-30'", "_province_code": "'571'"}  # fmt: skip
    columns = ", ".join(
        f"{values.get(name, 'null')}::{kind} as {name}"
        for name, kind in lake_schema(INTERFACES["CUST"]).items()
    )
    with duckdb.connect() as con:
        con.execute(f"copy (select {columns}) to '{folder / 'CUST_571_202601_001.parquet'}'")
    with frames.lake(settings) as con:
        [frame] = frames.lake_frames(frames.masked(con, settings), "CUST")
    key = installation_secret(settings)
    [row] = frame[["cust_id", "cust_name", "cert_no", "birth_year"]].to_dict("records")
    assert row == {
        "cust_id": "C1",
        "cust_name": "李**",
        "cert_no": hmac.new(key, CERT_NO.encode(), hashlib.sha256).hexdigest(),
        "birth_year": 1985,
    }
