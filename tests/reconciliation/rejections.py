"""Which deliveries and records the contract rejects, decided from the landed bytes alone.

interfaces.md §1–4 read literally, in plain Python: the value rules below are copied from the
contract's field lists (§3), not from the project. A ``Verdict`` says what the load log must
record for one delivery and which of its lines must be rejected, with the class of each reason
(the phrase the product's reason starts with; the wording beyond it is the product's).
"""

from __future__ import annotations

import calendar
import functools
import gzip
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

THRESHOLD_PERCENT = 5  # §4.3, the default share

# Reason classes of a rejected record (§4.2) and of a rejected delivery (§4.1, §4.3).
FIELD_COUNT, UNPARSABLE, BAD_CODE = "wrong number of fields", "unparsable value", "bad code"
NULL_PK, DUPLICATE_PK = "NULL primary key", "duplicate primary key"
BAD_VALUE = "bad value"  # a plan's year that is not the file's
BAD_NAME = "fits no interface"
SIZE = "byte size in the check file differs from the data file"
COUNT = "record count in the check file differs from the data file"
GZIP = "data file is not a readable gzip"
OVER_THRESHOLD = "more than 5% of the records rejected"
DELIVERY_CLASSES = (BAD_NAME, SIZE, COUNT, GZIP, OVER_THRESHOLD)
RECORD_CLASSES = (FIELD_COUNT, UNPARSABLE, BAD_CODE, NULL_PK, DUPLICATE_PK)

LOADED, REPLACED, SKIPPED, REJECTED = "LOADED", "REPLACED", "SKIPPED", "REJECTED"

# Value types of interfaces.md §3; a frozenset is the field's list of codes.
TEXT, INT, DATE, TIME, MONTH, MSISDN, PERCENT, YEAR, AMOUNT = (
    "text", "int", "date", "time", "month", "msisdn", "percent", "year", "amount",
)  # fmt: skip
# TARGET (interfaces.md §3): the indicators a target can name.
TARGET_INDICATORS = frozenset(
    {"users_on_net", "new_users", "churned_users", "net_adds", "churn_rate", "billed_revenue",
     "late_fee_revenue", "arpu", "calls", "voice_minutes", "billed_minutes", "mou", "sms_sent",
     "data_mb", "dou", "collected", "bad_debt", "arrears", "doubtful_debt"}
)  # fmt: skip
CARRIERS = frozenset({"CMCC", "CU", "CT", "OTHER"})
BRANDS = frozenset({"GOTONE", "SZX", "MZONE"})
CHANNEL_TYPES = frozenset({"HALL", "AGENT", "WEB", "SMS", "APP", "HOTLINE", "BANK"})
ITEM_CLASSES = frozenset(
    {"RENTAL", "LOCAL", "TOLL", "ROAM", "SMS", "DATA", "VAS", "LATEFEE", "OTHER"}
)
ROAM_TYPES = frozenset("0123")
FLAGS = frozenset("01")
INDUSTRIES = frozenset(
    {"GOV", "MILITARY", "MEDIA", "TELECOM", "POSTAL", "BANK", "POWER", "WATER", "GAS",
     "HIGHWAY", "AIRPORT", "RAILWAY", "SECURITIES", "INSURANCE", "MANUFACTURING", "RETAIL",
     "EDUCATION", "HEALTH", "OTHER"}
)  # fmt: skip
TYPES: dict[str, tuple] = {
    "CUST": (TEXT, frozenset("12"), TEXT, frozenset("1239"), TEXT, frozenset("MF"), DATE,
             TEXT, DATE, FLAGS),
    "USER": (TEXT, TEXT, MSISDN, BRANDS, TEXT, frozenset({"PRE", "POST"}), DATE,
             frozenset({"NORMAL", "SUSPEND", "PRECANCEL", "CANCEL"}), DATE, TEXT, TEXT, TEXT),
    "ACCT": (TEXT, TEXT, TEXT, frozenset({"CASH", "BANK", "AGENT"}), TEXT, DATE),
    "PAYREL": (TEXT, TEXT, ITEM_CLASSES | {"ALL"}, PERCENT, INT, DATE, DATE),
    "GROUP": (TEXT, TEXT, TEXT, INDUSTRIES, frozenset("ABC"), TEXT, TEXT, INT, FLAGS, FLAGS,
              DATE),
    "GMEMBER": (TEXT, TEXT, DATE, DATE, FLAGS),
    "PLAN": (TEXT, TEXT, BRANDS, INT, INT, INT, INT, DATE, DATE),
    "CHANNEL": (TEXT, TEXT, CHANNEL_TYPES, TEXT),
    "VOICE": (TEXT, TEXT, MSISDN, frozenset({"MOC", "MTC", "FWD"}), TEXT, CARRIERS, TIME, INT,
              ROAM_TYPES, frozenset("01234"), TEXT, TEXT, INT, INT, INT),
    "SMS": (TEXT, TEXT, MSISDN, frozenset({"MO", "MT"}), TEXT, CARRIERS, TIME,
            frozenset({"P2P", "SP"}), INT),
    "DATA": (TEXT, TEXT, MSISDN, TIME, INT, INT, INT, TEXT, frozenset({"2G", "3G", "4G", "5G"}),
             ROAM_TYPES, INT),
    "EVENT": (TEXT, TEXT, frozenset({"OPEN", "CHANGE_PLAN", "SUSPEND", "RESUME", "PRECANCEL",
                                     "CANCEL", "TRANSFER", "SIMSWAP", "PORTOUT"}),
              TIME, TEXT, TEXT, TEXT, TEXT),
    "PAYMENT": (TEXT, TEXT, TIME, INT, CHANNEL_TYPES | {"AUTO"},
                frozenset({"CASH", "CARD", "BANK_COLLECT", "AGENT_COLLECT", "TOPUP", "WRITEOFF"}),
                TEXT, TEXT),
    "BILL": (MONTH, TEXT, TEXT, TEXT, ITEM_CLASSES, INT, INT, INT),
    # year (it must also be the file's data date: judge_records), month, city_code (text here:
    # the suite's plans name only real cities), indicator, target_value (0 or more)
    "TARGET": (YEAR, frozenset({f"{m:02d}" for m in range(13)}), TEXT, TARGET_INDICATORS,
               AMOUNT),
}  # fmt: skip
# Positions of the primary key fields (§3: the first field unless the table names several).
KEYS: dict[str, tuple[int, ...]] = {
    "PAYREL": (0, 1, 2, 5), "GMEMBER": (0, 1, 2), "BILL": (1, 2, 3), "TARGET": (0, 1, 2, 3),
}  # fmt: skip
MONTHLY = frozenset({"CUST", "USER", "ACCT", "PAYREL", "GROUP", "GMEMBER", "PLAN", "CHANNEL",
                     "BILL"})  # fmt: skip
