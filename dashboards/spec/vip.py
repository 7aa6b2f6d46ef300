"""VIP客户: diamond, gold and silver counts, movement between tiers, churned VIPs."""

from __future__ import annotations

from dashboards.spec.presentation import presentation_dataset
from dashboards.spec.vocabulary import Dashboard, Metric, bars, kpi, pie, pivot, total, trend

VIP_USERS = "vip_users"
VIP_MOVEMENT = "vip_movement"

DATASETS = (
    presentation_dataset(
        VIP_USERS,
        (total("vip_users", name="users"), total("billed_revenue", ",.2f")),
        main_dttm="month_start",
    ),
    presentation_dataset(
        VIP_MOVEMENT,
        (
            total("vip_users", name="users"),
            total("churned_users"),
            Metric(
                "moved_users",
                "SUM(CASE WHEN from_tier <> to_tier THEN vip_users ELSE 0 END)",
                ",d",
                "等级变动用户数",
            ),
        ),
    ),
)

DASHBOARD = Dashboard(
    key="vip",
    title="VIP客户",
    slug="jingfen-vip",
    description="VIP customers: diamond, gold and silver counts, movement between tiers from "
    "last month, and churned VIPs.",
    rows=(
        (
            kpi("vip_users", "VIP用户数", VIP_USERS, "users", width=3),
            kpi("vip_revenue", "VIP出账收入(元)", VIP_USERS, "billed_revenue", width=3),
            kpi("vip_churned", "离网VIP用户数", VIP_MOVEMENT, "churned_users", width=3),
            kpi("vip_moves", "等级变动用户数", VIP_MOVEMENT, "moved_users", width=3),
        ),
        (
            pie("vip_tiers", "VIP等级分布", VIP_USERS, "users", "vip_tier_name", width=4),
            bars(
                "vip_by_city",
                "各地市VIP用户",
                VIP_USERS,
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
                VIP_MOVEMENT,
                ["users"],
                rows=["from_tier_name"],
                columns=["to_tier_name"],
                width=6,
            ),
            trend(
                "vip_trend",
                "VIP用户数趋势",
                VIP_USERS,
                ["users"],
                groupby=["vip_tier_name"],
                kind="bar",
                stack=True,
                width=6,
            ),
        ),
    ),
)
