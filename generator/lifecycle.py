"""One day of business acceptance (业务受理): the EVENT interface and the status changes behind it.

Status changes happen only through events, so the month-end USER snapshot always agrees with the
EVENT history: NORMAL → SUSPEND → RESUME/NORMAL, NORMAL or SUSPEND → PRECANCEL → CANCEL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa

from core.contract import EVENT_TYPES, USER_STATUSES
from generator import frames, groups, ids
from generator.catalog import PLAN_BRAND, PLANS, plans_of_brand
from generator.population import (
    PAY_METHOD_CASH,
    new_customers,
    new_users,
    open_subscribers,
    yyyymmdd,
)
from generator.state import (
    CANCEL,
    NORMAL,
    POST,
    PRE,
    PRECANCEL,
    SUSPEND,
    ProvinceState,
)

# monthly probability of asking to leave, by [brand][pay_mode]; 全球通 postpaid are loyal
VOLUNTARY_CHURN = np.array([[0.005, 0.005], [0.018, 0.009], [0.022, 0.012]])
PREPAID_SUSPEND = 0.03  # balance runs out
SUSPEND_THEN_LEAVE = 0.15
CHANGE_PLAN, SIMSWAP, TRANSFER = 0.012, 0.006, 0.001
OPENS_PER_MONTH = 0.021  # of the initial base
REENTRY_SHARE = 0.15  # churned customers who come back with a new number within 90 days
WALK_AWAY_SHARE = 0.3  # leavers who leave their final bill unpaid
ARREARS_SUSPEND_DAY = 25
DELINQUENT_SUSPENDED_DAYS = 75  # before arrears turn a suspension into 预销号
SYSTEM_STAFF = "SYSTEM"


@dataclass
class EventLog:
    """The day's EVENT records; a few per thousand subscribers, so plain lists are fine."""

    day: int
    user: list[int] = field(default_factory=list)
    event_type: list[str] = field(default_factory=list)
    seconds: list[int] = field(default_factory=list)
    channel: list[int] = field(default_factory=list)  # -1: raised by the system itself
    staff: list[str | None] = field(default_factory=list)
    old_value: list[str | None] = field(default_factory=list)
    new_value: list[str | None] = field(default_factory=list)

    def add(
        self,
        users: np.ndarray,
        event_type: str,
        seconds: np.ndarray,
        channel: np.ndarray | int,
        staff: list[str | None] | str,
        old: list[str | None] | None,
        new: list[str | None] | None,
    ) -> None:
        n = len(users)
        self.user += users.tolist()
        self.event_type += [event_type] * n
        self.seconds += np.broadcast_to(seconds, n).tolist()
        self.channel += np.broadcast_to(channel, n).tolist()
        self.staff += staff if isinstance(staff, list) else [staff] * n
        self.old_value += old if old is not None else [None] * n
        self.new_value += new if new is not None else [None] * n


@dataclass
class Topups:
    """Prepaid top-ups that lift a suspension (paid just before the RESUME event)."""

    acct: np.ndarray
    seconds: np.ndarray
    channel: np.ndarray


