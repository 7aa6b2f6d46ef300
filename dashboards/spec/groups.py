"""集团客户: group customers by class A/B/C, their members and revenue, the managers' portfolios."""

from __future__ import annotations

from dashboards.spec.presentation import presentation_dataset
from dashboards.spec.vocabulary import Dashboard, bars, count, kpi, pie, ratio, table, total, trend

GROUP_MONTHLY = "group_monthly"
GROUP_KPIS_BY_MANAGER = "group_kpis_by_manager"

DATASETS = (
    presentation_dataset(
        GROUP_MONTHLY,
        (
            count("groups", "集团数"),
            total("active_members"),
            total("new_group_count", name="new_groups", label="新增集团数"),
            total("group_revenue", ",.2f"),
            ratio("group_arpu", "group_revenue", "active_members"),
            total("member_churn"),
            ratio("member_penetration", "active_members", "employee_count", ".1%"),
            total("class_mismatch_count", name="class_mismatches", label="分类不一致数"),
        ),
        main_dttm="month_start",
    ),
    presentation_dataset(
        GROUP_KPIS_BY_MANAGER,
        (
            total("groups"),
            total("active_members"),
            total("new_groups"),
            total("group_revenue", ",.2f"),
            total("member_churn"),
        ),
    ),
)

DASHBOARD = Dashboard(
    key="groups",
    title="集团客户",
    slug="jingfen-group-customers",
    description="Group customers by class A/B/C: groups, active members, revenue, ARPU, member "
    "churn and penetration, new groups, and the account managers' portfolios.",
    filters=("stat_month", "city_name", "group_class_name"),
    rows=(
        (
            kpi("gp_groups", "集团数", GROUP_MONTHLY, "groups"),
            kpi("gp_members", "有效成员数", GROUP_MONTHLY, "active_members"),
            kpi("gp_new", "新增集团数", GROUP_MONTHLY, "new_groups"),
            kpi("gp_revenue", "集团收入(元)", GROUP_MONTHLY, "group_revenue"),
            kpi("gp_churn", "成员流失数", GROUP_MONTHLY, "member_churn"),
            kpi("gp_penetration", "成员渗透率", GROUP_MONTHLY, "member_penetration"),
        ),
        (
            bars(
                "gp_by_class",
                "分类集团数与成员",
                GROUP_MONTHLY,
                ["groups", "active_members", "member_churn"],
                x="group_class_name",
                order_by="__x",
                descending=False,
                width=6,
            ),
            pie(
                "gp_industry",
                "分行业集团收入",
                GROUP_MONTHLY,
                "group_revenue",
                "industry_name",
                width=6,
            ),
        ),
        (
            table(
                "gp_manager",
                "客户经理业绩",
                GROUP_KPIS_BY_MANAGER,
                ["groups", "active_members", "new_groups", "group_revenue", "member_churn"],
                ["manager_id", "group_class_name"],
                order_by="group_revenue",
                width=6,
            ),
            table(
                "gp_list",
                "集团客户清单",
                GROUP_MONTHLY,
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
                GROUP_MONTHLY,
                ["group_revenue"],
                groupby=["group_class_name"],
                kind="bar",
                stack=True,
                width=6,
            ),
            trend(
                "gp_members_trend",
                "分类有效成员趋势",
                GROUP_MONTHLY,
                ["active_members"],
                groupby=["group_class_name"],
                width=6,
            ),
        ),
    ),
)
