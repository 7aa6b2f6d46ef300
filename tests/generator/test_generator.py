"""The synthetic province generator, checked by reading its files back independently.

The files are parsed here with their own small reader (check file first, gzip, GBK, then
`|`-separated fields against the contract's types and codes); behaviours are then checked with
SQL over what was read, so nothing relies on the generator's own bookkeeping.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pytest

from core.contract import (
    CHECK_FILE_RE,
    DATA_FILE_RE,
    INTERFACES,
    PLAN_INTERFACES,
    FieldType,
    Period,
)
from generator import generate
from jingfen.cli import main

# Fields the generator leaves empty on purpose; every other field must be filled.
NULLABLE = {
    ("CUST", "gender"),
    ("CUST", "birth_date"),
    ("ACCT", "bank_code"),
    ("GROUP", "group_class"),
    ("GMEMBER", "leave_date"),
    ("EVENT", "channel_id"),
    ("EVENT", "staff_id"),
    ("EVENT", "old_value"),
    ("EVENT", "new_value"),
    ("PAYMENT", "ref_payment_id"),
    ("PAYMENT", "staff_id"),
}
PATTERNS = {
    FieldType.INT: r"^-?[0-9]+$",
    FieldType.DATE: r"^(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$",
    FieldType.MONTH: r"^20[0-9]{2}(0[1-9]|1[0-2])$",
    FieldType.TIMESTAMP: r"^20[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])"
    r"([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$",
    FieldType.MSISDN: r"^1[3-9][0-9]{9}$",
    FieldType.SECRET: r"^[0-9]{6}$",
    FieldType.YEAR: r"^20[0-9]{2}$",
    FieldType.CITY: r"^(ALL|0[0-9]{2,3})$",
    FieldType.DECIMAL: r"^[0-9]+([.][0-9]{1,6})?$",
}
MONTHS = 4
# Records per interface of the seeded clean province (seed 3, 2000 users, 4 months)
CLEAN_ROWS = {
    "CUST": 7922, "USER": 8275, "ACCT": 7922, "PAYREL": 9209, "GROUP": 142, "GMEMBER": 2205,
    "PLAN": 60, "CHANNEL": 284, "VOICE": 759033, "SMS": 305310, "DATA": 1235026, "EVENT": 932,
    "PAYMENT": 8683, "BILL": 44891,
    # province: 5 indicators x (12 months + the year) + arpu's year; 11 cities: 4 x 13 + 1
    "TARGET": 5 * 13 + 1 + 11 * (4 * 13 + 1),
}  # fmt: skip
DELIVERED = {**INTERFACES, **PLAN_INTERFACES}
DAILY = [code for code, i in INTERFACES.items() if i.period is Period.DAY]
MONTHLY = [code for code, i in INTERFACES.items() if i.period is Period.MONTH]


# --- an independent reader ---------------------------------------------------------------------


def read_check(path: Path) -> list[str]:
    fields = path.read_bytes().decode("ascii").rstrip("\r\n").split("|")
    assert len(fields) == 6, f"{path.name}: check file has {len(fields)} fields"
    return fields


def read_text(folder: Path, check: list[str]) -> str:
    """The decoded records of a delivery after verifying its check file."""
    file_name, size, count, data_date, created_at, encoding = check
    raw = (folder / file_name).read_bytes()
    assert len(raw) == int(size), f"{file_name}: {len(raw)} bytes, check says {size}"
    assert re.fullmatch(r"20\d{12}", created_at), f"{file_name}: created_at {created_at}"
    assert DATA_FILE_RE.match(file_name)["data_date"] == data_date
    if file_name.endswith(".gz"):
        raw = gzip.decompress(raw)
    text = raw.decode("gbk" if encoding == "GBK" else "utf-8")
    assert text.count("\n") == int(count), f"{file_name}: record count differs from check file"
    return text


def parse(iface: str, text: str) -> pa.Table:
    names = list(DELIVERED[iface].field_names)
    options = pa_csv.ParseOptions(delimiter="|", quote_char=False, newlines_in_values=False)
    convert = pa_csv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
    )
    read = pa_csv.ReadOptions(column_names=names)
    if not text:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    return pa_csv.read_csv(pa.BufferReader(text.encode()), read, options, convert)


def load_folder(landing: Path) -> dict[str, pa.Table]:
    """Every delivery in a landing folder, by interface, with its data date and file name."""
    parts: dict[str, list[pa.Table]] = {code: [] for code in DELIVERED}
    for check_path in sorted(landing.glob("*.CHK")):
        check = read_check(check_path)
        match = CHECK_FILE_RE.match(check_path.name)
        table = parse(match["iface"], read_text(landing, check))
        n = table.num_rows
        table = table.append_column("_province", pa.array([match["province"]] * n, pa.string()))
        table = table.append_column("_data_date", pa.array([match["data_date"]] * n, pa.string()))
        table = table.append_column("_file", pa.array([check[0]] * n, pa.string()))
        table = table.append_column("_encoding", pa.array([check[5]] * n, pa.string()))
        parts[match["iface"]].append(table)
    return {code: pa.concat_tables(tables) for code, tables in parts.items() if tables}


def field_problems(iface: str, table: pa.Table) -> list[str]:
    """Every field against its type and code list; a description per failing column."""
    problems = []
    for f in DELIVERED[iface].fields:
        col = table.column(f.name)
        empty = pc.equal(col, "")
        if (iface, f.name) not in NULLABLE and pc.any(empty).as_py():
            problems.append(f"{iface}.{f.name}: empty values")
        filled = col.filter(pc.invert(empty))
        if f.type is FieldType.CODE:
            ok = pc.is_in(filled, pa.array(f.codes))
        elif f.type in PATTERNS:
            ok = pc.match_substring_regex(filled, PATTERNS[f.type])
        else:
            ok = pc.invert(pc.match_substring_regex(filled, r"[|\r\n]"))
        if not pc.all(ok, min_count=0).as_py():
            bad = filled.filter(pc.invert(ok))[0]
            problems.append(f"{iface}.{f.name}: bad value {bad}")
    return problems


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clean")
    generate(
        root / "landing",
        users=2000,
        months=MONTHS,
        seed=3,
        start="202601",
        provinces=["571"],
        defects=0.0,
        progress=lambda _: None,
    )
    return root


@pytest.fixture(scope="module")
def clean(clean_root: Path) -> dict[str, pa.Table]:
    return load_folder(clean_root / "landing")


@pytest.fixture(scope="module")
def db(clean: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for code, table in clean.items():
        con.register(f"raw_{code.lower()}", table)
    con.execute("""
        create view usage_times as
        select user_id, msisdn, start_time as t, _data_date from raw_voice
        union all select user_id, msisdn, send_time, _data_date from raw_sms
        union all select user_id, msisdn, start_time, _data_date from raw_data
    """)
    return con


@pytest.fixture(scope="module")
def defective_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("defective")
    generate(
        root / "landing",
        users=300,
        months=2,
        seed=5,
        start="202612",
        provinces=["571", "574"],
        defects=0.05,
        progress=lambda _: None,
    )
    return root


@pytest.fixture(scope="module")
def manifest(defective_root: Path) -> list[dict]:
    document = json.loads((defective_root / "defects_manifest.json").read_text("utf-8"))
    assert document["redelivery_folder"] == "landing_redelivery"
    return document["defects"]


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


# --- files and fields --------------------------------------------------------------------------


def test_every_interface_delivered_for_every_period(clean_root: Path) -> None:
    landing = clean_root / "landing"
    names = sorted(p.name for p in landing.iterdir())
    data = [n for n in names if not n.endswith(".CHK")]
    assert all(DATA_FILE_RE.match(n) for n in data)
    assert {n.replace(".AVL.gz", ".CHK").replace(".AVL", ".CHK") for n in data} == {
        n for n in names if n.endswith(".CHK")
    }
    dates = {(m["iface"], m["data_date"]) for m in map(DATA_FILE_RE.match, data)}
    days = {
        (d["iface"], d["data_date"]) for d in map(DATA_FILE_RE.match, data) if d["iface"] in DAILY
    }
    assert len(days) == len(DAILY) * (31 + 28 + 31 + 30)
    months = {"202601", "202602", "202603", "202604"}
    for code in MONTHLY:
        assert {d for i, d in dates if i == code} == months, code
    assert {d for i, d in dates if i == "TARGET"} == {"2026"}  # one plan for the year
    assert any(n.endswith("_002.AVL") for n in data), "no interface split over two files"
    assert any(n.endswith(".AVL.gz") for n in data), "no gzipped delivery"
    assert not (clean_root / "landing_redelivery").exists()


def test_gbk_deliveries_decode(clean: dict[str, pa.Table]) -> None:
    gbk = pc.equal(clean["CUST"].column("_encoding"), "GBK")
    names = clean["CUST"].filter(gbk).column("cust_name")
    assert len(names) == 4007  # GBK-encoded CUST records of the seeded province
    assert any(re.search(r"[\u4e00-\u9fff]", n) for n in names.to_pylist()[:50])
    assert set(clean["GROUP"].column("_encoding").to_pylist()) == {"UTF-8", "GBK"}


@pytest.mark.parametrize(
    ("iface", "column"),
    [
        ("CUST", "cust_name"),
        ("ACCT", "acct_name"),
        ("GROUP", "group_name"),
        ("PLAN", "plan_name"),
        ("CHANNEL", "channel_name"),
    ],
)
def test_chinese_text_could_be_delivered_in_gbk(
    clean: dict[str, pa.Table], iface: str, column: str
) -> None:
    text = "".join(set(clean[iface].column(column).to_pylist()))
    assert re.search(r"[\u4e00-\u9fff]", text)
    text.encode("gbk")


@pytest.mark.parametrize("iface", list(DELIVERED))
def test_fields_follow_contract(clean: dict[str, pa.Table], iface: str) -> None:
    assert clean[iface].num_rows == CLEAN_ROWS[iface]
    assert field_problems(iface, clean[iface]) == []


@pytest.mark.parametrize("iface", list(DELIVERED))
def test_primary_keys_unique_per_data_date(db: duckdb.DuckDBPyConnection, iface: str) -> None:
    key = ", ".join(DELIVERED[iface].primary_key)
    duplicates = scalar(
        db,
        f"""
        select count(*) from (select 1 from raw_{iface.lower()}
        group by _province, _data_date, {key} having count(*) > 1)
    """,
    )
    assert duplicates == 0


REFERENCES = [
    ("raw_user", "cust_id", "raw_cust", "cust_id"),
    ("raw_user", "plan_id", "raw_plan", "plan_id"),
    ("raw_user", "channel_id", "raw_channel", "channel_id"),
    ("raw_acct", "cust_id", "raw_cust", "cust_id"),
    ("raw_payrel", "user_id", "raw_user", "user_id"),
    ("raw_payrel", "acct_id", "raw_acct", "acct_id"),
    ("raw_group", "cust_id", "raw_cust", "cust_id"),
    ("raw_gmember", "group_id", "raw_group", "group_id"),
    ("raw_gmember", "user_id", "raw_user", "user_id"),
    ("usage_times", "user_id", "raw_user", "user_id"),
    ("raw_event", "user_id", "raw_user", "user_id"),
    ("raw_event", "channel_id", "raw_channel", "channel_id"),
    ("raw_payment", "acct_id", "raw_acct", "acct_id"),
    ("raw_bill", "acct_id", "raw_acct", "acct_id"),
    ("raw_bill", "user_id", "raw_user", "user_id"),
]


@pytest.mark.parametrize(("table", "column", "target", "key"), REFERENCES)
def test_references_resolve(
    db: duckdb.DuckDBPyConnection, table: str, column: str, target: str, key: str
) -> None:
    dangling = scalar(
        db,
        f"""
        select count(*) from {table} t where t.{column} <> ''
        and t.{column} not in (select {key} from {target})
    """,
    )
    assert dangling == 0


def test_usage_msisdn_is_the_users(db: duckdb.DuckDBPyConnection) -> None:
    wrong = scalar(
        db,
        """
        select count(*) from usage_times u
        where not exists (select 1 from raw_user s where s.user_id = u.user_id
                          and s.msisdn = u.msisdn)
    """,
    )
    assert wrong == 0
    assert scalar(db, "select count(distinct msisdn) = count(distinct user_id) from raw_user")


def test_personal_data_is_well_formed(db: duckdb.DuckDBPyConnection) -> None:
    certs = db.execute("select cert_no from raw_cust where cert_type = '1'").fetchall()
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for (cert,) in certs[:2000]:
        assert re.fullmatch(r"\d{17}[\dX]", cert), cert
        total = sum(int(d) * w for d, w in zip(cert[:17], weights, strict=True))
        assert cert[17] == "10X98765432"[total % 11], cert
    assert scalar(
        db, "select bool_and(regexp_matches(msisdn, '^1(3|5|8|9)[0-9]{9}$')) from raw_user"
    )
    assert scalar(db, "select count(distinct service_password) > 100 from raw_user")


# --- a province an analyst recognises ----------------------------------------------------------


def test_brand_mix_and_pay_modes(db: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        db.execute("""
        select brand, count(*) / sum(count(*)) over () from raw_user
        where _data_date = '202601' group by brand
    """).fetchall()
    )
    assert 0.50 <= rows["SZX"] <= 0.60
    assert 0.20 <= rows["MZONE"] <= 0.30
    assert 0.15 <= rows["GOTONE"] <= 0.25
    prepaid = dict(
        db.execute("""
        select brand, avg((pay_mode = 'PRE')::int) from raw_user group by brand
    """).fetchall()
    )
    assert prepaid["SZX"] > 0.8 and prepaid["GOTONE"] == 0 and prepaid["MZONE"] > 0.5


def test_plans_are_the_tariff_book(db: duckdb.DuckDBPyConnection) -> None:
    fees = {
        r[0]
        for r in db.execute(
            "select monthly_fee_fen::int / 100 from raw_plan where brand = 'GOTONE'"
        ).fetchall()
    }
    assert fees == {30, 98, 168, 268, 388, 568, 788}
    assert scalar(db, "select count(distinct plan_name) from raw_plan") >= 12


def test_monthly_churn_between_one_and_three_percent(db: duckdb.DuckDBPyConnection) -> None:
    rates = db.execute("""
        with on_net as (
            select _data_date as month, count(*) as n from raw_user
            where user_status <> 'CANCEL' group by 1
        ), churned as (
            select left(event_time, 6) as month, count(distinct user_id) as n from raw_event
            where event_type = 'CANCEL' group by 1
        )
        select c.month, c.n / p.n from churned c
        join on_net p on p.month = strftime(strptime(c.month, '%Y%m') - interval 1 month, '%Y%m')
        order by 1
    """).fetchall()
    assert len(rates) == MONTHS - 1
    for month, rate in rates:
        assert 0.01 <= rate <= 0.03, (month, rate)


def test_prepaid_and_youth_churn_more(db: duckdb.DuckDBPyConnection) -> None:
    rate = dict(
        db.execute("""
        select u.brand, count(distinct e.user_id) / count(distinct u.user_id)
        from raw_user u left join raw_event e on e.user_id = u.user_id and e.event_type = 'CANCEL'
        where u._data_date = '202601' group by 1
    """).fetchall()
    )
    assert rate["GOTONE"] < rate["SZX"] and rate["GOTONE"] < rate["MZONE"]


def test_status_in_snapshot_follows_events(db: duckdb.DuckDBPyConnection) -> None:
    """The status after a user's last status event of a month is the month-end status."""
    mismatches = scalar(
        db,
        """
        with last_event as (
            select user_id, left(event_time, 6) as month,
                   arg_max(new_value, event_time || event_id) as status
            from raw_event
            where event_type in ('SUSPEND', 'RESUME', 'PRECANCEL', 'CANCEL')
            group by 1, 2
        )
        select count(*) from last_event e
        left join raw_user u on u.user_id = e.user_id and u._data_date = e.month
        where u.user_status is distinct from e.status
    """,
    )
    assert mismatches == 0


