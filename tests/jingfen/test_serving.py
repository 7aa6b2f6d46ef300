"""The published copy: masking, atomic swap under a reading process, and read-only access."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from jingfen.errors import JingfenError
from jingfen.serving import Source, connect_published, publish
from jingfen.settings import Settings


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
        "'U1' as user_id, '13812345678' as msisdn, '330102199001011234' as cert_no, "
        "'张三' as cust_name"
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
    msisdn, cert_no, name = con.execute(
        "select msisdn, cert_no, cust_name from marts.dim_users"
    ).fetchone()
    assert msisdn == "138****5678"
    assert cert_no != "330102199001011234" and len(cert_no) == 64
    assert name == "张三"
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
    assert sorted(p.name for p in settings.home.iterdir()) == ["serving.duckdb"]


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
