"""The dashboard tables on money, channels, groups and changes, recomputed from the raw extracts.

The same province build as test_recompute_from_extracts.py (conftest.py). Each published table is
compared whole: every row, and every published column but the key, so a column added to a table
without a recomputation fails here; the contract tables' columns beyond indicators.md are compared
too. Definitions and the choices where indicators.md is silent are in recompute_finance.py.
"""

from __future__ import annotations

from decimal import Decimal

from tests.reconciliation import recompute_finance as finance
from tests.reconciliation.compare import (
    CLEAN,
    DEFECTIVE,
    assert_same_rows,
    published,
    published_rows,
)


def _compare(home, table: str, keys: list[str], ours: dict) -> dict:
    columns = [
        name
        for (name,) in published(
            home,
            "select column_name from information_schema.columns where table_schema = "
            f"'indicators' and table_name = '{table}' order by ordinal_position",
        )
    ]
    recomputed_columns = list(next(iter(ours.values()))) if ours else []
    assert set(columns) == set(keys) | set(recomputed_columns), table
    theirs = published_rows(home, f"indicators.{table}", keys, recomputed_columns)
    assert_same_rows(f"indicators.{table}", keys, ours, theirs)
    return ours


def test_arrears_aging(home, recomputed):
    ours = _compare(
        home, "arrears_aging", ["stat_month", "province_code", "aging_bucket"],
        finance.arrears_aging(recomputed),
    )  # fmt: skip
    # The buckets add up to arrears, and 3-6 plus 6+ to doubtful_debt, month by month.
    for (month, province), row in recomputed.finance_monthly().items():
        buckets = {label: ours[(month, province, label)]["arrears"] for label, _k in finance.AGING}
        assert sum(buckets.values()) == row["arrears"], (month, province)
        assert buckets["3-6"] + buckets["6+"] == row["doubtful_debt"], (month, province)
    # Four months from 202601 hold no bill six months old: only the first three buckets fill.
    filled = {k[2] for k, row in ours.items() if row["arrears"] > 0}
    assert filled == {"0-1", "1-3", "3-6"}
    assert {k[1] for k, row in ours.items() if row["accounts"] > 0} == {CLEAN, DEFECTIVE}


def test_channel_performance(home, recomputed):
    ours = _compare(
        home, "channel_performance", ["stat_month", "province_code", "channel_type"],
        finance.channel_performance(recomputed),
    )  # fmt: skip
    opened = {
        (e["province"], e["event_time"][:6], e["user_id"])
        for e in recomputed.x.events["EVENT"]
        if e["event_type"] == "OPEN"
    }
    # Every new user was acquired through exactly one channel type.
    assert sum(row["acquisitions"] for row in ours.values()) == len(opened)
    # The seeds acquire through halls and agents only and hold one re-entry (conftest.py); every
    # channel type takes payments, bank collection (AUTO) among them.
    assert {k[2] for k, row in ours.items() if row["acquisitions"]} == {"AGENT", "HALL"}
    assert [k for k, row in ours.items() if row["reentry_acquisitions"]] == [
        (month, province, "HALL") for province, month, _user in recomputed.reentries()
    ]
    paying = {k[2] for k, row in ours.items() if row["payment_count"]}
    assert paying == {"AGENT", "APP", "AUTO", "BANK", "HALL", "HOTLINE", "SMS", "WEB"}


def test_group_kpis_by_manager(home, recomputed):
    groups = recomputed.group_monthly()
    ours = _compare(
        home, "group_kpis_by_manager",
        ["stat_month", "province_code", "manager_id", "group_class"],
        finance.group_kpis_by_manager(recomputed, groups),
    )  # fmt: skip
    assert sum(row["groups"] for row in ours.values()) == len(groups)
    assert {k[3] for k in ours} == {"A", "B", "C"}
    # A manager holds up to three groups of a class in these seeds: sums, not single groups.
    assert max(row["groups"] for row in ours.values()) == 3
    assert sum(row["class_mismatches"] for row in ours.values()) == sum(
        row["boss_group_class"] != row["group_class"] for row in groups.values()
    )


def test_growth_vs_revenue(home, recomputed, kpi_parts):
    ours = _compare(
        home, "growth_vs_revenue", ["stat_month", "province_code"],
        finance.growth_vs_revenue(recomputed.kpi_rollup(kpi_parts)),
    )  # fmt: skip
    months = recomputed.months()
    assert set(ours) == {(m, p) for m in months for p in (CLEAN, DEFECTIVE, "ALL")}
    # The first month has nothing to compare with; every later one has.
    assert {k[0] for k, row in ours.items() if row["previous_users_on_net"] is None} == {months[0]}


