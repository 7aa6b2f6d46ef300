"""One day of collections (缴费): the PAYMENT interface.

Postpaid accounts settle last month's bill on their own day (bank mandates on the collection day,
through AUTO); prepaid accounts top up ahead of their spend. A few payments are reversed and paid
again, delinquent accounts never pay (their debt ages into 呆账), and the arrears of long-gone
customers are written off.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from core.contract import PAY_CHANNELS, PAY_TYPES
from generator import frames, ids
from generator.lifecycle import Topups
from generator.population import PAY_METHOD_AGENT, PAY_METHOD_BANK, yyyymmdd
from generator.state import CANCEL, ProvinceState

DUE_DAY = 20  # paid after this day: 滞纳金 of 3‰ a day on the next bill
LATE_FEE_PER_DAY = 0.003
REVERSAL_SHARE = 0.005
WRITEOFF_AFTER_DAYS = 60
_CHANNEL = {name: i for i, name in enumerate(PAY_CHANNELS)}
_TYPE = {name: i for i, name in enumerate(PAY_TYPES)}
# counter and self-service channels for people paying by hand, and how they pay there
_HAND_CHANNELS = np.array([_CHANNEL[c] for c in ("HALL", "AGENT", "WEB", "APP", "HOTLINE", "SMS")])
_HAND_SHARE = np.array([0.28, 0.17, 0.10, 0.32, 0.08, 0.05])
_HAND_TYPE = np.array([_TYPE[t] for t in ("CASH", "CASH", "CARD", "CARD", "CARD", "CARD")])


class PaymentDay:
    def __init__(self, day: date) -> None:
        self.day_int = yyyymmdd(day)
        self.acct: list[np.ndarray] = []
        self.seconds: list[np.ndarray] = []
        self.amount: list[np.ndarray] = []
        self.channel: list[np.ndarray] = []
        self.pay_type: list[np.ndarray] = []
        self.ref: list[np.ndarray] = []  # index of the reversed payment in this day's list, or -1

    def add(
        self,
        acct: np.ndarray,
        seconds: np.ndarray,
        amount: np.ndarray,
        channel: np.ndarray,
        pay_type: np.ndarray,
        ref: np.ndarray | None = None,
    ) -> None:
        n = len(acct)
        self.acct.append(acct)
        self.seconds.append(np.broadcast_to(seconds, n))
        self.amount.append(np.broadcast_to(amount, n))
        self.channel.append(np.broadcast_to(channel, n))
        self.pay_type.append(np.broadcast_to(pay_type, n))
        self.ref.append(np.full(n, -1) if ref is None else ref)

    def count(self) -> int:
        return sum(len(a) for a in self.acct)


def run_day(
    state: ProvinceState, rng: np.random.Generator, today: date, topups: Topups
) -> pa.Table:
    cust = state.customers
    pay = PaymentDay(today)
    if today.day == 1:
        _write_off(state, pay, today)
    settling = np.flatnonzero(
        (cust["pay_day"] == today.day) & (cust["due_fen"] > 0) & (cust["delinquent"] == 0)
    )
    prepaid = cust["prepaid"][settling] == 1
    _settle(state, rng, pay, settling[~prepaid], today)
    _top_up(state, rng, pay, settling[prepaid])
    channel = np.array(
        [_CHANNEL[state.channels[c].channel_type] for c in topups.channel.tolist()], dtype=np.int64
    )
    pay_type = np.where(channel == _CHANNEL["AGENT"], _TYPE["TOPUP"], _TYPE["CARD"])
    pay.add(topups.acct, topups.seconds, rng.choice([5000, 10000], len(channel)), channel, pay_type)
    _reverse_some(rng, pay)
    return _table(state, rng, pay)


def _settle(
    state: ProvinceState, rng: np.random.Generator, pay: PaymentDay, acct: np.ndarray, today: date
) -> None:
    cust = state.customers
    amount = cust["due_fen"][acct].copy()
    cust["due_fen"][acct] = 0
    if today.day > DUE_DAY:
        cust["late_fee"][acct] += (amount * LATE_FEE_PER_DAY * (today.day - DUE_DAY)).astype(
            np.int64
        )
    method = cust["pay_method"][acct]
    hand = rng.choice(len(_HAND_CHANNELS), size=len(acct), p=_HAND_SHARE)
    channel = np.select(
        [method == PAY_METHOD_BANK, method == PAY_METHOD_AGENT],
        [_CHANNEL["AUTO"], _CHANNEL["BANK"]],
        _HAND_CHANNELS[hand],
    )
    pay_type = np.select(
        [method == PAY_METHOD_BANK, method == PAY_METHOD_AGENT],
        [_TYPE["BANK_COLLECT"], _TYPE["AGENT_COLLECT"]],
        _HAND_TYPE[hand],
    )
    seconds = np.where(
        method == PAY_METHOD_BANK,
        rng.integers(3600, 5 * 3600, len(acct)),
        rng.integers(8 * 3600, 22 * 3600, len(acct)),
    )
    pay.add(acct, seconds, amount, channel, pay_type)


def _top_up(
    state: ProvinceState, rng: np.random.Generator, pay: PaymentDay, acct: np.ndarray
) -> None:
    """Prepaid: round last month's spend up to whole tens of yuan, sometimes in two top-ups."""
    cust = state.customers
    amount = -(-cust["due_fen"][acct] // 1000) * 1000
    cust["due_fen"][acct] = 0
    channel = rng.choice(
        [_CHANNEL[c] for c in ("AGENT", "APP", "WEB", "HOTLINE", "SMS", "HALL")],
        size=len(acct),
        p=[0.35, 0.3, 0.08, 0.1, 0.07, 0.1],
    )
    pay_type = np.where(channel == _CHANNEL["AGENT"], _TYPE["TOPUP"], _TYPE["CARD"])
    split = (rng.random(len(acct)) < 0.2) & (amount >= 2000)
    first = np.where(split, amount // 2000 * 1000, amount)
    pay.add(acct, rng.integers(7 * 3600, 23 * 3600, len(acct)), first, channel, pay_type)
    pay.add(
        acct[split],
        rng.integers(7 * 3600, 23 * 3600, int(split.sum())),
        amount[split] - first[split],
        channel[split],
        pay_type[split],
    )


def _reverse_some(rng: np.random.Generator, pay: PaymentDay) -> None:
    """A cashier's mistake is reversed (negative, pointing at the original) and paid again."""
    n = pay.count()
    if n == 0:
        return
    amount = np.concatenate(pay.amount)
    pay_type = np.concatenate(pay.pay_type)
    reversible = (amount > 0) & (pay_type != _TYPE["BANK_COLLECT"])
    chosen = np.flatnonzero(reversible & (rng.random(n) < REVERSAL_SHARE))
    if len(chosen) == 0:
        return
    acct = np.concatenate(pay.acct)[chosen]
    seconds = np.minimum(
        np.concatenate(pay.seconds)[chosen] + rng.integers(60, 1800, len(chosen)), 86_000
    )
    channel = np.concatenate(pay.channel)[chosen]
    pay.add(acct, seconds, -amount[chosen], channel, pay_type[chosen], ref=chosen)
    pay.add(acct, seconds + 120, amount[chosen], channel, pay_type[chosen])


def _write_off(state: ProvinceState, pay: PaymentDay, today: date) -> None:
    """坏账核销: debts of customers whose every line has been cancelled for two months."""
    users, cust = state.users, state.customers
    alive = np.bincount(users["cust"], weights=users["status"] != CANCEL, minlength=cust.n)
    last_status = np.zeros(cust.n, dtype=np.int64)
    np.maximum.at(last_status, users["cust"], users["status_date"])
    has_users = np.bincount(users["cust"], minlength=cust.n) > 0
    cutoff = yyyymmdd(date.fromordinal(today.toordinal() - WRITEOFF_AFTER_DAYS))
    owed = cust["billed_fen"] - cust["paid_fen"]
    acct = np.flatnonzero(
        has_users & (alive == 0) & (last_status <= cutoff) & (owed > 0) & (cust["written_off"] == 0)
    )
    cust["written_off"][acct] = 1
    cust["due_fen"][acct] = 0
    pay.add(acct, 2 * 3600, owed[acct], _CHANNEL["HALL"], _TYPE["WRITEOFF"])


def _table(state: ProvinceState, rng: np.random.Generator, pay: PaymentDay) -> pa.Table:
    acct = np.concatenate(pay.acct) if pay.acct else np.zeros(0, dtype=np.int64)
    n = len(acct)
    amount = np.concatenate(pay.amount) if n else np.zeros(0, dtype=np.int64)
    state.customers["paid_fen"][:] += np.bincount(
        acct, weights=amount, minlength=state.customers.n
    ).astype(np.int64)
    seconds = np.concatenate(pay.seconds) if n else np.zeros(0, dtype=np.int64)
    channel = np.concatenate(pay.channel) if n else np.zeros(0, dtype=np.int64)
    pay_type = np.concatenate(pay.pay_type) if n else np.zeros(0, dtype=np.int64)
    ref = np.concatenate(pay.ref) if n else np.zeros(0, dtype=np.int64)
    payment_id = pay.day_int * 10**7 + np.arange(1, n + 1)
    counter = np.isin(channel, [_CHANNEL["HALL"], _CHANNEL["AGENT"]])
    staff = frames.digits(rng.integers(10_000, 100_000, n), prefix="Z", null=~counter)
    return frames.table(
        "PAYMENT",
        {
            "payment_id": payment_id,
            "acct_id": ids.entity_id(state.code, ids.ACCT, acct),
            "pay_time": pay.day_int * 1_000_000
            + seconds // 3600 * 10_000
            + seconds % 3600 // 60 * 100
            + seconds % 60,
            "amount_fen": amount,
            "pay_channel": frames.codes(channel, PAY_CHANNELS),
            "pay_type": frames.codes(pay_type, PAY_TYPES),
            "ref_payment_id": frames.ints(
                np.where(ref >= 0, payment_id[np.maximum(ref, 0)], 0), null=ref < 0
            ),
            "staff_id": staff,
        },
    )
