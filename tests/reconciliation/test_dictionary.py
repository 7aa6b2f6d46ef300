"""indicators.dictionary describes every published indicator table and every number in it.

Read against the published copy's information schema and the list of published tables of
docs/indicators.md. A column of an indicator table is either a dimension or label (listed here,
table by table, so a new table or column must be classified) or an indicator: a dictionary row
whose indicator_code is the column's name, or the code the column is published under (ALIASES),
and whose published_in names the table.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.reconciliation.compare import published

DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
_DATES = {"stat_month", "province_code"}
_CELL = _DATES | {"city_code", "brand"}
_LEVEL = _DATES | {"level"}
DIMENSIONS: dict[str, set[str]] = {
    "arrears_aging": _DATES | {"aging_bucket", "bucket_order"},
    "channel_performance": _DATES | {"channel_type"},
    "churn_by_segment": _DATES | {"segment_type", "segment_value"},
    "collections_by_channel": _DATES
    | {"pay_channel", "pay_channel_name_zh", "pay_channel_name_en"},
    "finance_monthly": _DATES,
    "group_kpis_by_manager": _DATES | {"manager_id", "group_class"},
    "group_monthly": _DATES
    | {"group_id", "group_name", "industry_code", "city_code", "manager_id", "employee_count"},
    "growth_vs_revenue": _DATES,
    "kpi_changes": _DATES | {"level", "city_code", "indicator_code"},
    "kpi_monthly": _CELL,
    "kpi_monthly_rollup": _CELL | {"level"},
    "reentry_list": _CELL
    | {"event_id", "user_id", "opened_at", "channel_id", "cancelled_province_code",
       "cancelled_user_id", "cancelled_at"},
    "revenue_by_item_class": _CELL | {"item_class", "item_class_name_zh", "item_class_name_en"},
    "traffic_by_day": _DATES | {"usage_date"},
    "traffic_by_hour": _DATES | {"hour_of_day"},
    "user_value_monthly": _CELL | {"user_id"},
    "users_by_segment": _CELL | {"plan_id", "channel_type", "tenure_band"},
    "vip_tier_movement": _DATES | {"city_code", "from_tier", "to_tier"},
    "vip_users_by_tier": _CELL | {"vip_tier"},
    "finance_changes": _LEVEL,
    "flash_daily": {"flash_date", "level", "province_code"},
    "group_classes_monthly": _LEVEL | {"group_class"},
    "collection_shares": _LEVEL | {"pay_channel", "pay_channel_name_zh", "pay_channel_name_en"},
    "arrears_aging_shares": _LEVEL
    | {"aging_bucket", "aging_bucket_name_zh", "aging_bucket_name_en", "bucket_order"},
    "churn_by_segment_rollup": _LEVEL | {"segment_type", "segment_value"},
    "code_labels": {"code_type", "code", "name_zh", "name_en", "display_order"},
    "column_labels": {"schema_name", "table_name", "column_name", "label_zh", "label_en",
                      "description"},
    "brand_changes": _LEVEL | {"brand"},
    "city_ranking": _DATES | {"city_code", "province_rank", "overall_rank"},
    "vip_tier_summary": _LEVEL | {"vip_tier"},
    "reentry_summary": _LEVEL | {"city_code"},
    "flash_weekly": {"week_end", "level", "province_code", "indicator_code"},
    "indicator_ytd": _DATES | {"city_code", "indicator_code"},
    "target_progress": _DATES | {"city_code", "indicator"},
}  # fmt: skip
# (table, column): the indicator a column is published as when its name is shorter.
ALIASES = {
    ("arrears_aging", "arrears"): "arrears_by_age",
    ("arrears_aging", "accounts"): "accounts_in_arrears",
    ("churn_by_segment", "churn_rate"): "segment_churn_rate",
    ("churn_by_segment_rollup", "churn_rate"): "segment_churn_rate",
    ("arrears_aging_shares", "arrears"): "arrears_by_age",
    ("arrears_aging_shares", "accounts"): "accounts_in_arrears",
    ("city_ranking", "billed_revenue_mom_rate"): "mom_change_rate",
    # finance_changes: one column per finance figure and comparison, <figure>_<comparison>
    **{
        ("finance_changes", f"{figure}_{comparison}"): code
        for figure in ("collected", "bad_debt", "arrears", "doubtful_debt", "accounts_in_arrears")
        for comparison, code in (
            ("previous_month", "previous_month_value"),
            ("mom_change", "mom_change"),
            ("mom_rate", "mom_change_rate"),
            ("last_year", "last_year_value"),
            ("yoy_change", "yoy_change"),
            ("yoy_rate", "yoy_change_rate"),
        )
    },
}
# (table, indicator): shown by the table's rows rather than by a column of that name.
SHOWN_BY_ROWS = {
    ("arrears_aging", "arrears"),  # the four buckets
    ("arrears_aging", "doubtful_debt"),  # the 3-6 and 6+ buckets
    ("reentry_list", "reentry_users"),  # one row per re-entry
    ("flash_weekly", "avg_active_users"),  # an indicator_code of its rows
    ("flash_weekly", "net_opens"),
}


def _documented_tables() -> tuple[dict[str, list[str]], set[str]]:
    """The contract tables of docs/indicators.md with their columns, and the other tables the
    section names in backticks."""
    section = DOCS.read_text(encoding="utf-8").split("## Published tables", 1)[1]
    contract = {
        name: [c.strip() for c in columns.split(",")]
        for name, columns in re.findall(r"^\| `indicators\.(\w+)` \|[^|]*\| ([^|]*) \|$",
                                        section, flags=re.MULTILINE)
    }  # fmt: skip
    prose = section.split("and more for the dashboards and reports:", 1)[1].split("the marts")[0]
    return contract, set(re.findall(r"`(\w+)`", prose))


def test_every_published_table_and_number_is_described(home):
    columns: dict[str, list[str]] = {}
    for table, column in published(
        home,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'indicators' and table_name <> 'dictionary' "
        "order by table_name, ordinal_position",
    ):
        columns.setdefault(table, []).append(column)
    rows = published(
        home,
        "select indicator_code, name_zh, name_en, category, definition, formula, unit, grain, "
        "published_in from indicators.dictionary",
    )
    codes = [row[0] for row in rows]
    assert len(codes) == len(set(codes)), "an indicator_code twice"
    assert not [row[0] for row in rows if not all(row)], "every field of a row is filled"
    tables_of = {row[0]: {t.strip() for t in row[-1].split(";")} for row in rows}

    contract, others = _documented_tables()
    assert len(contract) == 6 and len(others) == 29  # as docs/indicators.md lists them
    assert set(columns) | {"dictionary"} == set(contract) | others
    assert set(DIMENSIONS) == set(columns)

    undescribed = []
    for table, names in columns.items():
        assert DIMENSIONS[table] <= set(names), (table, DIMENSIONS[table] - set(names))
        for name in names:
            code = ALIASES.get((table, name), name)
            if name not in DIMENSIONS[table] and table not in tables_of.get(code, set()):
                undescribed.append(f"{table}.{name}")
    assert not undescribed, f"not in indicators.dictionary, or not published_in: {undescribed}"

    shown = {(t, ALIASES.get((t, n), n)) for t, names in columns.items() for n in names}
    stale = sorted(
        f"{code} in {table}"
        for code, tables in tables_of.items()
        for table in tables
        if (table, code) not in shown and (table, code) not in SHOWN_BY_ROWS
    )
    assert not stale, f"published_in names a table without the indicator: {stale}"
    for table, names in contract.items():
        assert [n for n in names if table not in tables_of.get(n, set())] == [], table