def test_precancel_comes_before_cancel(db: duckdb.DuckDBPyConnection) -> None:
    orphans = scalar(
        db,
        """
        select count(*) from raw_event c where c.event_type = 'CANCEL'
        and not exists (select 1 from raw_event p where p.user_id = c.user_id
                        and p.event_type = 'PRECANCEL' and p.event_time < c.event_time)
        and not exists (select 1 from raw_user u where u.user_id = c.user_id
                        and u.user_status = 'PRECANCEL' and u._data_date < left(c.event_time, 6))
    """,
    )
    first_month = scalar(
        db,
        """
        select count(*) from raw_event where event_type = 'CANCEL' and event_time < '202602'
    """,
    )
    assert orphans <= first_month  # the first month's leavers were in 预销号 before the data began
    later = scalar(
        db,
        """
        select count(*) from raw_event c where c.event_type = 'CANCEL' and c.event_time >= '202602'
        and not exists (select 1 from raw_event p where p.user_id = c.user_id
                        and p.event_type = 'PRECANCEL' and p.event_time < c.event_time)
    """,
    )
    assert later == 0


def test_opened_users_appear_and_cancelled_users_leave(db: duckdb.DuckDBPyConnection) -> None:
    missing_open = scalar(
        db,
        """
        select count(*) from raw_event e where event_type = 'OPEN' and not exists (
            select 1 from raw_user u where u.user_id = e.user_id
            and u._data_date = left(e.event_time, 6) and left(u.open_date, 6) = u._data_date)
    """,
    )
    assert missing_open == 0
    assert scalar(db, "select count(*) from raw_event where event_type = 'OPEN'") > 100
    lingering = scalar(
        db,
        """
        select count(*) from raw_user u where user_status = 'CANCEL'
        and left(status_date, 6) <> _data_date
    """,
    )
    assert lingering == 0
    kinds = {r[0] for r in db.execute("select distinct event_type from raw_event").fetchall()}
    assert kinds == set(INTERFACES["EVENT"].field("event_type").codes)


