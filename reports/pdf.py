"""The PDF a manager reads in two minutes (reportlab, charts by matplotlib, CJK font embedded)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from core.months import month_label
from reports import charts
from reports.fonts import register_pdf_font
from reports.formats import DASH, fmt
from reports.tables import NO_TARGET, TEXT, FlashFigures, Indicator, MonthFigures, Table

PAGE_WIDTH = A4[0] - 30 * mm
HEADER_BG = colors.HexColor("#1F4E79")
STRIPE_BG = colors.HexColor("#EEF3F8")
GRID = colors.HexColor("#B8C7D9")
UP, DOWN = colors.HexColor("#1B7F3B"), colors.HexColor("#B3261E")
MAX_CITY_ROWS = 15
BULLET = "●"  # WenQuanYi has no U+2022


class _Styles:
    def __init__(self) -> None:
        font = register_pdf_font()
        self.title = ParagraphStyle("title", fontName=font, fontSize=17, leading=22)
        self.subtitle = ParagraphStyle(
            "subtitle", fontName=font, fontSize=8.5, leading=11, textColor=colors.grey
        )
        self.heading = ParagraphStyle(
            "heading", fontName=font, fontSize=11.5, leading=15, spaceBefore=6, spaceAfter=3,
            textColor=HEADER_BG,
        )  # fmt: skip
        self.body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
        self.bullet = ParagraphStyle(
            "bullet",
            parent=self.body,
            leftIndent=10,
            bulletIndent=0,
            spaceAfter=1.5,
            bulletFontName=font,
            bulletFontSize=5.5,
            bulletOffsetY=1.5,
        )
        self.note = ParagraphStyle(
            "note", fontName=font, fontSize=7, leading=9, textColor=colors.grey
        )
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.head = ParagraphStyle(
            "head", fontName=font, fontSize=7.5, leading=9, textColor=colors.white
        )
        self.head_right = ParagraphStyle("head_right", parent=self.head, alignment=TA_RIGHT)
        self.font = font


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table_style(rows: int, numeric: Sequence[int]) -> TableStyle:
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), register_pdf_font()),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for row in range(2, rows, 2):
        commands.append(("BACKGROUND", (0, row), (-1, row), STRIPE_BG))
    return TableStyle(commands)


def _pdf_table(
    table: Table, styles: _Styles, widths: Sequence[float] | None = None, limit: int | None = None
) -> list:
    """A heading, the table with bilingual headers, and its note."""
    columns = table.columns
    numeric = [i for i, c in enumerate(columns) if c.kind != TEXT]
    header = [
        Paragraph(
            f"{_escape(c.zh)}<br/>{_escape(c.en)}",
            styles.head_right if i in numeric else styles.head,
        )
        for i, c in enumerate(columns)
    ]
    shown = table.rows if limit is None else table.rows[:limit]
    body = [
        [
            Paragraph(
                _escape(fmt(value, column.kind)),
                styles.cell_right if i in numeric else styles.cell,
            )
            for i, (column, value) in enumerate(zip(columns, row, strict=True))
        ]
        for row in shown
    ]
    if not body:
        body = [
            [Paragraph("本月无数据 no data this month", styles.cell)] + [""] * (len(columns) - 1)
        ]
    flow = [Paragraph(f"{_escape(table.title_zh)} {_escape(table.title_en)}", styles.heading)]
    pdf_table = PdfTable([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    pdf_table.setStyle(_table_style(len(body) + 1, numeric))
    if not table.rows:
        pdf_table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    flow.append(pdf_table)
    notes = []
    if limit is not None and len(table.rows) > limit:
        notes.append(
            f"前{limit}名, 共{len(table.rows)}行, 全部见Excel "
            f"(top {limit} of {len(table.rows)}; all in the workbook)"
        )
    if table.note:
        notes.append(table.note)
    for note in notes:
        flow.append(Paragraph(_escape(note), styles.note))
    return [KeepTogether(flow), Spacer(1, 3 * mm)]


def _change_cell(indicator: Indicator, which: str, styles: _Styles) -> Paragraph:
    if which == "mom":
        change, rate = indicator.mom_change, indicator.mom_rate
    else:
        change, rate = indicator.yoy_change, indicator.yoy_rate
    if indicator.compares_in_points:
        text, sign = fmt(change, "pp"), change
    else:
        text, sign = fmt(rate, "change"), rate
    color = None
    if sign is not None and sign != 0:
        good = sign > 0
        if indicator.code in ("churned_users", "churn_rate", "arrears"):
            good = not good
        color = UP if good else DOWN
    if color is None:
        return Paragraph(_escape(text), styles.cell_right)
    return Paragraph(f'<font color="{color.hexval()}">{_escape(text)}</font>', styles.cell_right)


def _kpi_table(figures: MonthFigures, styles: _Styles) -> PdfTable:
    columns = figures.indicator_columns
    # The first column shows both names: the Chinese one's header above the English one's.
    heads = [
        (columns["name_zh"].zh, columns["name_en"].en),
        *((columns[key].zh, columns[key].en) for key in ("value", "mom", "yoy", "previous_month",
                                                          "last_year")),
    ]  # fmt: skip
    header = [
        Paragraph(f"{zh}<br/>{en}", styles.head if i == 0 else styles.head_right)
        for i, (zh, en) in enumerate(heads)
    ]
    rows = [header]
    for indicator in figures.indicators:
        rows.append(
            [
                Paragraph(f"{indicator.name_zh} {_escape(indicator.name_en)}", styles.cell),
                Paragraph(f"<b>{fmt(indicator.value, indicator.kind)}</b>", styles.cell_right),
                _change_cell(indicator, "mom", styles),
                _change_cell(indicator, "yoy", styles),
                Paragraph(fmt(indicator.previous_month, indicator.kind), styles.cell_right),
                Paragraph(fmt(indicator.last_year, indicator.kind), styles.cell_right),
            ]
        )
    widths = [52 * mm, 30 * mm, 20 * mm, 20 * mm, 29 * mm, 29 * mm]
    table = PdfTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_table_style(len(rows), range(1, 6)))
    return table


def _plan_table(figures: MonthFigures, styles: _Styles) -> PdfTable | Paragraph:
    """Each headline indicator against the year's plan; 未下达目标 where none was delivered."""
    planned = [i for i in figures.indicators if i.plan is not None]
    if not planned:
        return Paragraph(_escape(f"{NO_TARGET} (no targets for this scope)"), styles.cell)
    columns = figures.plan_columns
    header = [Paragraph("指标<br/>Indicator", styles.head)] + [
        Paragraph(f"{c.zh}<br/>{_escape(c.en)}", styles.head_right) for c in columns.values()
    ]
    rows = [header]
    for indicator in planned:
        plan = indicator.plan
        cells = [Paragraph(f"{indicator.name_zh} {_escape(indicator.name_en)}", styles.cell)]
        for name, column in columns.items():
            value = getattr(plan, name)
            if plan.target_year is None and name != "actual_ytd" and name != "time_progress":
                text = NO_TARGET
            else:
                text = fmt(value, indicator.kind if column.kind == TEXT else column.kind)
            cells.append(Paragraph(_escape(text), styles.cell_right))
        rows.append(cells)
    widths = [52 * mm, 30 * mm, 30 * mm, 22 * mm, 22 * mm, 24 * mm]
    table = PdfTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_table_style(len(rows), range(1, 6)))
    return table


