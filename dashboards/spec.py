"""The dashboards, described compactly: datasets, charts and layouts.

`dashboards/bundle.py` turns this description into Superset's export format under
`dashboards/bundle/`; the YAML there is its output and a test checks they agree. Every chart reads
a pre-aggregated table of the published copy (schema ``indicators``, ``ops``; ``marts`` only for
code labels), never per-user rows: its size follows cities x months x segments, not users, so a
query stays well under a second in a province of millions.

Labels are Chinese; descriptions are English. Code labels come from core/labels.py,
shared with the reports (brands, channels and industries from the dbt seeds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.labels import (
    AGING,
    BRANDS,
    CHANNEL_TYPES,
    GROUP_CLASSES,
    INDUSTRIES,
    INTERFACES,
    LOAD_STATUSES,
    SEGMENT_TYPES,
    SEVERITIES,
    TENURE_BANDS,
    UNKNOWN,
    VIP_TIERS,
)

DATABASE_NAME = "经分发布库"


# --- code labels ------------------------------------------------------------------------------


def _case(column: str, pairs: list[tuple[str, str]]) -> str:
    """SQL mapping the codes of ``column`` to their labels (unknown codes show as themselves)."""
    whens = " ".join(f"when '{code}' then '{label}'" for code, label in pairs)
    return f"case {column} {whens} else coalesce({column}, '未知') end"


MONTH_START = "strptime(stat_month, '%Y%m')::date"
# Levels of kpi_changes from the narrowest to the widest.
LEVEL_RANK = "case {level} when 'all' then 3 when 'province' then 2 else 1 end"

PROVINCES = (
    "(select distinct province_code, province_name_zh from marts.dim_cities "
    "where province_code is not null)"
)


def _city_labels(alias: str) -> str:
    """Province and city names of ``alias``.province_code / city_code, from marts.dim_cities."""
    return (
        f"coalesce(p.province_name_zh, {alias}.province_code) as province_name, "
        f"coalesce(c.city_name_zh, case {alias}.city_code when 'UNKNOWN' then '未知' "
        f"else {alias}.city_code end) as city_name"
    )


# City names by code with leading zeros ignored: BOSS extracts may write the area code as 0571
# where the cities seed has 571. One row per code, so the join never multiplies rows.
CITY_NAMES = (
    "(select ltrim(city_code, '0') as city_key, "
    "max(city_name_zh) filter (where is_known) as city_name_zh "
    "from marts.dim_cities group by 1)"
)


def _city_joins(alias: str) -> str:
    return (
        f"left join {PROVINCES} as p on p.province_code = {alias}.province_code "
        f"left join {CITY_NAMES} as c on c.city_key = ltrim({alias}.city_code, '0')"
    )


def _province_labels(alias: str) -> str:
    return f"coalesce(p.province_name_zh, {alias}.province_code) as province_name"


def _province_join(alias: str) -> str:
    return f"left join {PROVINCES} as p on p.province_code = {alias}.province_code"


# --- the building blocks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    label: str
    is_dttm: bool = False


@dataclass(frozen=True)
class Metric:
    name: str
    expression: str
    label: str
    d3format: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A dataset of the published copy; ``sql`` makes it virtual (labels joined in)."""

    key: str
    description: str
    columns: tuple[Column, ...]
    metrics: tuple[Metric, ...]
    table: str | None = None  # schema.table for a physical dataset
    sql: str | None = None
    city_column: str | None = None  # row-level security applies here; None: province-wide
    main_dttm: str | None = None

    @property
    def table_name(self) -> str:
        return self.table.split(".")[1] if self.table else self.key

    @property
    def schema(self) -> str:
        return self.table.split(".")[0] if self.table else "indicators"

    def has(self, column: str) -> bool:
        return any(c.name == column for c in self.columns)


@dataclass(frozen=True)
class Chart:
    """One chart. ``kind``: kpi, line, bar, pie, table, pivot."""

    key: str
    title: str
    dataset: str
    kind: str
    metrics: tuple[str, ...] = ()
    groupby: tuple[str, ...] = ()
    x: str | None = None  # line/bar: the x axis (month_start for trends, a category otherwise)
    columns: tuple[str, ...] = ()  # pivot: column dimension; table raw mode: the columns shown
    filters: tuple[tuple[str, str, str], ...] = ()  # (column, operator, value)
    order_by: str | None = None
    descending: bool = True
    row_limit: int = 1000
    stack: bool = False
    width: int = 4
    height: int = 50
    description: str = ""
    trend: bool = False  # a trend over months: the month filter leaves it alone


@dataclass(frozen=True)
class Dashboard:
    key: str
    title: str
    slug: str
    description: str
    rows: tuple[tuple[Chart, ...], ...]
    filters: tuple[str, ...] = ("stat_month", "city_name", "brand_name")
    charts: tuple[Chart, ...] = field(default=(), init=False)

    def __post_init__(self):
        object.__setattr__(self, "charts", tuple(c for row in self.rows for c in row))


FILTER_LABELS = {
    "stat_month": "统计月份",
    "province_name": "省份",
    "city_name": "地市",
    "brand_name": "品牌",
    "plan_name": "套餐",
    "channel_type_name": "渠道类型",
    "group_class_name": "集团分类",
    "iface_name": "接口",
}


# --- columns and metrics shared by several datasets ----------------------------------------------

C = Column
MONTH = (
    C("stat_month", "VARCHAR", "统计月份"),
    C("month_start", "DATE", "月份", is_dttm=True),
)
PROVINCE = (C("province_code", "VARCHAR", "省份编码"), C("province_name", "VARCHAR", "省份"))
CITY = (C("city_code", "VARCHAR", "地市编码"), C("city_name", "VARCHAR", "地市"))
BRAND = (C("brand", "VARCHAR", "品牌编码"), C("brand_name", "VARCHAR", "品牌"))


def _sum(name: str, label: str, fmt: str = ",d", column: str | None = None) -> Metric:
    return Metric(name, f"SUM({column or name})", label, fmt)


def _ratio(name, num, den, label, fmt=",.2f") -> Metric:
    return Metric(name, f"SUM({num}) / NULLIF(SUM({den}), 0)", label, fmt)


def _widest(name: str, column: str, label: str, fmt: str) -> Metric:
    """``column`` on the widest level among the rows the viewer may see (level_rank), so that one
    chart shows province-wide changes to a manager and a city's own to that city's analyst.
    ARG_MAX_NULL, not ARG_MAX: a NULL change of the widest level must stay NULL, not give way to a
    narrower level's value."""
    return Metric(name, f"ARG_MAX_NULL({column}, level_rank)", label, fmt)


