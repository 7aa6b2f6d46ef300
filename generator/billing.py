"""Month-end billing (出账): the BILL interface.

Usage items are exactly the month's rated CDR fees (by the CDR's own time), less the plan's
allowance valued at list price; RENTAL is the plan's monthly fee (prorated for new subscribers,
paid by the group's account for members whose unit pays it); VAS and late fees come on top.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from core.contract import ITEM_CLASSES
from generator import frames, ids
from generator.catalog import (
    DATA_FEN_PER_MB,
    LOCAL_FEN_PER_MIN,
    PLAN_FEE_FEN,
    PLAN_FREE_DATA_MB,
    PLAN_FREE_SMS,
    PLAN_FREE_VOICE_MIN,
    SMS_FEN,
)
from generator.state import ProvinceState

# item class → (item_code, rated usage column or None)
USAGE_ITEMS = {
    "LOCAL": ("LOCAL_VOICE", "fee_local"),
    "TOLL": ("TOLL_VOICE", "fee_toll"),
    "ROAM": ("ROAM_VOICE", "fee_roam"),
    "SMS": ("SMS_P2P", "fee_sms"),
    "DATA": ("GPRS_DATA", "fee_data"),
}
RENTAL_CODE, VAS_CODE, LATE_FEE_CODE = "MONTHLY_RENT", "VAS_INFO", "LATE_FEE"
GROUP_RENTAL_DISCOUNT = 0.2  # units negotiate a fifth off the members' plans


@dataclass
class BillRows:
    acct: list[np.ndarray]
    user: list[np.ndarray]
    item_code: list[str]
    item_class: list[str]
    counts: list[int]
    standard: list[np.ndarray]
    discount: list[np.ndarray]

    def add(
        self,
        acct: np.ndarray,
        user: np.ndarray,
        code: str,
        item_class: str,
        standard: np.ndarray,
        discount: np.ndarray,
    ) -> None:
        keep = standard > 0
        self.acct.append(acct[keep])
        self.user.append(user[keep])
        self.item_code.append(code)
        self.item_class.append(item_class)
        self.counts.append(int(keep.sum()))
        self.standard.append(standard[keep].astype(np.int64))
        self.discount.append(np.minimum(discount[keep], standard[keep]).astype(np.int64))


def bill_month(
    state: ProvinceState, billed: np.ndarray, month: int, month_start: int, days_in_month: int
) -> pa.Table:
    """BILL of one month for the subscribers of the month's snapshot; resets the usage counters."""
    users = state.users
    plan = users["plan"][billed]
    own_acct = users["cust"][billed]
    rows = BillRows([], [], [], [], [], [], [])

    rental = PLAN_FEE_FEN[plan]
    new_days = np.clip(users["open_date"][billed] - month_start, 0, days_in_month)
    prorate = rental * new_days // days_in_month
    group_pays = users["group_pays"][billed] == 1
    group_cust = state.groups["cust"][np.maximum(users["group"][billed], 0)]
    rental_acct = np.where(group_pays, group_cust, own_acct)
    group_discount = np.where(group_pays, (rental * GROUP_RENTAL_DISCOUNT).astype(np.int64), 0)
    rows.add(rental_acct, billed, RENTAL_CODE, "RENTAL", rental, prorate + group_discount)

    brand = users["brand"][billed]
    allowance = {
        "LOCAL": PLAN_FREE_VOICE_MIN[plan] * LOCAL_FEN_PER_MIN[brand],
        "SMS": PLAN_FREE_SMS[plan] * SMS_FEN,
        "DATA": PLAN_FREE_DATA_MB[plan] * DATA_FEN_PER_MB,
    }
    for item_class, (code, column) in USAGE_ITEMS.items():
        rated = users[column][billed]
        rows.add(
            own_acct,
            billed,
            code,
            item_class,
            rated,
            allowance.get(item_class, np.zeros_like(rated)),
        )
        users[column][:] = 0
    vas = users["vas_fen"][billed]
    rows.add(own_acct, billed, VAS_CODE, "VAS", vas, np.zeros_like(vas))

    late_acct = np.flatnonzero(state.customers["late_fee"] > 0)
    first_user = _first_billed_user(billed, own_acct, state.customers.n)
    late_acct = late_acct[first_user[late_acct] >= 0]
    late = state.customers["late_fee"][late_acct]
    rows.add(late_acct, first_user[late_acct], LATE_FEE_CODE, "LATEFEE", late, np.zeros_like(late))
    state.customers["late_fee"][:] = 0

    acct = np.concatenate(rows.acct)
    actual = np.concatenate(rows.standard) - np.concatenate(rows.discount)
    owed = np.bincount(acct, weights=actual, minlength=state.customers.n).astype(np.int64)
    state.customers["billed_fen"][:] += owed
    state.customers["due_fen"][:] = owed
    n = len(acct)
    return frames.table(
        "BILL",
        {
            "bill_month": frames.ints(np.full(n, month)),
            "acct_id": ids.entity_id(state.code, ids.ACCT, acct),
            "user_id": ids.entity_id(state.code, ids.USER, np.concatenate(rows.user)),
            "item_code": frames.codes(
                np.repeat(np.arange(len(rows.counts)), rows.counts), rows.item_code
            ),
            "item_class": frames.codes(
                np.repeat([ITEM_CLASSES.index(c) for c in rows.item_class], rows.counts),
                ITEM_CLASSES,
            ),
            "standard_fee_fen": np.concatenate(rows.standard),
            "discount_fen": np.concatenate(rows.discount),
            "actual_fee_fen": actual,
        },
    )


def _first_billed_user(billed: np.ndarray, acct: np.ndarray, n_accounts: int) -> np.ndarray:
    """Per account, the lowest billed subscriber paying into it (-1 if none): late fees go there."""
    first = np.full(n_accounts, np.iinfo(np.int64).max)
    np.minimum.at(first, acct, billed)
    return np.where(first == np.iinfo(np.int64).max, -1, first)
