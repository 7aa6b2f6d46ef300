"""The load log and the reject store against the recomputation's own verdicts and the manifest.

The recomputation decides from the landed bytes, by interfaces.md §1–4, which deliveries are
loaded, replaced, skipped or rejected and which lines are bad (rejections.py). These tests hold
the product's published ``ops.load_log`` and ``ops.rejected_records`` to those verdicts exactly
(status and counts per delivery, in landing order; file name, line number and reason class per
record), and hold the verdicts themselves to the generator's defects manifest: every injected
defect is found with its reason class, and nothing else is rejected.

``raw_line`` of the published copy is masked (interfaces.md §5), so the delivered line is
compared with the unmasked copy that stays in ``ops.duckdb``, the engineers' store.
"""

from __future__ import annotations

import json
from collections import defaultdict

import duckdb

from tests.reconciliation.compare import CLEAN, DEFECTIVE, published
from tests.reconciliation.extracts import blank_password
from tests.reconciliation.rejections import (
    DELIVERY_CLASSES,
    LOADED,
    OVER_THRESHOLD,
    RECORD_CLASSES,
    REJECTED,
    REPLACED,
    delivery_class,
    reason_classes,
)

# Manifest folder -> the batch of the suite's build it landed in (conftest.py).
BATCH = {"landing": 0, "landing_redelivery": 1}


def _log_rows(verdicts) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = defaultdict(list)
    for v in verdicts:
        rows[v.file_name].append(
            (v.status, v.record_count, v.loaded_count, v.rejected_count, v.reason)
        )
    return dict(rows)


def test_load_log(home, recomputed):
    """One row per delivery that landed, in landing order, as the contract decides it."""
    theirs: dict[str, list[tuple]] = defaultdict(list)
    for name, status, records, loaded, rejected, reason in published(
        home,
        "select file_name, status, record_count, loaded_count, rejected_count, reason "
        "from ops.load_log order by processed_at, started_at",
    ):
        kind = delivery_class(reason) if status == REJECTED else None
        theirs[name].append((status, records, loaded, rejected, kind))
    ours = _log_rows(recomputed.x.verdicts)
    differences = [
        f"{name}: recomputed {ours.get(name)}, published {theirs.get(name)}"
        for name in sorted(set(ours) | set(theirs))
        if ours.get(name) != theirs.get(name)
    ]
    assert not differences, f"{len(differences)} deliveries differ:\n" + "\n".join(differences[:15])


def test_rejected_records(home, recomputed):
    """The bad lines of every version loaded, each with the classes its reason names."""
    ours = {
        (v.file_name, line_no): classes
        for v in recomputed.x.loaded.values()
        for line_no, classes in v.bad_lines.items()
    }
    theirs = {
        (name, line_no): reason_classes(reason, RECORD_CLASSES)
        for name, line_no, reason in published(
            home, "select file_name, line_no, reason from ops.rejected_records"
        )
    }
    assert ours == theirs
    assert len(ours) == sum(len(lines) for lines in recomputed.x.rejected_lines.values())


def test_unmasked_raw_lines_are_the_delivered_lines(home, recomputed):
    con = duckdb.connect(str(home / "ops.duckdb"), read_only=True)
    try:
        stored = con.execute("select file_name, line_no, raw_line from rejected_records").fetchall()
    finally:
        con.close()
    ours = {
        (name, line_no): blank_password(name.split("_")[0], line)
        for name, lines in recomputed.x.rejected_lines.items()
        for line_no, line in lines.items()
    }
    assert {(name, line_no): raw for name, line_no, raw in stored} == ours


def test_verdicts_find_exactly_the_injected_defects(home, recomputed):
    manifest = json.loads((home / "defects_manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"]["provinces"] == [DEFECTIVE]
    verdicts = {(v.batch, v.file_name): v for v in recomputed.x.verdicts}
    assert len(verdicts) == len(recomputed.x.verdicts), "a name judged twice in one batch"
    explained: set[tuple[int, str]] = set()
    for entry in manifest["defects"]:
        name, expected = entry["file_name"], entry["expected"]
        what = f"{entry['kind']} {name}"
        if expected["status"] == "PENDING":  # its check file lands with the next batch
            assert (BATCH[entry["folder"]], name) not in verdicts, what
        else:
            verdict = verdicts[(BATCH[entry["folder"]], name)]
            explained.add((verdict.batch, name))
            assert verdict.status == expected["status"], what
            assert verdict.loaded_count == expected["loaded_count"], what
            if "rejected_count" in expected:
                assert verdict.rejected_count == expected["rejected_count"], what
            if verdict.status == REJECTED:
                assert verdict.reason == expected["reason"], what
                assert verdict.reason in DELIVERY_CLASSES, what
            if "record_reason" in expected:
                assert verdict.bad_lines == dict.fromkeys(
                    entry["lines"], frozenset({expected["record_reason"]})
                ), what
            elif "record_reasons" in expected:
                assert verdict.reason == OVER_THRESHOLD, what
                assert verdict.bad_lines == {
                    int(line): frozenset({reason})
                    for line, reason in expected["record_reasons"].items()
                }, what
            else:
                assert verdict.bad_lines == {}, what
        if "then" in entry:
            then = verdicts[(BATCH[entry["then"]["folder"]], name)]
            explained.add((then.batch, name))
            assert then.status in entry["then"]["status_in"], what
            assert then.loaded_count == entry["then"]["loaded_count"], what
            assert then.bad_lines == {}, what
    # The suite's own revised plan (conftest.revise_plan) replaces the clean province's plan.
    revised = (1, f"TARGET_{CLEAN}_2026_001.AVL")
    assert verdicts[revised].status == REPLACED
    explained.add(revised)
    unexplained = sorted(
        key
        for key, v in verdicts.items()
        if key not in explained and (v.status != LOADED or v.bad_lines)
    )
    assert unexplained == [], "rejected or not simply loaded, and not in the manifest"
    # Every delivery of the clean province loads whole, at its first landing.
    clean = [
        v
        for v in recomputed.x.verdicts
        if v.file_name.split("_")[1] == CLEAN and (v.batch, v.file_name) != revised
    ]
    assert {(v.batch, v.status, v.rejected_count) for v in clean} == {(0, LOADED, 0)}


def test_unknown_users_load_and_stay_unknown(home, recomputed):
    """Records of a user in no USER snapshot are not the ingestion's to reject (a quality issue)."""
    manifest = json.loads((home / "defects_manifest.json").read_text(encoding="utf-8"))
    entries = [e for e in manifest["defects"] if e["kind"] == "unknown_user"]
    unknown = {user for entry in entries for user in entry["user_ids"]}
    assert len(entries) == 7 and unknown
    snapshots = recomputed.users
    assert not any(user in snapshot for snapshot in snapshots.values() for user in unknown)
    loaded = {
        r["user_id"]
        for iface in ("VOICE", "SMS", "DATA")
        for r in recomputed.x.events[iface]
        if r["province"] == DEFECTIVE
    }
    assert unknown <= loaded