KPI_COLUMNS = (
    C("users_on_net", "BIGINT", "在网用户数"),
    C("new_users", "BIGINT", "新增用户数"),
    C("churned_users", "BIGINT", "离网用户数"),
    C("net_adds", "BIGINT", "净增用户数"),
    C("churn_rate", "DECIMAL(18,6)", "离网率"),
    C("precancel_users", "BIGINT", "预销号用户数"),
    C("reentry_users", "BIGINT", "重入网用户数"),
    C("billed_users", "BIGINT", "出账用户数"),
    C("billed_revenue", "DECIMAL(18,2)", "出账收入(元)"),
    C("late_fee_revenue", "DECIMAL(18,2)", "滞纳金收入(元)"),
    C("arpu", "DECIMAL(18,2)", "ARPU(元)"),
    C("calls", "BIGINT", "通话次数"),
    C("voice_minutes", "DECIMAL(18,4)", "通话时长(分钟)"),
    C("billed_minutes", "DECIMAL(18,4)", "计费时长(分钟)"),
    C("mou", "DECIMAL(18,4)", "MOU(分钟)"),
    C("offnet_minutes", "DECIMAL(18,4)", "网外通话时长(分钟)"),
    C("roam_out_minutes", "DECIMAL(18,4)", "漫游出访时长(分钟)"),
    C("sms_sent", "BIGINT", "短信条数"),
    C("data_mb", "DECIMAL(18,4)", "流量(MB)"),
    C("dou", "DECIMAL(18,4)", "DOU(MB)"),
)

# Ratios at any level are recomputed from their summed parts, never averaged (indicators.md).
KPI_METRICS = (
    _sum("users_on_net", "在网用户数"),
    _sum("new_users", "新增用户数"),
    _sum("churned_users", "离网用户数"),
    _sum("net_adds", "净增用户数"),
    _sum("precancel_users", "预销号用户数"),
    _sum("reentry_users", "重入网用户数"),
    _sum("billed_users", "出账用户数"),
    _sum("billed_revenue", "出账收入(元)", ",.2f"),
    _sum("late_fee_revenue", "滞纳金收入(元)", ",.2f"),
    _ratio("arpu", "billed_revenue", "billed_users", "ARPU(元)"),
    _sum("calls", "通话次数"),
    _sum("voice_minutes", "通话时长(分钟)", ",.1f"),
    _sum("billed_minutes", "计费时长(分钟)", ",.1f"),
    _ratio("mou", "voice_minutes", "billed_users", "MOU(分钟)"),
    _sum("offnet_minutes", "网外通话时长(分钟)", ",.1f"),
    _sum("roam_out_minutes", "漫游出访时长(分钟)", ",.1f"),
    _sum("sms_sent", "短信条数"),
    _sum("data_mb", "流量(MB)", ",.1f"),
    _ratio("dou", "data_mb", "billed_users", "DOU(MB)"),
    Metric(
        "offnet_share",
        "SUM(offnet_minutes) / NULLIF(SUM(voice_minutes), 0)",
        "网外通话占比",
        ".1%",
    ),
)