def _office_hours(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(8 * 3600 + 1800, 20 * 3600 + 1800, n)


def _night(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(0, 3 * 3600, n)


def _staff(rng: np.random.Generator, state: ProvinceState, channel: np.ndarray) -> list[str | None]:
    kinds = [state.channels[c].channel_type for c in channel.tolist()]
    numbers = rng.integers(0, 100_000, len(kinds)).tolist()
    return [
        f"Z{n:05d}" if k in ("HALL", "AGENT") else ("K" + f"{n:05d}" if k == "HOTLINE" else None)
        for k, n in zip(kinds, numbers, strict=True)
    ]


def _status_change(
    state: ProvinceState,
    log: EventLog,
    users: np.ndarray,
    new_status: int,
    seconds: np.ndarray,
    channel: np.ndarray | int,
    staff: list[str | None] | str,
) -> None:
    old = [USER_STATUSES[s] for s in state.users["status"][users].tolist()]
    state.users["status"][users] = new_status
    state.users["status_date"][users] = log.day
    event = {NORMAL: "RESUME", SUSPEND: "SUSPEND", PRECANCEL: "PRECANCEL", CANCEL: "CANCEL"}
    log.add(
        users,
        event[new_status],
        seconds,
        channel,
        staff,
        old,
        [USER_STATUSES[new_status]] * len(users),
    )


def seed_pending_churn(state: ProvinceState, rng: np.random.Generator, first_day: date) -> None:
    """Subscribers already in 预销号 on the first day, so the first month has churn too."""
    users = state.users
    candidates = np.flatnonzero((users["tier"] == 0) & (users["status"] == NORMAL))
    chosen = candidates[rng.random(len(candidates)) < 0.012]
    since = first_day.toordinal() - rng.integers(1, 10, len(chosen))
    users["status"][chosen] = PRECANCEL
    users["status_date"][chosen] = [yyyymmdd(date.fromordinal(int(o))) for o in since]
    users["cancel_on"][chosen] = first_day.toordinal() + rng.integers(0, 20, len(chosen))


def run_day(
    state: ProvinceState, rng: np.random.Generator, today: date, base_users: int
) -> tuple[EventLog, Topups]:
    log = EventLog(yyyymmdd(today))
    ordinal = today.toordinal()
    users = state.users
    halls = np.concatenate([state.channel_indexes("HALL"), state.channel_indexes("AGENT")])
    remote = np.concatenate(
        [
            halls,
            state.channel_indexes("APP"),
            state.channel_indexes("WEB"),
            state.channel_indexes("SMS"),
            state.channel_indexes("HOTLINE"),
        ]
    )

    cancel = np.flatnonzero((users["cancel_on"] == ordinal) & (users["status"] == PRECANCEL))
    _status_change(state, log, cancel, CANCEL, _night(rng, len(cancel)), -1, SYSTEM_STAFF)
    users["cancel_on"][cancel] = 0
    groups.leave(state, cancel, log.day)
    _schedule_reentry(state, rng, cancel, ordinal)
    _walk_away(state, rng, cancel)

    resume = np.flatnonzero((users["resume_on"] == ordinal) & (users["status"] == SUSPEND))
    paid_at = _office_hours(rng, len(resume))
    topups = Topups(users["cust"][resume], paid_at, rng.choice(remote, len(resume)))
    _status_change(state, log, resume, NORMAL, paid_at + 60, -1, SYSTEM_STAFF)
    users["resume_on"][resume] = 0

    give_up = np.flatnonzero((users["precancel_on"] == ordinal) & (users["status"] == SUSPEND))
    _status_change(state, log, give_up, PRECANCEL, _night(rng, len(give_up)), -1, SYSTEM_STAFF)
    users["precancel_on"][give_up] = 0
    users["cancel_on"][give_up] = ordinal + rng.integers(5, 25, len(give_up))

    if today.day == ARREARS_SUSPEND_DAY:
        _suspend_for_arrears(state, rng, log, ordinal)
    _random_requests(state, rng, log, today, halls, remote)
    _opens(state, rng, log, today, base_users, halls)
    return log, topups


def _suspend_for_arrears(
    state: ProvinceState, rng: np.random.Generator, log: EventLog, ordinal: int
) -> None:
    """Postpaid lines of accounts that left last month's bill unpaid are barred (欠费停机)."""
    users, cust = state.users, state.customers
    owing = (cust["delinquent"] == 1) & (cust["billed_fen"] > cust["paid_fen"])
    barred = np.flatnonzero(
        (users["status"] == NORMAL) & (users["pay_mode"] == POST) & owing[users["cust"]]
    )
    _status_change(state, log, barred, SUSPEND, _night(rng, len(barred)), -1, SYSTEM_STAFF)
    users["precancel_on"][barred] = ordinal + DELINQUENT_SUSPENDED_DAYS


def _random_requests(
    state: ProvinceState,
    rng: np.random.Generator,
    log: EventLog,
    today: date,
    halls: np.ndarray,
    remote: np.ndarray,
) -> None:
    """At most one request per subscriber a day, drawn from one uniform number; subscribers
    whose status already changed today are left alone so the day's events stay in order."""
    users = state.users
    ordinal = today.toordinal()
    active = np.flatnonzero((users["status"] == NORMAL) & (users["status_date"] < log.day))
    brand, pay_mode = users["brand"][active], users["pay_mode"][active]
    vip = users["tier"][active] > 0
    leave = np.where(vip, 0.0, VOLUNTARY_CHURN[brand, pay_mode]) / 30
    suspend = np.where(pay_mode == PRE, PREPAID_SUSPEND / 30, 0.0)
    bounds = np.cumsum(
        np.stack(
            [
                leave,
                suspend,
                np.full(len(active), CHANGE_PLAN / 30),
                np.full(len(active), SIMSWAP / 30),
                np.full(len(active), TRANSFER / 30),
            ]
        ),
        axis=0,
    )
    draw = rng.random(len(active))
    kind = (draw[None, :] >= bounds).sum(axis=0)  # 0 leave … 4 transfer, 5 nothing

    quit_ = active[kind == 0]
    channel = rng.choice(halls, len(quit_))
    _status_change(
        state,
        log,
        quit_,
        PRECANCEL,
        _office_hours(rng, len(quit_)),
        channel,
        _staff(rng, state, channel),
    )
    users["cancel_on"][quit_] = ordinal + rng.integers(5, 25, len(quit_))

    stop = active[kind == 1]
    _status_change(state, log, stop, SUSPEND, _night(rng, len(stop)), -1, SYSTEM_STAFF)
    leaves = rng.random(len(stop)) < SUSPEND_THEN_LEAVE
    users["precancel_on"][stop[leaves]] = ordinal + rng.integers(10, 25, int(leaves.sum()))
    users["resume_on"][stop[~leaves]] = ordinal + rng.integers(1, 7, int((~leaves).sum()))

    _change_plan(state, rng, log, active[kind == 2], remote)
    swap = active[kind == 3]
    channel = rng.choice(halls, len(swap))
    log.add(
        swap,
        "SIMSWAP",
        _office_hours(rng, len(swap)),
        channel,
        _staff(rng, state, channel),
        _iccids(rng, len(swap)),
        _iccids(rng, len(swap)),
    )
    _transfer(state, rng, log, active[kind == 4], halls, today)


def _iccids(rng: np.random.Generator, n: int) -> list[str | None]:
    return [f"898600{v:014d}" for v in rng.integers(0, 10**14, n).tolist()]


def _change_plan(
    state: ProvinceState,
    rng: np.random.Generator,
    log: EventLog,
    users: np.ndarray,
    remote: np.ndarray,
) -> None:
    old_plan = state.users["plan"][users]
    new_plan = old_plan.copy()
    for i, plan in enumerate(old_plan.tolist()):
        options, p = plans_of_brand(int(PLAN_BRAND[plan]))
        new_plan[i] = rng.choice(options, p=p)
    moved = users[new_plan != old_plan]
    old = [PLANS[p].plan_id for p in old_plan[new_plan != old_plan].tolist()]
    new = [PLANS[p].plan_id for p in new_plan[new_plan != old_plan].tolist()]
    state.users["plan"][moved] = new_plan[new_plan != old_plan]
    channel = rng.choice(remote, len(moved))
    log.add(
        moved,
        "CHANGE_PLAN",
        _office_hours(rng, len(moved)),
        channel,
        _staff(rng, state, channel),
        old,
        new,
    )


def _transfer(
    state: ProvinceState,
    rng: np.random.Generator,
    log: EventLog,
    users: np.ndarray,
    halls: np.ndarray,
    today: date,
) -> None:
    """过户: the number moves to a new individual customer, who pays from a new account."""
    if len(users) == 0:
        return
    old_cust = state.users["cust"][users]
    ages = rng.integers(20, 70, len(users))
    cust = new_customers(state, rng, ages, state.users["city"][users], today)
    prepaid = state.users["pay_mode"][users] == PRE
    state.customers["prepaid"][cust] = prepaid
    state.customers["pay_method"][cust[prepaid]] = PAY_METHOD_CASH
    groups.leave(state, users, log.day)
    state.users["cust"][users] = cust
    state.users["acct_since"][users] = log.day
    channel = rng.choice(halls, len(users))
    old = [str(v) for v in ids.entity_id(state.code, ids.CUST, old_cust).tolist()]
    new = [str(v) for v in ids.entity_id(state.code, ids.CUST, cust).tolist()]
    log.add(
        users,
        "TRANSFER",
        _office_hours(rng, len(users)),
        channel,
        _staff(rng, state, channel),
        old,
        new,
    )


def _schedule_reentry(
    state: ProvinceState, rng: np.random.Generator, cancelled: np.ndarray, ordinal: int
) -> None:
    cust = state.users["cust"][cancelled]
    personal = cust[state.customers["cust_type"][cust] == 1]
    back = personal[rng.random(len(personal)) < REENTRY_SHARE]
    state.customers["reentry_on"][back] = ordinal + rng.integers(5, 85, len(back))


def _walk_away(state: ProvinceState, rng: np.random.Generator, cancelled: np.ndarray) -> None:
    """Some leavers never pay their final bill: the debt is written off two months later."""
    cust = np.unique(state.users["cust"][cancelled])
    alive = np.bincount(
        state.users["cust"], weights=state.users["status"] != CANCEL, minlength=state.customers.n
    )
    gone = cust[(alive[cust] == 0) & (rng.random(len(cust)) < WALK_AWAY_SHARE)]
    state.customers["delinquent"][gone] = 1


def _opens(
    state: ProvinceState,
    rng: np.random.Generator,
    log: EventLog,
    today: date,
    base_users: int,
    halls: np.ndarray,
) -> None:
    ordinal = today.toordinal()
    returning = np.flatnonzero(state.customers["reentry_on"] == ordinal)
    state.customers["reentry_on"][returning] = 0
    brand = rng.choice(3, size=len(returning), p=[0.2, 0.55, 0.25])
    channel = rng.choice(halls, len(returning))
    opened = [new_users(state, rng, returning, brand, today, channel)]
    n_new = max(1, rng.poisson(base_users * OPENS_PER_MONTH / 30))  # the halls open every day
    opened.append(open_subscribers(state, rng, n_new, today, rng.choice(halls, n_new)))
    users = np.concatenate(opened)
    plan_ids = [PLANS[p].plan_id for p in state.users["plan"][users].tolist()]
    channel = state.users["channel"][users]
    log.add(
        users,
        "OPEN",
        _office_hours(rng, len(users)),
        channel,
        _staff(rng, state, channel),
        None,
        plan_ids,
    )


def events_table(state: ProvinceState, log: EventLog) -> pa.Table:
    n = len(log.user)
    seconds = np.array(log.seconds, dtype=np.int64)
    channel = np.array(log.channel, dtype=np.int64)
    return frames.table(
        "EVENT",
        {
            "event_id": log.day * 10**6 + np.arange(1, n + 1),
            "user_id": ids.entity_id(state.code, ids.USER, np.array(log.user, dtype=np.int64)),
            "event_type": frames.codes(
                np.array([EVENT_TYPES.index(t) for t in log.event_type]), EVENT_TYPES
            ),
            "event_time": log.day * 1_000_000
            + seconds // 3600 * 10_000
            + seconds % 3600 // 60 * 100
            + seconds % 60,
            "channel_id": frames.codes(
                np.maximum(channel, 0), [c.channel_id for c in state.channels], null=channel < 0
            ),
            "staff_id": pa.array(log.staff, pa.string()),
            "old_value": pa.array(log.old_value, pa.string()),
            "new_value": pa.array(log.new_value, pa.string()),
        },
    )