YEARLY = frozenset({"TARGET"})
NAME = re.compile(r"([A-Z]+)_([0-9]{3})_([0-9]+)_([0-9]{3})\.AVL(\.gz)?", re.ASCII)
BIGINT = 2**63


@dataclass
class Verdict:
    """What the load log must say about one delivery, and which of its lines are bad.

    ``bad_lines`` maps a 1-based line number to the classes of its reason; it is filled for a
    delivery rejected over the threshold too (none of them is published then).
    """

    batch: int
    file_name: str
    status: str
    record_count: int | None
    loaded_count: int = 0
    rejected_count: int = 0
    reason: str | None = None
    bad_lines: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.status in (LOADED, REPLACED)


def name_fits(file_name: str) -> bool:
    """§1: IFACE of §3, a 3-digit province, the interface's period as a real date, a SEQ."""
    match = NAME.fullmatch(file_name)
    if match is None or match[1] not in TYPES:
        return False
    layout = "%Y" if match[1] in YEARLY else "%Y%m" if match[1] in MONTHLY else "%Y%m%d"
    text = match[3]
    if len(text) != len(datetime(2000, 1, 1).strftime(layout)):
        return False
    try:
        datetime.strptime(text, layout)
    except ValueError:
        return False
    return True


def judge_delivery(
    batch: int, file_name: str, data: bytes, check: list[str], loaded: bytes | None
) -> tuple[Verdict, list[str] | None]:
    """§4.1–4.4 for one delivery; ``loaded`` is the content of the version loaded under its
    name, if any. Returns the verdict and, for an accepted one, all its lines."""
    if not name_fits(file_name):
        return Verdict(batch, file_name, REJECTED, None, reason=BAD_NAME), None
    expected_count = int(check[2])
    if int(check[1]) != len(data):
        # A rejected delivery with a check file logs its record_count (NULL only without one).
        return Verdict(batch, file_name, REJECTED, expected_count, 0, expected_count, SIZE), None
    if data == loaded:
        return Verdict(batch, file_name, SKIPPED, expected_count), None

    def rejected(reason: str) -> tuple[Verdict, None]:
        verdict = Verdict(batch, file_name, REJECTED, expected_count, 0, expected_count, reason)
        return verdict, None

    try:
        raw = gzip.decompress(data) if file_name.endswith(".gz") else data
    except (OSError, EOFError, zlib.error):
        return rejected(GZIP)
    encoding = {"": "utf-8", "UTF-8": "utf-8", "GBK": "gbk"}[check[5].strip().upper()]
    lines = raw.decode(encoding).split("\n")
    if lines[-1] == "":
        lines.pop()
    lines = [line.removesuffix("\r") for line in lines]
    if len(lines) != expected_count:
        return rejected(COUNT)
    bad = judge_records(file_name.split("_")[0], lines, file_name.split("_")[2])
    if len(bad) * 100 > THRESHOLD_PERCENT * expected_count:
        verdict, _ = rejected(OVER_THRESHOLD)
        verdict.bad_lines = bad
        return verdict, None
    status = LOADED if loaded is None else REPLACED
    verdict = Verdict(batch, file_name, status, expected_count, len(lines) - len(bad), len(bad))
    verdict.bad_lines = bad
    return verdict, lines


