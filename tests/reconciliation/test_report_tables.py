"""The tables the reports read (brand_changes, city_ranking, vip_tier_summary, reentry_summary,
flash_weekly) against their recomputation from the raw extracts (recompute_report.py), whole:
every row and every published column, exactly.
"""

from __future__ import annotations

from collections import Counter

from tests.reconciliation import recompute_report as report
from tests.reconciliation.compare import CLEAN, DEFECTIVE
from tests.reconciliation.recompute_finance import user_value_monthly_more
from tests.reconciliation.recompute_users import reentry_list
from tests.reconciliation.test_finance_tables import _compare


def test_brand_changes(home, recomputed, kpi_parts):
    ours = _compare(
        home, "brand_changes", ["stat_month", "level", "province_code", "brand"],
        report.brand_changes(recomputed.kpi_monthly(kpi_parts)),
    )  # fmt: skip
    # Every brand of the seeds moves, and the first month has nothing to compare with.
    assert {k[3] for k, row in ours.items() if row["users_on_net_change"]} == {
        "GOTONE", "MZONE", "SZX"
    }  # fmt: skip
    first = recomputed.months()[0]
    assert {row["previous_users_on_net"] for k, row in ours.items() if k[0] == first} == {None}


def test_city_ranking(home, recomputed, kpi_parts):
    ours = _compare(
        home, "city_ranking", ["stat_month", "province_code", "city_code"],
        report.city_ranking(recomputed.kpi_rollup(kpi_parts)),
    )  # fmt: skip
    # Each month ranks its cities 1..n overall, and each province its own 1..m.
    for month in recomputed.months():
        overall = [
            r["overall_rank"] for k, r in ours.items() if k[0] == month and r["overall_rank"]
        ]
        assert sorted(overall) == list(range(1, len(overall) + 1)), month
        for province in (CLEAN, DEFECTIVE):
            ranks = [r["province_rank"] for k, r in ours.items()
                     if k[:2] == (month, province) and r["province_rank"]]  # fmt: skip
            assert sorted(ranks) == list(range(1, len(ranks) + 1)), (month, province)
    assert {k[1] for k in ours} == {CLEAN, DEFECTIVE}


def test_vip_tier_summary(home, recomputed, kpi_parts):
    values = recomputed.user_value_monthly()
    ours = _compare(
        home, "vip_tier_summary", ["stat_month", "level", "province_code", "vip_tier"],
        report.vip_tier_summary(
            values, user_value_monthly_more(recomputed, values), recomputed.kpi_rollup(kpi_parts)
        ),
    )  # fmt: skip
    filled = Counter(k[3] for k, row in ours.items() if row["vip_users"])
    assert set(filled) == set(report.VIP_TIERS)
    assert {row["avg_revenue_6m"] is None for row in ours.values()} == {True, False}


def test_reentry_summary(home, recomputed, user_months):
    ours = _compare(
        home, "reentry_summary", ["stat_month", "level", "province_code", "city_code"],
        report.reentry_summary(reentry_list(recomputed, user_months)),
    )  # fmt: skip
    # The seeds hold one re-entry (conftest.py): one row on its province's level and one on all.
    assert sorted(k[1] for k in ours) == ["all", "province"]


def test_flash_weekly(home, recomputed):
    ours = _compare(
        home, "flash_weekly", ["week_end", "level", "province_code", "indicator_code"],
        report.flash_weekly(recomputed),
    )  # fmt: skip
    assert {k[3] for k in ours} == {"avg_active_users", "net_opens", *report.FLASH_SUMS}
    assert {row["wow_change_rate"] is None for row in ours.values()} == {True, False}
