"""The raw extract files read back with plain Python, by the input contract (interfaces.md).

Nothing here imports the project: the field lists are copied from the contract, the files are
read with gzip/codecs, and the order in which deliveries landed is replayed from copies of the
landing folder taken before each ingest. The only thing taken from the published copy is what
the contract says ingestion must publish about rejections: ``ops.load_log`` (which delivery was
rejected) and ``ops.rejected_records`` (file name and line number of each rejected record).
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# interfaces.md §3, fields in order.
FIELDS: dict[str, tuple[str, ...]] = {
    "CUST": (
        "cust_id", "cust_type", "cust_name", "cert_type", "cert_no", "gender", "birth_date",
        "city_code", "create_date", "cust_status",
    ),
    "USER": (
        "user_id", "cust_id", "msisdn", "brand", "plan_id", "pay_mode", "open_date",
        "user_status", "status_date", "channel_id", "city_code", "service_password",
    ),
    "ACCT": ("acct_id", "cust_id", "acct_name", "pay_method", "bank_code", "create_date"),
    "PAYREL": (
        "user_id", "acct_id", "item_class", "share_pct", "priority", "eff_date", "exp_date",
    ),
    "GROUP": (
        "group_id", "cust_id", "group_name", "industry_code", "group_class", "city_code",
        "manager_id", "employee_count", "cross_province", "top500_taxpayer", "sign_date",
    ),
    "GMEMBER": ("group_id", "user_id", "join_date", "leave_date", "group_pays"),
    "PLAN": (
        "plan_id", "plan_name", "brand", "monthly_fee_fen", "free_voice_min", "free_data_mb",
        "free_sms", "eff_date", "exp_date",
    ),
    "CHANNEL": ("channel_id", "channel_name", "channel_type", "city_code"),
    "VOICE": (
        "cdr_id", "user_id", "msisdn", "call_type", "other_number", "other_carrier",
        "start_time", "duration_s", "roam_type", "toll_type", "visited_city", "cell_id",
        "base_fee_fen", "toll_fee_fen", "roam_fee_fen",
    ),
    "SMS": (
        "cdr_id", "user_id", "msisdn", "direction", "other_number", "other_carrier",
        "send_time", "sms_type", "fee_fen",
    ),
    "DATA": (
        "cdr_id", "user_id", "msisdn", "start_time", "duration_s", "up_kb", "down_kb", "apn",
        "rat", "roam_type", "fee_fen",
    ),
    "EVENT": (
        "event_id", "user_id", "event_type", "event_time", "channel_id", "staff_id",
        "old_value", "new_value",
    ),
    "PAYMENT": (
        "payment_id", "acct_id", "pay_time", "amount_fen", "pay_channel", "pay_type",
        "ref_payment_id", "staff_id",
    ),
    "BILL": (
        "bill_month", "acct_id", "user_id", "item_code", "item_class", "standard_fee_fen",
        "discount_fen", "actual_fee_fen",
    ),
}  # fmt: skip

SNAPSHOTS = frozenset({"CUST", "USER", "ACCT", "PAYREL", "GROUP", "GMEMBER", "PLAN", "CHANNEL"})
ACCEPTED = frozenset({"LOADED", "REPLACED"})


@dataclass(frozen=True)
class Delivery:
    """One data file plus its check file, as it landed in one batch."""

    batch: int
    file_name: str
    data: bytes
    check: list[str]

    @property
    def iface(self) -> str:
        return self.file_name.split("_")[0]

    @property
    def province(self) -> str:
        return self.file_name.split("_")[1]

    @property
    def data_date(self) -> str:
        return self.file_name.split("_")[2]

    def lines(self) -> list[str]:
        raw = gzip.decompress(self.data) if self.file_name.endswith(".gz") else self.data
        encoding = self.check[5].strip() or "UTF-8"
        text = raw.decode({"UTF-8": "utf-8", "GBK": "gbk"}[encoding.upper()])
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [line[:-1] if line.endswith("\r") else line for line in lines]


@dataclass
class Extracts:
    """The records that should be in the warehouse, by interface.

    ``snapshots[iface][(province, month)]`` is a month's full snapshot; ``events[iface]`` every
    event record of every province, each a dict of the contract's field names plus ``province``.
    """

    snapshots: dict[str, dict[tuple[str, str], list[dict]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    events: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    deliveries: int = 0
    rejected_deliveries: int = 0
    rejected_lines: int = 0


def land_batches(batches: list[Path]) -> list[Delivery]:
    """Replay the landing folder: each batch's files land, then every complete delivery goes.

    A data file whose check file has not arrived stays in the landing folder for the next batch.
    """
    waiting: dict[str, bytes] = {}
    deliveries: list[Delivery] = []
    for number, folder in enumerate(batches):
        for path in sorted(folder.iterdir()):
            waiting[path.name] = path.read_bytes()
        for name in sorted(n for n in waiting if n.endswith(".CHK")):
            stem = name[: -len(".CHK")]
            data_name = next((n for n in (f"{stem}.AVL", f"{stem}.AVL.gz") if n in waiting), None)
            if data_name is None:
                continue
            check = waiting.pop(name).decode("ascii").strip().split("|")
            deliveries.append(Delivery(number, data_name, waiting.pop(data_name), check))
    return deliveries


def replay(
    deliveries: list[Delivery],
    load_log: list[tuple[str, str, int, int, int]],
    rejected_records: list[tuple[str, int, str]],
) -> Extracts:
    """The records the contract says end up loaded.

    ``load_log`` rows are (file_name, status, record_count, loaded_count, rejected_count) in
    processing order; ``rejected_records`` rows (file_name, line_no, raw_line). A rejected
    delivery loads nothing; a later accepted delivery with the same name replaces the earlier
    one, and a SKIPPED one (identical to it) leaves it in place. The records of
    ``rejected_records`` (they belong to the current version of a name) are dropped; every other
    record of the current version is loaded.
    """
    outcomes: dict[str, list[tuple[str, int, int, int]]] = defaultdict(list)
    for file_name, status, record_count, loaded, rejected in load_log:
        outcomes[file_name].append((status, record_count, loaded, rejected))
    ours: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        ours[delivery.file_name].append(delivery)
    assert {n: len(d) for n, d in ours.items()} == {n: len(o) for n, o in outcomes.items()}, (
        "every delivery that landed has exactly one load_log row"
    )

    extracts = Extracts()
    current: dict[str, tuple[Delivery, tuple[str, int, int, int]]] = {}
    for name, versions in ours.items():
        for delivery, outcome in zip(versions, outcomes[name], strict=True):
            extracts.deliveries += 1
            if outcome[0] == "SKIPPED":
                # Recognised as the version already loaded: that version stays.
                assert name in current and current[name][0].data == delivery.data, name
            elif outcome[0] in ACCEPTED:
                current[name] = (delivery, outcome)
            else:
                assert outcome[0] == "REJECTED", (name, outcome)
                extracts.rejected_deliveries += 1

    rejected_lines: dict[str, dict[int, str]] = defaultdict(dict)
    for file_name, line_no, raw_line in rejected_records:
        rejected_lines[file_name][line_no] = raw_line

    for name, (delivery, (_status, record_count, loaded, rejected)) in sorted(current.items()):
        lines = delivery.lines()
        dropped = rejected_lines.pop(name, {})
        fields = FIELDS[delivery.iface]
        # loaded + rejected = record_count, always; and the rejected lines are these lines.
        assert len(lines) == int(delivery.check[2]) == record_count, name
        assert loaded + rejected == record_count and rejected == len(dropped), name
        for line_no, raw_line in dropped.items():
            assert _blank_password(delivery.iface, lines[line_no - 1]) == raw_line, (
                name,
                line_no,
            )
        extracts.rejected_lines += len(dropped)
        for line_no, line in enumerate(lines, start=1):
            if line_no in dropped:
                continue
            values = line.split("|")
            assert len(values) == len(fields), (name, line_no, line)
            record = {f: (v if v != "" else None) for f, v in zip(fields, values, strict=True)}
            record["province"] = delivery.province
            if delivery.iface in SNAPSHOTS:
                key = (delivery.province, delivery.data_date)
                extracts.snapshots[delivery.iface][key].append(record)
            else:
                extracts.events[delivery.iface].append(record)
    assert not rejected_lines, f"rejected records of no loaded delivery: {sorted(rejected_lines)}"
    return extracts


def _blank_password(iface: str, line: str) -> str:
    """interfaces.md §5: raw_line of a USER record has its service_password field blanked."""
    if iface != "USER":
        return line
    values = line.split("|")
    if len(values) == len(FIELDS["USER"]):
        values[-1] = ""
    return "|".join(values)
