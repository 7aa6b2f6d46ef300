"""经营概览: the month's key indicators, their trends and changes; province → city → brand."""

from __future__ import annotations

from dashboards.spec.kpi import KPI_CHANGES, KPI_CITY_BRAND, KPI_ROLLUP, TARGET_PROGRESS
from dashboards.spec.vocabulary import Dashboard, bars, kpi, pivot, table, trend

CITY_LEVEL = (("level", "==", "city"),)
# target_progress's own row of the province is city_code 'ALL'; its cities are the other rows.
CITY_PLAN = (("city_code", "!=", "ALL"),)
# The completion chart compares only what has a plan; the tables show the rest as 未下达目标.
WITH_TARGET = (("target_year", "IS NOT NULL", ""),)
PLAN_FIGURES = ["actual_ytd", "target_year", "time_progress", "progress_gap", "gap_to_plan"]
WIDEST_FIGURES = ["plan_actual", "plan_target", "plan_completion_text", "plan_time", "plan_gap",
                  "plan_gap_to_plan"]  # fmt: skip

DASHBOARD = Dashboard(
    key="overview",
    title="经营概览",
    slug="jingfen-overview",
    description="Business overview: users on net, new, churned, net adds, revenue, ARPU, MOU and "
    "DOU of the month, their trends and month-on-month / year-on-year changes; drill from "
    "province to city to brand.",
    rows=(
        (
            kpi("ov_users", "在网用户数", KPI_CITY_BRAND, "users_on_net"),
            kpi("ov_new", "新增用户数", KPI_CITY_BRAND, "new_users"),
            kpi("ov_churn", "离网用户数", KPI_CITY_BRAND, "churned_users"),
            kpi("ov_net", "净增用户数", KPI_CITY_BRAND, "net_adds"),
            kpi("ov_revenue", "出账收入(元)", KPI_CITY_BRAND, "billed_revenue"),
            kpi("ov_arpu", "ARPU(元)", KPI_CITY_BRAND, "arpu"),
        ),
        (
            kpi("ov_mou", "MOU(分钟)", KPI_CITY_BRAND, "mou"),
            kpi("ov_dou", "DOU(MB)", KPI_CITY_BRAND, "dou"),
            kpi("ov_billed_users", "出账用户数", KPI_CITY_BRAND, "billed_users"),
            kpi("ov_calls", "通话次数", KPI_CITY_BRAND, "calls"),
            kpi("ov_data", "流量(MB)", KPI_CITY_BRAND, "data_mb"),
            kpi("ov_sms", "短信条数", KPI_CITY_BRAND, "sms_sent"),
        ),
        (
            trend(
                "ov_users_trend",
                "新增、离网与净增趋势",
                KPI_CITY_BRAND,
                ["new_users", "churned_users", "net_adds"],
                width=6,
            ),
            trend(
                "ov_revenue_trend",
                "分地市出账收入趋势",
                KPI_CITY_BRAND,
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
                KPI_CITY_BRAND,
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
                KPI_CHANGES,
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
                KPI_CITY_BRAND,
                ["users_on_net"],
                x="city_name",
                width=4,
            ),
            table(
                "ov_city_ratios",
                "各地市ARPU / MOU / DOU",
                KPI_CITY_BRAND,
                ["arpu", "mou", "dou", "billed_users"],
                ["city_name"],
                order_by="arpu",
                width=4,
            ),
            trend(
                "ov_churn_rate",
                "各地市离网率趋势",
                KPI_ROLLUP,
                ["churn_rate_avg"],
                groupby=["city_name"],
                filters=CITY_LEVEL,
                width=4,
            ),
        ),
        # 指标完成情况: the year's completion of each indicator against time progress, then the
        # cities ranked within their province.
        (
            bars(
                "ov_plan_completion",
                "指标完成情况: 年完成率与时间进度",
                TARGET_PROGRESS,
                ["plan_completion", "plan_time"],
                x="indicator_name",
                filters=WITH_TARGET,
                width=5,
            ),
            table(
                "ov_plan_indicators",
                "指标完成情况(本年累计)",
                TARGET_PROGRESS,
                WIDEST_FIGURES,
                # per province: a plan is a province's, so the widest row is unique within one
                ["province_name", "indicator_name"],
                order_by="plan_target",
                width=7,
            ),
        ),
        (
            table(
                "ov_plan_ranking",
                "各地市指标完成排名(按年完成率)",
                TARGET_PROGRESS,
                ["rank", *PLAN_FIGURES],
                ["indicator_name", "city_name", "completion_year_text"],
                filters=CITY_PLAN,
                order_by="rank",
                descending=False,
                width=12,
            ),
        ),
    ),
)
