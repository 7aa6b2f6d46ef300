"""A filled-in plan workbook checked completely, then landed as TARGET deliveries.

Every problem of the workbook is collected (sheet, cell, reason) before anything is written: a
workbook with one problem lands nothing. An empty value cell is a target not set (its
completion stays NULL), never 0. One delivery per province of the workbook, named
TARGET_<province>_<year>_001: importing a revised workbook is a re-delivery that replaces the
plan (interfaces.md §4.4).
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from core.contract import PROVINCE_CITY, TARGET_INDICATORS, check_file_name, data_file_name
from core.errors import JingfenError
from planning.layout import (
    CITY_CELL,
    CODE_COLUMN,
    FIRST_ROW,
    HEADER_ROW,
    HEADERS,
    MONTH_COLUMNS,
    PROVINCE_CELL,
    YEAR_CELL,
    levels,
    provinces,
)

MAX_PLACES, MAX_DIGITS = 6, 14  # the lake's DECIMAL(20,6) (core.contract.LAKE_TYPES)


@dataclass(frozen=True)
class PlanProblem:
    sheet: str
    cell: str
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.reason}" if self.sheet else self.reason


class PlanRejected(JingfenError):
    """The workbook has problems; nothing of it was landed."""

    def __init__(self, path: Path, problems: list[PlanProblem]) -> None:
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{path.name}: {len(problems)} problem(s), nothing imported:\n{listed}")


@dataclass(frozen=True)
class _Sheet:
    year: str
    province: str
    city: str
    records: list[tuple[str, str, str, str, str]]  # year, month, city_code, indicator, value


def import_workbook(path: Path, landing: Path) -> list[Path]:
    """Check the workbook at `path`; land one TARGET delivery per province; the data files."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as error:
        problem = PlanProblem("", "", f"not a readable .xlsx workbook: {error}")
        raise PlanRejected(path, [problem]) from error
    problems: list[PlanProblem] = []
    sheets = [_read_sheet(sheet, problems) for sheet in book.worksheets]
    book.close()
    plans = _plans(sheets, book.sheetnames, problems)
    if not problems and not any(plans.values()):
        problems.append(PlanProblem("", "", "the workbook holds no target"))
    if problems:
        raise PlanRejected(path, problems)
    return [_land(landing, province, year, records) for (province, year), records in plans.items()]


def _plans(sheets: list[_Sheet], names: list[str], problems: list[PlanProblem]) -> dict:
    """(province, year) -> records; a level planned twice or years that differ are problems."""
    seen: dict[tuple[str, str], str] = {}
    years = {s.year for s in sheets if _is_year(s.year)}
    if len(years) > 1:
        problems.append(PlanProblem("", "", f"the sheets plan different years: {sorted(years)}"))
    plans: dict[tuple[str, str], list] = {}
    for name, sheet in zip(names, sheets, strict=True):
        if (sheet.province, sheet.city) in seen:
            problems.append(
                PlanProblem(name, CITY_CELL, f"{sheet.city} is planned on sheet "
                            f"{seen[(sheet.province, sheet.city)]!r} already")
            )  # fmt: skip
        seen[(sheet.province, sheet.city)] = name
        plans.setdefault((sheet.province, sheet.year), []).extend(sheet.records)
    return plans


def _read_sheet(sheet: Worksheet, problems: list[PlanProblem]) -> _Sheet:
    name = sheet.title
    found: list[PlanProblem] = []
    year = _text(sheet[YEAR_CELL].value)
    if not _is_year(year):
        found.append(PlanProblem(name, YEAR_CELL, f"year {year!r} is not a year YYYY"))
    province = _text(sheet[PROVINCE_CELL].value)
    city = _text(sheet[CITY_CELL].value)
    cities = {level.city: level for level in levels(province)} if province in provinces() else {}
    if not cities:
        found.append(PlanProblem(name, PROVINCE_CELL, f"unknown province {province!r}"))
    elif city not in cities:
        found.append(
            PlanProblem(name, CITY_CELL, f"unknown city {city!r} (neither a city of province "
                        f"{province} nor {PROVINCE_CITY})")
        )  # fmt: skip
    for column, header in enumerate(HEADERS, start=1):
        if _text(sheet.cell(HEADER_ROW, column).value) != header:
            cell = f"{get_column_letter(column)}{HEADER_ROW}"
            found.append(PlanProblem(name, cell, f"header changed: {header!r} expected"))
    allowed = cities[city].indicators if city in cities else TARGET_INDICATORS
    records = _read_rows(sheet, year, city, allowed, found)
    problems += found
    return _Sheet(year, province, city, records)


def _read_rows(
    sheet: Worksheet, year: str, city: str, allowed: tuple[str, ...], found: list[PlanProblem]
) -> list[tuple[str, str, str, str, str]]:
    records, rows_of = [], {}
    last = max(column for column, _ in MONTH_COLUMNS)
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_col=last):
        number = row[0].row
        code = _text(row[CODE_COLUMN - 1].value)
        values = [(column, month, row[column - 1].value) for column, month in MONTH_COLUMNS]
        if not code and all(_text(v) == "" for _, _, v in values):
            continue
        where = f"{get_column_letter(CODE_COLUMN)}{number}"
        if code not in TARGET_INDICATORS:
            found.append(PlanProblem(sheet.title, where, f"unknown indicator {code!r}"))
            continue
        if code not in allowed:
            found.append(
                PlanProblem(sheet.title, where, f"{code} is published for the province only: "
                            "plan it on the province's sheet")
            )  # fmt: skip
            continue
        if code in rows_of:
            found.append(
                PlanProblem(sheet.title, where, f"{code} is planned in row {rows_of[code]} already")
            )
            continue
        rows_of[code] = number
        for column, month, value in values:
            target = _target(value, f"{get_column_letter(column)}{number}", sheet.title, found)
            if target is not None:
                records.append((year, month, city, code, target))
    return records


def _target(value: object, cell: str, sheet: str, found: list[PlanProblem]) -> str | None:
    """The target of one cell as plain decimal text; None when the cell is empty or bad."""
    if value is None or _text(value) == "":
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(str(value).strip().replace(",", ""))
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        found.append(PlanProblem(sheet, cell, f"{value!r} is not a number"))
        return None
    if number < 0:
        found.append(PlanProblem(sheet, cell, f"negative target {value!r} (0 or more expected)"))
        return None
    places = max(0, -number.normalize().as_tuple().exponent)
    if places > MAX_PLACES or abs(number) >= 10**MAX_DIGITS:
        found.append(
            PlanProblem(sheet, cell, f"{value!r} has more than {MAX_PLACES} decimals or "
                        f"{MAX_DIGITS} digits")
        )  # fmt: skip
        return None
    return f"{number.normalize():f}"


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit()


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _land(landing: Path, province: str, year: str, records: list[tuple[str, ...]]) -> Path:
    """Data file, then check file (interfaces.md §1), each written whole under a temporary name."""
    data = "".join("|".join(record) + "\n" for record in records).encode("utf-8")
    name = data_file_name("TARGET", province, year, 1)
    created = datetime.now().strftime("%Y%m%d%H%M%S")
    check = f"{name}|{len(data)}|{len(records)}|{year}|{created}|UTF-8\n".encode("ascii")
    landing.mkdir(parents=True, exist_ok=True)
    target = landing / name
    for path, content in (
        (target, data),
        (landing / check_file_name("TARGET", province, year, 1), check),
    ):
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(content)
        os.replace(temporary, path)
    return target