def test_reentry_within_ninety_days(db: duckdb.DuckDBPyConnection) -> None:
    reentries = scalar(
        db,
        """
        with person as (select distinct u.user_id, c.cert_no from raw_user u
                        join raw_cust c on c.cust_id = u.cust_id and c._data_date = u._data_date),
        opens as (select e.user_id, strptime(e.event_time, '%Y%m%d%H%M%S') as t, p.cert_no
                  from raw_event e join person p using (user_id) where event_type = 'OPEN'),
        cancels as (select e.user_id, strptime(e.event_time, '%Y%m%d%H%M%S') as t, p.cert_no
                    from raw_event e join person p using (user_id) where event_type = 'CANCEL')
        select count(distinct o.user_id) from opens o join cancels c
        on c.cert_no = o.cert_no and c.user_id <> o.user_id
        and c.t < o.t and o.t <= c.t + interval 90 day
    """,
    )
    assert reentries == 11


def test_busy_hours_beat_the_night(db: duckdb.DuckDBPyConnection) -> None:
    hours = "select substr(start_time, 9, 2)::int, count(*) from raw_voice group by 1"
    per_hour = dict(db.execute(hours).fetchall())
    busy = sum(per_hour[h] for h in (9, 10, 11, 19, 20, 21)) / 6
    night = sum(per_hour[h] for h in (1, 2, 3, 4)) / 4
    assert busy > 5 * night
    weekend = scalar(
        db,
        """
        select avg(n) filter (where dow in (0, 6)) / avg(n) filter (where dow between 1 and 5)
        from (select dayofweek(strptime(left(start_time, 8), '%Y%m%d')) as dow,
                     left(start_time, 8) as d, count(*) as n from raw_voice group by all)
    """,
    )
    assert 0.7 < weekend < 0.95