# --- datasets ------------------------------------------------------------------------------------

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        key="kpi_city_brand",
        description="Subscriber, revenue and usage indicators per month x city x brand "
        "(indicators.kpi_monthly) with Chinese province, city and brand names.",
        sql=(
            f"select k.*, {MONTH_START.replace('stat_month', 'k.stat_month')} as month_start, "
            f"{_city_labels('k')}, {_case('k.brand', BRANDS)} as brand_name "
            f"from indicators.kpi_monthly as k {_city_joins('k')}"
        ),
        columns=(*MONTH, *PROVINCE, *CITY, *BRAND, *KPI_COLUMNS),
        metrics=KPI_METRICS,
        city_column="city_code",
        main_dttm="month_start",
    ),
    Dataset(
        key="kpi_rollup",
        description="kpi_monthly rolled up to city, province and all provinces "
        "(indicators.kpi_monthly_rollup): churn rate and ratios recomputed at each level.",
        sql=(
            f"select k.*, {MONTH_START.replace('stat_month', 'k.stat_month')} as month_start, "
            "case k.level when 'city' then '地市' when 'province' then '省' else '全部' end "
            f"as level_name, {_city_labels('k')} "
            f"from indicators.kpi_monthly_rollup as k {_city_joins('k')}"
        ),
        columns=(
            C("level", "VARCHAR", "层级编码"),
            C("level_name", "VARCHAR", "层级"),
            *MONTH,
            *PROVINCE,
            *CITY,
            C("brand", "VARCHAR", "品牌编码"),
            *KPI_COLUMNS,
        ),
        metrics=(
            *KPI_METRICS,
            _ratio("churn_rate_recomputed", "churned_users", "users_on_net", "离网率(当月)"),
            Metric("churn_rate_avg", "MAX(churn_rate)", "离网率", ".2%"),
        ),
        city_column="city_code",
        main_dttm="month_start",
    ),
    Dataset(
        key="kpi_changes",
        description="Month-on-month and year-on-year changes of the key indicators per city, "
        "province and all provinces (indicators.kpi_changes) with the indicator's Chinese name "
        "from the dictionary. The metrics take the widest level the viewer may see: the province "
        "(all provinces when there are several) for province-wide roles, its own city for a "
        "city's analyst, whom row-level security limits to that city's rows.",
        sql=(
            f"select k.*, {MONTH_START.replace('stat_month', 'k.stat_month')} as month_start, "
            "coalesce(d.name_zh, k.indicator_code) as indicator_name, "
            f"{LEVEL_RANK.format(level='k.level')} as level_rank, {_province_labels('k')} "
            "from indicators.kpi_changes as k "
            "left join indicators.dictionary as d on d.indicator_code = k.indicator_code "
            f"{_province_join('k')}"
        ),
        columns=(
            *MONTH,
            *PROVINCE,
            C("city_code", "VARCHAR", "地市编码"),
            C("level", "VARCHAR", "层级"),
            C("level_rank", "INTEGER", "层级序号"),
            C("indicator_code", "VARCHAR", "指标编码"),
            C("indicator_name", "VARCHAR", "指标"),
            C("indicator_value", "DECIMAL(18,6)", "本月值"),
            C("previous_month_value", "DECIMAL(18,6)", "上月值"),
            C("mom_change", "DECIMAL(18,6)", "环比增量"),
            C("mom_change_rate", "DECIMAL(18,6)", "环比"),
            C("last_year_value", "DECIMAL(18,6)", "去年同期值"),
            C("yoy_change", "DECIMAL(18,6)", "同比增量"),
            C("yoy_change_rate", "DECIMAL(18,6)", "同比"),
        ),
        metrics=(
            _widest("value", "indicator_value", "本月值", ",.2f"),
            _widest("previous_value", "previous_month_value", "上月值", ",.2f"),
            _widest("mom_rate", "mom_change_rate", "环比", "+.1%"),
            _widest("last_year", "last_year_value", "去年同期值", ",.2f"),
            _widest("yoy_rate", "yoy_change_rate", "同比", "+.1%"),
        ),
        city_column="city_code",
        main_dttm="month_start",
    ),
    Dataset(
        key="user_segments",
        description="Users per month x city x brand x plan x channel type x tenure band "
        "(indicators.users_by_segment): on net, new, churned, pre-cancelled, re-entry, billed "
        "revenue.",
        sql=(
            f"select u.*, {MONTH_START.replace('stat_month', 'u.stat_month')} as month_start, "
            f"{_city_labels('u')}, {_case('u.brand', BRANDS)} as brand_name, "
            f"coalesce(pl.plan_name, {_case('u.plan_id', [UNKNOWN])}) as plan_name, "
            f"{_case('u.channel_type', [*CHANNEL_TYPES, UNKNOWN])} as channel_type_name, "
            f"{_case('u.tenure_band', TENURE_BANDS)} as tenure_band_name "
            f"from indicators.users_by_segment as u {_city_joins('u')} "
            "left join marts.dim_plans as pl on pl.province_code = u.province_code "
            "and pl.plan_id = u.plan_id"
        ),
        columns=(
            *MONTH,
            *PROVINCE,
            *CITY,
            *BRAND,
            C("plan_id", "VARCHAR", "套餐编码"),
            C("plan_name", "VARCHAR", "套餐"),
            C("channel_type", "VARCHAR", "渠道类型编码"),
            C("channel_type_name", "VARCHAR", "渠道类型"),
            C("tenure_band", "VARCHAR", "在网时长编码"),
            C("tenure_band_name", "VARCHAR", "在网时长"),
            C("users_on_net", "BIGINT", "在网用户数"),
            C("new_users", "BIGINT", "新增用户数"),
            C("churned_users", "BIGINT", "离网用户数"),
            C("precancel_users", "BIGINT", "预销号用户数"),
            C("reentry_users", "BIGINT", "重入网用户数"),
            C("billed_revenue", "DECIMAL(18,2)", "出账收入(元)"),
        ),
        metrics=(
            _sum("users_on_net", "在网用户数"),
            _sum("new_users", "新增用户数"),
            _sum("churned_users", "离网用户数"),
            _sum("precancel_users", "预销号用户数"),
            _sum("reentry_users", "重入网用户数"),
            _sum("billed_revenue", "出账收入(元)", ",.2f"),
        ),
        city_column="city_code",
        main_dttm="month_start",
    ),
    Dataset(
        key="churn_by_segment",
        description="Churn by segment per province (indicators.churn_by_segment): users on net at "
        "M-1, churned in M and churn rate by tenure, plan, channel and brand.",
        sql=(
            "select s.*, "
            f"{_case('s.segment_type', SEGMENT_TYPES)} as segment_type_name, "
            "case s.segment_type "
            f"when 'brand' then {_case('s.segment_value', BRANDS)} "
            "when 'plan' then coalesce(pl.plan_name, s.segment_value) "
            "when 'channel' then coalesce(ch.channel_name, s.segment_value) "
            "else coalesce(s.segment_value, '未知') end "
            f"as segment_name, {_province_labels('s')} "
            f"from indicators.churn_by_segment as s {_province_join('s')} "
            "left join (select province_code, plan_id, max(plan_name) as plan_name "
            "from marts.dim_plans where is_current group by all) as pl "
            "on s.segment_type = 'plan' and pl.province_code = s.province_code "
            "and pl.plan_id = s.segment_value "
            "left join (select province_code, channel_id, max(channel_name) as channel_name "
            "from marts.dim_channels where is_current group by all) as ch "
            "on s.segment_type = 'channel' and ch.province_code = s.province_code "
            "and ch.channel_id = s.segment_value"
        ),
        columns=(
            C("stat_month", "VARCHAR", "统计月份"),
            *PROVINCE,
            C("segment_type", "VARCHAR", "分群维度编码"),
            C("segment_type_name", "VARCHAR", "分群维度"),
            C("segment_value", "VARCHAR", "分群编码"),
            C("segment_name", "VARCHAR", "分群"),
            C("previous_users_on_net", "BIGINT", "上月在网用户数"),
            C("churned_users", "BIGINT", "离网用户数"),
            C("churn_rate", "DECIMAL(18,6)", "离网率"),
        ),
        metrics=(
            _sum("previous_users_on_net", "上月在网用户数"),
            _sum("churned_users", "离网用户数"),
            Metric(
                "segment_churn_rate",
                "SUM(churned_users) / NULLIF(SUM(previous_users_on_net), 0)",
                "离网率",
                ".2%",
            ),
        ),
    ),
    Dataset(
        key="reentry_list",
        description="Re-entry list (弃卡重入网清单): one row per OPEN that follows a cancelled "
        "user of the same customer within 90 days (indicators.reentry_list).",
        sql=(
            f"select r.*, {_city_labels('r')}, {_case('r.brand', BRANDS)} as brand_name "
            f"from indicators.reentry_list as r {_city_joins('r')}"
        ),
        columns=(
            C("stat_month", "VARCHAR", "统计月份"),
            *PROVINCE,
            *CITY,
            *BRAND,
            C("event_id", "VARCHAR", "受理编号"),
            C("user_id", "VARCHAR", "新用户标识"),
            C("opened_at", "TIMESTAMP", "入网时间", is_dttm=True),
            C("channel_id", "VARCHAR", "受理渠道"),
            C("cancelled_user_id", "VARCHAR", "原销号用户"),
            C("cancelled_at", "TIMESTAMP", "销号时间"),
            C("days_since_cancel", "BIGINT", "间隔天数"),
        ),
        metrics=(Metric("reentries", "COUNT(*)", "重入网用户数", ",d"),),
        city_column="city_code",
    ),
    Dataset(
        key="traffic_by_hour",
        description="Voice traffic per month x province x hour of day "
        "(indicators.traffic_by_hour).",
        sql=(
            f"select t.*, {_province_labels('t')}, lpad(t.hour_of_day::varchar, 2, '0') || '时' "
            f"as hour_label from indicators.traffic_by_hour as t {_province_join('t')}"
        ),
        columns=(
            C("stat_month", "VARCHAR", "统计月份"),
            *PROVINCE,
            C("hour_of_day", "INTEGER", "小时"),
            C("hour_label", "VARCHAR", "时段"),
            C("calls", "BIGINT", "通话次数"),
            C("voice_minutes", "DECIMAL(18,4)", "通话时长(分钟)"),
            C("billed_minutes", "DECIMAL(18,4)", "计费时长(分钟)"),
        ),
        metrics=(
            _sum("calls", "通话次数"),
            _sum("voice_minutes", "通话时长(分钟)", ",.1f"),
            _sum("billed_minutes", "计费时长(分钟)", ",.1f"),
        ),
    ),
    Dataset(
        key="traffic_by_day",
        description="Daily traffic per province (indicators.traffic_by_day): calls, minutes, SMS, "
        "data and active users by the records' own dates.",
        sql=(
            f"select t.*, {_province_labels('t')} "
            f"from indicators.traffic_by_day as t {_province_join('t')}"
        ),
        columns=(
            C("usage_date", "DATE", "日期", is_dttm=True),
            C("stat_month", "VARCHAR", "统计月份"),
            *PROVINCE,
            C("calls", "BIGINT", "通话次数"),
            C("voice_minutes", "DECIMAL(18,4)", "通话时长(分钟)"),
            C("billed_minutes", "DECIMAL(18,4)", "计费时长(分钟)"),
            C("sms_sent", "BIGINT", "短信条数"),
            C("data_mb", "DECIMAL(18,4)", "流量(MB)"),
            C("active_users", "BIGINT", "活跃用户数"),
        ),
        metrics=(
            _sum("calls", "通话次数"),
            _sum("voice_minutes", "通话时长(分钟)", ",.1f"),
            _sum("billed_minutes", "计费时长(分钟)", ",.1f"),
            _sum("sms_sent", "短信条数"),
            _sum("data_mb", "流量(MB)", ",.1f"),
            _sum("active_users", "活跃用户数"),
        ),
        main_dttm="usage_date",
    ),
    Dataset(
        key="revenue_by_item_class",
        description="Billed amounts per month x city x brand x item class "
        "(indicators.revenue_by_item_class); LATEFEE is its own class and not revenue.",
        sql=(
            f"select r.*, {MONTH_START.replace('stat_month', 'r.stat_month')} as month_start, "
            f"{_city_labels('r')}, {_case('r.brand', BRANDS)} as brand_name, "
            "coalesce(r.item_class_name_zh, r.item_class) as item_class_name "
            f"from indicators.revenue_by_item_class as r {_city_joins('r')}"
        ),
        columns=(
            *MONTH,
            *PROVINCE,
            *CITY,
            *BRAND,
            C("item_class", "VARCHAR", "费用类别编码"),
            C("item_class_name", "VARCHAR", "费用类别"),
            C("billed_amount", "DECIMAL(18,2)", "出账金额(元)"),
            C("discount_amount", "DECIMAL(18,2)", "优惠金额(元)"),
            C("bill_rows", "BIGINT", "账单条数"),
            C("billed_users", "BIGINT", "出账用户数"),
        ),
        metrics=(
            _sum("billed_amount", "出账金额(元)", ",.2f"),
            _sum("discount_amount", "优惠金额(元)", ",.2f"),
        ),
        city_column="city_code",
        main_dttm="month_start",
    ),
    Dataset(
        key="finance_monthly",
        description="Collections, bad debt, arrears and doubtful debt per month x province "
        "(indicators.finance_monthly).",
        sql=(
            f"select f.*, {MONTH_START.replace('stat_month', 'f.stat_month')} as month_start, "
            f"{_province_labels('f')} from indicators.finance_monthly as f {_province_join('f')}"
        ),
        columns=(
            *MONTH,
            *PROVINCE,
            C("collected", "DECIMAL(18,2)", "实收金额(元)"),
            C("bad_debt", "DECIMAL(18,2)", "坏账金额(元)"),
            C("arrears", "DECIMAL(18,2)", "欠费金额(元)"),
            C("doubtful_debt", "DECIMAL(18,2)", "呆账金额(元)"),
            C("reversed", "DECIMAL(18,2)", "冲正退费(元)"),
            C("billed_total", "DECIMAL(18,2)", "出账总额(元)"),
            C("accounts_in_arrears", "BIGINT", "欠费账户数"),
        ),
        metrics=(
            _sum("collected", "实收金额(元)", ",.2f"),
            _sum("bad_debt", "坏账金额(元)", ",.2f"),
            _sum("arrears", "欠费金额(元)", ",.2f"),
            _sum("doubtful_debt", "呆账金额(元)", ",.2f"),
            _sum("billed_total", "出账总额(元)", ",.2f"),
            _sum("accounts_in_arrears", "欠费账户数"),
        ),
        main_dttm="month_start",
    ),
    Dataset(
        key="collections_by_channel",
        description="Collections per month x province x payment channel "
        "(indicators.collections_by_channel).",
        sql=(
            f"select c0.*, {_province_labels('c0')}, "
            "coalesce(c0.pay_channel_name_zh, c0.pay_channel) as pay_channel_name "
            f"from indicators.collections_by_channel as c0 {_province_join('c0')}"
        ),
        columns=(
            C("stat_month", "VARCHAR", "统计月份"),
            *PROVINCE,
            C("pay_channel", "VARCHAR", "缴费渠道编码"),
            C("pay_channel_name", "VARCHAR", "缴费渠道"),
            C("collected", "DECIMAL(18,2)", "实收金额(元)"),
            C("payment_count", "BIGINT", "缴费笔数"),
        ),
        metrics=(
            _sum("collected", "实收金额(元)", ",.2f"),
            _sum("payment_count", "缴费笔数"),
        ),
    ),
    Dataset(
        key="arrears_aging",
        description="Arrears by age of the unpaid bills per month x province "
        "(indicators.arrears_aging); 3-6 and 6+ months are doubtful debt.",
        sql=(
            f"select a.*, {_province_labels('a')}, "
            f"{_case('a.aging_bucket', AGING)} as aging_name "
            f"from indicators.arrears_aging as a {_province_join('a')}"
        ),
        columns=(
            C("stat_month", "VARCHAR", "统计月份"),
            *PROVINCE,
            C("aging_bucket", "VARCHAR", "账龄编码"),
            C("bucket_order", "INTEGER", "账龄顺序"),
            C("aging_name", "VARCHAR", "账龄"),
            C("arrears", "DECIMAL(18,2)", "欠费金额(元)"),
            C("accounts", "BIGINT", "账户数"),
        ),
        metrics=(
            _sum("arrears", "欠费金额(元)", ",.2f"),
            _sum("accounts", "账户数"),
        ),
    ),
    Dataset(
        key="group_monthly",
        description="Group customers per month (indicators.group_monthly) with class, industry "
        "and city names.",
        sql=(
            f"select g.*, {MONTH_START.replace('stat_month', 'g.stat_month')} as month_start, "
            f"{_city_labels('g')}, {_case('g.group_class', GROUP_CLASSES)} as group_class_name, "
            f"{_case('g.industry_code', INDUSTRIES)} as industry_name, "
            "case when g.is_new_group then 1 else 0 end as new_group_count, "
            "case when g.is_class_mismatch then 1 else 0 end as class_mismatch_count "
            f"from indicators.group_monthly as g {_city_joins('g')}"
        ),
        columns=(
            *MONTH,
            *PROVINCE,
            *CITY,
            C("group_id", "VARCHAR", "集团编号"),
            C("group_name", "VARCHAR", "集团名称"),
            C("group_class", "VARCHAR", "集团分类编码"),
            C("group_class_name", "VARCHAR", "集团分类"),
            C("boss_group_class", "VARCHAR", "BOSS集团分类"),
            C("industry_code", "VARCHAR", "行业编码"),
            C("industry_name", "VARCHAR", "行业"),
            C("manager_id", "VARCHAR", "客户经理"),
            C("active_members", "BIGINT", "有效成员数"),
            C("employee_count", "BIGINT", "员工数"),
            C("new_group_count", "INTEGER", "新增集团"),
            C("class_mismatch_count", "INTEGER", "分类不一致"),
            C("group_revenue", "DECIMAL(18,2)", "集团收入(元)"),
            C("group_arpu", "DECIMAL(18,2)", "集团ARPU(元)"),
            C("member_churn", "BIGINT", "成员流失数"),
            C("member_penetration", "DECIMAL(18,6)", "成员渗透率"),
        ),
        metrics=(
            Metric("groups", "COUNT(*)", "集团数", ",d"),
            _sum("active_members", "有效成员数"),
            _sum("new_groups", "新增集团数", column="new_group_count"),
            _sum("group_revenue", "集团收入(元)", ",.2f"),
            _ratio("group_arpu", "group_revenue", "active_members", "集团ARPU(元)"),
            _sum("member_churn", "成员流失数"),
            Metric(
                "member_penetration",
                "SUM(active_members) / NULLIF(SUM(employee_count), 0)",
                "成员渗透率",
                ".1%",
            ),
            _sum("class_mismatches", "分类不一致数", column="class_mismatch_count"),
        ),
        city_column="city_code",
        main_dttm="month_start",
    ),
    Dataset(
        key="group_kpis_by_manager",
        description="Group KPIs per month x province x account manager x class "
        "(indicators.group_kpis_by_manager).",
        sql=(
            f"select g.*, {_province_labels('g')}, "
            f"{_case('g.group_class', GROUP_CLASSES)} as group_class_name "
            f"from indicators.group_kpis_by_manager as g {_province_join('g')}"
        ),
        columns=(
            C("stat_month", "VARCHAR", "统计月份"),
            *PROVINCE,
            C("manager_id", "VARCHAR", "客户经理"),
            C("group_class", "VARCHAR", "集团分类编码"),
            C("group_class_name", "VARCHAR", "集团分类"),
            C("groups", "BIGINT", "集团数"),
            C("active_members", "BIGINT", "有效成员数"),
            C("new_groups", "BIGINT", "新增集团数"),
            C("group_revenue", "DECIMAL(18,2)", "集团收入(元)"),
            C("member_churn", "BIGINT", "成员流失数"),
        ),
        metrics=(
            _sum("groups", "集团数"),
            _sum("active_members", "有效成员数"),
            _sum("new_groups", "新增集团数"),
            _sum("group_revenue", "集团收入(元)", ",.2f"),
            _sum("member_churn", "成员流失数"),
        ),
    ),
    Dataset(
        key="vip_users",
        description="VIP users per month x city x brand x tier (indicators.vip_users_by_tier).",
        sql=(
            f"select v.*, {MONTH_START.replace('stat_month', 'v.stat_month')} as month_start, "
            f"{_city_labels('v')}, {_case('v.brand', BRANDS)} as brand_name, "
            f"{_case('v.vip_tier', VIP_TIERS)} as vip_tier_name "
            f"from indicators.vip_users_by_tier as v {_city_joins('v')}"
        ),
        columns=(
            *MONTH,
            *PROVINCE,
            *CITY,
            *BRAND,
            C("vip_tier", "VARCHAR", "VIP等级编码"),
            C("vip_tier_name", "VARCHAR", "VIP等级"),
            C("vip_users", "BIGINT", "VIP用户数"),
            C("billed_revenue", "DECIMAL(18,2)", "出账收入(元)"),
        ),
        metrics=(
            _sum("users", "VIP用户数", column="vip_users"),
            _sum("billed_revenue", "出账收入(元)", ",.2f"),
        ),
        city_column="city_code",
        main_dttm="month_start",
    ),
    Dataset(
        key="vip_movement",
        description="Movement of users between VIP tiers from M-1 to M, churned VIPs as "
        "'离网': one row per month x city x tier at M-1 x tier at M "
        "(indicators.vip_tier_movement).",
        sql=(
            f"select m0.*, {_city_labels('m0')}, "
            f"{_case('m0.from_tier', VIP_TIERS)} as from_tier_name, "
            f"{_case('m0.to_tier', [*VIP_TIERS, ('CHURNED', '离网')])} as to_tier_name, "
            "case when m0.to_tier = 'CHURNED' then m0.vip_users else 0 end as churned_users "
            f"from indicators.vip_tier_movement as m0 {_city_joins('m0')}"
        ),
        columns=(
            C("stat_month", "VARCHAR", "统计月份"),
            *PROVINCE,
            *CITY,
            C("from_tier", "VARCHAR", "上月等级编码"),
            C("from_tier_name", "VARCHAR", "上月等级"),
            C("to_tier", "VARCHAR", "本月等级编码"),
            C("to_tier_name", "VARCHAR", "本月等级"),
            C("vip_users", "BIGINT", "用户数"),
            C("churned_users", "BIGINT", "离网VIP用户数"),
        ),
        metrics=(
            _sum("users", "用户数", column="vip_users"),
            _sum("churned_users", "离网VIP用户数"),
            Metric(
                "moved_users",
                "SUM(CASE WHEN from_tier <> to_tier THEN vip_users ELSE 0 END)",
                "等级变动用户数",
                ",d",
            ),
        ),
        city_column="city_code",
    ),
    Dataset(
        key="load_log",
        description="Every delivery's outcome (ops.load_log): loaded, skipped, replaced or "
        "rejected, with counts and reasons.",
        sql=(
            "select l.*, l.processed_at::date as processed_date, "
            f"{_case('l.status', LOAD_STATUSES)} as status_name, "
            f"{_case('l.iface', INTERFACES)} as iface_name, {_province_labels('l')} "
            f"from ops.load_log as l {_province_join('l')}"
        ),
        columns=(
            C("file_name", "VARCHAR", "文件名"),
            C("iface", "VARCHAR", "接口编码"),
            C("iface_name", "VARCHAR", "接口"),
            *PROVINCE,
            C("data_date", "VARCHAR", "数据日期"),
            C("status", "VARCHAR", "状态编码"),
            C("status_name", "VARCHAR", "状态"),
            C("record_count", "BIGINT", "记录数"),
            C("loaded_count", "BIGINT", "加载数"),
            C("rejected_count", "BIGINT", "拒收记录数"),
            C("reason", "VARCHAR", "原因"),
            C("processed_at", "TIMESTAMP", "处理时间"),
            C("processed_date", "DATE", "处理日期", is_dttm=True),
        ),
        metrics=(
            Metric("deliveries", "COUNT(*)", "交付文件数", ",d"),
            Metric(
                "rejected_deliveries",
                "COUNT(*) FILTER (WHERE status = 'REJECTED')",
                "拒收文件数",
                ",d",
            ),
            _sum("record_count", "记录数"),
            _sum("loaded_count", "加载数"),
            _sum("rejected_count", "拒收记录数"),
            Metric(
                "reject_rate",
                "SUM(rejected_count) / NULLIF(SUM(record_count), 0)",
                "拒收率",
                ".2%",
            ),
        ),
        main_dttm="processed_date",
    ),
    Dataset(
        key="quality_results",
        description="The newest result of every quality check per asset (ops.quality_results, "
        "written by data_quality): passed or failed, blocking or warning, observed value.",
        sql=(
            'select q.check_name, q.asset, q."partition" as partition_key, q.severity, '
            f"{_case('q.severity', SEVERITIES)} as severity_name, q.passed, "
            "case when q.passed then '通过' else '未通过' end as result_name, "
            "q.observed_value, q.threshold, q.checked_at, q.checked_at::date as checked_date, "
            "q.details, q.run_id from ops.quality_results as q "
            "qualify row_number() over (partition by q.check_name, q.asset "
            "order by q.checked_at desc) = 1"
        ),
        columns=(
            C("check_name", "VARCHAR", "检查项"),
            C("asset", "VARCHAR", "数据资产"),
            C("partition_key", "VARCHAR", "涉及日期/月份"),
            C("severity", "VARCHAR", "级别编码"),
            C("severity_name", "VARCHAR", "级别"),
            C("passed", "BOOLEAN", "是否通过"),
            C("result_name", "VARCHAR", "结果"),
            C("observed_value", "DOUBLE", "观测值"),
            C("threshold", "VARCHAR", "阈值"),
            C("checked_at", "TIMESTAMP", "检查时间"),
            C("checked_date", "DATE", "检查日期", is_dttm=True),
            C("details", "VARCHAR", "详情"),
            C("run_id", "VARCHAR", "运行编号"),
        ),
        metrics=(
            Metric("checks", "COUNT(*)", "检查项数", ",d"),
            Metric("failed_checks", "COUNT(*) FILTER (WHERE NOT passed)", "未通过检查", ",d"),
            Metric(
                "blocking_failures",
                "COUNT(*) FILTER (WHERE NOT passed AND severity = 'blocking')",
                "阻断级未通过",
                ",d",
            ),
        ),
        main_dttm="checked_date",
    ),
    Dataset(
        key="rejected_records",
        description="Rejected records (ops.rejected_records): file, line, raw line and reason.",
        table="ops.rejected_records",
        columns=(
            C("file_name", "VARCHAR", "文件名"),
            C("line_no", "BIGINT", "行号"),
            C("raw_line", "VARCHAR", "原始记录"),
            C("reason", "VARCHAR", "原因"),
        ),
        metrics=(Metric("records", "COUNT(*)", "拒收记录数", ",d"),),
    ),
)

