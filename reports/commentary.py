"""A few sentences written from the numbers: what moved most, and where it came from.

Every number quoted here is one of the figures the report shows (reports.month, reports.flash),
formatted the same way, so a reader can find it in the tables.
"""

from __future__ import annotations

from decimal import Decimal

from core.months import month_label
from reports.formats import fmt, fmt_signed
from reports.tables import INT, NO_TARGET, POINTS, RATIO, YUAN, FlashFigures, MonthFigures


def _change_phrase(rate: Decimal | None, label: str) -> str:
    return f"{label}{fmt(rate, 'change')}" if rate is not None else f"{label}无可比数据"


BEHIND_NAMED = 2  # the indicators furthest behind plan that the highlights name


def _behind_plan(figures: MonthFigures) -> str:
    """The indicators furthest behind plan (lowest 进度差), or that no target was delivered."""
    planned = [i for i in figures.indicators if i.plan and i.plan.progress_gap is not None]
    if not planned:
        return f"本年考核: {NO_TARGET}."
    behind = sorted(planned, key=lambda i: (i.plan.progress_gap, i.code))[:BEHIND_NAMED]
    named = "; ".join(
        f"{i.name_zh}完成{fmt(i.plan.completion_year, RATIO)}"
        f"(时间进度{fmt(i.plan.time_progress, RATIO)}, 进度差{fmt(i.plan.progress_gap, POINTS)})"
        for i in behind
    )
    return f"落后计划最多的指标: {named}."


def month_commentary(figures: MonthFigures) -> list[str]:
    sentences = []
    users = figures.indicator("users_on_net")
    net_adds = figures.indicator("net_adds")
    revenue = figures.indicator("billed_revenue")
    sentences.append(
        f"{month_label(figures.month)}在网用户{fmt(users.value, INT)}户"
        f"({_change_phrase(users.mom_rate, '环比')}), 净增{fmt(net_adds.value, INT)}户; "
        f"出账收入{fmt(revenue.value, YUAN)}元({_change_phrase(revenue.mom_rate, '环比')}, "
        f"{_change_phrase(revenue.yoy_rate, '同比')})."
    )

    moving = [
        i
        for i in figures.indicators
        if i.mom_rate is not None and not i.compares_in_points and i.code != "net_adds"
    ]
    if moving:
        top = max(moving, key=lambda i: (abs(i.mom_rate), i.code))
        if top.mom_rate:
            direction = "上升" if top.mom_rate > 0 else "下降"
            sentences.append(
                f"环比变动最大的是{top.name_zh}({top.name_en}): {direction}"
                f"{fmt(abs(top.mom_rate), 'ratio')}, 由{fmt(top.previous_month, top.kind)}"
                f"到{fmt(top.value, top.kind)}."
            )

    for indicator, name, unit, kind in (
        ("users_on_net", "在网用户", "户", INT),
        ("billed_revenue", "出账收入", "元", YUAN),
    ):
        parts = [m for m in figures.movements if m.indicator == indicator]
        if parts:
            where = "; ".join(
                f"{'地市' if m.dimension == 'city' else '品牌'} {m.label} "
                f"{fmt_signed(m.change, kind)}{unit}"
                for m in parts
            )
            sentences.append(f"{name}变化最大的来源: {where}.")

    churn = figures.indicator("churn_rate")
    churned = figures.indicator("churned_users")
    reentries = figures.reentry_users
    churn_text = f"离网{fmt(churned.value, INT)}户, 离网率{fmt(churn.value, 'ratio')}"
    if churn.mom_change is not None:
        churn_text += f"(比上月{fmt(churn.mom_change, POINTS)})"
    sentences.append(f"{churn_text}; 弃卡重入网{reentries}户.")

    collected = figures.indicator("collected")
    arrears = figures.indicator("arrears")
    # 呆账: what is unpaid of the bills 3 months old and older, the aging buckets 3-6 and 6+.
    old = Decimal(0)
    if "finance" in figures.tables:
        finance = figures.tables["finance"]
        by_month = dict(
            zip(finance.column("stat_month"), finance.column("doubtful_debt"), strict=True)
        )
        old = by_month.get(figures.month, old)
    sentences.append(
        f"实收{fmt(collected.value, YUAN)}元, 月末欠费{fmt(arrears.value, YUAN)}元"
        f"({_change_phrase(arrears.mom_rate, '环比')}), 其中账龄3个月以上{fmt(old, YUAN)}元."
    )

    sentences.append(_behind_plan(figures))

    if figures.growth_without_revenue:
        sentences.append("注意: 本月用户增长而收入未增长(增量不增收).")

    quality = figures.tables.get("quality")
    if quality:
        rejected = sum(
            row[2] or 0
            for row in quality.rows
            if row[0].startswith("交付") and row[1] == "REJECTED"
        )
        if rejected:
            sentences.append(f"本月有{rejected}个交付文件被拒收, 相关指标可能偏低, 详见数据质量.")
    return sentences


def flash_commentary(figures: FlashFigures) -> list[str]:
    sentences = []
    rows = [
        (*row, kind)
        for row, kind in zip(figures.summary.rows, figures.summary_kinds, strict=True)
        if row[4] is not None
    ]
    if rows:
        name, this_week, last_week, _change, rate, kind = max(rows, key=lambda r: (abs(r[4]), r[0]))
        direction = "上升" if rate > 0 else "下降"
        sentences.append(
            f"与上周相比变动最大的是{name}: {direction}{fmt(abs(rate), 'ratio')}"
            f"({fmt(last_week, kind)} → {fmt(this_week, kind)})."
        )
    opens, cancels, net = (figures.weeks[code][0] for code in ("opens", "cancels", "net_opens"))
    sentences.append(
        f"本周开户{fmt(opens, INT)}户, 销户{fmt(cancels, INT)}户, 净增{fmt_signed(net, INT)}户."
    )
    return sentences