def test_calls_off_net_roaming_and_long_distance(db: duckdb.DuckDBPyConnection) -> None:
    shares = db.execute("""
        select avg((other_carrier <> 'CMCC')::int), avg((roam_type in ('2', '3'))::int),
               avg((toll_type <> '0')::int), count(distinct other_carrier),
               count(distinct roam_type), count(distinct toll_type)
        from raw_voice
    """).fetchone()
    offnet, roam_out, toll, carriers, roam_types, toll_types = shares
    assert 0.15 < offnet < 0.45 and 0.001 < roam_out < 0.05 and 0.05 < toll < 0.3
    assert (carriers, roam_types, toll_types) == (4, 4, 5)


def test_late_records_arrive_in_later_files(db: duckdb.DuckDBPyConnection) -> None:
    late, total, previous_month = db.execute("""
        select count(*) filter (where left(t, 8) < _data_date), count(*),
               count(*) filter (where left(t, 6) < left(_data_date, 6))
        from usage_times
    """).fetchone()
    assert 0.01 < late / total < 0.06
    assert (late, total, previous_month) == (67683, 2299369, 2986)
    too_late = scalar(
        db,
        """
        select count(*) from usage_times
        where strptime(_data_date, '%Y%m%d') - strptime(left(t, 8), '%Y%m%d') > interval 3 day
           or left(t, 8) > _data_date
    """,
    )
    assert too_late == 0


