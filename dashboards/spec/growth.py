"""用户发展与离网: growth and churn by brand, plan, channel type and tenure; the re-entry list."""

from __future__ import annotations

from dashboards.spec.presentation import presentation_dataset
from dashboards.spec.vocabulary import (
    Dashboard,
    Metric,
    bars,
    count,
    kpi,
    pie,
    raw,
    table,
    total,
    trend,
)

USER_SEGMENTS = "user_segments"
CHURN_BY_SEGMENT = "churn_by_segment"
REENTRY_LIST = "reentry_list"

DATASETS = (
    presentation_dataset(
        USER_SEGMENTS,
        (
            total("users_on_net"),
            total("new_users"),
            total("churned_users"),
            total("precancel_users"),
            total("reentry_users"),
            total("billed_revenue", ",.2f"),
        ),
        main_dttm="month_start",
    ),
    presentation_dataset(
        CHURN_BY_SEGMENT,
        (
            total("previous_users_on_net"),
            total("churned_users"),
            Metric(
                "segment_churn_rate",
                "SUM(churned_users) / NULLIF(SUM(previous_users_on_net), 0)",
                ".2%",
                column="churn_rate",
            ),
        ),
    ),
    presentation_dataset(
        REENTRY_LIST, (count("reentries", "重入网用户数"),), time_columns=("opened_at",)
    ),
)

DASHBOARD = Dashboard(
    key="growth",
    title="用户发展与离网",
    slug="jingfen-growth-churn",
    description="Subscriber growth and churn by brand, plan, channel type and tenure; "
    "pre-cancelled users as the leading churn signal; the re-entry list.",
    filters=("stat_month", "city_name", "brand_name", "plan_name"),
    rows=(
        (
            kpi("gr_new", "新增用户数", USER_SEGMENTS, "new_users"),
            kpi("gr_churn", "离网用户数", USER_SEGMENTS, "churned_users"),
            kpi("gr_precancel", "预销号用户数", USER_SEGMENTS, "precancel_users"),
            kpi("gr_reentry", "重入网用户数", USER_SEGMENTS, "reentry_users"),
            kpi("gr_on_net", "在网用户数", USER_SEGMENTS, "users_on_net"),
            kpi("gr_revenue", "出账收入(元)", USER_SEGMENTS, "billed_revenue"),
        ),
        (
            bars(
                "gr_by_brand",
                "分品牌新增与离网",
                USER_SEGMENTS,
                ["new_users", "churned_users", "precancel_users"],
                x="brand_name",
                width=4,
            ),
            bars(
                "gr_by_plan",
                "分套餐新增与离网",
                USER_SEGMENTS,
                ["new_users", "churned_users"],
                x="plan_name",
                width=4,
            ),
            bars(
                "gr_by_channel",
                "分渠道新增用户",
                USER_SEGMENTS,
                ["new_users"],
                x="channel_type_name",
                width=4,
            ),
        ),
        (
            pie(
                "gr_tenure",
                "在网用户在网时长分布",
                USER_SEGMENTS,
                "users_on_net",
                "tenure_band_name",
                width=4,
            ),
            table(
                "gr_churn_segment",
                "分群离网率(省)",
                CHURN_BY_SEGMENT,
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
                USER_SEGMENTS,
                ["new_users", "churned_users", "precancel_users"],
                kind="bar",
                width=6,
            ),
            raw(
                "gr_reentry_list",
                "弃卡重入网清单",
                REENTRY_LIST,
                (
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
