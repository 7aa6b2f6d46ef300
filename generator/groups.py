"""Group customers (集团客户), their account managers and their members.

Each group is drawn for a target class (A 5%, B 25%, C 70%) and given an industry and a size that
make indicators.md's rule compute that class. BOSS's own group_class is sometimes empty or stale,
as in real extracts.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from core.contract import CERT_TYPES, INDUSTRIES
from generator.names import COMPANY_WORDS
from generator.population import BANK_COLLECT_DAY, PAY_METHOD_BANK, yyyymmdd
from generator.state import NO_GROUP, NORMAL, ProvinceState

CLASS_A, CLASS_B, CLASS_C, CLASS_UNKNOWN = 0, 1, 2, 3
CLASS_SHARE = np.array([0.05, 0.25, 0.70])
_INDUSTRY = {name: i for i, name in enumerate(INDUSTRIES)}
_A_INDUSTRIES = np.array([_INDUSTRY[n] for n in INDUSTRIES[:12]])
_B_INDUSTRIES = np.array([_INDUSTRY["SECURITIES"], _INDUSTRY["INSURANCE"]])
_C_INDUSTRIES = np.array([_INDUSTRY[n] for n in INDUSTRIES[14:]])
_BUSINESS_LICENCE = CERT_TYPES.index("3")
MANAGERS_PER_CITY = 3


def _draw_groups(
    state: ProvinceState, rng: np.random.Generator, n: int, sign_date: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Group customers with their accounts; returns (group indexes, target member counts)."""
    target = rng.choice(3, size=n, p=CLASS_SHARE)
    industry = np.where(
        target == CLASS_A,
        rng.choice(_A_INDUSTRIES, n),
        np.where(target == CLASS_B, rng.choice(_B_INDUSTRIES, n), rng.choice(_C_INDUSTRIES, n)),
    )
    members = np.where(target == CLASS_C, rng.integers(2, 25, n), rng.integers(5, 60, n))
    city = rng.choice(len(state.province.cities), size=n, p=state.province.city_weights)
    areas = np.array([c.cert_area for c in state.province.cities])[city]
    body = areas.astype(np.int64) * 10**11 + rng.integers(0, 10**11, n)
    cust = state.customers.append(
        cust_type=2,
        cert_type=_BUSINESS_LICENCE,
        cert_body=body,
        gender=2,
        city=city,
        create_date=sign_date,
        group=np.arange(state.groups.n, state.groups.n + n),
        pay_method=PAY_METHOD_BANK,
        bank=rng.integers(0, 6, n),
        pay_day=BANK_COLLECT_DAY,
    )
    boss_class = target.copy()
    stale = rng.random(n)
    boss_class[stale < 0.10] = (target[stale < 0.10] + 1) % 3
    boss_class[stale > 0.92] = CLASS_UNKNOWN
    groups = state.groups.append(
        cust=cust,
        industry=industry,
        boss_class=boss_class,
        city=city,
        manager=city * MANAGERS_PER_CITY + rng.integers(0, MANAGERS_PER_CITY, n),
        employees=members * rng.uniform(1.3, 6.0, n) + rng.integers(5, 50, n),
        cross_province=rng.random(n) < 0.1,
        top500=(target == CLASS_A) & (rng.random(n) < 0.3),
        sign_date=sign_date,
        name_word=rng.integers(0, len(COMPANY_WORDS), n),
    )
    return groups, members


def join(
    state: ProvinceState,
    rng: np.random.Generator,
    groups: np.ndarray,
    wanted: np.ndarray,
    join_date: np.ndarray,
) -> None:
    """Enrol free, active individual subscribers into groups; some have the unit pay rental."""
    users = state.users
    free = np.flatnonzero((users["group"] == NO_GROUP) & (users["status"] == NORMAL))
    free = free[state.customers["cust_type"][users["cust"][free]] == 1]
    want = np.repeat(groups, wanted)
    picked = rng.choice(free, size=min(len(want), len(free)), replace=False)
    want = want[: len(picked)]
    date_of = np.repeat(join_date, wanted)[: len(picked)]
    date_of = np.maximum(date_of, users["open_date"][picked])
    pays = rng.random(len(picked)) < 0.45
    users["group"][picked] = want
    users["group_pays"][picked] = pays
    state.members.append(group=want, user=picked, join_date=date_of, leave_date=0, group_pays=pays)


def leave(state: ProvinceState, users: np.ndarray, leave_date: int | np.ndarray) -> None:
    """End the open memberships of these subscribers."""
    leaving = users[state.users["group"][users] != NO_GROUP]
    if len(leaving) == 0:
        return
    members = state.members
    rows = np.flatnonzero(np.isin(members["user"], leaving) & (members["leave_date"] == 0))
    lookup = dict(
        zip(users.tolist(), np.broadcast_to(leave_date, users.shape).tolist(), strict=True)
    )
    wanted = np.array([lookup[int(u)] for u in members["user"][rows]], dtype=np.int32)
    members["leave_date"][rows] = np.maximum(wanted, members["join_date"][rows])
    state.users["group"][leaving] = NO_GROUP
    state.users["group_pays"][leaving] = 0


def initial_groups(state: ProvinceState, rng: np.random.Generator, first_day: date) -> None:
    n = max(20, round(state.users.n / 60))
    sign = first_day.toordinal() - rng.integers(60, 365 * 10, n)
    sign_date = np.array([yyyymmdd(date.fromordinal(int(o))) for o in sign])
    groups, members = _draw_groups(state, rng, n, sign_date)
    join(state, rng, groups, members, sign_date)


def month_end_changes(state: ProvinceState, rng: np.random.Generator, days: list[date]) -> None:
    """New groups signed (圈地), members joining existing groups, members leaving."""
    day_ints = np.array([yyyymmdd(d) for d in days])
    n_new = max(1, round(state.groups.n * 0.02))
    groups, members = _draw_groups(state, rng, n_new, rng.choice(day_ints, n_new))
    join(state, rng, groups, members, state.groups["sign_date"][groups])
    existing = rng.choice(state.groups.n, size=max(1, state.groups.n // 4))
    join(
        state, rng, existing, rng.integers(1, 4, len(existing)), rng.choice(day_ints, len(existing))
    )
    in_group = np.flatnonzero(state.users["group"] != NO_GROUP)
    quitting = in_group[rng.random(len(in_group)) < 0.015]
    leave(state, quitting, rng.choice(day_ints, len(quitting)))
