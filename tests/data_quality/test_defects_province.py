"""Quality on a generated province with injected defects: warnings name them and do not block.

One pipeline run for the module. Every defect kind quality should see — users in no snapshot,
bills that differ from the rated CDRs, rejected records and rejected deliveries (load log) — is
named in the quality results.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.settings import Settings
from data_quality import results
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
    failed = {k: v["severity"] for k, v in latest.items() if not v["passed"]}
    # Seed 31: rejected deliveries of VOICE, SMS and DATA (rejections, holes in the sequence, a
    # VOICE day short in volume), unknown users in SMS and DATA files only, and bill mismatches.
    assert failed == dict.fromkeys(
        [("rejections", "lake/voice"), ("rejections", "lake/sms"), ("rejections", "lake/data"),
         ("sequence_complete", "lake/voice"), ("sequence_complete", "lake/sms"),
         ("sequence_complete", "lake/data"), ("volume", "lake/voice"),
         ("unknown_users", "lake/sms"), ("unknown_users", "lake/data"),
         ("revenue_assurance", "marts/fct_bill_items")],
        results.WARNING,
    )  # fmt: skip
    published = query(
        settings.serving_db,
        "select check_name, asset, severity from ops.quality_results where not passed",
    )
    assert {(check, asset): severity for check, asset, severity in published} == failed
    assert len(published) == len(failed)


def test_unknown_users_are_named(manifest, latest):
    injected = {u for d in manifest if d["kind"] == "unknown_user" for u in d["user_ids"]}
    assert len(injected) == 3  # seed 31
    named = set()
    for iface in ("voice", "sms", "data"):
        result = latest[("unknown_users", f"lake/{iface}")]
        named |= {u for day in result["details"]["data_dates"] for u in day["user_ids"]}
    assert named == injected


def _incomplete(manifest: list[dict], iface: str, month: str) -> bool:
    """A delivery of ``iface`` that may carry records of ``month`` (dated in it or in the 7
    days after it) was rejected: the rated side of the month is short."""
    first = dt.date(int(month[:4]), int(month[4:]), 1)
    last = (first + dt.timedelta(days=31)).replace(day=1) + dt.timedelta(days=7)
    return any(
        d["iface"] == iface
        and d["expected"].get("status") == "REJECTED"
        and first <= dt.datetime.strptime(d["data_date"], "%Y%m%d").date() < last
        for d in manifest
    )


def test_bill_mismatches_are_named(manifest, latest):
    injected = [d for d in manifest if d["kind"] == "bill_mismatch"]
    assert len(injected) == 6  # seed 31
    result = latest[("revenue_assurance", "marts/fct_bill_items")]
    assert not result["passed"]
    named = {
        (m["user_id"], m["month"], m["item_class"]): m for m in result["details"]["mismatches"]
    }
    rated_from = {"LOCAL": "VOICE", "TOLL": "VOICE", "ROAM": "VOICE", "SMS": "SMS", "DATA": "DATA"}
    complete = 0
    for defect in injected:
        found = named[(defect["user_id"], defect["data_date"], defect["item_class"])]
        incomplete = _incomplete(manifest, rated_from[defect["item_class"]], defect["data_date"])
        assert found["deliveries_incomplete"] == incomplete, defect
        assert found["billed_fen"] == defect["billed_fee_fen"], defect
        if not incomplete:
            complete += 1
            assert found["rated_fen"] == defect["rated_fee_fen"], defect
    assert complete == 2  # SMS and DATA of 202602; VOICE lost a delivery in both months


def test_rejected_records_and_deliveries_are_named(manifest, latest):
    usage = ("VOICE", "SMS", "DATA")
    rejected_files = {
        d["file_name"]
        for d in manifest
        if d["expected"].get("status") == "REJECTED" and d["iface"] in usage
    }
    rejected_lines: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    for d in manifest:
        if d["expected"].get("status") == "LOADED" and d["expected"].get("rejected_count"):
            count = d["expected"]["rejected_count"]
            rejected_lines[d["file_name"]] = rejected_lines.get(d["file_name"], 0) + count
            reason = d["expected"]["record_reason"]
            by_reason[reason] = by_reason.get(reason, 0) + count
    assert len(rejected_files) == 8 and sum(rejected_lines.values()) == 48  # seed 31
    named_files, named_lines, named_reasons = set(), {}, {}
    for iface in ("voice", "sms", "data"):
        details = latest[("rejections", f"lake/{iface}")]["details"]
        named_files |= {d["file"] for d in details["rejected_deliveries"]}
        named_lines |= {
            d["file"]: d["rejected"] for d in details["deliveries_with_rejected_records"]
        }
        for named, count in details["rejected_record_reasons"].items():
            # A named reason is the contract's, followed by the field it was found in.
            reason = next(r for r in by_reason if named.startswith(r))
            named_reasons[reason] = named_reasons.get(reason, 0) + count
    assert named_files == rejected_files
    assert named_lines == rejected_lines
    assert named_reasons == by_reason
