"""TARGET (考核目标) deliveries through the normal ingestion path (interfaces.md §3, plans).

A yearly plan file is checked, parsed and loaded like any BOSS extract; its own bad values —
an unknown indicator or city, a bad month, a negative target, a year that is not the file's
data date, a repeated key — are rejected records with a plain reason, and a revised plan (the
same file name again) replaces the earlier one.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from ingestion.ingest import ingest_landing
from tests.ingestion.deliveries import lake_files, lake_query, land, ops_rows


@pytest.fixture
def lenient(settings):
    return dataclasses.replace(settings, reject_threshold=0.9)


def target(month: str, city: str, indicator: str, value: str, year: str = "2026") -> list[str]:
    return [year, month, city, indicator, value]


def test_a_plan_loads_into_the_lake_with_typed_targets(settings):
    land(
        settings, "TARGET",
        [
            target("00", "ALL", "billed_revenue", "12000000.50"),
            target("06", "0571", "new_users", "150"),
            target("00", "ALL", "collected", "11000000"),
        ],
        "2026",
    )  # fmt: skip

    (outcome,) = ingest_landing(settings, progress=None).outcomes

    assert (outcome.status, outcome.loaded_count, outcome.rejected_count) == ("LOADED", 3, 0)
    assert lake_files(settings) == [
        "target/province=571/data_date=2026/TARGET_571_2026_001.parquet"
    ]
    assert lake_query(settings, "TARGET", "year, month, city_code, indicator, target_value") == [
        ("2026", "00", "ALL", "billed_revenue", Decimal("12000000.500000")),
        ("2026", "06", "0571", "new_users", Decimal("150.000000")),
        ("2026", "00", "ALL", "collected", Decimal("11000000.000000")),
    ]
    assert ops_rows(settings, "SELECT iface, data_date, status FROM load_log") == [
        ("TARGET", "2026", "LOADED")
    ]


def test_each_bad_value_of_a_plan_is_a_rejected_record_with_a_plain_reason(lenient):
    good = [target(f"{m:02d}", "0574", "new_users", str(100 + m)) for m in range(1, 13)]
    bad = [
        target("00", "ALL", "happiness", "5"),
        target("00", "0999", "new_users", "5"),
        target("13", "ALL", "new_users", "5"),
        target("00", "ALL", "net_adds", "-5"),
        target("00", "ALL", "users_on_net", "5", year="2025"),
        target("03", "0574", "new_users", "999"),  # the key of line 3 again
        target("00", "ALL", "data_mb", "1.2345678"),
        target("00", "0571", "collected", "100"),
    ]
    land(lenient, "TARGET", good + bad, "2026")

    (outcome,) = ingest_landing(lenient, progress=None).outcomes

    assert (outcome.status, outcome.record_count, outcome.loaded_count, outcome.rejected_count) == (
        "LOADED", 20, 12, 8,
    )  # fmt: skip
    assert dict(ops_rows(lenient, "SELECT line_no, reason FROM rejected_records")) == {
        13: "bad code in indicator: 'happiness'",
        14: "unknown city in city_code: '0999' (neither a city of province 571 nor ALL)",
        15: "bad code in month: '13'",
        16: "negative value in target_value (0 or more expected): '-5'",
        17: "year '2025' is not the year of the file's data date 2026",
        18: "duplicate primary key year=2026, month=03, city_code=0574, indicator=new_users: "
        "first at line 3",
        19: "unparsable value in target_value (decimal of at most 6 places expected): '1.2345678'",
        20: "indicator 'collected' is published for the province only: its target takes "
        "city_code ALL",
    }
    assert len(lake_query(lenient, "TARGET")) == 12


def test_a_revised_plan_replaces_the_earlier_one(settings):
    land(settings, "TARGET", [target("00", "ALL", "new_users", "1000")], "2026")
    ingest_landing(settings, progress=None)
    land(
        settings, "TARGET",
        [target("00", "ALL", "new_users", "1200"), target("00", "0571", "new_users", "300")],
        "2026",
    )  # fmt: skip

    (outcome,) = ingest_landing(settings, progress=None).outcomes

    assert (outcome.status, outcome.loaded_count) == ("REPLACED", 2)
    assert lake_query(settings, "TARGET", "city_code, target_value") == [
        ("ALL", Decimal("1200.000000")),
        ("0571", Decimal("300.000000")),
    ]
    assert ops_rows(settings, "SELECT status FROM load_log ORDER BY processed_at") == [
        ("LOADED",),
        ("REPLACED",),
    ]


def test_a_plan_named_with_a_month_fits_no_interface(settings):
    land(settings, "TARGET", [target("00", "ALL", "new_users", "1000")], "202606")

    outcomes = ingest_landing(settings, progress=None).outcomes

    assert {o.reason for o in outcomes} == {
        "TARGET_571_202606_001.AVL fits no interface: TARGET is delivered per YYYY (yearly), "
        "the name carries 202606",
        "TARGET_571_202606_001.CHK fits no interface: TARGET is delivered per YYYY (yearly), "
        "the name carries 202606",
    }
