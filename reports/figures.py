"""Every figure of the reports, read from the published copy only (``connect_published``).

The PDF and the workbook render what this module returns and compute nothing themselves, so the
two can never disagree with each other. Figures are taken as published; where a report shows a
scope the tables do not publish directly (all provinces together for finance, classes, tiers,
channels, buckets) it adds the published rows up, and recomputes a ratio from its summed parts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from core.errors import JingfenError
from core.labels import BRANDS, SEGMENT_TYPES, TENURE_BANDS, label_of
from core.labels import VIP_TIERS as TIER_LABELS
from core.months import month_add
from core.settings import Settings
from publication.publish import connect_published

ALL = "ALL"

# Column kinds: how a value is formatted (PDF) and number-formatted (Excel).
TEXT, INT, YUAN, RATIO, CHANGE, POINTS, DEC2 = (
    "text",
    "int",
    "yuan",
    "ratio",
    "change",
    "pp",
    "dec2",
)


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """One topic: a sheet of the workbook, a table of the PDF."""

    key: str
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    note: str = ""

    def column(self, key: str) -> list[Any]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Indicator:
    """A key indicator of the month and its comparisons (None: nothing to compare with)."""

    code: str
    name_zh: str
    name_en: str
    kind: str
    value: Decimal | None
    previous_month: Decimal | None
    last_year: Decimal | None
    mom_change: Decimal | None
    mom_rate: Decimal | None
    yoy_change: Decimal | None
    yoy_rate: Decimal | None

    @property
    def compares_in_points(self) -> bool:
        """A ratio (churn rate) is compared in percentage points, not as a rate of a rate."""
        return self.kind == RATIO


@dataclass(frozen=True)
class Movement:
    """Where a change came from: the city or brand whose part of an indicator moved most."""

    indicator: str
    dimension: str  # "city" or "brand"
    label: str
    change: Decimal


@dataclass
class MonthFigures:
    month: str
    scope: str  # a province code or ALL
    scope_name: str
    published_at: dt.datetime
    indicators: list[Indicator]
    tables: dict[str, Table] = field(default_factory=dict)
    movements: list[Movement] = field(default_factory=list)
    growth_without_revenue: bool | None = None
    commentary: list[str] = field(default_factory=list)

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)


@dataclass
class FlashFigures:
    end_date: dt.date
    scope: str
    scope_name: str
    published_at: dt.datetime
    summary: Table
    daily: Table
    commentary: list[str] = field(default_factory=list)


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

FALLBACK_NAMES = {
    "users_on_net": ("在网用户数", "Users on net"),
    "new_users": ("新增用户数", "New users"),
    "churned_users": ("离网用户数", "Churned users"),
    "churn_rate": ("离网率", "Churn rate"),
    "net_adds": ("净增用户数", "Net adds"),
    "billed_revenue": ("出账收入", "Billed revenue"),
    "arpu": ("每用户平均收入", "ARPU"),
    "mou": ("每用户平均通话时长", "MOU"),
    "dou": ("每用户平均流量", "DOU"),
    "collected": ("实收金额", "Collected"),
    "arrears": ("欠费金额", "Arrears"),
}

FINANCE_COLUMNS = ("collected", "bad_debt", "arrears", "doubtful_debt", "accounts_in_arrears")
VIP_TIERS = [tier for tier in TIER_LABELS if tier[0] != "NONE"]  # the tiers, best first
RATE_PLACES = Decimal("0.000001")


def _rate(change: Decimal | None, base: Decimal | None) -> Decimal | None:
    if change is None or base is None or base == 0:
        return None
    return (Decimal(change) / abs(Decimal(base))).quantize(RATE_PLACES, ROUND_HALF_UP)


def _ratio(part: Any, whole: Any) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, ROUND_HALF_UP)


class _Reader:
    """Queries on the published copy, all scoped to one province or to every province."""

    def __init__(self, con: duckdb.DuckDBPyConnection, scope: str) -> None:
        self.con = con
        self.scope = scope

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.con.execute(sql, list(params)).fetchall()
        except duckdb.CatalogException as err:
            raise JingfenError(
                f"The published copy lacks a table the report reads ({err}); "
                "rebuild and republish with 'jingfen run'."
            ) from err

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    @property
    def province_filter(self) -> str:
        """A where-clause fragment; bind ``self.scope`` twice after it."""
        return "(? = 'ALL' or province_code = ?)"

    @property
    def scope_params(self) -> list[str]:
        return [self.scope, self.scope]

    def has_table(self, schema: str, table: str) -> bool:
        found = self.con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()
        return bool(found and found[0])

    def columns(self, schema: str, table: str) -> list[str]:
        return [
            r[0]
            for r in self.con.execute(
                "select column_name from duckdb_columns() where schema_name = ? "
                "and table_name = ? order by column_index",
                [schema, table],
            ).fetchall()
        ]


def _published_at(settings: Settings) -> dt.datetime:
    return dt.datetime.fromtimestamp(settings.serving_db.stat().st_mtime).replace(microsecond=0)


def _scope_name(reader: _Reader) -> str:
    if reader.scope == ALL:
        provinces = reader.rows(
            "select distinct province_code from indicators.kpi_monthly_rollup "
            "where level = 'province' order by 1"
        )
        codes = [r[0] for r in provinces]
        names = _province_names(reader)
        if len(codes) == 1:
            return f"{names.get(codes[0], codes[0])} {codes[0]}"
        return "全部省份 All provinces (" + ", ".join(codes) + ")"
    names = _province_names(reader)
    return f"{names.get(reader.scope, reader.scope)} {reader.scope}"


def _province_names(reader: _Reader) -> dict[str, str]:
    if not reader.has_table("marts", "dim_cities"):
        return {}
    rows = reader.rows(
        "select distinct province_code, province_name_zh from marts.dim_cities "
        "where province_code is not null and province_name_zh is not null"
    )
    return {code: name for code, name in rows}


def _city_names(reader: _Reader) -> dict[str, str]:
    if not reader.has_table("marts", "dim_cities"):
        return {}
    # A code the city seed does not know is shown as the code alone, not as "未知".
    known = "where is_known" if "is_known" in reader.columns("marts", "dim_cities") else ""
    return {
        code: name
        for code, name in reader.rows(
            f"select city_code, city_name_zh from marts.dim_cities {known}"
        )
    }


def _check_month(reader: _Reader, month: str) -> None:
    level = "all" if reader.scope == ALL else "province"
    found = reader.one(
        "select count(*) from indicators.kpi_monthly_rollup where level = ? and stat_month = ? "
        "and (? = 'ALL' or province_code = ?)",
        [level, month, *reader.scope_params],
    )
    if found and found[0]:
        return
    span = reader.one(
        "select min(stat_month), max(stat_month) from indicators.kpi_monthly_rollup "
        "where level = ? and (? = 'ALL' or province_code = ?)",
        [level, *reader.scope_params],
    )
    where = "" if reader.scope == ALL else f" for province {reader.scope}"
    if not span or span[0] is None:
        raise JingfenError(
            f"The published copy has no figures{where} at all: "
            "run 'jingfen run' before asking for a report."
        )
    raise JingfenError(
        f"The published copy has no figures for {month}{where}: "
        f"it covers {span[0]} to {span[1]}, so choose a month in that range."
    )


def _dictionary(reader: _Reader) -> dict[str, tuple[str, str]]:
    names = dict(FALLBACK_NAMES)
    if reader.has_table("indicators", "dictionary"):
        for code, zh, en in reader.rows(
            "select indicator_code, name_zh, name_en from indicators.dictionary"
        ):
            names[code] = (zh, en)
    return names


def _finance(reader: _Reader, month: str) -> dict[str, Decimal] | None:
    """finance_monthly of a month for the scope (provinces added up), or None when absent."""
    row = reader.one(
        "select count(*), "
        + ", ".join(f"sum({c})" for c in FINANCE_COLUMNS)
        + " from indicators.finance_monthly where stat_month = ? and "
        + reader.province_filter,
        [month, *reader.scope_params],
    )
    if not row or not row[0]:
        return None
    return dict(zip(FINANCE_COLUMNS, row[1:], strict=True))


def _indicators(reader: _Reader, month: str) -> list[Indicator]:
    names = _dictionary(reader)
    level = "all" if reader.scope == ALL else "province"
    province = ALL if reader.scope == ALL else reader.scope
    changes = {
        row[0]: row[1:]
        for row in reader.rows(
            "select indicator_code, indicator_value, previous_month_value, mom_change, "
            "mom_change_rate, last_year_value, yoy_change, yoy_change_rate "
            "from indicators.kpi_changes where stat_month = ? and level = ? "
            "and province_code = ?",
            [month, level, province],
        )
    }
    kpi_codes = [code for code, _, source in KEY_INDICATORS if source == "kpi"]
    kpi_row = reader.one(
        "select " + ", ".join(kpi_codes) + " from indicators.kpi_monthly_rollup "
        "where level = ? and stat_month = ? and province_code = ?",
        [level, month, province],
    )
    kpi_values = dict(zip(kpi_codes, kpi_row or [None] * len(kpi_codes), strict=True))
    finance = {m: _finance(reader, m) for m in (month, month_add(month, -1), month_add(month, -12))}
    result = []
    for code, kind, source in KEY_INDICATORS:
        zh, en = names.get(code, (code, code))
        if source == "kpi":
            # The value as kpi_monthly_rollup publishes it; the comparisons as kpi_changes does.
            value = kpi_values[code]
            _, previous, mom, mom_rate, last_year, yoy, yoy_rate = changes.get(code, (None,) * 7)
        else:
            value, previous, last_year = (
                None if finance[m] is None else finance[m][code]
                for m in (month, month_add(month, -1), month_add(month, -12))
            )
            mom = None if value is None or previous is None else value - previous
            yoy = None if value is None or last_year is None else value - last_year
            mom_rate, yoy_rate = _rate(mom, previous), _rate(yoy, last_year)
        result.append(
            Indicator(code, zh, en, kind, value, previous, last_year, mom, mom_rate, yoy, yoy_rate)
        )
    return result


def _trend(reader: _Reader, month: str) -> Table:
    level = "all" if reader.scope == ALL else "province"
    province = ALL if reader.scope == ALL else reader.scope
    months = [month_add(month, -i) for i in range(11, -1, -1)]
    kpi = {
        row[0]: row[1:]
        for row in reader.rows(
            "select stat_month, users_on_net, net_adds, churn_rate, billed_revenue, arpu "
            "from indicators.kpi_monthly_rollup where level = ? and province_code = ? "
            "and stat_month between ? and ?",
            [level, province, months[0], months[-1]],
        )
    }
    rows = []
    for m in months:
        finance = _finance(reader, m)
        rows.append(
            (
                m,
                *kpi.get(m, (None,) * 5),
                None if finance is None else finance["collected"],
                None if finance is None else finance["arrears"],
            )
        )
    return Table(
        "trend",
        "近12个月趋势",
        "12-month trend",
        (
            Column("stat_month", "统计月份", "Month"),
            Column("users_on_net", "在网用户数", "Users on net", INT),
            Column("net_adds", "净增用户数", "Net adds", INT),
            Column("churn_rate", "离网率", "Churn rate", RATIO),
            Column("billed_revenue", "出账收入(元)", "Billed revenue (yuan)", YUAN),
            Column("arpu", "ARPU(元)", "ARPU (yuan)", YUAN),
            Column("collected", "实收金额(元)", "Collected (yuan)", YUAN),
            Column("arrears", "欠费金额(元)", "Arrears (yuan)", YUAN),
        ),
        rows,
        note="空白: 该月无发布数据 (blank: no published figures for that month)",
    )


def _cities(reader: _Reader, month: str) -> Table:
    names = _city_names(reader)
    previous = month_add(month, -1)
    rows = reader.rows(
        "select cur.province_code, cur.city_code, cur.users_on_net, cur.net_adds, "
        "cur.churn_rate, cur.billed_revenue, prev.billed_revenue, cur.arpu "
        "from indicators.kpi_monthly_rollup as cur "
        "left join indicators.kpi_monthly_rollup as prev on prev.level = 'city' "
        "and prev.stat_month = ? and prev.province_code = cur.province_code "
        "and prev.city_code = cur.city_code "
        "where cur.level = 'city' and cur.stat_month = ? "
        "and (? = 'ALL' or cur.province_code = ?) "
        "order by cur.billed_revenue desc, cur.users_on_net desc, cur.province_code, "
        "cur.city_code",
        [previous, month, *reader.scope_params],
    )
    provinces = _province_names(reader)
    table_rows = []
    for rank, (prov, city, users, net, churn, revenue, prev_rev, arpu) in enumerate(rows, 1):
        change = None if prev_rev is None or revenue is None else revenue - prev_rev
        label = f"{names[city]} {city}" if city in names else city
        province = f"{provinces[prov]} {prov}" if prov in provinces else prov
        table_rows.append(
            (rank, province, label, users, net, churn, revenue, _rate(change, prev_rev), arpu)
        )
    return Table(
        "cities",
        "地市排名(按出账收入)",
        "City ranking (by billed revenue)",
        (
            Column("rank", "排名", "Rank", INT),
            Column("province_code", "省份", "Province"),
            Column("city", "地市", "City"),
            Column("users_on_net", "在网用户数", "Users on net", INT),
            Column("net_adds", "净增用户数", "Net adds", INT),
            Column("churn_rate", "离网率", "Churn rate", RATIO),
            Column("billed_revenue", "出账收入(元)", "Billed revenue (yuan)", YUAN),
            Column("revenue_mom", "收入环比", "Revenue MoM", CHANGE),
            Column("arpu", "ARPU(元)", "ARPU (yuan)", YUAN),
        ),
        table_rows,
    )


def _brands(reader: _Reader, month: str) -> Table:
    previous = month_add(month, -1)
    rows = reader.rows(
        "select brand, "
        "sum(case when stat_month = ? then users_on_net end), "
        "sum(case when stat_month = ? then net_adds end), "
        "sum(case when stat_month = ? then billed_revenue end), "
        "sum(case when stat_month = ? then users_on_net end), "
        "sum(case when stat_month = ? then billed_revenue end) "
        "from indicators.kpi_monthly where stat_month in (?, ?) and "
        + reader.province_filter
        + " group by brand order by 4 desc nulls last, brand",
        [month, month, month, previous, previous, month, previous, *reader.scope_params],
    )
    rows = [(_brand_label(brand), *values) for brand, *values in rows]
    return Table(
        "brands",
        "品牌",
        "Brands",
        (
            Column("brand", "品牌", "Brand"),
            Column("users_on_net", "在网用户数", "Users on net", INT),
            Column("net_adds", "净增用户数", "Net adds", INT),
            Column("billed_revenue", "出账收入(元)", "Billed revenue (yuan)", YUAN),
            Column("previous_users_on_net", "上月在网用户数", "Users on net M-1", INT),
            Column("previous_billed_revenue", "上月出账收入(元)", "Billed revenue M-1", YUAN),
        ),
        rows,
        note="kpi_monthly 各地市之和 (sum over cities of kpi_monthly)",
    )


def _brand_label(code: str | None) -> str | None:
    """全球通 GOTONE: the name a manager reads, with the code the systems use."""
    name = label_of(BRANDS, code)
    return name if name == code or code == "UNKNOWN" else f"{name} {code}"


def _segment_label(segment_type: str, value: str) -> str:
    if segment_type == "brand":
        return _brand_label(value) or value
    if segment_type == "tenure":
        return label_of(TENURE_BANDS, value) or value
    return value


def _movements(brands: Table, reader: _Reader, month: str) -> list[Movement]:
    """The city and the brand whose users on net and billed revenue moved most against M-1."""
    previous = month_add(month, -1)
    by_city = reader.rows(
        "select province_code, city_code, "
        "sum(case when stat_month = ? then users_on_net else 0 end) "
        "- sum(case when stat_month = ? then users_on_net else 0 end), "
        "sum(case when stat_month = ? then billed_revenue else 0 end) "
        "- sum(case when stat_month = ? then billed_revenue else 0 end) "
        "from indicators.kpi_monthly_rollup where level = 'city' and stat_month in (?, ?) and "
        + reader.province_filter
        + " group by province_code, city_code",
        [month, previous, month, previous, month, previous, *reader.scope_params],
    )
    names = _city_names(reader)
    movements = []
    for position, indicator in ((2, "users_on_net"), (3, "billed_revenue")):
        if by_city:
            top = max(by_city, key=lambda r, p=position: (abs(r[p]), r[1]))
            if top[position]:
                label = f"{names[top[1]]}({top[1]})" if top[1] in names else top[1]
                movements.append(Movement(indicator, "city", label, Decimal(top[position])))
        current, before = (1, 4) if indicator == "users_on_net" else (3, 5)
        deltas = [(row[0], (row[current] or 0) - (row[before] or 0)) for row in brands.rows]
        if deltas:
            brand, delta = max(deltas, key=lambda d: (abs(d[1]), d[0]))
            if delta:
                movements.append(Movement(indicator, "brand", brand, Decimal(delta)))
    return movements


def _churn(reader: _Reader, month: str) -> Table:
    rows = reader.rows(
        "select segment_type, segment_value, sum(previous_users_on_net), sum(churned_users) "
        "from indicators.churn_by_segment where stat_month = ? and segment_type in "
        "('brand', 'tenure') and "
        + reader.province_filter
        + " group by segment_type, segment_value order by segment_type, segment_value",
        [month, *reader.scope_params],
    )
    return Table(
        "churn",
        "离网分析(按品牌、网龄)",
        "Churn by brand and tenure",
        (
            Column("segment_type", "维度", "Segment"),
            Column("segment_value", "分组", "Value"),
            Column("previous_users_on_net", "上月在网用户数", "Users on net M-1", INT),
            Column("churned_users", "离网用户数", "Churned users", INT),
            Column("churn_rate", "离网率", "Churn rate", RATIO),
        ),
        [
            (label_of(SEGMENT_TYPES, t), _segment_label(t, v), base, churned, _ratio(churned, base))
            for t, v, base, churned in rows
        ],
    )


def _reentry(reader: _Reader, month: str) -> Table:
    names = _city_names(reader)
    rows = reader.rows(
        "select city_code, count(*), avg(days_since_cancel), min(days_since_cancel) "
        "from indicators.reentry_list where stat_month = ? and "
        + reader.province_filter
        + " group by city_code order by 2 desc, 1",
        [month, *reader.scope_params],
    )
    return Table(
        "reentry",
        "弃卡重入网(按地市)",
        "Re-entries by city",
        (
            Column("city", "地市", "City"),
            Column("reentries", "重入网用户数", "Re-entries", INT),
            Column("avg_days", "平均间隔天数", "Average days since cancel", DEC2),
            Column("min_days", "最短间隔天数", "Shortest days since cancel", INT),
        ),
        [
            (
                f"{names[city]} {city}" if city in names else city,
                count,
                None if avg is None else Decimal(str(avg)).quantize(Decimal("0.01")),
                low,
            )
            for city, count, avg, low in rows
        ],
    )


def _groups(reader: _Reader, month: str) -> Table:
    rows = reader.rows(
        "select group_class, count(*), count(case when is_new_group then 1 end), "
        "sum(active_members), sum(group_revenue), sum(member_churn), "
        "count(case when is_class_mismatch then 1 end) "
        "from indicators.group_monthly where stat_month = ? and "
        + reader.province_filter
        + " group by group_class order by group_class",
        [month, *reader.scope_params],
    )
    table_rows = []
    for cls, groups, new, members, revenue, churn, mismatches in rows:
        arpu = None
        if members:
            arpu = (Decimal(revenue) / members).quantize(Decimal("0.01"), ROUND_HALF_UP)
        table_rows.append((cls, groups, new, members, revenue, arpu, churn, mismatches))
    return Table(
        "groups",
        "集团客户(按分类)",
        "Group customers by class",
        (
            Column("group_class", "集团分类", "Class"),
            Column("groups", "集团数", "Groups", INT),
            Column("new_groups", "新增集团", "New groups", INT),
            Column("active_members", "有效成员数", "Active members", INT),
            Column("group_revenue", "集团收入(元)", "Group revenue (yuan)", YUAN),
            Column("group_arpu", "集团ARPU(元)", "Group ARPU (yuan)", YUAN),
            Column("member_churn", "成员流失数", "Member churn", INT),
            Column("class_mismatches", "BOSS分类不一致", "BOSS class mismatches", INT),
        ),
        table_rows,
    )


def _vip(reader: _Reader, month: str) -> Table:
    found = {
        row[0]: row[1:]
        for row in reader.rows(
            "select vip_tier, count(*), sum(billed_revenue), avg(avg_revenue_6m) "
            "from indicators.user_value_monthly where stat_month = ? and vip_tier is not null "
            "and " + reader.province_filter + " group by vip_tier",
            [month, *reader.scope_params],
        )
    }
    rows = []
    for tier, zh in VIP_TIERS:
        users, revenue, average = found.get(tier, (0, Decimal("0.00"), None))
        if average is not None:
            average = Decimal(str(average)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        rows.append((f"{zh} {tier}", users, revenue, average))
    return Table(
        "vip",
        "VIP客户(按等级)",
        "VIP customers by tier",
        (
            Column("vip_tier", "VIP等级", "Tier"),
            Column("users", "用户数", "Users", INT),
            Column("billed_revenue", "本月出账收入(元)", "Billed revenue (yuan)", YUAN),
            Column("avg_revenue_6m", "近六月月均收入(元)", "Avg monthly revenue 6m (yuan)", YUAN),
        ),
        rows,
    )


def _collections(reader: _Reader, month: str) -> Table:
    rows = reader.rows(
        "select pay_channel, any_value(pay_channel_name_zh), sum(collected), "
        "sum(payment_count) from indicators.collections_by_channel where stat_month = ? and "
        + reader.province_filter
        + " group by pay_channel order by 3 desc, 1",
        [month, *reader.scope_params],
    )
    total = sum((r[2] for r in rows), Decimal(0))
    return Table(
        "collections",
        "实收(按交费渠道)",
        "Collections by payment channel",
        (
            Column("pay_channel", "渠道", "Channel"),
            Column("collected", "实收金额(元)", "Collected (yuan)", YUAN),
            Column("payments", "交费笔数", "Payments", INT),
            Column("share", "占比", "Share", RATIO),
        ),
        [
            (f"{zh or ''} {channel}".strip(), collected, count, _ratio(collected, total))
            for channel, zh, collected, count in rows
        ],
    )


def _aging(reader: _Reader, month: str) -> Table:
    rows = reader.rows(
        "select aging_bucket, min(bucket_order), sum(arrears), sum(accounts) "
        "from indicators.arrears_aging where stat_month = ? and "
        + reader.province_filter
        + " group by aging_bucket order by 2",
        [month, *reader.scope_params],
    )
    total = sum((r[2] for r in rows), Decimal(0))
    labels = {"0-1": "1个月内", "1-3": "1-3个月", "3-6": "3-6个月", "6+": "6个月以上"}
    return Table(
        "aging",
        "欠费账龄",
        "Arrears aging",
        (
            Column("aging_bucket", "账龄", "Age (months)"),
            Column("arrears", "欠费金额(元)", "Arrears (yuan)", YUAN),
            Column("accounts", "欠费账户数", "Accounts", INT),
            Column("share", "占比", "Share", RATIO),
        ),
        [
            (f"{labels.get(bucket, bucket)} {bucket}", arrears, accounts, _ratio(arrears, total))
            for bucket, _, arrears, accounts in rows
        ],
    )


def _finance_table(reader: _Reader, month: str) -> Table:
    rows = []
    for m in (month, month_add(month, -1), month_add(month, -12)):
        finance = _finance(reader, m)
        if finance is not None:
            rows.append((m, *(finance[c] for c in FINANCE_COLUMNS)))
    return Table(
        "finance",
        "账务概况",
        "Collections and arrears",
        (
            Column("stat_month", "统计月份", "Month"),
            Column("collected", "实收金额(元)", "Collected (yuan)", YUAN),
            Column("bad_debt", "坏账金额(元)", "Bad debt (yuan)", YUAN),
            Column("arrears", "欠费金额(元)", "Arrears (yuan)", YUAN),
            Column("doubtful_debt", "呆账金额(元)", "Doubtful debt (yuan)", YUAN),
            Column("accounts_in_arrears", "欠费账户数", "Accounts in arrears", INT),
        ),
        rows,
    )


def _quality(reader: _Reader, month: str) -> Table:
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


def _quality_results(reader: _Reader) -> list[tuple[Any, ...]]:
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


def _growth_without_revenue(reader: _Reader, month: str) -> bool | None:
    if not reader.has_table("indicators", "growth_vs_revenue"):
        return None
    found = reader.one(
        "select is_growth_without_revenue from indicators.growth_vs_revenue "
        "where stat_month = ? and province_code = ?",
        [month, ALL if reader.scope == ALL else reader.scope],
    )
    return None if found is None else found[0]


def _connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    return connect_published(settings)


def _resolve_scope(reader: _Reader, province: str | None) -> None:
    if province is None or province == ALL:
        reader.scope = ALL
        return
    found = reader.one(
        "select count(*) from indicators.kpi_monthly_rollup where province_code = ?", [province]
    )
    if not found or not found[0]:
        raise JingfenError(f"The published copy has no figures for province {province}.")
    reader.scope = province


def load_month(settings: Settings, month: str, province: str | None = None) -> MonthFigures:
    """Every figure of the monthly report; JingfenError when the month has no published data."""
    con = _connect(settings)
    try:
        reader = _Reader(con, ALL)
        _resolve_scope(reader, province)
        _check_month(reader, month)
        brands = _brands(reader, month)
        cities = _cities(reader, month)
        figures = MonthFigures(
            month=month,
            scope=reader.scope,
            scope_name=_scope_name(reader),
            published_at=_published_at(settings),
            indicators=_indicators(reader, month),
        )
        for table in (
            _trend(reader, month),
            cities,
            brands,
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
        figures.movements = _movements(brands, reader, month)
        figures.growth_without_revenue = _growth_without_revenue(reader, month)
        return figures
    finally:
        con.close()


def load_flash(
    settings: Settings, end_date: dt.date | None = None, province: str | None = None
) -> FlashFigures:
    """The weekly flash: the latest 7 days against the 7 before them."""
    con = _connect(settings)
    try:
        reader = _Reader(con, ALL)
        _resolve_scope(reader, province)
        if end_date is None:
            found = reader.one(
                "select max(usage_date) from indicators.traffic_by_day where "
                + reader.province_filter,
                reader.scope_params,
            )
            if not found or found[0] is None:
                raise JingfenError(
                    "The published copy has no daily traffic yet, so there is no week to report: "
                    "run 'jingfen run' first."
                )
            end_date = found[0]
        start = end_date - dt.timedelta(days=13)
        days = [start + dt.timedelta(days=i) for i in range(14)]
        traffic = {
            row[0]: row[1:]
            for row in reader.rows(
                "select usage_date, sum(active_users), sum(calls), sum(voice_minutes), "
                "sum(sms_sent), sum(data_mb) from indicators.traffic_by_day "
                "where usage_date between ? and ? and "
                + reader.province_filter
                + " group by usage_date",
                [start, end_date, *reader.scope_params],
            )
        }
        events = {
            row[0]: row[1:]
            for row in reader.rows(
                "select event_date, count(distinct case when event_type = 'OPEN' then "
                "province_code || '/' || user_id end), count(distinct case when event_type = "
                "'CANCEL' then province_code || '/' || user_id end) "
                "from marts.fct_lifecycle_events where event_date between ? and ? and "
                + reader.province_filter
                + " group by event_date",
                [start, end_date, *reader.scope_params],
            )
        }
        payments = {
            row[0]: row[1]
            for row in reader.rows(
                "select pay_date, cast(sum(amount_fen) as decimal(18, 0)) / 100 "
                "from marts.fct_payments where pay_type <> 'WRITEOFF' and pay_date between ? "
                "and ? and " + reader.province_filter + " group by pay_date",
                [start, end_date, *reader.scope_params],
            )
        }
        daily_rows = []
        for day in days:
            active, calls, minutes, sms, data = traffic.get(day, (0, 0, Decimal(0), 0, Decimal(0)))
            opens, cancels = events.get(day, (0, 0))
            collected = Decimal(payments.get(day, 0)).quantize(Decimal("0.01"))
            daily_rows.append((day, active, opens, cancels, calls, minutes, sms, data, collected))
        daily = Table(
            "daily",
            "逐日明细",
            "Day by day",
            (
                Column("date", "日期", "Date"),
                Column("active_users", "活跃用户数", "Active users", INT),
                Column("opens", "开户数", "Opens", INT),
                Column("cancels", "销户数", "Cancels", INT),
                Column("calls", "通话次数", "Calls", INT),
                Column("voice_minutes", "通话时长(分钟)", "Voice minutes", DEC2),
                Column("sms_sent", "短信条数", "SMS sent", INT),
                Column("data_mb", "流量(MB)", "Data (MB)", DEC2),
                Column("collected", "实收金额(元)", "Collected (yuan)", YUAN),
            ),
            daily_rows,
        )
        latest = reader.one(
            "select stat_month, users_on_net from indicators.kpi_monthly_rollup "
            "where level = ? and province_code = ? and users_on_net > 0 "
            "order by stat_month desc limit 1",
            ["all" if reader.scope == ALL else "province", reader.scope],
        )
        summary_rows = []
        for index, column in enumerate(daily.columns[1:], 1):
            this_week = [row[index] for row in daily_rows[7:]]
            last_week = [row[index] for row in daily_rows[:7]]
            if column.key == "active_users":
                # Distinct users per day do not add up over a week: show the daily average.
                now = (Decimal(sum(this_week)) / 7).quantize(Decimal("0.01"), ROUND_HALF_UP)
                before = (Decimal(sum(last_week)) / 7).quantize(Decimal("0.01"), ROUND_HALF_UP)
                zh, en, kind = "日均活跃用户数", "Active users (daily average)", DEC2
            else:
                now, before = sum(this_week), sum(last_week)
                zh, en, kind = column.zh, column.en, column.kind
            change = now - before
            summary_rows.append((f"{zh} {en}", kind, now, before, change, _rate(change, before)))
        if latest:
            summary_rows.insert(
                0,
                (f"在网用户数 Users on net ({latest[0]})", INT, latest[1], None, None, None),
            )
        summary = Table(
            "summary",
            "本周与上周",
            "This week against last week",
            (
                Column("indicator", "指标", "Indicator"),
                Column("kind", "类型", "Kind"),
                Column("this_week", "本周", "This week"),
                Column("last_week", "上周", "Last week"),
                Column("change", "变化", "Change"),
                Column("change_rate", "变化率", "Change rate", CHANGE),
            ),
            summary_rows,
            note=f"本周 {days[7]:%m-%d}~{days[13]:%m-%d}, 上周 {days[0]:%m-%d}~{days[6]:%m-%d}",
        )
        return FlashFigures(
            end_date=end_date,
            scope=reader.scope,
            scope_name=_scope_name(reader),
            published_at=_published_at(settings),
            summary=summary,
            daily=daily,
        )
    finally:
        con.close()