def _footer(label: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(register_pdf_font(), 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(15 * mm, 10 * mm, label)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"第 {doc.page} 页 page {doc.page}")
        canvas.restoreState()

    return draw


def _document(buffer: io.BytesIO, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=13 * mm,
        bottomMargin=16 * mm,
        title=title,
        initialFontName=register_pdf_font(),  # otherwise every page refers to Helvetica
        author="Jingfen 经分",
        subject=title,
    )


def month_pdf(figures: MonthFigures) -> bytes:
    """The monthly report as PDF bytes."""
    styles = _Styles()
    title = f"经营分析月报 {month_label(figures.month)}"
    story: list = [
        Paragraph(f"{title} <font size=11>Management report {figures.month}</font>", styles.title),
        Paragraph(
            _escape(
                f"{figures.scope_name} · 数据来源: 发布库 published copy, "
                f"发布时间 published {figures.published_at:%Y-%m-%d %H:%M} · "
                f"{DASH} 表示无可比数据 (no comparison month or zero base)"
            ),
            styles.subtitle,
        ),
        Spacer(1, 3 * mm),
        Paragraph("关键指标 Key indicators", styles.heading),
        _kpi_table(figures, styles),
        Paragraph("考核完成 Against the year's plan", styles.heading),
        _plan_table(figures, styles),
        Paragraph("要点 Highlights", styles.heading),
    ]
    story += [Paragraph(_escape(s), styles.bullet, bulletText=BULLET) for s in figures.commentary]
    story += [
        Paragraph("近12个月趋势 12-month trend", styles.heading),
        Image(io.BytesIO(charts.trend_png(figures.tables["trend"])), 180 * mm, 68 * mm),
        PageBreak(),
    ]
    story += _pdf_table(figures.tables["cities"], styles, limit=MAX_CITY_ROWS)
    story += _pdf_table(
        figures.tables["churn"], styles, widths=[25 * mm, 40 * mm, 35 * mm, 35 * mm, 30 * mm]
    )
    story += _pdf_table(
        figures.tables["reentry"], styles, widths=[45 * mm, 35 * mm, 40 * mm, 40 * mm]
    )
    story.append(CondPageBreak(90 * mm))
    story += _pdf_table(figures.tables["groups"], styles)
    story += _pdf_table(figures.tables["vip"], styles, widths=[40 * mm, 30 * mm, 45 * mm, 50 * mm])
    story.append(CondPageBreak(120 * mm))
    story += _pdf_table(figures.tables["finance"], styles)
    story += _pdf_table(
        figures.tables["collections"], styles, widths=[50 * mm, 45 * mm, 35 * mm, 30 * mm]
    )
    story += _pdf_table(
        figures.tables["aging"], styles, widths=[50 * mm, 45 * mm, 35 * mm, 30 * mm]
    )
    story += _pdf_table(
        figures.tables["quality"],
        styles,
        widths=[38 * mm, 52 * mm, 20 * mm, 25 * mm, 25 * mm, 20 * mm],
    )
    buffer = io.BytesIO()
    label = f"经分 Jingfen · {title} · {figures.scope_name}"
    _document(buffer, title).build(story, onFirstPage=_footer(label), onLaterPages=_footer(label))
    return buffer.getvalue()


def flash_pdf(figures: FlashFigures) -> bytes:
    """The weekly flash as PDF bytes: one page."""
    styles = _Styles()
    title = f"经营快报 周报 {figures.end_date:%Y-%m-%d}"
    summary = figures.summary
    header = [
        Paragraph(f"{c.zh}<br/>{c.en}", styles.head if i == 0 else styles.head_right)
        for i, c in enumerate(summary.columns)
    ]
    rows = [header]
    for (name, now, before, change, rate), kind in zip(
        summary.rows, figures.summary_kinds, strict=True
    ):
        rows.append(
            [
                Paragraph(_escape(name), styles.cell),
                Paragraph(f"<b>{fmt(now, kind)}</b>", styles.cell_right),
                Paragraph(fmt(before, kind), styles.cell_right),
                Paragraph(
                    fmt(change, kind) if change is None or change <= 0 else "+" + fmt(change, kind),
                    styles.cell_right,
                ),
                Paragraph(fmt(rate, "change"), styles.cell_right),
            ]
        )
    table = PdfTable(rows, colWidths=[70 * mm, 30 * mm, 30 * mm, 30 * mm, 20 * mm], hAlign="LEFT")
    table.setStyle(_table_style(len(rows), range(1, 5)))
    story: list = [
        Paragraph(f"{title} <font size=11>Weekly flash</font>", styles.title),
        Paragraph(
            _escape(
                f"{figures.scope_name} · {summary.note} · 发布时间 published "
                f"{figures.published_at:%Y-%m-%d %H:%M}"
            ),
            styles.subtitle,
        ),
        Paragraph("本周与上周 This week against last week", styles.heading),
        table,
        Paragraph("要点 Highlights", styles.heading),
        *[Paragraph(_escape(s), styles.bullet, bulletText=BULLET) for s in figures.commentary],
        Paragraph("逐日 Day by day", styles.heading),
        Image(io.BytesIO(charts.daily_png(figures.daily)), 180 * mm, 68 * mm),
    ]
    buffer = io.BytesIO()
    label = f"经分 Jingfen · {title} · {figures.scope_name}"
    _document(buffer, title).build(story, onFirstPage=_footer(label), onLaterPages=_footer(label))
    return buffer.getvalue()