DATASETS_BY_KEY = {d.key: d for d in DATASETS}


# --- charts --------------------------------------------------------------------------------------


def kpi(key, title, dataset, metric, **kw) -> Chart:
    kw.setdefault("width", 2)
    kw.setdefault("height", 25)
    return Chart(key, title, dataset, "kpi", metrics=(metric,), **kw)


def trend(key, title, dataset, metrics, groupby=(), x="month_start", kind="line", **kw) -> Chart:
    return Chart(key, title, dataset, kind, metrics=tuple(metrics), groupby=tuple(groupby), x=x,
                 trend=True, **kw)  # fmt: skip


def bars(key, title, dataset, metrics, x, groupby=(), **kw) -> Chart:
    return Chart(key, title, dataset, "bar", metrics=tuple(metrics), x=x, groupby=tuple(groupby),
                 **kw)  # fmt: skip


def pie(key, title, dataset, metric, groupby, **kw) -> Chart:
    return Chart(key, title, dataset, "pie", metrics=(metric,), groupby=(groupby,), **kw)


def table(key, title, dataset, metrics, groupby, **kw) -> Chart:
    return Chart(key, title, dataset, "table", metrics=tuple(metrics), groupby=tuple(groupby),
                 **kw)  # fmt: skip


def pivot(key, title, dataset, metrics, rows, columns=(), **kw) -> Chart:
    return Chart(key, title, dataset, "pivot", metrics=tuple(metrics), groupby=tuple(rows),
                 columns=tuple(columns), **kw)  # fmt: skip


