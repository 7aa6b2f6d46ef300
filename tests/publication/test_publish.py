"""The published copy: masking, atomic swap under a reading process, and read-only access."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from core.errors import JingfenError
from core.privacy import installation_secret
from core.settings import Settings
from publication.publish import Source, connect_published, publish

CERT_NO = "330102199001011234"


def make_warehouse(path: Path, users: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema indicators; create schema marts; create schema scratch")
    con.execute(
        "create table indicators.kpi as "
        "select 'M' || lpad(i::varchar, 3, '0') as stat_month, i as users_on_net "
        f"from range({users}) as t(i)"
    )
    con.execute(
        "create table marts.dim_users as select "
        f"'U1' as user_id, '13812345678' as msisdn, '{CERT_NO}' as cert_no, "
        "'张三' as cust_name, '张三丰' as acct_name, date '1990-01-01' as birth_date, "
        f"md5('张三|{CERT_NO}') as state_hash, '0571' as city_code"
    )
    con.execute("create view indicators.kpi_count as select count(*) as n from indicators.kpi")
    con.execute("create table scratch.secret as select 1 as x")
    con.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


def test_publish_copies_chosen_schemas_and_masks_personal_data(settings, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, users=5)
    publish(settings, [Source(warehouse, {"indicators": "indicators", "marts": "marts"}, "wh")])

    con = connect_published(settings)
    assert con.execute("select count(*) from indicators.kpi").fetchone() == (5,)
    assert con.execute("select n from indicators.kpi_count").fetchone() == (5,)
    row = con.execute(
        "select user_id, msisdn, cert_no, cust_name, acct_name, birth_year, state_hash, city_code "
        "from marts.dim_users"
    ).fetchone()
    key = installation_secret(settings)
    state_hash = hashlib.md5(f"张三|{CERT_NO}".encode()).hexdigest()
    assert row == (
        "U1",
        "138****5678",
        hmac.new(key, CERT_NO.encode(), hashlib.sha256).hexdigest(),
        "张**",  # never the full name
        "张**",
        1990,
        hmac.new(key, state_hash.encode(), hashlib.sha256).hexdigest(),
        "0571",
    )
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() where table_name = 'dim_users'"
    ).fetchall()
    assert ("birth_year", "INTEGER") in columns and "birth_date" not in {c for c, _ in columns}
    schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert "scratch" not in schemas


def test_published_copy_refuses_writes_and_file_access(settings, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, users=2)
    publish(settings, [Source(warehouse, {"indicators": "indicators"}, "wh")])
    con = connect_published(settings)
    with pytest.raises(duckdb.Error):
        con.execute("delete from indicators.kpi")
    with pytest.raises(duckdb.Error):
        con.execute(f"copy indicators.kpi to '{tmp_path / 'leak.csv'}'")
    with pytest.raises(duckdb.Error):
        con.execute("set enable_external_access = true")
    assert not (tmp_path / "leak.csv").exists()


def test_failed_publication_keeps_the_previous_copy(settings, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, users=3)
    publish(settings, [Source(warehouse, {"indicators": "indicators"}, "wh")])
    with pytest.raises(JingfenError, match="previous published copy is unchanged"):
        publish(settings, [Source(tmp_path / "missing.duckdb", {"indicators": "indicators"}, "wh")])
    con = connect_published(settings)
    assert con.execute("select count(*) from indicators.kpi").fetchone() == (3,)
    assert sorted(p.name for p in settings.home.iterdir()) == ["secrets", "serving.duckdb"]


def test_a_publication_while_the_caller_handles_an_exception_is_swapped_in(settings, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, users=4)
    try:
        raise RuntimeError("the caller's own error")
    except RuntimeError:
        publish(settings, [Source(warehouse, {"indicators": "indicators"}, "wh")])
    con = connect_published(settings)
    assert con.execute("select count(*) from indicators.kpi").fetchone() == (4,)


def test_reader_in_a_loop_never_sees_an_error_while_copies_are_swapped(settings, tmp_path):
    warehouse_a, warehouse_b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    make_warehouse(warehouse_a, users=1000)
    make_warehouse(warehouse_b, users=2000)
    publish(settings, [Source(warehouse_a, {"indicators": "indicators"}, "wh")])
    reader = textwrap.dedent(
        f"""
        import time, duckdb
        seen, deadline = set(), time.monotonic() + 8
        while time.monotonic() < deadline:
            con = duckdb.connect({str(settings.serving_db)!r}, read_only=True)
            seen.add(con.execute("select count(*) from indicators.kpi").fetchone()[0])
            con.close()
        print(sorted(seen))
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", reader], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    swaps = 0
    while proc.poll() is None:
        publish(
            settings,
            [Source(warehouse_b if swaps % 2 else warehouse_a, {"indicators": "indicators"}, "wh")],
        )
        swaps += 1
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert swaps >= 3
    assert set(eval(out)) <= {1000, 2000}


def test_a_schema_can_be_published_under_another_name(settings, tmp_path):
    ops = tmp_path / "ops.duckdb"
    con = duckdb.connect(str(ops))
    con.execute("create table load_log as select 'VOICE_571_20260101_001.AVL' as file_name")
    con.close()
    publish(settings, [Source(ops, {"main": "ops"}, "ops_src")])
    published = connect_published(settings)
    assert published.execute("select file_name from ops.load_log").fetchone() == (
        "VOICE_571_20260101_001.AVL",
    )


