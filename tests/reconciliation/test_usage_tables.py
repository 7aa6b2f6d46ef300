"""indicators.traffic_by_day and traffic_by_hour against the usage records (recompute_usage.py).

Compared exactly: counts as integers, minutes and MB after rounding the exact fraction half
away from zero to the column's 4 decimals, billed minutes as tenths.
"""

from __future__ import annotations

from tests.reconciliation.compare import CLEAN, DEFECTIVE, assert_same_rows, published_rows
from tests.reconciliation.recompute_usage import traffic_by_day, traffic_by_hour

MINUTES = ["calls", "voice_minutes", "billed_minutes"]


def test_traffic_by_day(home, recomputed):
    keys = ["usage_date", "province_code"]
    columns = ["stat_month", *MINUTES, "sms_sent", "data_mb", "active_users"]
    ours = traffic_by_day(recomputed)
    theirs = published_rows(home, "indicators.traffic_by_day", keys, columns)
    assert_same_rows("indicators.traffic_by_day", keys, ours, theirs)
    # Every day of January to April 2026 in both provinces.
    assert len(ours) == 2 * (31 + 28 + 31 + 30)
    assert {k[1] for k in ours} == {CLEAN, DEFECTIVE}
    assert {row["stat_month"] for row in ours.values()} == {"202601", "202602", "202603", "202604"}


def test_traffic_by_hour(home, recomputed):
    keys = ["stat_month", "province_code", "hour_of_day"]
    ours = traffic_by_hour(recomputed)
    theirs = published_rows(home, "indicators.traffic_by_hour", keys, MINUTES)
    assert_same_rows("indicators.traffic_by_hour", keys, ours, theirs)
    assert {k[2] for k in ours} == set(range(24))
