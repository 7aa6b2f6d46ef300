"""The subscriber, revenue and usage datasets that several dashboards read: kpi_monthly by city
and brand, its roll-up, and its month-on-month / year-on-year changes."""

from __future__ import annotations

from dashboards.spec.presentation import presentation_dataset
from dashboards.spec.vocabulary import Metric, ratio, total, widest

KPI_CITY_BRAND = "kpi_city_brand"
KPI_ROLLUP = "kpi_rollup"
KPI_CHANGES = "kpi_changes"

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
