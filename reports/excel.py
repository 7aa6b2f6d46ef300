"""The workbook: the same figures as the PDF, one sheet per topic, numbers stored as numbers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.tables import (
    CHANGE,
    DEC2,
    INT,
    POINTS,
    RATIO,
    YUAN,
    FlashFigures,
    MonthFigures,
    Table,
)

NUMBER_FORMATS = {
    INT: "#,##0",
    YUAN: "#,##0.00",
    DEC2: "#,##0.00",
    RATIO: "0.00%",
    CHANGE: "+0.0%;-0.0%;0.0%",
    POINTS: '+0.00" pp";-0.00" pp";0.00" pp"',
}
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True, color="808080", size=9)
# Rows above a table: title, scope line, blank; then the Chinese and the English header rows.
HEADER_ROW_ZH, HEADER_ROW_EN, FIRST_DATA_ROW = 4, 5, 6


def _cell_value(value: Any) -> Any:
    """Numbers as numbers (Decimal is written as a number), dates as dates, None as empty."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, dt.datetime | dt.date | int | float | str) or value is None:
        return value
    return str(value)


def _write_table(sheet: Worksheet, table: Table, subtitle: str) -> None:
    sheet["A1"] = f"{table.title_zh} {table.title_en}"
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = subtitle
    sheet["A2"].font = NOTE_FONT
    widths = []
    for index, column in enumerate(table.columns, 1):
        for row, text in ((HEADER_ROW_ZH, column.zh), (HEADER_ROW_EN, column.en)):
            cell = sheet.cell(row=row, column=index, value=text)
            cell.fill = HEADER_FILL
            cell.font = HEADER_FONT
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        widths.append(max(10, len(column.en) + 2, 2 * len(column.zh) + 2))
    for offset, row in enumerate(table.rows):
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), 1):
            cell = sheet.cell(row=FIRST_DATA_ROW + offset, column=index, value=_cell_value(value))
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if isinstance(value, str):
                widths[index - 1] = max(widths[index - 1], min(60, 2 * len(value)))
    if table.note:
        note = sheet.cell(row=FIRST_DATA_ROW + len(table.rows) + 1, column=1, value=table.note)
        note.font = NOTE_FONT
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1)


def _indicator_table(figures: MonthFigures) -> Table:
    rows = []
    for i in figures.indicators:
        change_kind = POINTS if i.compares_in_points else CHANGE
        rows.append(
            (
                i.code,
                i.name_zh,
                i.name_en,
                i.value,
                i.mom_change if i.compares_in_points else i.mom_rate,
                i.yoy_change if i.compares_in_points else i.yoy_rate,
                i.previous_month,
                i.last_year,
                change_kind,
            )
        )
    # Each row has its own unit: the value columns are formatted per row below.
    return Table(
        "kpi",
        "关键指标",
        "Key indicators",
        tuple(
            figures.indicator_columns[key]
            for key in (
                "indicator_code",
                "name_zh",
                "name_en",
                "value",
                "mom",
                "yoy",
                "previous_month",
                "last_year",
            )
        ),
        [row[:-1] for row in rows],
        note="离网率的环比/同比为百分点差 (churn rate changes are in percentage points); "
        "空白: 无可比数据 (blank: no comparison month or zero base)",
    )


def _write_kpis(sheet: Worksheet, figures: MonthFigures, subtitle: str) -> None:
    table = _indicator_table(figures)
    _write_table(sheet, table, subtitle)
    for offset, indicator in enumerate(figures.indicators):
        row = FIRST_DATA_ROW + offset
        value_format = NUMBER_FORMATS[indicator.kind]
        change_format = NUMBER_FORMATS[POINTS if indicator.compares_in_points else CHANGE]
        for column in (4, 7, 8):
            sheet.cell(row=row, column=column).number_format = value_format
        for column in (5, 6):
            sheet.cell(row=row, column=column).number_format = change_format
    below = FIRST_DATA_ROW + len(figures.indicators) + 3
    sheet.cell(row=below, column=1, value="要点 Highlights").font = Font(bold=True)
    for offset, sentence in enumerate(figures.commentary, 1):
        sheet.cell(row=below + offset, column=1, value=sentence)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SHEET_NAMES = {
    "kpi": "关键指标 KPIs",
    "trend": "趋势 Trend",
    "cities": "地市 Cities",
    "brands": "品牌 Brands",
    "churn": "离网 Churn",
    "reentry": "重入网 Re-entry",
    "groups": "集团 Groups",
    "vip": "VIP",
    "finance": "账务 Finance",
    "collections": "实收 Collections",
    "aging": "账龄 Aging",
    "quality": "质量 Quality",
    "summary": "周报 Flash",
    "daily": "逐日 Daily",
}


def month_workbook(figures: MonthFigures) -> bytes:
    workbook = Workbook()
    subtitle = (
        f"{figures.month} · {figures.scope_name} · 发布时间 published "
        f"{figures.published_at:%Y-%m-%d %H:%M}"
    )
    sheet = workbook.active
    sheet.title = SHEET_NAMES["kpi"]
    _write_kpis(sheet, figures, subtitle)
    for key, table in figures.tables.items():
        _write_table(workbook.create_sheet(SHEET_NAMES.get(key, key)[:31]), table, subtitle)
    return _save(workbook)


def flash_workbook(figures: FlashFigures) -> bytes:
    workbook = Workbook()
    subtitle = (
        f"{figures.summary.note} · {figures.scope_name} · 发布时间 published "
        f"{figures.published_at:%Y-%m-%d %H:%M}"
    )
    sheet = workbook.active
    sheet.title = SHEET_NAMES["summary"]
    _write_table(sheet, figures.summary, subtitle)
    for offset, kind in enumerate(figures.summary_kinds):
        for column in (2, 3, 4):
            sheet.cell(row=FIRST_DATA_ROW + offset, column=column).number_format = NUMBER_FORMATS[
                kind
            ]
    _write_table(workbook.create_sheet(SHEET_NAMES["daily"]), figures.daily, subtitle)
    return _save(workbook)