K = "kpi_city_brand"
R = "kpi_rollup"
CITY_LEVEL = (("level", "==", "city"),)

OVERVIEW = Dashboard(
    key="overview",
    title="经营概览",
    slug="jingfen-overview",
    description="Business overview: users on net, new, churned, net adds, revenue, ARPU, MOU and "
    "DOU of the month, their trends and month-on-month / year-on-year changes; drill from "
    "province to city to brand.",
    rows=(
        (
            kpi("ov_users", "在网用户数", K, "users_on_net"),
            kpi("ov_new", "新增用户数", K, "new_users"),
            kpi("ov_churn", "离网用户数", K, "churned_users"),
            kpi("ov_net", "净增用户数", K, "net_adds"),
            kpi("ov_revenue", "出账收入(元)", K, "billed_revenue"),
            kpi("ov_arpu", "ARPU(元)", K, "arpu"),
        ),
        (
            kpi("ov_mou", "MOU(分钟)", K, "mou"),
            kpi("ov_dou", "DOU(MB)", K, "dou"),
            kpi("ov_billed_users", "出账用户数", K, "billed_users"),
            kpi("ov_calls", "通话次数", K, "calls"),
            kpi("ov_data", "流量(MB)", K, "data_mb"),
            kpi("ov_sms", "短信条数", K, "sms_sent"),
        ),
        (
            trend(
                "ov_users_trend",
                "新增、离网与净增趋势",
                K,
                ["new_users", "churned_users", "net_adds"],
                width=6,
            ),
            trend(
                "ov_revenue_trend",
                "分地市出账收入趋势",
                K,
                ["billed_revenue"],
                groupby=["city_name"],
                kind="bar",
                stack=True,
                width=6,
            ),
        ),
        (
            pivot(
                "ov_drill",
                "省—地市—品牌 经营指标(可展开)",
                K,
                [
                    "users_on_net",
                    "new_users",
                    "churned_users",
                    "net_adds",
                    "billed_users",
                    "billed_revenue",
                ],
                rows=["province_name", "city_name", "brand_name"],
                width=8,
                height=60,
            ),
            table(
                "ov_changes",
                "关键指标环比/同比",
                "kpi_changes",
                ["value", "previous_value", "mom_rate", "last_year", "yoy_rate"],
                ["indicator_name"],
                order_by="value",
                width=4,
                height=60,
            ),
        ),
        (
            bars(
                "ov_city_users",
                "各地市在网用户(点击联动, 右键钻取到品牌)",
                K,
                ["users_on_net"],
                x="city_name",
                width=4,
            ),
            table(
                "ov_city_ratios",
                "各地市ARPU / MOU / DOU",
                K,
                ["arpu", "mou", "dou", "billed_users"],
                ["city_name"],
                order_by="arpu",
                width=4,
            ),
            trend(
                "ov_churn_rate",
                "各地市离网率趋势",
                R,
                ["churn_rate_avg"],
                groupby=["city_name"],
                filters=CITY_LEVEL,
                width=4,
            ),
        ),
    ),
)