# --- money -------------------------------------------------------------------------------------

RATED = """
    with rated as (
        select user_id, left(start_time, 6) as month, 'LOCAL' as item_class,
               sum(base_fee_fen::bigint) as fee from raw_voice group by all
        union all select user_id, left(start_time, 6), 'TOLL', sum(toll_fee_fen::bigint)
                  from raw_voice group by all
        union all select user_id, left(start_time, 6), 'ROAM', sum(roam_fee_fen::bigint)
                  from raw_voice group by all
        union all select user_id, left(send_time, 6), 'SMS', sum(fee_fen::bigint)
                  from raw_sms group by all
        union all select user_id, left(start_time, 6), 'DATA', sum(fee_fen::bigint)
                  from raw_data group by all
    ), billed as (
        select user_id, bill_month as month, item_class, sum(standard_fee_fen::bigint) as fee
        from raw_bill where item_class in ('LOCAL', 'TOLL', 'ROAM', 'SMS', 'DATA') group by all
    )
"""


def test_the_plan_is_near_the_simulated_months(db: duckdb.DuckDBPyConnection) -> None:
    """A city's target of a simulated month is its actual x an ambition (0.92-1.10) x a wobble
    (3%): plausible completions, some cities ahead of plan and some behind."""
    low, high, compared, ahead = db.execute("""
        with revenue as (
            select b.bill_month as stat_month, u.city_code, 'billed_revenue' as indicator,
                sum(cast(b.actual_fee_fen as bigint)) / 100 as actual
            from raw_bill as b join raw_user as u on b.user_id = u.user_id
                and b._data_date = u._data_date
            group by all
        ),
        on_net as (
            select _data_date, city_code, 'users_on_net', count(*) from raw_user
            where user_status <> 'CANCEL' group by all
        ),
        ratios as (
            select cast(t.target_value as double) / a.actual as ratio
            from raw_target as t
            join (select * from revenue union all select * from on_net) as a
                on t.year || t.month = a.stat_month and t.city_code = a.city_code
                and t.indicator = a.indicator
        )
        select min(ratio), max(ratio), count(*), count(*) filter (where ratio < 1) from ratios
    """).fetchone()
    assert compared == MONTHS * 11 * 2
    assert 0.92 * 0.97 <= low < 1 < high <= 1.10 * 1.03
    assert 0 < ahead < compared


def test_the_year_target_is_the_months_and_arpu_has_no_month_target(
    db: duckdb.DuckDBPyConnection,
) -> None:
    rows = db.execute("""
        select indicator,
            sum(cast(target_value as decimal(20, 2))) filter (where month between '01' and '12'),
            any_value(cast(target_value as decimal(20, 2))) filter (where month = '12'),
            any_value(cast(target_value as decimal(20, 2))) filter (where month = '00')
        from raw_target group by city_code, indicator
    """).fetchall()
    wholes = {
        indicator: {whole == (december if indicator == "users_on_net" else months)}
        for indicator, months, december, whole in rows
        if indicator != "arpu"
    }
    assert wholes == {
        "users_on_net": {True}, "new_users": {True}, "billed_revenue": {True},
        "data_mb": {True}, "collected": {True},
    }  # fmt: skip
    assert {(i, m, d is None) for i, m, d, _ in rows if i == "arpu"} == {("arpu", None, True)}


def test_bills_reconcile_with_rated_usage(db: duckdb.DuckDBPyConnection) -> None:
    differences = scalar(
        db,
        RATED
        + """
        select count(*) from rated r full join billed b using (user_id, month, item_class)
        where coalesce(r.fee, 0) <> coalesce(b.fee, 0)
    """,
    )
    assert differences == 0
    arithmetic = scalar(
        db,
        """
        select count(*) from raw_bill where actual_fee_fen::bigint
            <> standard_fee_fen::bigint - discount_fen::bigint
            or discount_fen::bigint < 0 or discount_fen::bigint > standard_fee_fen::bigint
    """,
    )
    assert arithmetic == 0


def test_rental_is_the_plan_fee(db: duckdb.DuckDBPyConnection) -> None:
    wrong = scalar(
        db,
        """
        select count(*) from raw_bill b
        join raw_user u on u.user_id = b.user_id and u._data_date = b.bill_month
        join raw_plan p on p.plan_id = u.plan_id and p._data_date = b.bill_month
        where b.item_class = 'RENTAL' and b.standard_fee_fen <> p.monthly_fee_fen
    """,
    )
    assert wrong == 0
    classes = {r[0] for r in db.execute("select distinct item_class from raw_bill").fetchall()}
    assert {"RENTAL", "LOCAL", "TOLL", "ROAM", "SMS", "DATA", "VAS", "LATEFEE"} <= classes


def test_arpu_bands_by_brand(db: duckdb.DuckDBPyConnection) -> None:
    arpu = dict(
        db.execute("""
        select u.brand, sum(b.actual_fee_fen::bigint) / 100 / count(distinct b.user_id)
        from raw_bill b join raw_user u on u.user_id = b.user_id and u._data_date = b.bill_month
        where b.item_class <> 'LATEFEE' and b.bill_month = '202603' group by 1
    """).fetchall()
    )
    assert 15 <= arpu["SZX"] <= 60, arpu
    assert 25 <= arpu["MZONE"] <= 90, arpu
    assert 120 <= arpu["GOTONE"] <= 450, arpu


