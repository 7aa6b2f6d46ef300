"""Customers and subscribers: who they are and how each one behaves.

A subscriber's brand decides its segment: 全球通 (GOTONE) are older, postpaid, heavy users on
expensive plans; 动感地带 (MZONE) are young, text and data heavy; 神州行 (SZX) is the prepaid mass
market. A small, fixed share of 全球通 users are high spenders so every VIP tier is populated.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from core.contract import PAY_METHODS
from generator import ids
from generator.catalog import (
    BRAND_GOTONE,
    BRAND_MZONE,
    BRAND_SZX,
    PLAN_FEE_FEN,
    PLANS,
    plans_of_brand,
)
from generator.names import GIVEN_CHARS, SURNAMES
from generator.state import NO_GROUP, NORMAL, POST, PRE, ProvinceState

BRAND_SHARE = np.array([0.20, 0.55, 0.25])  # GOTONE, SZX, MZONE (contract order)
PREPAID_SHARE = np.array([0.0, 0.9, 0.7])
AGE_RANGE = {BRAND_GOTONE: (28, 62), BRAND_SZX: (18, 80), BRAND_MZONE: (15, 29)}
# mean per day: voice calls, SMS, data sessions; median KB per data session
VOICE_PER_DAY = np.array([6.0, 3.0, 2.0])
SMS_PER_DAY = np.array([1.0, 0.8, 2.5])
DATA_PER_DAY = np.array([5.0, 3.0, 9.0])
KB_PER_SESSION = np.array([8_000.0, 3_000.0, 8_000.0])
ROAM_PROB = np.array([0.05, 0.01, 0.02])
RAT_SHARE = np.array([0.02, 0.03, 0.65, 0.30])

# VIP tiers by share of all subscribers (at least one each) and their monthly VAS spend, yuan
TIER_SHARE = {3: 0.001, 2: 0.002, 1: 0.005}  # 3 diamond, 2 gold, 1 silver
TIER_VAS_YUAN = {3: 4200, 2: 1900, 1: 800}
VIP_PLANS = np.array([PLANS.index(p) for p in PLANS if p.plan_id in ("GT388", "GT568", "GT788")])

PAY_METHOD_CASH, PAY_METHOD_BANK, PAY_METHOD_AGENT = (
    PAY_METHODS.index(m) for m in ("CASH", "BANK", "AGENT")
)
BANK_CODES = ("102", "103", "104", "105", "301", "308")
BANK_COLLECT_DAY = 15
LATE_PAYERS = 0.1  # pay after the 20th, so next month's bill carries 滞纳金


def yyyymmdd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def new_customers(
    state: ProvinceState, rng: np.random.Generator, ages: np.ndarray, city: np.ndarray, today: date
) -> np.ndarray:
    """Individual customers with their own account; returns their indexes."""
    n = len(ages)
    birth_year = today.year - ages
    birth = birth_year * 10000 + rng.integers(1, 13, n) * 100 + rng.integers(1, 29, n)
    serial = rng.integers(0, 500, n) * 2 + rng.integers(0, 2, n)
    areas = np.array([c.cert_area for c in state.province.cities])[city]
    body = ids.cert_body(areas, birth, serial)
    gender = np.where(serial % 2 == 1, 0, 1)
    gender[rng.random(n) < 0.02] = 2  # not recorded
    postpaid_like = rng.random(n)
    pay_method = np.where(
        postpaid_like < 0.25,
        PAY_METHOD_BANK,
        np.where(postpaid_like < 0.33, PAY_METHOD_AGENT, PAY_METHOD_CASH),
    )
    return state.customers.append(
        cust_type=1,
        surname=rng.integers(0, len(SURNAMES), n),
        given1=rng.integers(0, len(GIVEN_CHARS), n),
        given2=np.where(rng.random(n) < 0.7, rng.integers(0, len(GIVEN_CHARS), n), -1),
        cert_type=np.where(rng.random(n) < 0.01, 1, 0),
        cert_body=body,
        cert_check=ids.cert_check_index(body),
        gender=gender,
        birth=birth,
        city=city,
        create_date=yyyymmdd(today),
        group=NO_GROUP,
        pay_method=pay_method,
        bank=rng.integers(0, len(BANK_CODES), n),
        pay_day=np.where(
            pay_method == PAY_METHOD_BANK,
            BANK_COLLECT_DAY,
            np.where(rng.random(n) < LATE_PAYERS, rng.integers(21, 29, n), rng.integers(1, 21, n)),
        ),
        delinquent=rng.random(n) < 0.03,
    )


def new_users(
    state: ProvinceState,
    rng: np.random.Generator,
    cust: np.ndarray,
    brand: np.ndarray,
    today: date,
    channel: np.ndarray,
) -> np.ndarray:
    """Subscribers opened today for the given customers; returns their indexes."""
    n = len(cust)
    plan = np.zeros(n, dtype=np.int16)
    for b in (BRAND_GOTONE, BRAND_SZX, BRAND_MZONE):
        mask = brand == b
        idx, p = plans_of_brand(b)
        plan[mask] = rng.choice(idx, size=int(mask.sum()), p=p)
    pay_mode = np.where(rng.random(n) < PREPAID_SHARE[brand], PRE, POST)
    cust_pay = state.customers["pay_method"][cust]
    # prepaid cards are bought for cash; a bank mandate only makes sense for postpaid
    state.customers["pay_method"][cust] = np.where(pay_mode == PRE, PAY_METHOD_CASH, cust_pay)
    state.customers["prepaid"][cust] = pay_mode == PRE
    state.customers["delinquent"][cust[pay_mode == PRE]] = 0  # prepaid lines cannot run up debt
    start = state.users.n
    index = np.arange(start, start + n)
    return state.users.append(
        cust=cust,
        msisdn=ids.msisdn(state.code, index),
        brand=brand,
        plan=plan,
        pay_mode=pay_mode,
        open_date=yyyymmdd(today),
        status=NORMAL,
        status_date=yyyymmdd(today),
        acct_since=yyyymmdd(today),
        channel=channel,
        city=state.customers["city"][cust],
        password=rng.integers(0, 1_000_000, n),
        voice_rate=VOICE_PER_DAY[brand] * rng.lognormal(-0.18, 0.6, n),
        sms_rate=SMS_PER_DAY[brand] * rng.lognormal(-0.18, 0.6, n),
        data_rate=DATA_PER_DAY[brand] * rng.lognormal(-0.18, 0.6, n),
        data_kb=KB_PER_SESSION[brand] * rng.lognormal(0, 0.7, n),
        offnet=rng.beta(2, 5, n),
        roam_prob=ROAM_PROB[brand] * rng.lognormal(0, 0.8, n),
        rat=rng.choice(4, size=n, p=RAT_SHARE),
        cell=rng.integers(10_000, 65_000, n) * 100_000 + rng.integers(0, 65_000, n),
        vas_fen=np.where(rng.random(n) < 0.35, rng.choice([300, 500, 600, 1000, 1500], n), 0),
        group=NO_GROUP,
    )


def ages_for(rng: np.random.Generator, brand: np.ndarray) -> np.ndarray:
    low = np.array([AGE_RANGE[b][0] for b in range(3)])[brand]
    high = np.array([AGE_RANGE[b][1] for b in range(3)])[brand]
    return rng.integers(low, high + 1)


def open_subscribers(
    state: ProvinceState, rng: np.random.Generator, n: int, today: date, channel: np.ndarray
) -> np.ndarray:
    """Brand-new customers, each with one subscriber (a tenth with a second line)."""
    brand = rng.choice(3, size=n, p=BRAND_SHARE)
    city = rng.choice(len(state.province.cities), size=n, p=state.province.city_weights)
    cust = new_customers(state, rng, ages_for(rng, brand), city, today)
    second = rng.random(n) < 0.1
    all_cust = np.concatenate([cust, cust[second]])
    all_brand = np.concatenate([brand, brand[second]])
    return new_users(
        state, rng, all_cust, all_brand, today, np.concatenate([channel, channel[second]])
    )


def initial_population(
    state: ProvinceState, rng: np.random.Generator, n_users: int, first_day: date
) -> None:
    """The subscriber base on the eve of the first day, opened over the previous years."""
    sales = np.concatenate([state.channel_indexes("HALL"), state.channel_indexes("AGENT")])
    n_cust = max(1, round(n_users / 1.1))
    users = open_subscribers(state, rng, n_cust, first_day, rng.choice(sales, n_cust))
    n = len(users)
    open_ordinal = first_day.toordinal() - rng.integers(30, 365 * 12, n)
    open_date = np.array([yyyymmdd(date.fromordinal(int(o))) for o in open_ordinal])
    state.users["open_date"][users] = open_date
    state.users["status_date"][users] = open_date
    state.users["acct_since"][users] = open_date
    cust = state.users["cust"][users]
    first_open = np.full(state.customers.n, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(first_open, cust, open_date)
    state.customers["create_date"][cust] = first_open[cust]  # the first line opens the customer
    _assign_tiers(state, rng, users)
    # what each account paid for the month before the first: its plans plus typical usage
    first_bill = PLAN_FEE_FEN[state.users["plan"][users]] + 2000
    state.customers["due_fen"][:] = np.bincount(
        cust, weights=first_bill, minlength=state.customers.n
    )


def _assign_tiers(state: ProvinceState, rng: np.random.Generator, users: np.ndarray) -> None:
    """High spenders: postpaid 全球通 on big plans with large VAS bills (行业应用, 国际包)."""
    gotone = users[state.users["brand"][users] == BRAND_GOTONE]
    order = rng.permutation(gotone)
    taken = 0
    for tier, share in TIER_SHARE.items():
        count = max(1, round(share * len(users)))
        chosen = order[taken : taken + count]
        taken += count
        state.users["tier"][chosen] = tier
        state.users["vas_fen"][chosen] = (
            TIER_VAS_YUAN[tier] * 100 * rng.uniform(0.95, 1.1, len(chosen))
        ).astype(np.int64)
        state.users["pay_mode"][chosen] = POST
        state.customers["prepaid"][state.users["cust"][chosen]] = 0
        state.users["plan"][chosen] = rng.choice(VIP_PLANS, len(chosen))
        cust = state.users["cust"][chosen]
        state.customers["delinquent"][cust] = 0
