"""Month-end snapshots: CUST, USER, ACCT, PAYREL, GROUP, GMEMBER, PLAN, CHANNEL.

Customers, accounts and groups are never deleted (a closed customer shows cust_status 0), so every
id an event, bill or payment ever used resolves. A cancelled subscriber stays in the snapshot of its
cancellation month only.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.contract import (
    BRANDS,
    CERT_TYPES,
    CHANNEL_TYPES,
    CUST_STATUSES,
    CUST_TYPES,
    FLAGS,
    GENDERS,
    GROUP_CLASSES,
    INDUSTRIES,
    PAY_METHODS,
    PAY_MODES,
    PAYREL_ITEM_CLASSES,
    USER_STATUSES,
)
from generator import frames, ids
from generator.catalog import PLAN_EFF_DATE, PLAN_OPEN_END, PLANS
from generator.groups import CLASS_UNKNOWN
from generator.names import COMPANY_WORDS, GIVEN_CHARS, INDUSTRY_SUFFIXES, SURNAMES
from generator.population import BANK_CODES
from generator.state import CANCEL, ProvinceState

_PASSPORT = CERT_TYPES.index("2")
_GIVEN = pa.array(list(GIVEN_CHARS))


def snapshot_users(state: ProvinceState, month_start: int, month_end: int) -> np.ndarray:
    """Subscribers in the month's USER snapshot."""
    users = state.users
    gone = (users["status"] == CANCEL) & (users["status_date"] < month_start)
    return np.flatnonzero((users["open_date"] <= month_end) & ~gone)


def _text(values: list[str]) -> pa.Array:
    return pa.array(values, pa.string())


def group_names(state: ProvinceState) -> list[str]:
    g = state.groups
    cities = state.province.cities
    return [
        f"{cities[c].name}{COMPANY_WORDS[w]}{INDUSTRY_SUFFIXES[INDUSTRIES[i]]}"
        for c, w, i in zip(
            g["city"].tolist(), g["name_word"].tolist(), g["industry"].tolist(), strict=True
        )
    ]


def _customer_names(state: ProvinceState) -> pa.Array:
    c = state.customers
    surname = pa.array(list(SURNAMES)).take(pa.array(c["surname"]))
    given1 = _GIVEN.take(pa.array(c["given1"]))
    given2 = _GIVEN.take(
        pa.array(np.maximum(c["given2"], 0)),
    )
    given2 = pc.if_else(pa.array(c["given2"] < 0), "", given2)
    person = pc.binary_join_element_wise(surname, given1, given2, "")
    names = group_names(state)
    unit = _text([names[g] if g >= 0 else "" for g in c["group"].tolist()])
    return pc.if_else(pa.array(c["cust_type"] == 2), unit, person)


