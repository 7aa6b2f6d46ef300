"""The workbook's layout: the one statement shared by the template and the importer."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

from core.contract import (
    CITIES_SEED,
    PROVINCE_CITY,
    PROVINCE_ONLY_INDICATORS,
    TARGET_INDICATORS,
    WHOLE_YEAR,
)

DICTIONARY_SEED = CITIES_SEED.with_name("indicator_dictionary.csv")

# Cells of the heading every sheet carries: what the sheet plans, read back by the importer.
YEAR_CELL, PROVINCE_CELL, CITY_CELL = "B1", "B2", "B3"
HEADING = (("A1", "年度 year"), ("A2", "省份 province"), ("A3", "地市 city (ALL = 全省)"))
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
CODE_COLUMN, NAME_COLUMN, UNIT_COLUMN = 1, 2, 3
# (column, TARGET month) of the values: January .. December, then the whole year.
MONTH_COLUMNS = (*((4 + i, f"{i + 1:02d}") for i in range(12)), (16, WHOLE_YEAR))
HEADERS = ("指标代码 indicator", "指标名称", "单位 unit", *(f"{m}月" for m in range(1, 13)), "全年")


@dataclass(frozen=True)
class Level:
    province: str
    city: str  # a city code, or PROVINCE_CITY
    name: str  # 杭州, or the province's name for PROVINCE_CITY

    @property
    def sheet(self) -> str:
        return f"{self.city} {self.name}" if self.city != PROVINCE_CITY else f"全省 {self.name}"

    @property
    def indicators(self) -> tuple[str, ...]:
        if self.city == PROVINCE_CITY:
            return TARGET_INDICATORS
        return tuple(i for i in TARGET_INDICATORS if i not in PROVINCE_ONLY_INDICATORS)


@functools.cache
def _cities() -> tuple[dict[str, str], ...]:
    with CITIES_SEED.open(encoding="utf-8", newline="") as seed:
        return tuple(csv.DictReader(seed))


def provinces() -> tuple[str, ...]:
    return tuple(dict.fromkeys(row["province_code"] for row in _cities()))


def levels(province: str) -> tuple[Level, ...]:
    """The province, then its cities in the seed's order: one sheet each."""
    rows = [row for row in _cities() if row["province_code"] == province]
    if not rows:
        raise KeyError(province)
    return (
        Level(province, PROVINCE_CITY, rows[0]["province_name_zh"]),
        *(Level(province, row["city_code"], row["city_name_zh"]) for row in rows),
    )


@functools.cache
def dictionary() -> dict[str, tuple[str, str]]:
    """indicator code -> (Chinese name, unit), as the warehouse's dictionary seed states them."""
    with DICTIONARY_SEED.open(encoding="utf-8", newline="") as seed:
        return {
            row["indicator_code"]: (row["name_zh"], row["unit"]) for row in csv.DictReader(seed)
        }