def test_every_vip_tier_has_a_small_share(db: duckdb.DuckDBPyConnection) -> None:
    tiers = dict(
        db.execute("""
        with monthly as (
            select user_id, bill_month, sum(actual_fee_fen::bigint) / 100 as yuan from raw_bill
            where item_class <> 'LATEFEE' group by all
        ), average as (select user_id, avg(yuan) as yuan from monthly group by 1)
        select case when yuan >= 3000 then 'DIAMOND' when yuan >= 1500 then 'GOLD'
                    when yuan >= 666 then 'SILVER' else 'NONE' end, count(*) / sum(count(*)) over ()
        from average group by 1
    """).fetchall()
    )
    for tier in ("DIAMOND", "GOLD", "SILVER"):
        assert 0 < tiers.get(tier, 0) < 0.05, tiers


def test_split_billing_for_group_members(db: duckdb.DuckDBPyConnection) -> None:
    split = scalar(
        db,
        """
        select count(*) from raw_bill r join raw_bill o
        on o.user_id = r.user_id and o.bill_month = r.bill_month and o.acct_id <> r.acct_id
        join raw_payrel p on p.user_id = r.user_id and p.acct_id = r.acct_id
             and p.item_class = 'RENTAL' and p._data_date = r.bill_month
        join raw_gmember m on m.user_id = r.user_id and m.group_pays = '1'
        where r.item_class = 'RENTAL' and o.item_class <> 'RENTAL'
    """,
    )
    assert split == 15129
    assert scalar(db, "select min(share_pct::int) = 100 from raw_payrel")


def test_payments_channels_reversals_and_writeoffs(db: duckdb.DuckDBPyConnection) -> None:
    channels = {r[0] for r in db.execute("select distinct pay_channel from raw_payment").fetchall()}
    assert {"HALL", "AGENT", "WEB", "APP", "HOTLINE", "AUTO"} <= channels
    bank = db.execute("""
        select count(*), bool_and(pay_channel = 'AUTO' and substr(pay_time, 7, 2) = '15')
        from raw_payment where pay_type = 'BANK_COLLECT'
    """).fetchone()
    assert bank == (708, True)
    reversals = db.execute("""
        select count(*), count(o.payment_id), bool_and(o.amount_fen::bigint = -r.amount_fen::bigint)
        from raw_payment r left join raw_payment o on o.payment_id = r.ref_payment_id
        where r.amount_fen::bigint < 0
    """).fetchone()
    assert reversals == (43, 43, True)
    assert scalar(db, "select count(*) from raw_payment where pay_type = 'WRITEOFF'") == 7


def test_doubtful_debt_exists(db: duckdb.DuckDBPyConnection) -> None:
    doubtful = scalar(
        db,
        """
        with bills as (
            select acct_id, sum(actual_fee_fen::bigint) as total,
                   sum(actual_fee_fen::bigint) filter (where bill_month <= '202601') as old
            from raw_bill group by 1),
        paid as (select acct_id, sum(amount_fen::bigint) as total from raw_payment group by 1)
        select sum(least(greatest(0, b.total - coalesce(p.total, 0)),
                         greatest(0, coalesce(b.old, 0) - coalesce(p.total, 0))))
        from bills b left join paid p using (acct_id)
    """,
    )
    assert doubtful == 200497


def test_group_classes_managers_and_members(db: duckdb.DuckDBPyConnection) -> None:
    classes = dict(
        db.execute("""
        with active as (
            select m.group_id, count(*) as members from raw_gmember m
            join raw_user u on u.user_id = m.user_id and u._data_date = m._data_date
            where m._data_date = '202604' and m.leave_date = '' and u.user_status <> 'CANCEL'
            group by 1
        )
        select case when coalesce(a.members, 0) >= 500 or industry_code in ('GOV', 'MILITARY',
                    'MEDIA', 'TELECOM', 'POSTAL', 'BANK', 'POWER', 'WATER', 'GAS', 'HIGHWAY',
                    'AIRPORT', 'RAILWAY') or top500_taxpayer = '1' then 'A'
                    when coalesce(a.members, 0) >= 100 or industry_code in ('SECURITIES',
                    'INSURANCE') then 'B' else 'C' end as class,
               count(*) / sum(count(*)) over ()
        from raw_group g left join active a using (group_id)
        where g._data_date = '202604' group by 1
    """).fetchall()
    )
    assert set(classes) == {"A", "B", "C"} and classes["C"] > classes["B"] > classes["A"]
    assert scalar(db, "select count(*) from raw_group where group_class = ''") == 12
    assert scalar(db, "select count(distinct manager_id) from raw_group") == 15
    signed = {
        r[0]
        for r in db.execute(
            "select distinct left(sign_date, 6) from raw_group where sign_date >= '202601'"
        ).fetchall()
    }
    assert signed == {"202601", "202602", "202603", "202604"}
    assert scalar(db, "select count(*) from raw_gmember where leave_date <> ''") == 157


# --- determinism, speed, the command line ------------------------------------------------------


def digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_same_bytes(tmp_path: Path) -> None:
    for run in ("a", "b"):
        generate(
            tmp_path / run / "landing",
            users=150,
            months=1,
            seed=9,
            start="202601",
            provinces=["571", "574"],
            defects=0.1,
            progress=lambda _: None,
        )
    first, second = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert first == second and len(first) > 350
    generate(
        tmp_path / "c" / "landing",
        users=150,
        months=1,
        seed=10,
        start="202601",
        provinces=["571"],
        defects=0.1,
        progress=lambda _: None,
    )
    other = digest(tmp_path / "c")
    assert other["landing/USER_571_202601_001.AVL"] != first["landing/USER_571_202601_001.AVL"]


def test_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JINGFEN_HOME", str(tmp_path))
    assert (
        main(
            ["generate", "--users", "200", "--months", "1", "--seed", "7", "--provinces", "571,574"]
        )
        == 0
    )
    landing = tmp_path / "landing"
    assert (landing / "USER_574_202601_001.AVL").exists()
    assert (landing / "VOICE_571_20260131_001.CHK").exists()
    assert json.loads((tmp_path / "defects_manifest.json").read_text())["defects"] == []
    assert "records/s" in capsys.readouterr().out


# --- injected defects --------------------------------------------------------------------------


def line_problems(iface: str, lines: list[str]) -> dict[int, str]:
    """What a strict parser must say about each line (1-based), in interfaces.md §4's terms."""
    spec = DELIVERED[iface]
    key_at = [spec.field_names.index(k) for k in spec.primary_key]
    seen: set[tuple[str, ...]] = set()
    problems: dict[int, str] = {}
    for number, line in enumerate(lines, start=1):
        fields = line.split("|")
        if len(fields) != len(spec.fields):
            problems[number] = "wrong number of fields"
            continue
        key = tuple(fields[i] for i in key_at)
        if any(k == "" for k in key):
            problems[number] = "NULL primary key"
            continue
        for f, value in zip(spec.fields, fields, strict=True):
            if value == "":
                continue
            if f.type in PATTERNS and not re.match(PATTERNS[f.type], value):
                problems[number] = "unparsable value"
                break
            if f.type is FieldType.CODE and value not in f.codes:
                problems[number] = "bad code"
                break
        else:
            if key in seen:
                problems[number] = "duplicate primary key"
            seen.add(key)
    return problems


def looks_clean(iface: str, lines: list[str]) -> bool:
    """The vectorised check of a whole delivery; line_problems says which lines fail."""
    try:
        table = parse(iface, "".join(line + "\n" for line in lines))
    except pa.ArrowInvalid:
        return False
    key = [table.column(k) for k in DELIVERED[iface].primary_key]
    joined = pc.binary_join_element_wise(*key, "|") if len(key) > 1 else key[0]
    return not field_problems(iface, table) and len(pc.unique(joined)) == table.num_rows


def delivery_state(folder: Path, check_folder: Path, check_name: str) -> tuple[str, list[str]]:
    """REJECTED/PENDING/OK as far as the check file goes, and the records if readable."""
    check_path = check_folder / check_name
    if not check_path.exists():
        return "PENDING", []
    file_name, size, count, *_ = read_check(check_path)
    raw = (folder / file_name).read_bytes()
    if len(raw) != int(size):
        return "size", []
    if file_name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error):
            return "gzip", []
    encoding = read_check(check_path)[5]
    lines = raw.decode("gbk" if encoding == "GBK" else "utf-8").split("\n")[:-1]
    if len(lines) != int(count):
        return "count", lines
    return "OK", lines


def test_manifest_lists_every_kind(manifest: list[dict]) -> None:
    kinds = Counter(e["kind"] for e in manifest)
    expected = {
        "field_count",
        "unparsable",
        "bad_code",
        "null_pk",
        "duplicate_pk",
        "unknown_user",
        "count_mismatch",
        "size_mismatch",
        "corrupt_gzip",
        "late_check_file",
        "over_threshold",
        "redelivery",
        "duplicate_delivery",
        "gbk_file",
        "bill_mismatch",
    }
    assert set(kinds) == expected
    assert kinds["over_threshold"] == 1


def test_manifest_matches_the_files(defective_root: Path, manifest: list[dict]) -> None:
    landing = defective_root / "landing"
    by_file: dict[str, dict] = {}
    for entry in manifest:
        if entry["kind"] not in ("gbk_file", "bill_mismatch"):
            assert entry["file_name"] not in by_file, "two defects in one delivery"
            by_file[entry["file_name"]] = entry
    reason_of = {
        "size": "size_mismatch",
        "gzip": "corrupt_gzip",
        "count": "count_mismatch",
        "PENDING": "late_check_file",
    }
    for data_path in sorted(p for p in landing.iterdir() if not p.name.endswith(".CHK")):
        match = DATA_FILE_RE.match(data_path.name)
        check = f"{data_path.name.split('.')[0]}.CHK"
        state, lines = delivery_state(landing, landing, check)
        entry = by_file.get(data_path.name)
        if state != "OK":
            assert entry is not None and entry["kind"] == reason_of[state], data_path.name
            assert entry["expected"]["status"] in ("REJECTED", "PENDING")
            continue
        problems = (
            {} if looks_clean(match["iface"], lines) else line_problems(match["iface"], lines)
        )
        if not problems:
            silent = ("unknown_user", "redelivery", "duplicate_delivery")
            assert entry is None or entry["kind"] in silent, data_path.name
            continue
        assert entry is not None, f"{data_path.name}: unlisted bad lines {problems}"
        share = len(problems) / len(lines)
        if entry["kind"] == "over_threshold":
            assert share > 0.05
            assert problems == {int(k): v for k, v in entry["expected"]["record_reasons"].items()}
        else:
            assert share < 0.05
            reason = entry["expected"]["record_reason"]
            assert problems == dict.fromkeys(entry["lines"], reason), data_path.name
            assert entry["expected"]["rejected_count"] == len(problems)
            assert entry["expected"]["loaded_count"] == len(lines) - len(problems)


