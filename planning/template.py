"""The empty plan workbook of one year: a sheet per level, an indicator per row."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from planning.layout import (
    CITY_CELL,
    CODE_COLUMN,
    FIRST_ROW,
    HEADER_ROW,
    HEADERS,
    HEADING,
    NAME_COLUMN,
    PROVINCE_CELL,
    UNIT_COLUMN,
    YEAR_CELL,
    Level,
    dictionary,
    levels,
)

_BOLD = Font(bold=True)
_INPUT = PatternFill("solid", fgColor="FFF2CC")  # the cells a planner fills in


def template(path: Path, year: int, provinces: Sequence[str]) -> Path:
    """Write the workbook for the provinces' plans of `year` to `path`; returns the path."""
    book = Workbook()
    book.remove(book.active)
    for province in provinces:
        for level in levels(province):
            _sheet(book.create_sheet(level.sheet), year, level)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _sheet(sheet: Worksheet, year: int, level: Level) -> None:
    for cell, label in HEADING:
        sheet[cell] = label
    sheet[YEAR_CELL], sheet[PROVINCE_CELL], sheet[CITY_CELL] = str(year), level.province, level.city
    for column, header in enumerate(HEADERS, start=1):
        sheet.cell(HEADER_ROW, column, header).font = _BOLD
    names = dictionary()
    for row, indicator in enumerate(level.indicators, start=FIRST_ROW):
        name, unit = names[indicator]
        sheet.cell(row, CODE_COLUMN, indicator)
        sheet.cell(row, NAME_COLUMN, name)
        sheet.cell(row, UNIT_COLUMN, unit)
        for column in range(UNIT_COLUMN + 1, len(HEADERS) + 1):
            sheet.cell(row, column).fill = _INPUT
    sheet.freeze_panes = sheet.cell(FIRST_ROW, UNIT_COLUMN + 1)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 22
