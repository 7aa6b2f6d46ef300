"""The subscriber, revenue and usage datasets that several dashboards read: kpi_monthly by city
and brand, its roll-up, and its month-on-month / year-on-year changes."""

from __future__ import annotations

from dashboards.spec.presentation import column_label, presentation_dataset
from dashboards.spec.vocabulary import NO_TARGET, Column, Dataset, Metric, ratio, total, widest

KPI_CITY_BRAND = "kpi_city_brand"
KPI_ROLLUP = "kpi_rollup"
KPI_CHANGES = "kpi_changes"
TARGET_PROGRESS = "target_progress"

# Ratios at any level are recomputed from their summed parts, never averaged (indicators.md).
KPI_METRICS = (
    total("users_on_net"),
    total("new_users"),
    total("churned_users"),
    total("net_adds"),
    total("precancel_users"),
    total("reentry_users"),
    total("billed_users"),
    total("billed_revenue", ",.2f"),
    total("late_fee_revenue", ",.2f"),
    ratio("arpu", "billed_revenue", "billed_users"),
    total("calls"),
    total("voice_minutes", ",.1f"),
    total("billed_minutes", ",.1f"),
    ratio("mou", "voice_minutes", "billed_users"),
    total("offnet_minutes", ",.1f"),
    total("roam_out_minutes", ",.1f"),
    total("sms_sent"),
    total("data_mb", ",.1f"),
    ratio("dou", "data_mb", "billed_users"),
    ratio("offnet_share", "offnet_minutes", "voice_minutes", ".1%", label="网外通话占比"),
)

DATASETS = (
    presentation_dataset(KPI_CITY_BRAND, KPI_METRICS, main_dttm="month_start"),
    presentation_dataset(
        KPI_ROLLUP,
        (
            *KPI_METRICS,
            ratio("churn_rate_recomputed", "churned_users", "users_on_net", label="离网率(当月)"),
            Metric("churn_rate_avg", "MAX(churn_rate)", ".2%", column="churn_rate"),
        ),
        main_dttm="month_start",
    ),
    # The metrics take the widest level the viewer may see: the province (all provinces when
    # there are several) for province-wide roles, its own city for a city's analyst, whom
    # row-level security limits to that city's rows.
    presentation_dataset(
        KPI_CHANGES,
        (
            widest("value", "indicator_value", ",.2f"),
            widest("previous_value", "previous_month_value", ",.2f"),
            widest("mom_rate", "mom_change_rate", "+.1%"),
            widest("last_year", "last_year_value", ",.2f"),
            widest("yoy_rate", "yoy_change_rate", "+.1%"),
        ),
        main_dttm="month_start",
    ),
)


# --- the plan against the actuals (考核) ---------------------------------------------------------

# The columns of indicators.target_progress the view reads, labelled at their home (the dbt YAML).
PLAN_COLUMNS = (
    ("stat_month", "VARCHAR"), ("actual", "DOUBLE"), ("target_month", "DOUBLE"),
    ("completion_month", "DOUBLE"), ("actual_ytd", "DOUBLE"), ("target_year", "DOUBLE"),
    ("completion_year", "DOUBLE"), ("time_progress", "DOUBLE"), ("progress_gap", "DOUBLE"),
    ("rank_in_province", "BIGINT"),
)  # fmt: skip


def _plan_columns() -> tuple[Column, ...]:
    """target_progress's own columns, then the names and texts the SQL adds: the code and name
    columns take the labels the presentation datasets give them, so each label keeps one home."""
    kpi, changes = DATASETS[0], DATASETS[2]
    own = tuple(Column(n, t, column_label(TARGET_PROGRESS, n)[0]) for n, t in PLAN_COLUMNS)
    month = kpi.column("month_start")
    return (
        *own,
        Column(month.name, month.type, month.label, is_dttm=True),
        kpi.column("province_name"),
        kpi.column("city_code"),
        kpi.column("city_name"),
        changes.column("level_rank"),
        Column("indicator", "VARCHAR", changes.column("indicator_code").label),
        changes.column("indicator_name"),
        # the year's completion as the page shows it, NO_TARGET where none was delivered
        Column("completion_year_text", "VARCHAR", "完成率"),
        Column("gap_to_plan", "DOUBLE", "距进度计划差额"),
    )