GROWTH = Dashboard(
    key="growth",
    title="用户发展与离网",
    slug="jingfen-growth-churn",
    description="Subscriber growth and churn by brand, plan, channel type and tenure; "
    "pre-cancelled users as the leading churn signal; the re-entry list.",
    filters=("stat_month", "city_name", "brand_name", "plan_name"),
    rows=(
        (
            kpi("gr_new", "新增用户数", "user_segments", "new_users"),
            kpi("gr_churn", "离网用户数", "user_segments", "churned_users"),
            kpi("gr_precancel", "预销号用户数", "user_segments", "precancel_users"),
            kpi("gr_reentry", "重入网用户数", "user_segments", "reentry_users"),
            kpi("gr_on_net", "在网用户数", "user_segments", "users_on_net"),
            kpi("gr_revenue", "出账收入(元)", "user_segments", "billed_revenue"),
        ),
        (
            bars(
                "gr_by_brand",
                "分品牌新增与离网",
                "user_segments",
                ["new_users", "churned_users", "precancel_users"],
                x="brand_name",
                width=4,
            ),
            bars(
                "gr_by_plan",
                "分套餐新增与离网",
                "user_segments",
                ["new_users", "churned_users"],
                x="plan_name",
                width=4,
            ),
            bars(
                "gr_by_channel",
                "分渠道新增用户",
                "user_segments",
                ["new_users"],
                x="channel_type_name",
                width=4,
            ),
        ),
        (
            pie(
                "gr_tenure",
                "在网用户在网时长分布",
                "user_segments",
                "users_on_net",
                "tenure_band_name",
                width=4,
            ),
            table(
                "gr_churn_segment",
                "分群离网率(省)",
                "churn_by_segment",
                ["previous_users_on_net", "churned_users", "segment_churn_rate"],
                ["segment_type_name", "segment_name"],
                order_by="segment_churn_rate",
                width=8,
            ),
        ),
        (
            trend(
                "gr_trend",
                "新增/离网/预销号趋势",
                "user_segments",
                ["new_users", "churned_users", "precancel_users"],
                kind="bar",
                width=6,
            ),
            Chart(
                "gr_reentry_list",
                "弃卡重入网清单",
                "reentry_list",
                "raw",
                columns=(
                    "stat_month",
                    "city_name",
                    "brand_name",
                    "user_id",
                    "opened_at",
                    "cancelled_user_id",
                    "cancelled_at",
                    "days_since_cancel",
                ),
                order_by="opened_at",
                width=6,
            ),
        ),
    ),
)