def judge_records(iface: str, lines: list[str], data_date: str = "") -> dict[int, frozenset[str]]:
    """§4.2: the bad lines of one delivery; of records sharing a key, the first valid loads."""
    width, checks = len(TYPES[iface]), _checks(iface)
    keys = KEYS.get(iface, (0,))
    bad: dict[int, frozenset[str]] = {}
    seen: set[tuple[str, ...]] = set()
    for line_no, line in enumerate(lines, start=1):
        values = line.split("|")
        if len(values) != width:
            bad[line_no] = frozenset({FIELD_COUNT})
            continue
        found = {problem for position, valid, problem in checks
                 if values[position] != "" and not valid(values[position])}  # fmt: skip
        if iface == "TARGET" and values[0] not in ("", data_date):
            found.add(BAD_VALUE)
        key = tuple(values[k] for k in keys)
        if "" in key:
            found.add(NULL_PK)
        if not found and key in seen:
            found.add(DUPLICATE_PK)
        if found:
            bad[line_no] = frozenset(found)
        else:
            seen.add(key)
    return bad


_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_DIGITS = {n: re.compile(f"[0-9]{{{n}}}", re.ASCII).fullmatch for n in (6, 8, 11, 14)}


@functools.cache
def _real_date(text: str) -> bool:
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    return year >= 1 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _integer(value: str) -> bool:
    return bool(_INTEGER.fullmatch(value)) and -BIGINT <= int(value) < BIGINT


_VALID: dict[str, Callable[[str], bool]] = {
    INT: _integer,
    PERCENT: lambda v: _integer(v) and 1 <= int(v) <= 100,
    MSISDN: lambda v: bool(_DIGITS[11](v)),
    MONTH: lambda v: bool(_DIGITS[6](v)) and v[:4] != "0000" and "01" <= v[4:] <= "12",
    DATE: lambda v: bool(_DIGITS[8](v)) and _real_date(v),
    YEAR: lambda v: bool(re.fullmatch("[0-9]{4}", v)),
    AMOUNT: lambda v: bool(re.fullmatch(r"[0-9]{1,14}([.][0-9]{1,6})?", v)),
    TIME: lambda v: bool(_DIGITS[14](v)) and _real_date(v[:8])
    and v[8:10] < "24" and v[10:12] < "60" and v[12:] < "60",
}  # fmt: skip


@functools.cache
def _checks(iface: str) -> tuple[tuple[int, Callable[[str], bool], str], ...]:
    """(position, test of a non-empty value, reason class) of every field that has a rule."""
    checks = []
    for position, kind in enumerate(TYPES[iface]):
        if isinstance(kind, frozenset):
            checks.append((position, kind.__contains__, BAD_CODE))
        elif kind != TEXT:
            checks.append((position, _VALID[kind], UNPARSABLE))
    return tuple(checks)


def reason_classes(reason: str, classes: tuple[str, ...]) -> frozenset[str]:
    """The classes a product's reason names: every '; '-separated part, by its leading phrase.

    A part naming none of them is kept whole, so that a comparison shows it.
    """
    found = set()
    for part in reason.split("; "):
        found.add(next((c for c in classes if part.startswith(c)), part))
    return frozenset(found)


def delivery_class(reason: str) -> str:
    return next((c for c in DELIVERY_CLASSES if c in reason), reason)
