"""The raw extract files read back with plain Python, by the input contract (interfaces.md).

Nothing here imports the project or reads what it wrote: the field lists are copied from the
contract, the order in which deliveries landed is replayed from copies of the landing folder
taken before each ingest, and which deliveries and records are rejected is decided here
(rejections.py), so that the product's load log can be checked against it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.reconciliation.rejections import Verdict, judge_delivery

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
    "TARGET": ("year", "month", "city_code", "indicator", "target_value"),
}  # fmt: skip

SNAPSHOTS = frozenset({"CUST", "USER", "ACCT", "PAYREL", "GROUP", "GMEMBER", "PLAN", "CHANNEL"})


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
    verdicts: list[Verdict] = field(default_factory=list)
    loaded: dict[str, Verdict] = field(default_factory=dict)  # the version loaded, by name
    # file name -> line number -> line, the bad lines of the version loaded under each name.
    rejected_lines: dict[str, dict[int, str]] = field(default_factory=dict)


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


def replay(deliveries: list[Delivery]) -> Extracts:
    """The records the contract says end up loaded, and the verdict on every delivery.

    Deliveries are judged in landing order (``rejections.judge_delivery``): a rejected one loads
    nothing and leaves the version loaded under its name in place; an accepted one replaces it;
    one identical to it is skipped. Every line of the version finally loaded under each name
    is loaded except its bad lines.
    """
    extracts = Extracts()
    current: dict[str, tuple[Delivery, Verdict, list[str]]] = {}
    for delivery in deliveries:
        loaded = current.get(delivery.file_name)
        verdict, lines = judge_delivery(
            delivery.batch, delivery.file_name, delivery.data, delivery.check,
            loaded[0].data if loaded else None,
        )  # fmt: skip
        extracts.verdicts.append(verdict)
        if verdict.accepted:
            assert lines is not None
            current[delivery.file_name] = (delivery, verdict, lines)

    for name, (delivery, verdict, lines) in sorted(current.items()):
        fields = FIELDS[delivery.iface]
        extracts.loaded[name] = verdict
        extracts.rejected_lines[name] = {n: lines[n - 1] for n in verdict.bad_lines}
        for line_no, line in enumerate(lines, start=1):
            if line_no in verdict.bad_lines:
                continue
            values = line.split("|")
            record = {f: (v if v != "" else None) for f, v in zip(fields, values, strict=True)}
            record["province"] = delivery.province
            if delivery.iface in SNAPSHOTS:
                key = (delivery.province, delivery.data_date)
                extracts.snapshots[delivery.iface][key].append(record)
            else:
                extracts.events[delivery.iface].append(record)
    return extracts


def blank_password(iface: str, line: str) -> str:
    """interfaces.md §5: raw_line of a USER record has its service_password field blanked."""
    if iface != "USER":
        return line
    values = line.split("|")
    if len(values) == len(FIELDS["USER"]):
        values[-1] = ""
    return "|".join(values)
