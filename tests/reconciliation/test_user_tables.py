"""The per-user dashboard tables against the extracts (recompute_users.py), exactly.

users_by_segment, churn_by_segment, vip_users_by_tier, vip_tier_movement and reentry_list are
sums over user-months; churn_rate is compared after rounding the exact fraction half away from
zero to its 6 decimals, money as DECIMAL yuan.
"""

from __future__ import annotations

from collections import Counter

from tests.reconciliation.compare import assert_same_rows, published_rows
from tests.reconciliation.recompute import UNKNOWN
from tests.reconciliation.recompute_users import (
    COUNTS,
    SEGMENT_TYPES,
    churn_by_segment,
    reentry_list,
    users_by_segment,
    vip_tier_movement,
    vip_users_by_tier,
)


def test_users_by_segment(home, recomputed, user_months):
    keys = [
        "stat_month", "province_code", "city_code", "brand", "plan_id", "channel_type",
        "tenure_band",
    ]  # fmt: skip
    ours = users_by_segment(recomputed, user_months)
    theirs = published_rows(home, "indicators.users_by_segment", keys, [*COUNTS, "billed_revenue"])
    assert_same_rows("indicators.users_by_segment", keys, ours, theirs)
    assert {k[6] for k in ours} == {"00-06m", "06-12m", "12-24m", "24-60m", "60m+", UNKNOWN}


def test_churn_by_segment(home, recomputed, user_months):
    keys = ["stat_month", "province_code", "segment_type", "segment_value"]
    columns = ["previous_users_on_net", "churned_users", "churn_rate"]
    ours = churn_by_segment(recomputed, user_months)
    theirs = published_rows(home, "indicators.churn_by_segment", keys, columns)
    assert_same_rows("indicators.churn_by_segment", keys, ours, theirs)
    assert {k[2] for k in ours} == set(SEGMENT_TYPES)
    assert {row["churn_rate"] is None for row in ours.values()} == {True, False}


def test_vip_users_by_tier(home, user_months):
    keys = ["stat_month", "province_code", "city_code", "brand", "vip_tier"]
    ours = vip_users_by_tier(user_months)
    theirs = published_rows(
        home, "indicators.vip_users_by_tier", keys, ["vip_users", "billed_revenue"]
    )
    assert_same_rows("indicators.vip_users_by_tier", keys, ours, theirs)
    assert Counter(k[4] for k in ours) == {"SILVER": 10, "GOLD": 5, "DIAMOND": 2}


def test_vip_tier_movement(home, user_months):
    keys = ["stat_month", "province_code", "city_code", "from_tier", "to_tier"]
    ours = vip_tier_movement(user_months)
    theirs = published_rows(home, "indicators.vip_tier_movement", keys, ["vip_users"])
    assert_same_rows("indicators.vip_tier_movement", keys, ours, theirs)
    # The seeded province has upgrades, stays and new VIPs, but no VIP leaving or churning.
    assert Counter((k[3], k[4]) for k in ours) == {
        ("NONE", "SILVER"): 6, ("SILVER", "SILVER"): 4, ("SILVER", "GOLD"): 3,
        ("GOLD", "DIAMOND"): 2, ("GOLD", "GOLD"): 2,
    }  # fmt: skip


def test_reentry_list(home, recomputed, user_months):
    keys = ["province_code", "event_id"]
    columns = [
        "stat_month", "user_id", "opened_at", "city_code", "brand", "channel_id",
        "cancelled_province_code", "cancelled_user_id", "cancelled_at", "days_since_cancel",
    ]  # fmt: skip
    ours = reentry_list(recomputed, user_months)
    theirs = published_rows(home, "indicators.reentry_list", keys, columns)
    assert_same_rows("indicators.reentry_list", keys, ours, theirs)
    assert len(ours) == 1
