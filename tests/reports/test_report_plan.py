"""Page one against the year's plan: target_progress as published, 未下达目标 where none.

The report conftest's lake holds the province's plan of 2026 (conftest.PLAN_2026): year targets
for billed revenue, users on net and new users, nothing for the other headline indicators.
"""

from __future__ import annotations

from decimal import Decimal

from reports import build_report
from reports.month import load_month
from tests.reports.test_report import MONTH, pdf_lines, query


def test_headline_indicators_carry_the_published_plan(published):
    figures = load_month(published, MONTH, "571")
    published_plan = {
        row[0]: row[1:]
        for row in query(
            published,
            "select indicator, target_year, actual_ytd, completion_year, time_progress, "
            "progress_gap from indicators.target_progress where stat_month = ? "
            "and province_code = '571' and city_code = 'ALL'",
            [MONTH],
        )
    }
    for indicator in figures.indicators:
        plan = indicator.plan
        assert (
            plan.target_year, plan.actual_ytd, plan.completion_year, plan.time_progress,
            plan.progress_gap,
        ) == published_plan[indicator.code]  # fmt: skip
    revenue = figures.indicator("billed_revenue").plan
    assert revenue.target_year == Decimal("1000")
    assert revenue.time_progress == Decimal("0.161644")  # February 2026: 59 / 365
    # No target delivered: no completion, never 0.
    arpu = figures.indicator("arpu").plan
    assert (arpu.target_year, arpu.completion_year, arpu.progress_gap) == (None, None, None)
    # Every province together has no plan (targets are per province).
    assert {i.plan for i in load_month(published, MONTH).indicators} == {None}


def test_highlights_name_the_indicators_furthest_behind_plan(published):
    figures = load_month(published, MONTH, "571")
    planned = sorted(
        (i for i in figures.indicators if i.plan and i.plan.progress_gap is not None),
        key=lambda i: (i.plan.progress_gap, i.code),
    )
    assert [i.code for i in planned] == sorted(
        ("billed_revenue", "users_on_net", "new_users"),
        key=lambda c: figures.indicator(c).plan.progress_gap,
    )
    files = build_report(published, MONTH, say=lambda _: None, province="571")
    sentence = next(s for s in files.summary if s.startswith("落后计划最多的指标"))
    first, second = planned[0], planned[1]
    assert sentence.startswith(f"落后计划最多的指标: {first.name_zh}完成")
    assert f"; {second.name_zh}完成" in sentence
    assert "时间进度16.16%" in sentence
    lines = pdf_lines(files.pdf)
    assert "考核完成 Against the year's plan" in lines
    assert any("未下达目标" in line for line in lines)


def test_a_scope_without_targets_says_so(published):
    files = build_report(published, MONTH, say=lambda _: None)
    assert "本年考核: 未下达目标." in files.summary