# A virtual dataset: target_progress has no presentation model, so its names are joined here
# from the published copies that carry them (the dictionary and kpi_city_brand's city names).
# 'ALL' is the province's own row: named after the province, never a city.
PLAN_SQL = (
    "select t.stat_month, cast(strptime(t.stat_month || '01', '%Y%m%d') as date) as month_start, "
    "t.province_code, t.city_code, t.indicator, "
    "coalesce(d.name_zh, t.indicator) as indicator_name, "
    "coalesce(p.province_name, t.province_code) as province_name, "
    "case when t.city_code = 'ALL' then coalesce(p.province_name, t.province_code) || '(全省)' "
    "else coalesce(c.city_name, t.city_code) end as city_name, "
    "t.actual::double as actual, t.target_month::double as target_month, "
    "t.completion_month::double as completion_month, t.actual_ytd::double as actual_ytd, "
    "t.target_year::double as target_year, t.completion_year::double as completion_year, "
    "t.time_progress::double as time_progress, t.progress_gap::double as progress_gap, "
    "t.rank_in_province, "
    # as rollup_levels ranks them: the province's own row is wider than a city's
    "case when t.city_code = 'ALL' then 2 else 1 end as level_rank, "
    f"coalesce(printf('%.1f%%', t.completion_year * 100), '{NO_TARGET}') "
    "as completion_year_text, "
    # what the year to date lacks (negative: exceeds) against the plan pro rata to the days
    "(t.target_year * t.time_progress - t.actual_ytd)::double as gap_to_plan "
    "from indicators.target_progress as t "
    "left join indicators.dictionary as d on d.indicator_code = t.indicator "
    "left join (select distinct province_code, province_name from presentation.kpi_city_brand) "
    "as p on p.province_code = t.province_code "
    "left join (select distinct province_code, city_code, city_name "
    "from presentation.kpi_city_brand) as c "
    "on c.province_code = t.province_code and c.city_code = t.city_code"
)

PLAN_DATASET = Dataset(
    key=TARGET_PROGRESS,
    description="The plan against the actuals (考核, indicators.target_progress): per month, "
    "province or city and indicator the actual, the month's and the year's target, completion "
    "against time progress, the progress gap and the city's rank in its province; "
    f"{NO_TARGET} where no target was delivered.",
    sql=PLAN_SQL,
    columns=_plan_columns(),
    metrics=(
        total("actual_ytd", ",.2f"),
        total("target_year", ",.2f"),
        Metric("completion_year", "MAX(completion_year)", ".1%", column="completion_year"),
        Metric("time_progress", "MAX(time_progress)", ".1%", column="time_progress"),
        Metric("progress_gap", "MAX(progress_gap)", "+.1%", column="progress_gap"),
        Metric("rank", "MIN(rank_in_province)", ",d", column="rank_in_province"),
        total("gap_to_plan", ",.2f"),
        # The widest row the viewer may see: the province's for province-wide roles, its own
        # city's for a city's analyst (row-level security hides the province row from that role).
        widest("plan_actual", "actual_ytd", ",.2f"),
        widest("plan_target", "target_year", ",.2f"),
        widest("plan_completion", "completion_year", ".1%"),
        widest("plan_time", "time_progress", ".1%"),
        widest("plan_gap", "progress_gap", "+.1%"),
        widest("plan_gap_to_plan", "gap_to_plan", ",.2f"),
        widest("plan_completion_text", "completion_year_text", None),
    ),
    city_column="city_code",
    main_dttm="month_start",
)

DATASETS = (*DATASETS, PLAN_DATASET)