def _cert_numbers(state: ProvinceState) -> pa.Array:
    c = state.customers
    body = c["cert_body"]
    resident = pc.binary_join_element_wise(
        frames.digits(body), pa.array(ids.CERT_CHECK_CHARS[c["cert_check"]]), ""
    )
    passport = frames.digits(10**7 + body % (9 * 10**7), prefix="E")
    licence = frames.digits(body // 10, prefix="91")
    return pc.if_else(
        pa.array(c["cust_type"] == 2),
        licence,
        pc.if_else(pa.array(c["cert_type"] == _PASSPORT), passport, resident),
    )


def cust(state: ProvinceState) -> pa.Table:
    c, users = state.customers, state.users
    alive = np.bincount(users["cust"], weights=users["status"] != CANCEL, minlength=c.n) > 0
    closed = (c["cust_type"] == 1) & ~alive
    personal = c["cust_type"] == 1
    return frames.table(
        "CUST",
        {
            "cust_id": ids.entity_id(state.code, ids.CUST, np.arange(c.n)),
            "cust_type": frames.codes(c["cust_type"] - 1, CUST_TYPES),
            "cust_name": _customer_names(state),
            "cert_type": frames.codes(c["cert_type"], CERT_TYPES),
            "cert_no": _cert_numbers(state),
            "gender": frames.codes(np.minimum(c["gender"], 1), GENDERS, null=c["gender"] == 2),
            "birth_date": frames.ints(c["birth"], null=~personal),
            "city_code": frames.codes(c["city"], state.province.city_codes),
            "create_date": c["create_date"],
            "cust_status": frames.codes(closed.astype(np.int8), CUST_STATUSES),
        },
    )


def user(state: ProvinceState, members: np.ndarray) -> pa.Table:
    u = state.users
    channel_ids = [ch.channel_id for ch in state.channels]
    password = frames.digits(u["password"][members])
    return frames.table(
        "USER",
        {
            "user_id": ids.entity_id(state.code, ids.USER, members),
            "cust_id": ids.entity_id(state.code, ids.CUST, u["cust"][members]),
            "msisdn": u["msisdn"][members],
            "brand": frames.codes(u["brand"][members], BRANDS),
            "plan_id": frames.codes(u["plan"][members], [p.plan_id for p in PLANS]),
            "pay_mode": frames.codes(u["pay_mode"][members], PAY_MODES),
            "open_date": u["open_date"][members],
            "user_status": frames.codes(u["status"][members], USER_STATUSES),
            "status_date": u["status_date"][members],
            "channel_id": frames.codes(u["channel"][members], channel_ids),
            "city_code": frames.codes(u["city"][members], state.province.city_codes),
            "service_password": pc.utf8_lpad(password, 6, "0"),
        },
    )


def acct(state: ProvinceState) -> pa.Table:
    c = state.customers
    bank = c["pay_method"] == PAY_METHODS.index("BANK")
    return frames.table(
        "ACCT",
        {
            "acct_id": ids.entity_id(state.code, ids.ACCT, np.arange(c.n)),
            "cust_id": ids.entity_id(state.code, ids.CUST, np.arange(c.n)),
            "acct_name": _customer_names(state),
            "pay_method": frames.codes(c["pay_method"], PAY_METHODS),
            "bank_code": frames.codes(c["bank"], BANK_CODES, null=~bank),
            "create_date": c["create_date"],
        },
    )


def payrel(state: ProvinceState, members: np.ndarray) -> pa.Table:
    """Own account pays everything; where the unit pays rental, a RENTAL relation comes first."""
    u = state.users
    split = members[u["group_pays"][members] == 1]
    rows = np.concatenate([members, split])
    n_own = len(members)
    group_acct = state.groups["cust"][u["group"][split]]
    join = state.members
    open_rows = (join["leave_date"] == 0) & (join["group_pays"] == 1)
    join_of = dict(
        zip(join["user"][open_rows].tolist(), join["join_date"][open_rows].tolist(), strict=True)
    )
    item_class = np.concatenate(
        [np.zeros(n_own, dtype=np.int8), np.full(len(split), PAYREL_ITEM_CLASSES.index("RENTAL"))]
    )
    is_split = np.isin(members, split)
    return frames.table(
        "PAYREL",
        {
            "user_id": ids.entity_id(state.code, ids.USER, rows),
            "acct_id": ids.entity_id(
                state.code, ids.ACCT, np.concatenate([u["cust"][members], group_acct])
            ),
            "item_class": frames.codes(item_class, PAYREL_ITEM_CLASSES),
            "share_pct": np.full(len(rows), 100),
            "priority": np.concatenate([np.where(is_split, 2, 1), np.ones(len(split))]),
            "eff_date": np.concatenate(
                [u["acct_since"][members], [join_of[int(x)] for x in split.tolist()]]
            ),
            "exp_date": np.full(len(rows), PLAN_OPEN_END),
        },
    )


def group(state: ProvinceState) -> pa.Table:
    g = state.groups
    return frames.table(
        "GROUP",
        {
            "group_id": ids.entity_id(state.code, ids.GROUP, np.arange(g.n)),
            "cust_id": ids.entity_id(state.code, ids.CUST, g["cust"]),
            "group_name": _text(group_names(state)),
            "industry_code": frames.codes(g["industry"], INDUSTRIES),
            "group_class": frames.codes(
                np.minimum(g["boss_class"], 2), GROUP_CLASSES, null=g["boss_class"] == CLASS_UNKNOWN
            ),
            "city_code": frames.codes(g["city"], state.province.city_codes),
            "manager_id": frames.digits(int(state.code) * 1000 + g["manager"], prefix="AM"),
            "employee_count": g["employees"],
            "cross_province": frames.codes(g["cross_province"], FLAGS),
            "top500_taxpayer": frames.codes(g["top500"], FLAGS),
            "sign_date": g["sign_date"],
        },
    )


def gmember(state: ProvinceState, month_end: int) -> pa.Table:
    m = state.members
    rows = np.flatnonzero(m["join_date"] <= month_end)
    leave = m["leave_date"][rows]
    return frames.table(
        "GMEMBER",
        {
            "group_id": ids.entity_id(state.code, ids.GROUP, m["group"][rows]),
            "user_id": ids.entity_id(state.code, ids.USER, m["user"][rows]),
            "join_date": m["join_date"][rows],
            "leave_date": frames.ints(leave, null=leave == 0),
            "group_pays": frames.codes(m["group_pays"][rows], FLAGS),
        },
    )


def plan() -> pa.Table:
    return frames.table(
        "PLAN",
        {
            "plan_id": _text([p.plan_id for p in PLANS]),
            "plan_name": _text([p.name for p in PLANS]),
            "brand": frames.codes(np.array([p.brand for p in PLANS]), BRANDS),
            "monthly_fee_fen": np.array([p.monthly_fee_fen for p in PLANS]),
            "free_voice_min": np.array([p.free_voice_min for p in PLANS]),
            "free_data_mb": np.array([p.free_data_mb for p in PLANS]),
            "free_sms": np.array([p.free_sms for p in PLANS]),
            "eff_date": np.full(len(PLANS), PLAN_EFF_DATE),
            "exp_date": np.full(len(PLANS), PLAN_OPEN_END),
        },
    )


def channel(state: ProvinceState) -> pa.Table:
    chans = state.channels
    return frames.table(
        "CHANNEL",
        {
            "channel_id": _text([c.channel_id for c in chans]),
            "channel_name": _text([c.name for c in chans]),
            "channel_type": frames.codes(
                np.array([CHANNEL_TYPES.index(c.channel_type) for c in chans]), CHANNEL_TYPES
            ),
            "city_code": _text([c.city_code for c in chans]),
        },
    )