def test_sibling_folder_fixes_or_repeats(defective_root: Path, manifest: list[dict]) -> None:
    landing, sibling = defective_root / "landing", defective_root / "landing_redelivery"
    listed = {e["file_name"]: e for e in manifest if "then" in e}
    present = {p.name for p in sibling.iterdir() if not p.name.endswith(".CHK")}
    assert present == {n for n, e in listed.items() if e["kind"] != "late_check_file"}
    for name, entry in listed.items():
        check = entry["check_file"]
        state, lines = delivery_state(
            landing if entry["kind"] == "late_check_file" else sibling, sibling, check
        )
        assert state == "OK" and not line_problems(entry["iface"], lines), name
        repeated = entry["kind"] == "duplicate_delivery"
        assert entry["then"]["loaded_count"] == (0 if repeated else len(lines))
        if repeated:
            assert (sibling / name).read_bytes() == (landing / name).read_bytes()
            assert (sibling / check).read_bytes() == (landing / check).read_bytes()
        elif entry["kind"] == "redelivery":
            assert entry["expected"]["loaded_count"] < len(lines)


def test_unknown_users_and_bill_mismatches(defective_root: Path, manifest: list[dict]) -> None:
    landing = defective_root / "landing"
    known = set()
    for path in landing.glob("USER_*.CHK"):
        table = parse("USER", read_text(landing, read_check(path)))
        known |= set(table.column("user_id").to_pylist())
    unknown = [e for e in manifest if e["kind"] == "unknown_user"]
    for entry in unknown:
        _, lines = delivery_state(landing, landing, entry["check_file"])
        for number, user in zip(entry["lines"], entry["user_ids"], strict=True):
            assert lines[number - 1].split("|")[1] == user and user not in known
    for entry in (e for e in manifest if e["kind"] == "bill_mismatch"):
        _, lines = delivery_state(landing, landing, entry["check_file"])
        fields = lines[entry["lines"][0] - 1].split("|")
        assert fields[2] == entry["user_id"] and fields[4] == entry["item_class"]
        assert int(fields[5]) == entry["billed_fee_fen"] != entry["rated_fee_fen"]


def final_deliveries(root: Path) -> dict[str, pa.Table]:
    """What ingestion ends up with once the sibling folder has landed too, bad lines dropped."""
    landing, sibling = root / "landing", root / "landing_redelivery"
    parts: dict[str, list[pa.Table]] = {code: [] for code in DELIVERED}
    for data_path in sorted(p for p in landing.iterdir() if not p.name.endswith(".CHK")):
        check = f"{data_path.name.split('.')[0]}.CHK"
        folder = sibling if (sibling / data_path.name).exists() else landing
        check_folder = sibling if (sibling / check).exists() else landing
        state, lines = delivery_state(folder, check_folder, check)
        assert state == "OK", data_path.name
        iface = DATA_FILE_RE.match(data_path.name)["iface"]
        if not looks_clean(iface, lines):
            bad = line_problems(iface, lines)
            lines = [line for number, line in enumerate(lines, 1) if number not in bad]
        parts[iface].append(parse(iface, "".join(line + "\n" for line in lines)))
    return {code: pa.concat_tables(tables) for code, tables in parts.items() if tables}


def test_defective_run_reconciles_but_for_listed_mismatches(
    defective_root: Path, manifest: list[dict]
) -> None:
    con = duckdb.connect()
    for code, table in final_deliveries(defective_root).items():
        con.register(f"raw_{code.lower()}", table)
    found = con.execute(
        RATED
        + """
        select user_id, month, item_class, coalesce(b.fee, 0) - coalesce(r.fee, 0)
        from rated r full join billed b using (user_id, month, item_class)
        where coalesce(r.fee, 0) <> coalesce(b.fee, 0)
          and user_id in (select user_id from raw_user)
        """
    ).fetchall()
    listed = [
        (e["user_id"], e["data_date"], e["item_class"], e["billed_fee_fen"] - e["rated_fee_fen"])
        for e in manifest
        if e["kind"] == "bill_mismatch"
    ]
    assert sorted(found) == sorted(listed)


def test_defect_share_roughly_as_asked(defective_root: Path, manifest: list[dict]) -> None:
    deliveries = len(list((defective_root / "landing").glob("*.AVL*")))
    broken = {e["file_name"] for e in manifest if e["kind"] not in ("gbk_file", "bill_mismatch")}
    assert 0.02 < len(broken) / deliveries < 0.12


def test_no_defects_means_no_manifest_entries(clean_root: Path) -> None:
    document = json.loads((clean_root / "defects_manifest.json").read_text("utf-8"))
    assert document["defects"] == []
