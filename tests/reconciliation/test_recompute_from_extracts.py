"""What an outside tester does: recompute every published indicator from the raw extract files.

Two provinces are generated into one fresh home with the command line, as a user would: 571
clean, 574 with defects (bad records, rejected, late, re-delivered and repeated deliveries). The
first ingest takes what landed; then the corrected and repeated deliveries of
``landing_redelivery/`` land and ``jingfen run`` ingests them and builds and publishes.

The recomputation reads only copies of the landed files, taken before each ingest, and nothing
the product wrote. It decides by itself, by interfaces.md §1–4, which deliveries are loaded,
replaced, skipped or rejected and which records are bad (``rejections.py``); test_rejections.py
holds the published ``ops.load_log`` and ``ops.rejected_records`` to those verdicts and the
verdicts to the generator's defects manifest, so "every record loaded or recorded as rejected"
is checked end to end. It then applies indicators.md literally in plain Python to the records
the verdicts load: this module checks the monthly KPI, finance, value and group tables
(``recompute.py``), test_usage_tables.py and test_user_tables.py the dashboards' traffic,
segment, VIP and re-entry tables (``recompute_usage.py``, ``recompute_users.py``).

Comparison: counts and DECIMAL yuan exactly; ratios, minutes and MB exactly after rounding the
exact fraction half away from zero to the scale of the published column (churn_rate and
member_penetration 6 decimals, arpu and group_arpu 2, minutes, MOU, MB and DOU 4).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from tests.reconciliation.compare import CLEAN, DEFECTIVE, assert_same_rows, published_rows
from tests.reconciliation.recompute import KPI_COLUMNS, UNKNOWN


def test_kpi_monthly(home, recomputed, kpi_parts):
    keys = ["stat_month", "province_code", "city_code", "brand"]
    ours = recomputed.kpi_monthly(kpi_parts)
    theirs = published_rows(home, "indicators.kpi_monthly", keys, list(KPI_COLUMNS))
    assert_same_rows("indicators.kpi_monthly", keys, ours, theirs)
    # The recomputation went through the interesting paths, not only through zeros.
    assert {k[1] for k in ours} == {CLEAN, DEFECTIVE}
    # Usage of the manifest's unknown users (in no USER snapshot), in four months.
    assert sum(k[2] == UNKNOWN for k in ours) == 4
    assert sum(row["reentry_users"] for row in ours.values()) == 1
    assert {row["churn_rate"] is None for row in ours.values()} == {True, False}
    assert sum(row["late_fee_revenue"] for row in ours.values()) == Decimal("44.49")


def test_kpi_monthly_rollup(home, recomputed, kpi_parts):
    keys = ["level", "stat_month", "province_code", "city_code", "brand"]
    ours = recomputed.kpi_rollup(kpi_parts)
    theirs = published_rows(home, "indicators.kpi_monthly_rollup", keys, list(KPI_COLUMNS))
    assert_same_rows("indicators.kpi_monthly_rollup", keys, ours, theirs)
    assert {k[0] for k in ours} == {"city", "province", "all"}


def test_finance_monthly(home, recomputed):
    keys = ["stat_month", "province_code"]
    columns = ["collected", "bad_debt", "arrears", "doubtful_debt"]
    ours = recomputed.finance_monthly()
    theirs = published_rows(home, "indicators.finance_monthly", keys, columns)
    assert_same_rows("indicators.finance_monthly", keys, ours, theirs)
    assert sum(row["doubtful_debt"] > 0 for row in ours.values()) == 2
    assert {k: row["bad_debt"] for k, row in ours.items() if row["bad_debt"]} == {
        ("202604", CLEAN): Decimal("168.00"),
        ("202604", DEFECTIVE): Decimal("28.00"),
    }


def test_collections_by_channel(home, recomputed):
    keys = ["stat_month", "province_code", "pay_channel"]
    ours = recomputed.collections_by_channel()
    theirs = published_rows(home, "indicators.collections_by_channel", keys, ["collected"])
    assert_same_rows("indicators.collections_by_channel", keys, ours, theirs)


def test_user_value_monthly(home, recomputed):
    keys = ["stat_month", "province_code", "user_id"]
    ours = recomputed.user_value_monthly()
    theirs = published_rows(
        home, "indicators.user_value_monthly", keys, ["avg_revenue_6m", "vip_tier"]
    )
    assert_same_rows("indicators.user_value_monthly", keys, ours, theirs)
    assert Counter(row["vip_tier"] for row in ours.values() if row["vip_tier"]) == {
        "SILVER": 10, "GOLD": 5, "DIAMOND": 2,
    }  # fmt: skip


def test_group_monthly(home, recomputed):
    keys = ["stat_month", "province_code", "group_id"]
    columns = [
        "group_class", "boss_group_class", "active_members", "is_new_group", "group_revenue",
        "group_arpu", "member_churn", "member_penetration",
    ]  # fmt: skip
    ours = recomputed.group_monthly()
    theirs = published_rows(home, "indicators.group_monthly", keys, columns)
    assert_same_rows("indicators.group_monthly", keys, ours, theirs)
    assert {row["group_class"] for row in ours.values()} == {"A", "B", "C"}
    assert sum(row["member_churn"] for row in ours.values()) == 16