TRAFFIC = Dashboard(
    key="traffic",
    title="话务与流量",
    slug="jingfen-traffic",
    description="Voice, SMS and data traffic: calls, minutes and billed minutes by hour of day "
    "and by day; off-net and roaming-out minutes by city.",
    rows=(
        (
            kpi("tr_calls", "通话次数", K, "calls"),
            kpi("tr_minutes", "通话时长(分钟)", K, "voice_minutes"),
            kpi("tr_billed", "计费时长(分钟)", K, "billed_minutes"),
            kpi("tr_sms", "短信条数", K, "sms_sent"),
            kpi("tr_data", "流量(MB)", K, "data_mb"),
            kpi("tr_offnet_share", "网外通话占比", K, "offnet_share"),
        ),
        (
            bars(
                "tr_by_hour",
                "分时段话务量",
                "traffic_by_hour",
                ["calls", "voice_minutes", "billed_minutes"],
                x="hour_label",
                order_by="__x",
                descending=False,
                width=6,
            ),
            trend(
                "tr_by_day",
                "每日话务与流量",
                "traffic_by_day",
                ["voice_minutes", "sms_sent", "data_mb", "active_users"],
                x="usage_date",
                width=6,
            ),
        ),
        (
            bars(
                "tr_offnet_roam",
                "各地市网外与漫游出访时长",
                K,
                ["voice_minutes", "offnet_minutes", "roam_out_minutes"],
                x="city_name",
                width=6,
            ),
            trend("tr_mou_dou", "MOU与DOU趋势", K, ["mou", "dou"], width=6),
        ),
        (
            pivot(
                "tr_city_brand",
                "分地市分品牌话务(可展开)",
                K,
                [
                    "calls",
                    "voice_minutes",
                    "billed_minutes",
                    "offnet_minutes",
                    "roam_out_minutes",
                    "sms_sent",
                    "data_mb",
                ],
                rows=["city_name", "brand_name"],
                width=12,
            ),
        ),
    ),
)

FINANCE = Dashboard(
    key="finance",
    title="收入与账务",
    slug="jingfen-revenue-finance",
    description="Revenue by item class, collections by payment channel, arrears by age, "
    "doubtful and bad debt.",
    rows=(
        (
            kpi("fi_revenue", "出账收入(元)", K, "billed_revenue"),
            kpi("fi_late", "滞纳金收入(元)", K, "late_fee_revenue"),
            kpi("fi_collected", "实收金额(元)", "finance_monthly", "collected"),
            kpi("fi_arrears", "欠费金额(元)", "finance_monthly", "arrears"),
            kpi("fi_doubtful", "呆账金额(元)", "finance_monthly", "doubtful_debt"),
            kpi("fi_bad", "坏账金额(元)", "finance_monthly", "bad_debt"),
        ),
        (
            pie(
                "fi_item_class",
                "分费用类别出账金额",
                "revenue_by_item_class",
                "billed_amount",
                "item_class_name",
                width=4,
            ),
            pie(
                "fi_channel",
                "分渠道实收金额",
                "collections_by_channel",
                "collected",
                "pay_channel_name",
                width=4,
            ),
            bars(
                "fi_aging",
                "欠费账龄",
                "arrears_aging",
                ["arrears"],
                x="aging_name",
                order_by="__x",
                descending=False,
                width=4,
            ),
        ),
        (
            trend(
                "fi_trend",
                "出账、实收与欠费趋势",
                "finance_monthly",
                ["billed_total", "collected", "arrears", "doubtful_debt", "bad_debt"],
                width=6,
            ),
            trend(
                "fi_item_trend",
                "分费用类别收入趋势",
                "revenue_by_item_class",
                ["billed_amount"],
                groupby=["item_class_name"],
                kind="bar",
                stack=True,
                width=6,
            ),
        ),
        (
            pivot(
                "fi_city_item",
                "地市—品牌 × 费用类别出账金额",
                "revenue_by_item_class",
                ["billed_amount"],
                rows=["city_name", "brand_name"],
                columns=["item_class_name"],
                width=12,
            ),
        ),
    ),
)

