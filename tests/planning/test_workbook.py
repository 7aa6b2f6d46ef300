"""The plan workbook: template, every validation error, and template -> fill -> import -> ingest.

The workbook is filled in and spoiled with openpyxl here as a planner would in Excel; the
landed delivery goes through the real ingestion into a real lake in a temporary home.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from core.contract import CITIES_SEED
from core.settings import Settings
from ingestion.ingest import ingest_landing
from jingfen.cli import main
from planning import PlanRejected, import_workbook, template
from tests.ingestion.deliveries import lake_query, ops_rows

DICTIONARY = CITIES_SEED.with_name("indicator_dictionary.csv")


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    home = tmp_path / "home"
    monkeypatch.setenv("JINGFEN_HOME", str(home))
    return Settings(home=home, memory_limit="1GB", threads=2)


@pytest.fixture
def blank(tmp_path) -> Path:
    return template(tmp_path / "plan.xlsx", 2026, ["571"])


def test_template_has_a_sheet_per_level_and_the_dictionary_names(blank):
    book = load_workbook(blank)
    assert book.sheetnames == [
        "全省 浙江", "0571 杭州", "0574 宁波", "0577 温州", "0573 嘉兴", "0572 湖州", "0575 绍兴",
        "0579 金华", "0570 衢州", "0580 舟山", "0576 台州", "0578 丽水",
    ]  # fmt: skip
    province, city = book["全省 浙江"], book["0571 杭州"]
    assert [*(c.value for c in province[5][:4]), province["P5"].value] == [
        "指标代码 indicator", "指标名称", "单位 unit", "1月", "全年",
    ]  # fmt: skip
    with DICTIONARY.open(encoding="utf-8") as seed:
        names = {r["indicator_code"]: (r["name_zh"], r["unit"]) for r in csv.DictReader(seed)}
    rows = [(r[0], (r[1], r[2])) for r in province.iter_rows(min_row=6, values_only=True)]
    assert len(rows) == 19 and all(names[code] == name_unit for code, name_unit in rows)
    assert rows[0] == ("users_on_net", ("在网用户数", "users"))
    # finance is published per province only: no finance rows on a city's sheet
    city_codes = [r[0] for r in city.iter_rows(min_row=6, values_only=True)]
    assert len(city_codes) == 15 and "collected" not in city_codes
    assert (city["B1"].value, city["B2"].value, city["B3"].value) == ("2026", "571", "0571")


def fill(path: Path, cells: dict[tuple[str, str], object]) -> Path:
    book = load_workbook(path)
    for (sheet, cell), value in cells.items():
        book[sheet][cell] = value
    book.save(path)
    return path


def test_round_trip_template_fill_import_ingest(blank, settings):
    fill(blank, {
        ("全省 浙江", "P6"): 2_000_000,  # users_on_net, the whole year
        ("全省 浙江", "D11"): 1234567.89,  # billed_revenue, January
        ("全省 浙江", "E11"): "1,300,000.5",  # typed as text with thousands separators
        ("0574 宁波", "P7"): 12000,  # new_users, the whole year
    })  # fmt: skip
    (landed,) = import_workbook(blank, settings.landing)
    assert landed.name == "TARGET_571_2026_001.AVL"
    assert (settings.landing / "TARGET_571_2026_001.CHK").read_text().split("|")[:4] == [
        "TARGET_571_2026_001.AVL", str(landed.stat().st_size), "4", "2026",
    ]  # fmt: skip
    (outcome,) = ingest_landing(settings, progress=None).outcomes
    assert (outcome.status, outcome.loaded_count, outcome.rejected_count) == ("LOADED", 4, 0)
    assert lake_query(settings, "TARGET", "month, city_code, indicator, target_value") == [
        ("00", "ALL", "users_on_net", Decimal("2000000")),
        ("01", "ALL", "billed_revenue", Decimal("1234567.89")),
        ("02", "ALL", "billed_revenue", Decimal("1300000.5")),
        ("00", "0574", "new_users", Decimal("12000")),
    ]

    # A revised workbook is a re-delivery that replaces the plan.
    fill(blank, {("0574 宁波", "P7"): 15000})
    import_workbook(blank, settings.landing)
    ingest_landing(settings, progress=None)
    assert ops_rows(settings, "SELECT status FROM load_log ORDER BY processed_at") == [
        ("LOADED",),
        ("REPLACED",),
    ]
    assert lake_query(settings, "TARGET", "target_value", "city_code = '0574'") == [
        (Decimal("15000"),)
    ]


def test_every_problem_listed_by_sheet_cell_and_reason_and_nothing_landed(blank, settings):
    book = load_workbook(blank)
    book.copy_worksheet(book["0571 杭州"]).title = "杭州 again"
    book.save(blank)
    fill(blank, {
        ("全省 浙江", "D6"): "lots",
        ("全省 浙江", "E6"): -5,
        ("全省 浙江", "F6"): 1.1234567,
        ("全省 浙江", "G6"): True,
        ("全省 浙江", "A25"): "happiness",
        ("全省 浙江", "D25"): 1,
        ("全省 浙江", "A26"): "users_on_net",
        ("0571 杭州", "D5"): "January",
        ("0571 杭州", "A21"): "collected",
        ("0571 杭州", "D21"): 10,
        ("0574 宁波", "B1"): "26",
        ("0577 温州", "B3"): "0999",
        ("0573 嘉兴", "B2"): "999",
        ("0572 湖州", "B1"): "2027",
        ("0572 湖州", "D6"): 5,
    })  # fmt: skip
    with pytest.raises(PlanRejected) as rejected:
        import_workbook(blank, settings.landing)
    assert [str(p) for p in rejected.value.problems] == [
        "全省 浙江!D6: 'lots' is not a number",
        "全省 浙江!E6: negative target -5 (0 or more expected)",
        "全省 浙江!F6: 1.1234567 has more than 6 decimals or 14 digits",
        "全省 浙江!G6: True is not a number",
        "全省 浙江!A25: unknown indicator 'happiness'",
        "全省 浙江!A26: users_on_net is planned in row 6 already",
        "0571 杭州!D5: header changed: '1月' expected",
        "0571 杭州!A21: collected is published for the province only: plan it on the "
        "province's sheet",
        "0574 宁波!B1: year '26' is not a year YYYY",
        "0577 温州!B3: unknown city '0999' (neither a city of province 571 nor ALL)",
        "0573 嘉兴!B2: unknown province '999'",
        "the sheets plan different years: ['2026', '2027']",
        "杭州 again!B3: 0571 is planned on sheet '0571 杭州' already",
    ]
    assert not settings.landing.exists() or list(settings.landing.iterdir()) == []


def test_an_empty_plan_and_a_file_that_is_no_workbook(blank, tmp_path, settings):
    with pytest.raises(PlanRejected, match="the workbook holds no target"):
        import_workbook(blank, settings.landing)
    text = tmp_path / "plan.xlsx.txt"
    text.write_text("year|month\n")
    with pytest.raises(PlanRejected, match=r"not a readable \.xlsx workbook"):
        import_workbook(text, settings.landing)
    Workbook().save(tmp_path / "blank.xlsx")
    with pytest.raises(PlanRejected, match="B1: year '' is not a year YYYY"):
        import_workbook(tmp_path / "blank.xlsx", settings.landing)


def test_command_line_template_and_import(tmp_path, settings, capsys):
    out = tmp_path / "t.xlsx"
    assert (
        main(["targets", "template", "--year", "2026", "--province", "571", "--output", str(out)])
        == 0
    )
    assert main(["targets", "import", str(out)]) == 1
    assert "nothing imported" in capsys.readouterr().err
    fill(out, {("全省 浙江", "P6"): 100})
    assert main(["targets", "import", str(out)]) == 0
    assert sorted(p.name for p in settings.landing.iterdir()) == [
        "TARGET_571_2026_001.AVL", "TARGET_571_2026_001.CHK",
    ]  # fmt: skip
