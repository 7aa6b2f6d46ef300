"""Quality on a generated province with injected defects: warnings name them and do not block.

One pipeline run for the module. Every defect kind quality should see — users in no snapshot,
bills that differ from the rated CDRs, rejected records and rejected deliveries (load log) — is
named in the quality results.
"""

from __future__ import annotations

import json

import pytest

from data_quality import results
from jingfen.settings import Settings
from tests.data_quality.conftest import query, run_province


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    yield from run_province(tmp_path_factory.mktemp("defects"), defects=0.05, seed=31)


@pytest.fixture(scope="module")
def manifest(settings) -> list[dict]:
    path = settings.landing.parent / "defects_manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))["defects"]


@pytest.fixture(scope="module")
def latest(settings) -> dict[tuple[str, str], dict]:
    found = {}
    for row in results.latest(settings):
        row["details"] = json.loads(row["details"])
        found[(row["check_name"], row["asset"])] = row
    return found


def test_warnings_do_not_block_the_publication(settings, latest):
    assert settings.serving_db.exists()
    failed = [v for v in latest.values() if not v["passed"]]
    assert failed and all(v["severity"] == results.WARNING for v in failed)
    published = query(
        settings.serving_db, "select count(*) from ops.quality_results where not passed"
    )
    assert published[0][0] > 0


def test_unknown_users_are_named(manifest, latest):
    injected = {u for d in manifest if d["kind"] == "unknown_user" for u in d["user_ids"]}
    assert injected
    named = set()
    for iface in ("voice", "sms", "data"):
        result = latest[("unknown_users", f"lake/{iface}")]
        named |= {u for day in result["details"]["data_dates"] for u in day["user_ids"]}
    assert injected <= named


def test_bill_mismatches_are_named(manifest, latest):
    injected = {(d["user_id"], d["data_date"]) for d in manifest if d["kind"] == "bill_mismatch"}
    assert injected
    result = latest[("revenue_assurance", "marts/fct_bill_items")]
    assert not result["passed"]
    named = {(m["user_id"], m["month"]) for m in result["details"]["mismatches"]}
    assert injected <= named


def test_rejected_records_and_deliveries_are_named(manifest, latest):
    rejected_files = {d["file_name"] for d in manifest if d["expected"].get("status") == "REJECTED"}
    record_reasons = {
        d["expected"]["record_reason"]
        for d in manifest
        if d["expected"].get("rejected_count") and d["expected"].get("status") == "LOADED"
    }
    assert rejected_files and record_reasons
    named_files, named_reasons = set(), set()
    for iface in ("voice", "sms", "data"):
        details = latest[("rejections", f"lake/{iface}")]["details"]
        named_files |= {d["file"] for d in details["rejected_deliveries"]}
        named_reasons |= set(details["rejected_record_reasons"])
    assert rejected_files <= named_files
    for reason in record_reasons:
        assert any(named.startswith(reason) for named in named_reasons), reason
