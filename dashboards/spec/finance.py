"""收入与账务: revenue by item class, collections by channel, arrears by age, bad debt."""

from __future__ import annotations

from dashboards.spec.kpi import KPI_CITY_BRAND
from dashboards.spec.presentation import presentation_dataset
from dashboards.spec.vocabulary import Dashboard, bars, kpi, pie, pivot, total, trend

REVENUE_BY_ITEM_CLASS = "revenue_by_item_class"
FINANCE_MONTHLY = "finance_monthly"
COLLECTIONS_BY_CHANNEL = "collections_by_channel"
ARREARS_AGING = "arrears_aging"

DATASETS = (
    presentation_dataset(
        REVENUE_BY_ITEM_CLASS,
        (total("billed_amount", ",.2f"), total("discount_amount", ",.2f")),
        main_dttm="month_start",
    ),
    presentation_dataset(
        FINANCE_MONTHLY,
        (
            total("collected", ",.2f"),
            total("bad_debt", ",.2f"),
            total("arrears", ",.2f"),
            total("doubtful_debt", ",.2f"),
            total("billed_total", ",.2f"),
            total("accounts_in_arrears"),
        ),
        main_dttm="month_start",
    ),
    presentation_dataset(
        COLLECTIONS_BY_CHANNEL, (total("collected", ",.2f"), total("payment_count"))
    ),
    presentation_dataset(ARREARS_AGING, (total("arrears", ",.2f"), total("accounts"))),
)

DASHBOARD = Dashboard(
    key="finance",
    title="收入与账务",
    slug="jingfen-revenue-finance",
    description="Revenue by item class, collections by payment channel, arrears by age, "
    "doubtful and bad debt.",
    rows=(
        (
            kpi("fi_revenue", "出账收入(元)", KPI_CITY_BRAND, "billed_revenue"),
            kpi("fi_late", "滞纳金收入(元)", KPI_CITY_BRAND, "late_fee_revenue"),
            kpi("fi_collected", "实收金额(元)", FINANCE_MONTHLY, "collected"),
            kpi("fi_arrears", "欠费金额(元)", FINANCE_MONTHLY, "arrears"),
            kpi("fi_doubtful", "呆账金额(元)", FINANCE_MONTHLY, "doubtful_debt"),
            kpi("fi_bad", "坏账金额(元)", FINANCE_MONTHLY, "bad_debt"),
        ),
        (
            pie(
                "fi_item_class",
                "分费用类别出账金额",
                REVENUE_BY_ITEM_CLASS,
                "billed_amount",
                "item_class_name",
                width=4,
            ),
            pie(
                "fi_channel",
                "分渠道实收金额",
                COLLECTIONS_BY_CHANNEL,
                "collected",
                "pay_channel_name",
                width=4,
            ),
            bars(
                "fi_aging",
                "欠费账龄",
                ARREARS_AGING,
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
                FINANCE_MONTHLY,
                ["billed_total", "collected", "arrears", "doubtful_debt", "bad_debt"],
                width=6,
            ),
            trend(
                "fi_item_trend",
                "分费用类别收入趋势",
                REVENUE_BY_ITEM_CLASS,
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
                REVENUE_BY_ITEM_CLASS,
                ["billed_amount"],
                rows=["city_name", "brand_name"],
                columns=["item_class_name"],
                width=12,
            ),
        ),
    ),
)