def test_kpi_changes(home, recomputed, kpi_parts):
    keys = ["stat_month", "level", "province_code", "city_code", "indicator_code"]
    ours = _compare(
        home, "kpi_changes", keys,
        finance.kpi_changes(recomputed.kpi_rollup(kpi_parts), recomputed.finance_monthly()),
    )  # fmt: skip
    codes = set(finance.CHANGE_KPIS) | set(finance.CHANGE_FINANCE)
    assert {k[4] for k in ours} == codes
    assert {k[1] for k in ours if k[4] in finance.CHANGE_FINANCE} == {"province"}
    rates = [row["mom_change_rate"] for row in ours.values() if row["mom_change_rate"] is not None]
    assert {rate.compare(0) for rate in rates} == {Decimal(-1), Decimal(0), Decimal(1)}
    # No month of 2025 was generated: no year-on-year value anywhere (tests/reports has one).
    assert {row["last_year_value"] for row in ours.values()} == {None}


def test_finance_changes(home, recomputed):
    changes = finance.finance_changes(
        recomputed.finance_monthly(), finance.finance_monthly_more(recomputed)
    )
    ours = _compare(home, "finance_changes", ["stat_month", "level", "province_code"], changes)
    months = recomputed.months()
    assert set(ours) == {
        (m, level, p) for m in months for level, p in
        (("province", CLEAN), ("province", DEFECTIVE), ("all", "ALL"))
    }  # fmt: skip
    assert {k[0] for k, row in ours.items() if row["collected_previous_month"] is None} == {
        months[0]
    }


def test_revenue_by_item_class(home, recomputed, kpi_parts):
    ours = _compare(
        home, "revenue_by_item_class",
        ["stat_month", "province_code", "city_code", "brand", "item_class"],
        finance.revenue_by_item_class(recomputed),
    )  # fmt: skip
    # Per cell, the non-LATEFEE classes add up to billed_revenue and LATEFEE to late_fee_revenue.
    by_cell: dict[tuple, dict[str, Decimal]] = {}
    for (month, province, city, brand, item_class), row in ours.items():
        part = "late_fee_fen" if item_class == "LATEFEE" else "revenue_fen"
        cell = by_cell.setdefault((month, province, city, brand), {})
        cell[part] = cell.get(part, 0) + row["billed_amount"]
    for cell, sums in by_cell.items():
        for part, amount in sums.items():
            assert amount.scaleb(2) == kpi_parts[cell][part], (cell, part)
    assert {k[4] for k in ours} == {
        "RENTAL", "LOCAL", "TOLL", "ROAM", "SMS", "DATA", "VAS", "LATEFEE"
    }  # fmt: skip


def _compare_more(home, table: str, keys: list[str], contract: list[str], ours: dict) -> None:
    """The columns of a contract table beyond indicators.md's (the contract ones are compared in
    test_recompute_from_extracts.py)."""
    columns = [
        name
        for (name,) in published(
            home,
            "select column_name from information_schema.columns where table_schema = "
            f"'indicators' and table_name = '{table}' order by ordinal_position",
        )
    ]
    more = list(next(iter(ours.values())))
    assert columns == keys + contract + more, table
    theirs = published_rows(home, f"indicators.{table}", keys, more)
    assert_same_rows(f"indicators.{table}", keys, ours, theirs)


def test_contract_tables_beyond_the_contract(home, recomputed):
    _compare_more(
        home, "finance_monthly", ["stat_month", "province_code"],
        ["collected", "bad_debt", "arrears", "doubtful_debt"],
        finance.finance_monthly_more(recomputed),
    )  # fmt: skip
    _compare_more(
        home, "collections_by_channel", ["stat_month", "province_code", "pay_channel"],
        ["collected"], finance.collections_by_channel_more(recomputed),
    )  # fmt: skip
    groups = recomputed.group_monthly()
    _compare_more(
        home, "group_monthly", ["stat_month", "province_code", "group_id"],
        ["group_class", "boss_group_class", "active_members", "is_new_group", "group_revenue",
         "group_arpu", "member_churn", "member_penetration"],
        finance.group_monthly_more(recomputed, groups),
    )  # fmt: skip
    _compare_more(
        home, "user_value_monthly", ["stat_month", "province_code", "user_id"],
        ["avg_revenue_6m", "vip_tier"],
        finance.user_value_monthly_more(recomputed, recomputed.user_value_monthly()),
    )  # fmt: skip
