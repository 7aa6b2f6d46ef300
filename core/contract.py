"""The BOSS extract contract (docs/interfaces.md) as data.

Everything that reads or writes extract files — the generator, the parser, the lake writer, the
dbt sources — takes interface names, field order, types, code lists and keys from here, so the
contract is written down exactly once (``make sources`` writes the dbt sources and the interfaces
seed from it: core/warehouse_sources.py).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from core.privacy import Personal


class Period(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Kind(StrEnum):
    SNAPSHOT = "snapshot"
    EVENT = "event"
    PLAN = "plan"  # set by planning, not recorded by BOSS: a yearly plan (TARGET)


class FieldType(StrEnum):
    TEXT = "text"  # free text or identifier, kept as is
    INT = "int"  # integer (fen, seconds, KB, counts); may be negative
    DATE = "date"  # YYYYMMDD
    MONTH = "month"  # YYYYMM
    TIMESTAMP = "timestamp"  # YYYYMMDDHHMMSS, Asia/Shanghai local time
    CODE = "code"  # one of Field.codes
    MSISDN = "msisdn"  # 11 digits
    SECRET = "secret"  # credential: dropped by the parser, never stored
    YEAR = "year"  # YYYY, and the year of the delivery's own data date
    CITY = "city"  # a city_code of the delivery's province (the cities seed), or ALL
    DECIMAL = "decimal"  # a decimal number of at most 6 places, 0 or more


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType = FieldType.TEXT
    codes: tuple[str, ...] = ()
    label: str = ""
    personal: Personal | None = None  # masked in the published copy as core/privacy.py says

    @property
    def description(self) -> str:
        """What the dbt docs say of the field: its label, else its codes or its name in words."""
        if self.label:
            return self.label
        if self.type is FieldType.CODE:
            return "codes: " + ", ".join(self.codes)
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class Interface:
    code: str
    label: str  # Chinese name, as the contract (docs/interfaces.md) names it
    label_en: str
    period: Period
    kind: Kind
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def stored_fields(self) -> tuple[Field, ...]:
        """Fields that reach the lake: everything but credentials."""
        return tuple(f for f in self.fields if f.type is not FieldType.SECRET)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.code} has no field {name!r}")

    @property
    def date_length(self) -> int:
        return DATE_LENGTHS[self.period]


DATE_LENGTHS = {Period.DAY: 8, Period.MONTH: 6, Period.YEAR: 4}  # YYYYMMDD, YYYYMM, YYYY


def _text(name: str, label: str = "") -> Field:
    return Field(name, FieldType.TEXT, label=label)


def _int(name: str, label: str = "") -> Field:
    return Field(name, FieldType.INT, label=label)


def _date(name: str, label: str = "") -> Field:
    return Field(name, FieldType.DATE, label=label)


def _ts(name: str, label: str = "") -> Field:
    return Field(name, FieldType.TIMESTAMP, label=label)


def _personal(name: str, kind: Personal, type: FieldType = FieldType.TEXT) -> Field:
    return Field(name, type, personal=kind)


def _msisdn() -> Field:
    return Field("msisdn", FieldType.MSISDN, personal=Personal.PHONE)


def _code(name: str, codes: tuple[str, ...], label: str = "") -> Field:
    return Field(name, FieldType.CODE, codes, label=label)


# --- code lists --------------------------------------------------------------------------------

CUST_TYPES = ("1", "2")
CERT_TYPES = ("1", "2", "3", "9")
GENDERS = ("M", "F")
CUST_STATUSES = ("1", "0")
BRANDS = ("GOTONE", "SZX", "MZONE")
PAY_MODES = ("PRE", "POST")
USER_STATUSES = ("NORMAL", "SUSPEND", "PRECANCEL", "CANCEL")
PAY_METHODS = ("CASH", "BANK", "AGENT")
ITEM_CLASSES = ("RENTAL", "LOCAL", "TOLL", "ROAM", "SMS", "DATA", "VAS", "LATEFEE", "OTHER")
PAYREL_ITEM_CLASSES = ("ALL", *ITEM_CLASSES)
INDUSTRIES = (
    "GOV", "MILITARY", "MEDIA", "TELECOM", "POSTAL", "BANK", "POWER", "WATER", "GAS", "HIGHWAY",
    "AIRPORT", "RAILWAY", "SECURITIES", "INSURANCE", "MANUFACTURING", "RETAIL", "EDUCATION",
    "HEALTH", "OTHER",
)  # fmt: skip
GROUP_CLASSES = ("A", "B", "C")
FLAGS = ("0", "1")
CHANNEL_TYPES = ("HALL", "AGENT", "WEB", "SMS", "APP", "HOTLINE", "BANK")
CALL_TYPES = ("MOC", "MTC", "FWD")
CARRIERS = ("CMCC", "CU", "CT", "OTHER")
ROAM_TYPES = ("0", "1", "2", "3")
TOLL_TYPES = ("0", "1", "2", "3", "4")
SMS_DIRECTIONS = ("MO", "MT")
SMS_TYPES = ("P2P", "SP")
RATS = ("2G", "3G", "4G", "5G")
EVENT_TYPES = (
    "OPEN", "CHANGE_PLAN", "SUSPEND", "RESUME", "PRECANCEL", "CANCEL", "TRANSFER", "SIMSWAP",
)  # fmt: skip
PAY_CHANNELS = (*CHANNEL_TYPES, "AUTO")
PAY_TYPES = ("CASH", "CARD", "BANK_COLLECT", "AGENT_COLLECT", "TOPUP", "WRITEOFF")


# --- the fourteen interfaces -------------------------------------------------------------------

INTERFACES: dict[str, Interface] = {
    i.code: i
    for i in (
        Interface(
            "CUST", "客户", "Customers", Period.MONTH, Kind.SNAPSHOT,
            (
                _text("cust_id"), _code("cust_type", CUST_TYPES),
                _personal("cust_name", Personal.NAME), _code("cert_type", CERT_TYPES),
                _personal("cert_no", Personal.CERT), _code("gender", GENDERS),
                _personal("birth_date", Personal.BIRTH_DATE, FieldType.DATE),
                _text("city_code"), _date("create_date"),
                _code("cust_status", CUST_STATUSES),
            ),
            ("cust_id",),
        ),
        Interface(
            "USER", "用户", "Users", Period.MONTH, Kind.SNAPSHOT,
            (
                _text("user_id"), _text("cust_id"), _msisdn(),
                _code("brand", BRANDS), _text("plan_id"), _code("pay_mode", PAY_MODES),
                _date("open_date"), _code("user_status", USER_STATUSES), _date("status_date"),
                _text("channel_id"), _text("city_code"),
                Field("service_password", FieldType.SECRET),
            ),
            ("user_id",),
        ),
        Interface(
            "ACCT", "账户", "Accounts", Period.MONTH, Kind.SNAPSHOT,
            (
                _text("acct_id"), _text("cust_id"), _personal("acct_name", Personal.NAME),
                _code("pay_method", PAY_METHODS), _text("bank_code"), _date("create_date"),
            ),
            ("acct_id",),
        ),
        Interface(
            "PAYREL", "付费关系", "Payment relations", Period.MONTH, Kind.SNAPSHOT,
            (
                _text("user_id"), _text("acct_id"), _code("item_class", PAYREL_ITEM_CLASSES),
                _int("share_pct"), _int("priority"), _date("eff_date"), _date("exp_date"),
            ),
            ("user_id", "acct_id", "item_class", "eff_date"),
        ),
        Interface(
            "GROUP", "集团客户", "Group customers", Period.MONTH, Kind.SNAPSHOT,
            (
                _text("group_id"), _text("cust_id"), _text("group_name"),
                _code("industry_code", INDUSTRIES), _code("group_class", GROUP_CLASSES),
                _text("city_code"), _text("manager_id"), _int("employee_count"),
                _code("cross_province", FLAGS), _code("top500_taxpayer", FLAGS),
                _date("sign_date"),
            ),
            ("group_id",),
        ),
        Interface(
            "GMEMBER", "集团成员", "Group members", Period.MONTH, Kind.SNAPSHOT,
            (
                _text("group_id"), _text("user_id"), _date("join_date"), _date("leave_date"),
                _code("group_pays", FLAGS),
            ),
            ("group_id", "user_id", "join_date"),
        ),
        Interface(
            "PLAN", "资费套餐", "Plans", Period.MONTH, Kind.SNAPSHOT,
            (
                _text("plan_id"), _text("plan_name"), _code("brand", BRANDS),
                _int("monthly_fee_fen"), _int("free_voice_min"), _int("free_data_mb"),
                _int("free_sms"), _date("eff_date"), _date("exp_date"),
            ),
            ("plan_id",),
        ),
        Interface(
            "CHANNEL", "渠道", "Channels", Period.MONTH, Kind.SNAPSHOT,
            (
                _text("channel_id"), _text("channel_name"),
                _code("channel_type", CHANNEL_TYPES), _text("city_code"),
            ),
            ("channel_id",),
        ),
        Interface(
            "VOICE", "语音话单", "Voice CDRs", Period.DAY, Kind.EVENT,
            (
                _text("cdr_id"), _text("user_id"), _msisdn(),
                _code("call_type", CALL_TYPES), _personal("other_number", Personal.PHONE),
                _code("other_carrier", CARRIERS), _ts("start_time"), _int("duration_s"),
                _code("roam_type", ROAM_TYPES), _code("toll_type", TOLL_TYPES),
                _text("visited_city"), _text("cell_id"), _int("base_fee_fen"),
                _int("toll_fee_fen"), _int("roam_fee_fen"),
            ),
            ("cdr_id",),
        ),
        Interface(
            "SMS", "短信话单", "SMS CDRs", Period.DAY, Kind.EVENT,
            (
                _text("cdr_id"), _text("user_id"), _msisdn(),
                _code("direction", SMS_DIRECTIONS), _personal("other_number", Personal.PHONE),
                _code("other_carrier", CARRIERS), _ts("send_time"),
                _code("sms_type", SMS_TYPES), _int("fee_fen"),
            ),
            ("cdr_id",),
        ),
        Interface(
            "DATA", "流量话单", "Data CDRs", Period.DAY, Kind.EVENT,
            (
                _text("cdr_id"), _text("user_id"), _msisdn(),
                _ts("start_time"), _int("duration_s"), _int("up_kb"), _int("down_kb"),
                _text("apn"), _code("rat", RATS), _code("roam_type", ROAM_TYPES),
                _int("fee_fen"),
            ),
            ("cdr_id",),
        ),
        Interface(
            "EVENT", "业务受理", "Business events", Period.DAY, Kind.EVENT,
            (
                _text("event_id"), _text("user_id"), _code("event_type", EVENT_TYPES),
                _ts("event_time"), _text("channel_id"), _text("staff_id"),
                _text("old_value"), _text("new_value"),
            ),
            ("event_id",),
        ),
        Interface(
            "PAYMENT", "缴费", "Payments", Period.DAY, Kind.EVENT,
            (
                _text("payment_id"), _text("acct_id"), _ts("pay_time"), _int("amount_fen"),
                _code("pay_channel", PAY_CHANNELS), _code("pay_type", PAY_TYPES),
                _text("ref_payment_id"), _text("staff_id"),
            ),
            ("payment_id",),
        ),
        Interface(
            "BILL", "月账单", "Monthly bills", Period.MONTH, Kind.EVENT,
            (
                Field("bill_month", FieldType.MONTH), _text("acct_id"), _text("user_id"),
                _text("item_code"), _code("item_class", ITEM_CLASSES),
                _int("standard_fee_fen"), _int("discount_fen"), _int("actual_fee_fen"),
            ),
            ("acct_id", "user_id", "item_code"),
        ),
    )
}  # fmt: skip


# --- plan interfaces ---------------------------------------------------------------------------
# Delivered by finance and planning, not by BOSS: ingestion takes them like any delivery, the
# warehouse reads them as sources, but the lake's BOSS checks (GX suites, observability) iterate
# INTERFACES only.

PROVINCE_CITY = "ALL"  # the city_code of a target set for the whole province
WHOLE_YEAR = "00"  # the month of a target set for the whole year
TARGET_MONTHS = (WHOLE_YEAR, *(f"{m:02d}" for m in range(1, 13)))
# The indicators a target can be set for: the headline indicators whose year to date and year on
# year indicators.target_progress publishes (docs/indicators.md, "Year to date and targets"),
# by their English names in the indicator dictionary.
TARGET_INDICATORS = (
    "users_on_net", "new_users", "churned_users", "net_adds", "churn_rate", "billed_revenue",
    "late_fee_revenue", "arpu", "calls", "voice_minutes", "billed_minutes", "mou", "sms_sent",
    "data_mb", "dou", "collected", "bad_debt", "arrears", "doubtful_debt",
)  # fmt: skip
# Finance is published per province only (indicators.finance_monthly): a city target for one of
# these could never be compared, so it is a bad value (an extension of the contract).
PROVINCE_ONLY_INDICATORS = ("collected", "bad_debt", "arrears", "doubtful_debt")

PLAN_INTERFACES: dict[str, Interface] = {
    "TARGET": Interface(
        "TARGET", "考核目标", "Targets", Period.YEAR, Kind.PLAN,
        (
            Field("year", FieldType.YEAR), _code("month", TARGET_MONTHS),
            Field("city_code", FieldType.CITY), _code("indicator", TARGET_INDICATORS),
            Field("target_value", FieldType.DECIMAL),
        ),
        ("year", "month", "city_code", "indicator"),
    ),
}  # fmt: skip

# Every interface a delivery can carry: the BOSS extracts, then the plans.
ALL_INTERFACES: dict[str, Interface] = {**INTERFACES, **PLAN_INTERFACES}

CITIES_SEED = Path(__file__).resolve().parent.parent / "warehouse" / "seeds" / "cities.csv"


@functools.cache
def province_cities(province: str) -> tuple[str, ...]:
    """The city codes of a province, as the cities seed (the one list of cities) holds them."""
    with CITIES_SEED.open(encoding="utf-8", newline="") as seed:
        return tuple(r["city_code"] for r in csv.DictReader(seed) if r["province_code"] == province)


# --- file names --------------------------------------------------------------------------------

DATA_FILE_RE = re.compile(
    r"^(?P<iface>[A-Z]+)_(?P<province>\d{3})_(?P<data_date>\d{4}|\d{6}|\d{8})_(?P<seq>\d{3})"
    r"\.AVL(?P<gz>\.gz)?$"
)
CHECK_FILE_RE = re.compile(
    r"^(?P<iface>[A-Z]+)_(?P<province>\d{3})_(?P<data_date>\d{4}|\d{6}|\d{8})_(?P<seq>\d{3})\.CHK$"
)
CHECK_ENCODINGS = ("UTF-8", "GBK")
CHECK_FIELDS = ("file_name", "byte_size", "record_count", "data_date", "created_at", "encoding")


def data_file_name(iface: str, province: str, data_date: str, seq: int, gz: bool = False) -> str:
    return f"{iface}_{province}_{data_date}_{seq:03d}.AVL" + (".gz" if gz else "")


def check_file_name(iface: str, province: str, data_date: str, seq: int) -> str:
    return f"{iface}_{province}_{data_date}_{seq:03d}.CHK"


# --- the lake ----------------------------------------------------------------------------------

LAKE_TYPES: dict[FieldType, str] = {
    FieldType.TEXT: "VARCHAR",
    FieldType.CODE: "VARCHAR",
    FieldType.MSISDN: "VARCHAR",
    FieldType.INT: "BIGINT",
    FieldType.DATE: "DATE",
    FieldType.MONTH: "VARCHAR",
    FieldType.TIMESTAMP: "TIMESTAMP",
    FieldType.YEAR: "VARCHAR",
    FieldType.CITY: "VARCHAR",
    FieldType.DECIMAL: "DECIMAL(20,6)",
}

# Columns every lake file carries after the interface's own fields. The leading underscore keeps
# them apart from the hive-style folder keys (province=…, data_date=…) and from any future field.
LINEAGE_COLUMNS: dict[str, str] = {
    "_province_code": "VARCHAR",
    "_data_date": "VARCHAR",
    "_file_name": "VARCHAR",
    "_line_no": "BIGINT",
    "_loaded_at": "TIMESTAMP",
}
LINEAGE_DESCRIPTIONS: dict[str, str] = {
    "_province_code": "Province code from the delivery's file name.",
    "_data_date": (
        "Data date from the delivery's file name: YYYYMMDD (daily), YYYYMM (monthly) or YYYY "
        "(yearly)."
    ),
    "_file_name": "The data file as delivered.",
    "_line_no": "1-based line number in the (decompressed) data file.",
    "_loaded_at": "When ingestion wrote this delivery to the lake.",
}
LOADED_AT_COLUMN = "_loaded_at"
# dbt's source freshness: days after the newest _loaded_at to warn, and to fail (a monthly
# interface delivers once a month).
SOURCE_FRESHNESS_DAYS: dict[Period, tuple[int, int]] = {
    Period.DAY: (2, 7),
    Period.MONTH: (35, 62),
    Period.YEAR: (400, 800),  # a plan is set once a year, revised now and then
}
# Where a delivery's lake file lives, relative to the lake root: the one statement of the layout
# (frames, the dbt sources and the lake_source() macro take their globs from lake_glob).
LAKE_FILE = "{iface}/province={province}/data_date={data_date}/{stem}.parquet"


def lake_schema(iface: Interface) -> dict[str, str]:
    """Column name → DuckDB type of one interface's lake files, in order."""
    schema = {f.name: LAKE_TYPES[f.type] for f in iface.stored_fields}
    schema.update(LINEAGE_COLUMNS)
    return schema


def lake_relative_path(iface: str, province: str, data_date: str, stem: str) -> str:
    """Where one delivery lives in the lake, relative to the lake root."""
    return LAKE_FILE.format(iface=iface.lower(), province=province, data_date=data_date, stem=stem)


def lake_glob(iface: str) -> str:
    """Every lake file of one interface, relative to the lake root."""
    return lake_relative_path(iface, "*", "*", "*")