GROUPS = Dashboard(
    key="groups",
    title="集团客户",
    slug="jingfen-group-customers",
    description="Group customers by class A/B/C: groups, active members, revenue, ARPU, member "
    "churn and penetration, new groups, and the account managers' portfolios.",
    filters=("stat_month", "city_name", "group_class_name"),
    rows=(
        (
            kpi("gp_groups", "集团数", "group_monthly", "groups"),
            kpi("gp_members", "有效成员数", "group_monthly", "active_members"),
            kpi("gp_new", "新增集团数", "group_monthly", "new_groups"),
            kpi("gp_revenue", "集团收入(元)", "group_monthly", "group_revenue"),
            kpi("gp_churn", "成员流失数", "group_monthly", "member_churn"),
            kpi("gp_penetration", "成员渗透率", "group_monthly", "member_penetration"),
        ),
        (
            bars(
                "gp_by_class",
                "分类集团数与成员",
                "group_monthly",
                ["groups", "active_members", "member_churn"],
                x="group_class_name",
                order_by="__x",
                descending=False,
                width=6,
            ),
            pie(
                "gp_industry",
                "分行业集团收入",
                "group_monthly",
                "group_revenue",
                "industry_name",
                width=6,
            ),
        ),
        (
            table(
                "gp_manager",
                "客户经理业绩",
                "group_kpis_by_manager",
                ["groups", "active_members", "new_groups", "group_revenue", "member_churn"],
                ["manager_id", "group_class_name"],
                order_by="group_revenue",
                width=6,
            ),
            table(
                "gp_list",
                "集团客户清单",
                "group_monthly",
                [
                    "active_members",
                    "group_revenue",
                    "group_arpu",
                    "member_penetration",
                    "member_churn",
                ],
                ["group_name", "group_class_name", "industry_name", "city_name"],
                order_by="group_revenue",
                width=6,
            ),
        ),
        (
            trend(
                "gp_trend",
                "分类集团收入趋势",
                "group_monthly",
                ["group_revenue"],
                groupby=["group_class_name"],
                kind="bar",
                stack=True,
                width=6,
            ),
            trend(
                "gp_members_trend",
                "分类有效成员趋势",
                "group_monthly",
                ["active_members"],
                groupby=["group_class_name"],
                width=6,
            ),
        ),
    ),
)

VIP = Dashboard(
    key="vip",
    title="VIP客户",
    slug="jingfen-vip",
    description="VIP customers: diamond, gold and silver counts, movement between tiers from "
    "last month, and churned VIPs.",
    rows=(
        (
            kpi("vip_users", "VIP用户数", "vip_users", "users", width=3),
            kpi("vip_revenue", "VIP出账收入(元)", "vip_users", "billed_revenue", width=3),
            kpi("vip_churned", "离网VIP用户数", "vip_movement", "churned_users", width=3),
            kpi("vip_moves", "等级变动用户数", "vip_movement", "moved_users", width=3),
        ),
        (
            pie("vip_tiers", "VIP等级分布", "vip_users", "users", "vip_tier_name", width=4),
            bars(
                "vip_by_city",
                "各地市VIP用户",
                "vip_users",
                ["users"],
                x="city_name",
                groupby=["vip_tier_name"],
                stack=True,
                width=8,
            ),
        ),
        (
            pivot(
                "vip_matrix",
                "VIP等级迁移(上月→本月)",
                "vip_movement",
                ["users"],
                rows=["from_tier_name"],
                columns=["to_tier_name"],
                width=6,
            ),
            trend(
                "vip_trend",
                "VIP用户数趋势",
                "vip_users",
                ["users"],
                groupby=["vip_tier_name"],
                kind="bar",
                stack=True,
                width=6,
            ),
        ),
    ),
)

KPI_FOR_FORMAT = {m.name: m for m in KPI_METRICS}

QUALITY = Dashboard(
    key="quality",
    title="数据质量",
    slug="jingfen-data-quality",
    description="Data quality: delivery outcomes (ops.load_log), rejected records "
    "(ops.rejected_records) and the newest result of every quality check (ops.quality_results).",
    filters=("iface_name",),
    rows=(
        (
            kpi("dq_deliveries", "交付文件数", "load_log", "deliveries", width=3),
            kpi("dq_rejected", "拒收文件数", "load_log", "rejected_deliveries", width=3),
            kpi("dq_records", "拒收记录数", "load_log", "rejected_count", width=3),
            kpi("dq_rate", "记录拒收率", "load_log", "reject_rate", width=3),
        ),
        (
            bars(
                "dq_by_iface",
                "分接口交付情况",
                "load_log",
                ["loaded_count", "rejected_count"],
                x="iface_name",
                groupby=(),
                stack=True,
                width=6,
            ),
            pie("dq_status", "交付状态", "load_log", "deliveries", "status_name", width=6),
        ),
        (
            kpi("dq_checks", "检查项数", "quality_results", "checks", width=2),
            kpi("dq_failed", "未通过检查", "quality_results", "failed_checks", width=2),
            Chart(
                "dq_results",
                "最新质量检查结果",
                "quality_results",
                "raw",
                columns=(
                    "checked_at",
                    "asset",
                    "check_name",
                    "severity_name",
                    "result_name",
                    "observed_value",
                    "threshold",
                    "partition_key",
                ),
                order_by="result_name",  # 未通过 sorts before 通过
                descending=False,
                width=8,
            ),
        ),
        (
            Chart(
                "dq_log",
                "加载日志",
                "load_log",
                "raw",
                columns=(
                    "processed_at",
                    "file_name",
                    "iface_name",
                    "province_name",
                    "data_date",
                    "status_name",
                    "record_count",
                    "loaded_count",
                    "rejected_count",
                    "reason",
                ),
                order_by="processed_at",
                width=12,
            ),
        ),
        (
            Chart(
                "dq_rejects",
                "拒收记录",
                "rejected_records",
                "raw",
                columns=("file_name", "line_no", "raw_line", "reason"),
                order_by="file_name",
                descending=False,
                width=12,
            ),
        ),
    ),
)

DASHBOARDS: tuple[Dashboard, ...] = (OVERVIEW, GROWTH, TRAFFIC, FINANCE, GROUPS, VIP, QUALITY)
