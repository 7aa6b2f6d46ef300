"""Quality on a generated province with injected defects: warnings name them and do not block.

One pipeline run for the module. Every defect kind quality should see — users in no snapshot,
bills that differ from the rated CDRs, rejected records and rejected deliveries (load log) — is
named in the quality results. The last test breaks a reconciliation (a blocking dbt test) and
runs the pipeline again: the gate keeps the published copy and names the rule.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import duckdb
import pytest

from core.errors import JingfenError
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


def test_bill_mismatches_are_named(settings, manifest, latest):
    injected = [d for d in manifest if d["kind"] == "bill_mismatch"]
    assert len(injected) == 6  # seed 31
    result = latest[("revenue_assurance", "marts/fct_bill_items")]
    assert not result["passed"] and result["severity"] == results.WARNING
    # The details sample 20 rows; every failing row is in the test's stored_failures view.
    view = result["details"]["stored_failures"]
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        cursor = con.execute(f"select * from {view}")
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    named = {(m["user_id"], m["bill_month"], m["item_class"]): m for m in rows}
    assert len(named) == result["observed_value"] == 674  # seed 31
    rated_from = {"LOCAL": "VOICE", "TOLL": "VOICE", "ROAM": "VOICE", "SMS": "SMS", "DATA": "DATA"}
    complete = 0
    for defect in injected:
        found = named.pop((defect["user_id"], defect["data_date"], defect["item_class"]))
        assert found["billed_fen"] == defect["billed_fee_fen"], defect
        if not _incomplete(manifest, rated_from[defect["item_class"]], defect["data_date"]):
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


def test_failing_reconciliation_keeps_the_published_copy(settings):
    """Last in the module: it changes the home. A BILL item repeated in a lake file that bypassed
    ingestion is kept once by staging but counted twice by the ledger: arrears_match_ledger, a
    blocking dbt test, fails for that account's month and the publication is skipped."""
    from orchestration.runner import run_pipeline

    bills = sorted((settings.lake / "bill" / "province=571" / "data_date=202602").glob("*.parquet"))
    copy = bills[0].with_name("BILL_571_202602_999.parquet")
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        # an account in arrears in the newest month: one more bill item raises its ledger there
        [(acct_id,)] = con.execute(
            "select min(acct_id) from marts.fct_account_months "
            "where stat_month = '202602' and arrears_fen > 0"
        ).fetchall()
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * replace ('BILL_571_202602_999.AVL' as _file_name) "
            f"from read_parquet('{bills[0]}') where acct_id = '{acct_id}' "
            f"and actual_fee_fen > 0 order by _line_no limit 1) to '{copy}'"
        )
        assert con.execute(f"select count(*) from '{copy}'").fetchone() == (1,), acct_id
    before = (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes())
    try:
        with pytest.raises(JingfenError, match="blocking check") as failure:
            run_pipeline(settings, say=lambda _m: None)
    finally:
        copy.unlink()
    assert "arrears_match_ledger on marts/fct_account_months (1 failing rows)" in str(failure.value)
    assert "previous published copy is unchanged" in str(failure.value)
    assert (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes()) == before
    ledger = {(r["check_name"], r["asset"]): r for r in results.latest(settings)}[
        ("arrears_match_ledger", "marts/fct_account_months")
    ]
    assert (ledger["passed"], ledger["severity"], ledger["observed_value"]) == (
        False, results.BLOCKING, 1.0
    )  # fmt: skip
    [row] = json.loads(ledger["details"])["failing_rows"]
    assert (row["level"], row["acct_id"], row["stat_month"]) == ("account", acct_id, "202602")
    assert row["ledger_fen"] > row["mart_fen"]
