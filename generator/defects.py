"""Defects injected on purpose (interfaces.md §4), each written down in defects_manifest.json.

Bad records are added as extra lines (copies of real records, broken one way) so the records that
do load stay exactly the generated ones; whatever a defect takes away from the first delivery, a
corrected delivery in the sibling folder ``landing_redelivery/`` brings back. Every entry says what
ingestion must report: the delivery status, the rejected lines and their reason, and what landing
the sibling folder's file must then do.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from core.contract import INTERFACES, FieldType
from generator import ids
from generator.files import Delivery

REDELIVERY_FOLDER = "landing_redelivery"
MANIFEST_NAME = "defects_manifest.json"
LANDING, REDELIVERY = "landing", "redelivery"

RECORD_REASONS = {
    "field_count": "wrong number of fields",
    "unparsable": "unparsable value",
    "bad_code": "bad code",
    "null_pk": "NULL primary key",
    "duplicate_pk": "duplicate primary key",
}
DELIVERY_REASONS = {
    "count_mismatch": "record count in the check file differs from the data file",
    "size_mismatch": "byte size in the check file differs from the data file",
    "corrupt_gzip": "data file is not a readable gzip",
    "over_threshold": "more than 5% of the records rejected",
}
# Every kind appears at least once whenever defects > 0; one over-threshold delivery per run.
MANDATORY = (
    *RECORD_REASONS,
    "unknown_user",
    "count_mismatch",
    "size_mismatch",
    "corrupt_gzip",
    "late_check_file",
    "over_threshold",
    "redelivery",
    "duplicate_delivery",
)
RANDOM_KINDS = tuple(k for k in MANDATORY if k != "over_threshold")
ELIGIBLE_IFACES = ("VOICE", "SMS", "DATA")
MIN_RECORDS = 60  # three bad lines stay under the 5% threshold
# Only the usage interfaces (about 120 of 190 deliveries a month) take delivery defects, so they
# take them more often to hit the requested share of all deliveries.
ELIGIBLE_SCALE = 190 / 120
BILL_MISMATCHES = 3
_FRESH_KEY_OFFSET = 9_000_000_000  # record ids use sequence numbers far below this


@dataclass(frozen=True)
class PlannedDefect:
    kind: str
    seed: int


@dataclass
class FileWrite:
    """One data file (and its check file) a delivery turns into, possibly broken."""

    folder: str
    text: bytes  # UTF-8 records as generated; packaging (GBK, gzip) happens on write
    count: int
    check_count: int | None = None
    size_delta: int = 0
    truncate_gzip: bool = False
    check_folder: str | None = None


@dataclass
class DefectInjector:
    rate: float
    rng: np.random.Generator
    pending: list[str] = field(default_factory=lambda: list(MANDATORY))

    @property
    def active(self) -> bool:
        return self.rate > 0

    def plan(self, delivery: Delivery, count: int) -> PlannedDefect | None:
        if not self.active or delivery.iface not in ELIGIBLE_IFACES or count < MIN_RECORDS:
            return None
        kind = next((k for k in self.pending if _fits(k, delivery)), None)
        if kind is not None:
            self.pending.remove(kind)
        elif self.rng.random() < min(1.0, self.rate * ELIGIBLE_SCALE):
            kinds = [k for k in RANDOM_KINDS if _fits(k, delivery)]
            kind = kinds[int(self.rng.integers(len(kinds)))]
        else:
            return None
        return PlannedDefect(kind, int(self.rng.integers(2**62)))

    def gbk_entry(self, delivery: Delivery, count: int) -> list[dict[str, Any]]:
        if not self.active or delivery.encoding != "GBK":
            return []
        return [
            _entry(
                "gbk_file",
                delivery,
                count,
                {"status": "LOADED", "loaded_count": count, "rejected_count": 0},
            )
        ]

    def mismatch_bill(self, delivery: Delivery, table: pa.Table) -> tuple[pa.Table, list[dict]]:
        """Revenue-assurance bait: a few usage items billed differently from their CDRs."""
        if not self.active:
            return table, []
        item_class = table.column("item_class").to_pylist()
        usage = np.flatnonzero(np.isin(item_class, ["LOCAL", "TOLL", "ROAM", "SMS", "DATA"]))
        rows = np.sort(self.rng.choice(usage, size=min(BILL_MISMATCHES, len(usage)), replace=False))
        standard = table.column("standard_fee_fen").to_numpy().copy()
        actual = table.column("actual_fee_fen").to_numpy().copy()
        entries = []
        for row in rows.tolist():
            delta = int(self.rng.integers(100, 5000))
            rated = int(standard[row])
            standard[row] += delta
            actual[row] += delta
            entries.append(
                _entry(
                    "bill_mismatch",
                    delivery,
                    table.num_rows,
                    {
                        "status": "LOADED",
                        "loaded_count": table.num_rows,
                        "rejected_count": 0,
                        "revenue_assurance": "standard_fee_fen differs from the rated CDR fees",
                    },
                    lines=[row + 1],
                    acct_id=str(table.column("acct_id")[row].as_py()),
                    user_id=str(table.column("user_id")[row].as_py()),
                    item_class=item_class[row],
                    rated_fee_fen=rated,
                    billed_fee_fen=rated + delta,
                )
            )
        table = table.set_column(5, "standard_fee_fen", pa.array(standard))
        table = table.set_column(7, "actual_fee_fen", pa.array(actual))
        return table, entries


def _fits(kind: str, delivery: Delivery) -> bool:
    return delivery.gz if kind == "corrupt_gzip" else True


def _entry(
    kind: str,
    delivery: Delivery,
    record_count: int,
    expected: dict[str, Any],
    folder: str = LANDING,
    lines: list[int] | None = None,
    **details: Any,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": kind,
        "folder": folder,
        "file_name": delivery.file_name,
        "check_file": delivery.check_name,
        "iface": delivery.iface,
        "province_code": delivery.province,
        "data_date": delivery.data_date,
        "record_count": record_count,
        "lines": lines or [],
        "expected": expected,
    }
    entry.update(details)
    return entry


def apply(
    defect: PlannedDefect, delivery: Delivery, text: bytes, count: int
) -> tuple[list[FileWrite], list[dict[str, Any]]]:
    """The files one planned defect turns a clean delivery into, and its manifest entry."""
    rng = np.random.default_rng(defect.seed)
    kind = defect.kind
    clean = FileWrite(LANDING, text, count)
    fixed = FileWrite(REDELIVERY, text, count)
    after_fix = {
        "folder": REDELIVERY_FOLDER,
        "status_in": ["LOADED", "REPLACED"],
        "loaded_count": count,
    }
    if kind in RECORD_REASONS or kind == "unknown_user":
        bad = int(rng.integers(1, 4))
        broken, placed = _insert_bad_lines(rng, delivery, text, [kind] * bad)
        lines = [number for number, _, _ in placed]
        total = count + bad
        if kind == "unknown_user":
            expected = {
                "status": "LOADED",
                "loaded_count": total,
                "rejected_count": 0,
                "quality": "user_id found in no USER snapshot",
            }
            return [FileWrite(LANDING, broken, total)], [
                _entry(
                    kind,
                    delivery,
                    total,
                    expected,
                    lines=lines,
                    user_ids=[user for _, _, user in placed],
                )
            ]
        expected = {
            "status": "LOADED",
            "loaded_count": count,
            "rejected_count": bad,
            "record_reason": RECORD_REASONS[kind],
        }
        return [FileWrite(LANDING, broken, total)], [
            _entry(kind, delivery, total, expected, lines=lines)
        ]
    if kind == "over_threshold":
        bad = math.ceil(count * 0.08)
        kinds = [list(RECORD_REASONS)[i % len(RECORD_REASONS)] for i in range(bad)]
        broken, placed = _insert_bad_lines(rng, delivery, text, kinds)
        lines = [number for number, _, _ in placed]
        expected = {
            "status": "REJECTED",
            "reason": DELIVERY_REASONS[kind],
            "loaded_count": 0,
            "rejected_count": count + bad,  # a rejected delivery loads none of its records
            "bad_records": bad,
            "record_reasons": {str(n): RECORD_REASONS[k] for n, k, _ in placed},
        }
        return [FileWrite(LANDING, broken, count + bad), fixed], [
            _entry(kind, delivery, count + bad, expected, lines=lines, then=after_fix)
        ]
    if kind in ("count_mismatch", "size_mismatch", "corrupt_gzip"):
        broken = FileWrite(
            LANDING,
            text,
            count,
            check_count=count + 1 if kind == "count_mismatch" else None,
            size_delta=17 if kind == "size_mismatch" else 0,
            truncate_gzip=kind == "corrupt_gzip",
        )
        expected = {"status": "REJECTED", "reason": DELIVERY_REASONS[kind], "loaded_count": 0}
        return [broken, fixed], [_entry(kind, delivery, count, expected, then=after_fix)]
    if kind == "late_check_file":
        expected = {"status": "PENDING", "check_file_in": REDELIVERY_FOLDER}
        then = {
            "folder": REDELIVERY_FOLDER,
            "status_in": ["LOADED"],
            "loaded_count": count,
            "note": "only the check file is in the sibling folder: move it next to the data",
        }
        return [FileWrite(LANDING, text, count, check_folder=REDELIVERY)], [
            _entry(kind, delivery, count, expected, then=then)
        ]
    if kind == "redelivery":
        lines = text.split(b"\n")[:-1]
        first = len(lines) * 9 // 10
        partial = b"".join(line + b"\n" for line in lines[:first])
        expected = {"status": "LOADED", "loaded_count": first, "rejected_count": 0}
        then = {
            "folder": REDELIVERY_FOLDER,
            "status_in": ["REPLACED"],
            "loaded_count": count,
            "note": "same name, different content: replaces the first version's records",
        }
        return [FileWrite(LANDING, partial, first), fixed], [
            _entry(kind, delivery, first, expected, then=then)
        ]
    if kind == "duplicate_delivery":
        then = {
            "folder": REDELIVERY_FOLDER,
            "status_in": ["SKIPPED"],
            "loaded_count": 0,
            "note": "byte-identical copy of a delivery already loaded",
        }
        expected = {"status": "LOADED", "loaded_count": count, "rejected_count": 0}
        return [clean, fixed], [_entry(kind, delivery, count, expected, then=then)]
    raise ValueError(f"unknown defect kind {kind!r}")


def _insert_bad_lines(
    rng: np.random.Generator, delivery: Delivery, text: bytes, kinds: list[str]
) -> tuple[bytes, list[tuple[int, str, str]]]:
    """Add one broken copy of a random record per kind.

    Returns the new text and, in line order, (1-based line, kind, user_id of an unknown user).
    """
    iface = INTERFACES[delivery.iface]
    types = [f.type for f in iface.fields]
    time_at = types.index(FieldType.TIMESTAMP)
    code_at = types.index(FieldType.CODE)
    user_at, msisdn_at = iface.field_names.index("user_id"), iface.field_names.index("msisdn")
    lines = text.split(b"\n")[:-1]
    inserts: list[tuple[int, int, bytes, str, str]] = []
    for j, kind in enumerate(kinds):
        src = int(rng.integers(len(lines)))
        fields = lines[src].split(b"|")
        if kind != "duplicate_pk":
            fields[0] = str(int(fields[0]) + _FRESH_KEY_OFFSET + j).encode()
        slot = (
            int(rng.integers(src + 1, len(lines) + 1))
            if kind == "duplicate_pk"
            else int(rng.integers(0, len(lines) + 1))
        )
        if kind == "field_count":
            fields = fields[:-1]
        elif kind == "unparsable":
            fields[time_at] = delivery.data_date[:8].ljust(8, "1").encode() + b"256199"
        elif kind == "bad_code":
            fields[code_at] = b"XX"
        elif kind == "null_pk":
            fields[0] = b""
        elif kind == "duplicate_pk":
            fields[-1] = str(int(fields[-1] or 0) + 1).encode()
        elif kind == "unknown_user":
            user = int(ids.entity_id(delivery.province, ids.USER, ids.UNKNOWN_INDEX_BASE + src))
            fields[user_at] = str(user).encode()
            fields[msisdn_at] = f"1470{src % 10**7:07d}".encode()
        inserts.append((slot, j, b"|".join(fields), kind, fields[user_at].decode()))
    out: list[bytes] = []
    placed: list[tuple[int, str, str]] = []
    done = 0
    for slot, _, line, kind, user in sorted(inserts):
        out.extend(lines[done:slot])
        done = slot
        out.append(line)
        placed.append((len(out), kind, user))
    out.extend(lines[done:])
    return b"".join(line + b"\n" for line in out), placed


def write_manifest(
    path: Path, settings: dict[str, Any], landing: str, entries: list[dict[str, Any]]
) -> None:
    document = {
        "generator": settings,
        "landing": landing,
        "redelivery_folder": REDELIVERY_FOLDER,
        "defects": entries,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
