"""The dbt sources of the lake and the interfaces seed are what core/contract.py writes."""

from __future__ import annotations

import csv

import yaml

from core import warehouse_sources
from core.contract import ALL_INTERFACES, lake_schema


def test_committed_files_are_what_make_sources_writes():
    """Fails after a change to the contract, or a hand edit: run `make sources`."""
    for path, text in warehouse_sources.GENERATED.items():
        assert path.read_text(encoding="utf-8") == text(), path.name


def test_every_interface_is_a_source_table_with_its_lake_schema():
    [source] = yaml.safe_load(warehouse_sources.sources_yml())["sources"]
    assert source["config"]["loaded_at_field"] == "_loaded_at"
    tables = {table["name"]: table for table in source["tables"]}
    assert list(tables) == [code.lower() for code in ALL_INTERFACES]
    for code, interface in ALL_INTERFACES.items():
        table = tables[code.lower()]
        columns = [(c["name"], c["data_type"]) for c in table["columns"]]
        assert columns == [(n, t.lower()) for n, t in lake_schema(interface).items()]
        assert table["config"]["meta"]["dagster"] == {"asset_key": ["lake", code.lower()]}
    cust = tables["cust"]
    assert cust["config"]["freshness"] == {
        "warn_after": {"count": 35, "period": "day"},
        "error_after": {"count": 62, "period": "day"},
    }
    assert cust["config"]["meta"]["lake_files"] == (
        '{{ env_var("JINGFEN_HOME", "jingfen-home") }}/lake/cust/province=*/data_date=*/*.parquet'
    )
    described = {c["name"]: c["description"] for c in cust["columns"]}
    assert described["cust_type"] == "codes: 1, 2"
    assert described["cert_no"] == "cert no"
    assert described["_line_no"] == "1-based line number in the (decompressed) data file."
    assert "freshness" not in tables["voice"]["config"]  # the source's daily one applies
    assert source["config"]["freshness"]["error_after"] == {"count": 7, "period": "day"}


def test_the_interfaces_seed_names_every_interface_in_both_languages():
    rows = list(csv.DictReader(warehouse_sources.interfaces_seed().splitlines()))
    assert [r["iface"] for r in rows] == list(ALL_INTERFACES)
    assert rows[6] == {"iface": "PLAN", "iface_name_zh": "资费套餐", "iface_name_en": "Plans"}
