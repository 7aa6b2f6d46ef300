"""The figures of the monthly report, as the published copy holds them.

Every number is read as published, with plain selects: the tables of one scope (a province, or
every province on the level 'all') come from the indicators published per level —
kpi_monthly_rollup, kpi_changes, finance_changes, churn_by_segment_rollup, group_classes_monthly,
collection_shares, arrears_aging_shares, brand_changes, reentry_summary, vip_tier_summary — or
per city (city_ranking). Only the quality section reads the pipeline's own logs (ops.*).
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from core.errors import JingfenError
from core.months import month_add
from core.settings import Settings
from reports.reader import Reader, open_reader, published_at
from reports.tables import (
    CHANGE,
    DEC2,
    INT,
    POINTS,
    RATIO,
    TEXT,
    YUAN,
    Column,
    Indicator,
    MonthFigures,
    Movement,
    Plan,
    Table,
)

# The key indicators of page one, in order: (code, kind, published in).
KEY_INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("users_on_net", INT, "kpi"),
    ("new_users", INT, "kpi"),
    ("churned_users", INT, "kpi"),
    ("churn_rate", RATIO, "kpi"),
    ("net_adds", INT, "kpi"),
    ("billed_revenue", YUAN, "kpi"),
    ("arpu", YUAN, "kpi"),
    ("mou", DEC2, "kpi"),
    ("dou", DEC2, "kpi"),
    ("collected", YUAN, "finance"),
    ("arrears", YUAN, "finance"),
)
FINANCE_FIGURES = (
    ("collected", YUAN),
    ("bad_debt", YUAN),
    ("arrears", YUAN),
    ("doubtful_debt", YUAN),
    ("accounts_in_arrears", INT),
)
# The key-indicator table's columns: (key, the published table and column whose label heads it).
INDICATOR_COLUMNS = (
    ("indicator_code", "dictionary", "indicator_code"),
    ("name_zh", "dictionary", "name_zh"),
    ("name_en", "dictionary", "name_en"),
    ("value", "kpi_changes", "indicator_value"),
    ("mom", "kpi_changes", "mom_change_rate"),
    ("yoy", "kpi_changes", "yoy_change_rate"),
    ("previous_month", "kpi_changes", "previous_month_value"),
    ("last_year", "kpi_changes", "last_year_value"),
)
# The plan columns of page one, as indicators.target_progress publishes them, with their kind
# (None: the indicator's own). The province report has no rank: ranks are of cities.
PLAN_COLUMNS = (
    ("target_year", None), ("actual_ytd", None), ("completion_year", RATIO),
    ("time_progress", RATIO), ("progress_gap", POINTS),
)  # fmt: skip
# How finance_changes names a figure's comparisons, in the order of an Indicator.
FINANCE_COMPARISONS = ("previous_month", "last_year", "mom_change", "mom_rate", "yoy_change",
                       "yoy_rate")  # fmt: skip


def _check_month(reader: Reader, month: str) -> None:
    found = reader.month_rows("kpi_monthly_rollup", "count(*)", month)
    if found[0][0]:
        return
    span = reader.one(
        "select min(stat_month), max(stat_month) from indicators.kpi_monthly_rollup where "
        + reader.level_filter,
        reader.level_params,
    )
    where = "" if reader.level == "all" else f" for province {reader.scope}"
    if not span or span[0] is None:
        raise JingfenError(
            f"The published copy has no figures{where} at all: "
            "run 'jingfen run' before asking for a report."
        )
    raise JingfenError(
        f"The published copy has no figures for {month}{where}: "
        f"it covers {span[0]} to {span[1]}, so choose a month in that range."
    )


def _finance_changes(reader: Reader, months: list[str]) -> dict[str, dict[str, Any]]:
    """finance_changes of the scope by month: every column by name (months without: absent)."""
    names = reader.columns("indicators", "finance_changes")
    marks = ", ".join("?" for _ in months)
    return {
        row[0]: dict(zip(names, row, strict=True))
        for row in reader.rows(
            f"select * from indicators.finance_changes where stat_month in ({marks}) and "
            + reader.level_filter,
            [*months, *reader.level_params],
        )
    }


def _indicators(reader: Reader, month: str) -> list[Indicator]:
    names = {
        code: (zh, en)
        for code, zh, en in reader.rows(
            "select indicator_code, name_zh, name_en from indicators.dictionary"
        )
    }
    changes = {
        row[0]: row[1:]
        for row in reader.month_rows(
            "kpi_changes",
            "indicator_code, indicator_value, previous_month_value, last_year_value, "
            "mom_change, mom_change_rate, yoy_change, yoy_change_rate",
            month,
            where="city_code = 'ALL'",
        )
    }
    kpi_codes = [code for code, _, source in KEY_INDICATORS if source == "kpi"]
    kpi_rows = reader.month_rows("kpi_monthly_rollup", ", ".join(kpi_codes), month)
    kpi_row = kpi_rows[0] if kpi_rows else [None] * len(kpi_codes)
    kpi_values = dict(zip(kpi_codes, kpi_row, strict=True))
    finance = _finance_changes(reader, [month]).get(month, {})
    plans = _plans(reader, month)
    result = []
    for code, kind, source in KEY_INDICATORS:
        zh, en = names.get(code, (code, code))
        if source == "kpi":
            # The value as kpi_monthly_rollup publishes it; the comparisons as kpi_changes does.
            value = kpi_values[code]
            comparisons = changes.get(code, (None,) * 7)[1:]
        else:
            value = finance.get(code)
            comparisons = tuple(finance.get(f"{code}_{c}") for c in FINANCE_COMPARISONS)
        result.append(Indicator(code, zh, en, kind, value, *comparisons, plans.get(code)))
    return result


def _plans(reader: Reader, month: str) -> dict[str, Plan]:
    """The province's own row of target_progress per indicator (plans are per province: the
    level of every province has none)."""
    if reader.level != "province":
        return {}
    columns = ", ".join(name for name, _ in PLAN_COLUMNS)
    rows = reader.rows(
        f"select indicator, {columns} from indicators.target_progress where stat_month = ? "
        "and city_code = 'ALL' and " + reader.province_filter,
        [month, *reader.scope_params],
    )
    return {row[0]: Plan(*row[1:]) for row in rows}


def _trend(reader: Reader, month: str) -> Table:
    months = [month_add(month, -i) for i in range(11, -1, -1)]
    kpi = {
        row[0]: row[1:]
        for row in reader.rows(
            "select stat_month, users_on_net, net_adds, churn_rate, billed_revenue, arpu "
            "from indicators.kpi_monthly_rollup where city_code = 'ALL' and "
            + reader.level_filter
            + " and stat_month between ? and ?",
            [*reader.level_params, months[0], months[-1]],
        )
    }
    finance = _finance_changes(reader, months)
    rows = [
        (
            m,
            *kpi.get(m, (None,) * 5),
            finance.get(m, {}).get("collected"),
            finance.get(m, {}).get("arrears"),
        )
        for m in months
    ]
    kpi_column = partial(reader.column, "kpi_monthly_rollup")
    return Table(
        "trend",
        "近12个月趋势",
        "12-month trend",
        (
            kpi_column("stat_month"),
            kpi_column("users_on_net", INT),
            kpi_column("net_adds", INT),
            kpi_column("churn_rate", RATIO),
            kpi_column("billed_revenue", YUAN),
            kpi_column("arpu", YUAN),
            reader.column("finance_changes", "collected", YUAN),
            reader.column("finance_changes", "arrears", YUAN),
        ),
        rows,
        note="空白: 该月无发布数据 (blank: no published figures for that month)",
    )


def _cities(reader: Reader, month: str) -> Table:
    rank = "overall_rank" if reader.level == "all" else "province_rank"
    rows = reader.rows(
        f"select {rank}, province_code, city_code, users_on_net, net_adds, churn_rate, "
        "billed_revenue, billed_revenue_mom_rate, arpu from indicators.city_ranking "
        f"where stat_month = ? and {rank} is not null and "
        + reader.province_filter
        + f" order by {rank}",
        [month, *reader.scope_params],
    )
    kpi_column = partial(reader.column, "kpi_monthly_rollup")
    return Table(
        "cities",
        "地市排名(按出账收入)",
        "City ranking (by billed revenue)",
        (
            reader.column("city_ranking", rank, INT, key="rank"),
            reader.named_column("kpi_monthly_rollup", "province_code", "province_name"),
            reader.named_column("kpi_monthly_rollup", "city_code", "city_name", key="city"),
            kpi_column("users_on_net", INT),
            kpi_column("net_adds", INT),
            kpi_column("churn_rate", RATIO),
            kpi_column("billed_revenue", YUAN),
            reader.column("city_ranking", "billed_revenue_mom_rate", CHANGE, key="revenue_mom"),
            kpi_column("arpu", YUAN),
        ),
        [
            (rank, reader.province_label(province), reader.city_label(city), *values)
            for rank, province, city, *values in rows
        ],
    )


def _brands(reader: Reader, month: str) -> Table:
    rows = reader.month_rows(
        "brand_changes",
        "brand, users_on_net, net_adds, billed_revenue, previous_users_on_net, "
        "previous_billed_revenue",
        month,
        order="billed_revenue desc nulls last, brand",
    )
    column = partial(reader.column, "brand_changes")
    return Table(
        "brands",
        "品牌",
        "Brands",
        (
            reader.named_column("kpi_monthly", "brand", "brand_name"),
            column("users_on_net", INT),
            column("net_adds", INT),
            column("billed_revenue", YUAN),
            column("previous_users_on_net", INT),
            column("previous_billed_revenue", YUAN),
        ),
        [(reader.brand_label(brand), *values) for brand, *values in rows],
        note="kpi_monthly 各地市之和 (sum over cities of kpi_monthly)",
    )


def _segment_label(reader: Reader, segment_type: str, value: str) -> str:
    if segment_type == "brand":
        return reader.brand_label(value) or value
    if segment_type == "tenure":
        return reader.code_name("tenure_band", value) or value
    return value


def _movements(reader: Reader, month: str) -> list[Movement]:
    """The city and the brand whose users on net and billed revenue moved most against M-1."""
    by_city = reader.rows(
        "select province_code, city_code, users_on_net_change, billed_revenue_change "
        "from indicators.city_ranking where stat_month = ? and " + reader.province_filter,
        [month, *reader.scope_params],
    )
    by_brand = [
        (reader.brand_label(brand), *changes)
        for brand, *changes in reader.month_rows(
            "brand_changes", "brand, users_on_net_change, billed_revenue_change", month
        )
    ]
    names = reader.city_names
    movements = []
    for position, indicator in ((2, "users_on_net"), (3, "billed_revenue")):
        if by_city:
            top = max(by_city, key=lambda r, p=position: (abs(r[p]), r[1]))
            if top[position]:
                label = f"{names[top[1]]}({top[1]})" if top[1] in names else top[1]
                movements.append(Movement(indicator, "city", label, Decimal(top[position])))
        if by_brand:
            brand = max(by_brand, key=lambda r, p=position - 1: (abs(r[p]), r[0]))
            if brand[position - 1]:
                movements.append(
                    Movement(indicator, "brand", brand[0], Decimal(brand[position - 1]))
                )
    return movements


def _churn(reader: Reader, month: str) -> Table:
    rows = reader.month_rows(
        "churn_by_segment_rollup",
        "segment_type, segment_value, previous_users_on_net, churned_users, churn_rate",
        month,
        where="segment_type in ('brand', 'tenure')",
        order="segment_type, segment_value",
    )

    column = partial(reader.column, "churn_by_segment_rollup")
    return Table(
        "churn",
        "离网分析(按品牌、网龄)",
        "Churn by brand and tenure",
        (
            column("segment_type"),
            column("segment_value"),
            column("previous_users_on_net", INT),
            column("churned_users", INT),
            column("churn_rate", RATIO),
        ),
        [
            (reader.code_name("segment_type", kind), _segment_label(reader, kind, value), *rest)
            for kind, value, *rest in rows
        ],
    )


def _reentry(reader: Reader, month: str) -> Table:
    rows = reader.month_rows(
        "reentry_summary",
        "city_code, reentry_users, avg_days_since_cancel, min_days_since_cancel",
        month,
        order="reentry_users desc, city_code",
    )
    column = partial(reader.column, "reentry_summary")
    return Table(
        "reentry",
        "弃卡重入网(按地市)",
        "Re-entries by city",
        (
            reader.named_column("reentry_list", "city_code", "city_name", key="city"),
            column("reentry_users", INT, "reentries"),
            column("avg_days_since_cancel", DEC2, "avg_days"),
            column("min_days_since_cancel", INT, "min_days"),
        ),
        [(reader.city_label(city), *values) for city, *values in rows],
    )


def _groups(reader: Reader, month: str) -> Table:
    kinds = (
        ("groups", INT),
        ("new_groups", INT),
        ("active_members", INT),
        ("group_revenue", YUAN),
        ("group_arpu", YUAN),
        ("member_churn", INT),
        ("class_mismatches", INT),
    )
    rows = reader.month_rows(
        "group_classes_monthly",
        ", ".join(("group_class", *(name for name, _ in kinds))),
        month,
        order="group_class",
    )
    return Table(
        "groups",
        "集团客户(按分类)",
        "Group customers by class",
        (
            reader.named_column("group_classes_monthly", "group_class", "group_class_name"),
            *(reader.column("group_classes_monthly", name, kind) for name, kind in kinds),
        ),
        [(reader.code_name("group_class", code), *values) for code, *values in rows],
    )


def _vip(reader: Reader, month: str) -> Table:
    found = {
        tier: figures
        for tier, *figures in reader.month_rows(
            "vip_tier_summary", "vip_tier, vip_users, billed_revenue, avg_revenue_6m", month
        )
    }
    # In the seed's order; vip_tier_summary has a row for each VIP tier (not NONE or CHURNED).
    rows = [
        (f"{name} {tier}", *found[tier]) for tier, name in reader.codes("vip_tier") if tier in found
    ]
    column = partial(reader.column, "vip_tier_summary")
    return Table(
        "vip",
        "VIP客户(按等级)",
        "VIP customers by tier",
        (
            reader.column("user_value_monthly", "vip_tier"),
            column("vip_users", INT, "users"),
            column("billed_revenue", YUAN),
            column("avg_revenue_6m", YUAN),
        ),
        rows,
    )


def _shares(
    reader: Reader, month: str, key: str, titles: tuple[str, str], table: str, code: str,
    figures: tuple[str, str, str], order: str, name: str,
) -> Table:  # fmt: skip
    """A published share table of the scope: each code (named by its seed: 名称 code, headed as
    the dashboards' column ``name``) with an amount, a count and the amount's share of the
    level's total."""
    amount, count, share = figures
    rows = reader.month_rows(
        table, f"{code}, {code}_name_zh, {amount}, {count}, {share}", month, order=order
    )
    column = partial(reader.column, table)
    return Table(
        key,
        *titles,
        (
            reader.named_column(table, code, name),
            column(amount, YUAN),
            column(count, INT),
            column(share, RATIO, "share"),
        ),
        [(f"{zh} {value}" if zh else value, *rest) for value, zh, *rest in rows],
    )


def _collections(reader: Reader, month: str) -> Table:
    return _shares(
        reader, month, "collections", ("实收(按交费渠道)", "Collections by payment channel"),
        "collection_shares", "pay_channel", ("collected", "payment_count", "collected_share"),
        "collected desc, pay_channel", "pay_channel_name",
    )  # fmt: skip


def _aging(reader: Reader, month: str) -> Table:
    return _shares(
        reader, month, "aging", ("欠费账龄", "Arrears aging"), "arrears_aging_shares",
        "aging_bucket", ("arrears", "accounts", "arrears_share"), "bucket_order", "aging_name",
    )  # fmt: skip


def _finance_table(reader: Reader, month: str) -> Table:
    months = [month, month_add(month, -1), month_add(month, -12)]
    finance = _finance_changes(reader, months)
    return Table(
        "finance",
        "账务概况",
        "Collections and arrears",
        (
            reader.column("finance_changes", "stat_month"),
            *(reader.column("finance_changes", name, kind) for name, kind in FINANCE_FIGURES),
        ),
        [(m, *(finance[m][name] for name, _ in FINANCE_FIGURES)) for m in months if m in finance],
    )


def _quality(reader: Reader, month: str) -> Table:
    rows: list[tuple[Any, ...]] = []
    pattern = month + "%"
    month_of = "replace(cast(data_date as varchar), '-', '') like ?"
    if reader.has_table("ops", "load_log"):
        before = len(rows)
        for status, files, records, loaded, rejected in reader.rows(
            "select status, count(*), sum(record_count), sum(loaded_count), "
            f"sum(rejected_count) from ops.load_log where {month_of} and "
            + reader.province_filter
            + " group by status order by status",
            [pattern, *reader.scope_params],
        ):
            rows.append(("交付 deliveries", status, files, records, loaded, rejected))
        if len(rows) == before:
            rows.append(("交付 deliveries", "本月无记录 none this month", 0, None, None, None))
        for reason, count in reader.rows(
            "select coalesce(reason, ''), count(*) from ops.load_log "
            f"where status = 'REJECTED' and {month_of} and "
            + reader.province_filter
            + " group by 1 order by 2 desc, 1 limit 5",
            [pattern, *reader.scope_params],
        ):
            rows.append(("拒收原因 rejection", reason[:60], count, None, None, None))
    else:
        rows.append(("交付 deliveries", "未发布 not published", None, None, None, None))
    if reader.has_table("ops", "rejected_records") and reader.has_table("ops", "load_log"):
        found = reader.one(
            "select count(*) from ops.rejected_records where file_name in "
            f"(select file_name from ops.load_log where {month_of} and "
            + reader.province_filter
            + ")",
            [pattern, *reader.scope_params],
        )
        rows.append(("拒收记录 rejected records", "", found[0] if found else 0, None, None, None))
    if reader.has_table("ops", "quality_results"):
        rows.extend(_quality_results(reader))
    else:
        rows.append(
            ("质量检查 quality checks", "尚未发布 not published yet", None, None, None, None)
        )
    # The ops tables are the pipeline's logs, not dbt models: their headers are the report's.
    return Table(
        "quality",
        "数据质量",
        "Data quality",
        (
            Column("topic", "项目", "Topic"),
            Column("status", "状态", "Status"),
            Column("count", "数量", "Count", INT),
            Column("records", "记录数", "Records", INT),
            Column("loaded", "入库数", "Loaded", INT),
            Column("rejected", "拒收数", "Rejected", INT),
        ),
        rows,
        note="本月数据日期的交付 (deliveries whose data date is in the month)",
    )


def _quality_results(reader: Reader) -> list[tuple[Any, ...]]:
    """The newest result of every check (as the quality dashboard shows them), failures named."""
    columns = reader.columns("ops", "quality_results")
    topic = "质量检查 quality checks"
    if not {"check_name", "asset", "passed", "checked_at"} <= set(columns):
        found = reader.one("select count(*) from ops.quality_results")
        return [(topic, "结果 results", found[0] if found else 0, None, None, None)]
    severity = "severity" if "severity" in columns else "'blocking'"
    latest = reader.rows(
        f"select check_name, asset, {severity}, passed from ops.quality_results "
        "qualify row_number() over (partition by check_name, asset "
        "order by checked_at desc) = 1 order by asset, check_name"
    )
    passed = sum(1 for *_, ok in latest if ok)
    failed = [(name, asset, level) for name, asset, level, ok in latest if not ok]
    rows: list[tuple[Any, ...]] = [(topic, "通过 passed", passed, None, None, None)]
    for level in sorted({level for *_, level in failed}):
        count = sum(1 for *_, lvl in failed if lvl == level)
        rows.append((topic, f"未通过 failed ({level})", count, None, None, None))
    for name, asset, level in failed[:8]:
        rows.append(("未通过检查 failed check", f"{name} · {asset} ({level})"[:80], None, None,
                     None, None))  # fmt: skip
    return rows


def _growth_without_revenue(reader: Reader, month: str) -> bool | None:
    if not reader.has_table("indicators", "growth_vs_revenue"):
        return None
    found = reader.one(
        "select is_growth_without_revenue from indicators.growth_vs_revenue "
        "where stat_month = ? and province_code = ?",
        [month, reader.scope],
    )
    return None if found is None else found[0]


def load_month(settings: Settings, month: str, province: str | None = None) -> MonthFigures:
    """Every figure of the monthly report; JingfenError when the month has no published data."""
    with open_reader(settings, province) as reader:
        _check_month(reader, month)
        figures = MonthFigures(
            month=month,
            scope=reader.scope,
            scope_name=reader.scope_name,
            published_at=published_at(settings),
            indicators=_indicators(reader, month),
            reentry_users=reader.month_rows("kpi_monthly_rollup", "reentry_users", month)[0][0],
            indicator_columns={
                key: reader.column(table, column, key=key)
                for key, table, column in INDICATOR_COLUMNS
            },
            plan_columns={
                name: reader.column("target_progress", name, kind or TEXT)
                for name, kind in PLAN_COLUMNS
            },
        )
        for table in (
            _trend(reader, month),
            _cities(reader, month),
            _brands(reader, month),
            _churn(reader, month),
            _reentry(reader, month),
            _groups(reader, month),
            _vip(reader, month),
            _finance_table(reader, month),
            _collections(reader, month),
            _aging(reader, month),
            _quality(reader, month),
        ):
            figures.tables[table.key] = table
        figures.movements = _movements(reader, month)
        figures.growth_without_revenue = _growth_without_revenue(reader, month)
        return figures