def test_an_optional_source_without_a_file_is_left_out(settings, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, users=2)
    publish(
        settings,
        [
            Source(warehouse, {"indicators": "indicators"}, "wh"),
            Source(tmp_path / "never-written.duckdb", {"main": "ops"}, "ops", required=False),
        ],
    )
    con = connect_published(settings)
    assert con.execute("select count(*) from indicators.kpi").fetchone() == (2,)
    assert not con.execute("select * from duckdb_schemas() where schema_name = 'ops'").fetchall()


def _hmac(settings: Settings, value: str) -> str:
    """What Python's hmac says the published hash must be."""
    return hmac.new(installation_secret(settings), value.encode(), hashlib.sha256).hexdigest()


def test_cert_no_hashes_join_across_tables_and_change_only_with_the_secret(settings, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema marts")
    con.execute(f"create table marts.a as select '{CERT_NO}' as cert_no")
    con.execute(f"create table marts.b as select '{CERT_NO}' as payer_cert_no")
    con.close()
    sources = [Source(warehouse, {"marts": "marts"}, "wh")]
    publish(settings, sources)
    joined = "select a.cert_no from marts.a join marts.b on a.cert_no = b.payer_cert_no"
    first = connect_published(settings).execute(joined).fetchall()
    assert first == [(_hmac(settings, CERT_NO),)]
    assert first[0][0] != hashlib.sha256(CERT_NO.encode()).hexdigest()
    publish(settings, sources)
    assert connect_published(settings).execute(joined).fetchall() == first

    (settings.secrets / "cert_no.key").unlink()  # rotation: a new secret, new hashes
    publish(settings, sources)
    rotated = connect_published(settings).execute(joined).fetchall()
    assert rotated == [(_hmac(settings, CERT_NO),)] and rotated != first


def test_a_damaged_secret_stops_the_publication_with_one_sentence(settings, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    make_warehouse(warehouse, users=2)
    settings.secrets.mkdir(parents=True)
    (settings.secrets / "cert_no.key").write_text("not a key\n")
    (settings.secrets / "cert_no.key").chmod(0o600)
    with pytest.raises(JingfenError, match=r"cert_no.key is damaged") as failure:
        publish(settings, [Source(warehouse, {"indicators": "indicators"}, "wh")])
    assert "not a key" not in str(failure.value)
    assert not settings.serving_db.exists()


VOICE_LINE = "C1|U1|13812345678|MOC|13987654321|CMCC|20260101080000|60|0|0|0571|c1|10|0|0"
LOG_REASON = (
    "more than 5% of the records rejected: 9 of 100 (9.0%); first: line 4: unparsable value in "
    "msisdn (11 digits expected): '{}'; line 5: bad code in brand: 'X'"
)


def make_ops(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(
        "create table rejected_records (file_name varchar, line_no bigint, raw_line varchar, "
        "reason varchar, iface varchar)"
    )
    con.executemany(
        "insert into rejected_records values (?, ?, ?, ?, ?)",
        [
            ("VOICE_571_20260101_001.AVL", 3, VOICE_LINE, "bad code in roam_type: '9'", "VOICE"),
            (
                "CUST_571_202601_001.AVL", 7, f"K1|1|张三|1|{CERT_NO}|M|199001011|0571|20200101|1",
                "unparsable value in birth_date (date YYYYMMDD expected): '199001011'", "CUST",
            ),
            (
                "ACCT_571_202601_001.AVL", 9, "A1|K1|张三丰|CASH||20200101|extra",
                "wrong number of fields: 7 instead of 6", "ACCT",
            ),
            ("junk.txt", 1, "张三|13812345678", "not a delivery", None),
        ],
    )  # fmt: skip
    con.execute(
        "create table load_log as select ? as file_name, ? as reason",
        ["USER_571_202601_001.AVL", LOG_REASON.format("1381234567")],
    )
    details = {"failed": [{"failing_rows": [{"user_id": "U1", "msisdn": "13812345678"}]}]}
    con.execute(
        "create table quality_results as select ? as check_name, ? as details",
        ["expectations", json.dumps(details)],
    )
    con.close()


def test_raw_lines_reasons_and_details_are_masked_by_position_and_by_field(settings, tmp_path):
    ops = tmp_path / "ops.duckdb"
    make_ops(ops)
    publish(settings, [Source(ops, {"main": "ops"}, "ops_src")])
    con = connect_published(settings)
    rejected = con.execute("select raw_line, reason from ops.rejected_records order by line_no")
    assert rejected.fetchall() == [
        ("***|***", "not a delivery"),  # no interface: nothing can be trusted
        (
            "C1|U1|138****5678|MOC|139****4321|CMCC|20260101080000|60|0|0|0571|c1|10|0|0",
            "bad code in roam_type: '9'",
        ),
        (
            f"K1|1|张**|1|{_hmac(settings, CERT_NO)}|M|1990|0571|20200101|1",
            "unparsable value in birth_date (date YYYYMMDD expected): '1990'",
        ),
        ("***|***|***|CASH||***|***", "wrong number of fields: 7 instead of 6"),
    ]
    assert con.execute("select reason from ops.load_log").fetchone() == (
        LOG_REASON.format("138*******"),
    )
    (details,) = con.execute("select details from ops.quality_results").fetchone()
    assert json.loads(details) == {
        "failed": [{"failing_rows": [{"user_id": "U1", "msisdn": "138****5678"}]}]
    }
    # the unmasked line stays with the engineers
    assert duckdb.connect(str(ops), read_only=True).execute(
        "select raw_line from rejected_records where line_no = 3"
    ).fetchone() == (VOICE_LINE,)
