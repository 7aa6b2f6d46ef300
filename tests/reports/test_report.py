"""The monthly report and the weekly flash, read back and compared with the published tables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from core.errors import JingfenError
from core.settings import Settings
from publication.publish import connect_published
from reports import build_flash, build_report
from reports.excel import FIRST_DATA_ROW, HEADER_ROW_EN, HEADER_ROW_ZH

MONTH = "202602"
KPI_CODES = ("users_on_net", "new_users", "churned_users", "churn_rate", "net_adds",
             "billed_revenue", "arpu", "mou", "dou")  # fmt: skip
LABELS = {
    "users_on_net": "在网用户数 Users on net",
    "churn_rate": "离网率 Churn rate",
    "billed_revenue": "出账收入 Billed revenue",
    "arpu": "每用户平均收入 ARPU",
    "collected": "实收金额 Collected",
    "arrears": "欠费金额 Arrears",
}


def query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    con = connect_published(settings)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def pdf_lines(path: Path) -> list[str]:
    reader = PdfReader(path)
    return [
        line.strip()
        for page in reader.pages
        for line in page.extract_text().splitlines()
        if line.strip()
    ]


def cells_after(lines: list[str], label: str, count: int) -> list[str]:
    index = lines.index(label)
    return lines[index + 1 : index + 1 + count]


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def change(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate * 100:+.1f}%"


@pytest.fixture(scope="module")
def report(published: Settings):
    return build_report(published, MONTH, say=lambda _: None)


@pytest.fixture(scope="module")
def headline(published: Settings) -> dict[str, Decimal]:
    row = query(
        published,
        "select " + ", ".join(KPI_CODES) + " from indicators.kpi_monthly_rollup "
        "where level = 'all' and stat_month = ?",
        [MONTH],
    )[0]
    values = dict(zip(KPI_CODES, row, strict=True))
    finance = query(
        published,
        "select sum(collected), sum(arrears) from indicators.finance_monthly where stat_month = ?",
        [MONTH],
    )[0]
    values["collected"], values["arrears"] = finance
    return values


def test_files_are_named_after_the_month_and_nothing_else_is_left(published, report):
    assert report.pdf == published.reports / f"jingfen_report_{MONTH}.pdf"
    assert report.xlsx == published.reports / f"jingfen_report_{MONTH}.xlsx"
    assert report.pdf.read_bytes().startswith(b"%PDF")
    names = {p.name for p in published.reports.iterdir()}
    assert not [n for n in names if n.endswith(".tmp")], names


def test_pdf_key_indicators_equal_the_published_tables(published, report, headline):
    lines = pdf_lines(report.pdf)
    changes = {
        code: (mom, yoy)
        for code, mom, yoy in query(
            published,
            "select indicator_code, mom_change_rate, yoy_change_rate from indicators.kpi_changes "
            "where level = 'all' and province_code = 'ALL' and stat_month = ?",
            [MONTH],
        )
    }
    value, mom, yoy, *_ = cells_after(lines, LABELS["users_on_net"], 5)
    assert value == f"{headline['users_on_net']:,}"
    assert (mom, yoy) == tuple(change(r) for r in changes["users_on_net"])
    # February 2025 is in the lake: U1 and U2 on net then, 4 users of both provinces now.
    assert yoy == "+100.0%"
    value, mom, yoy, *_ = cells_after(lines, LABELS["billed_revenue"], 5)
    assert value == yuan(headline["billed_revenue"])
    assert (mom, yoy) == tuple(change(r) for r in changes["billed_revenue"])
    assert yoy == "+78.9%"  # 107.34 yuan against the 60.00 of February 2025
    assert cells_after(lines, LABELS["arpu"], 1) == [yuan(headline["arpu"])]
    assert cells_after(lines, LABELS["churn_rate"], 1) == [f"{headline['churn_rate'] * 100:.2f}%"]
    assert cells_after(lines, LABELS["collected"], 1) == [yuan(headline["collected"])]
    value, mom, _yoy, previous, _last_year = cells_after(lines, LABELS["arrears"], 5)
    assert value == yuan(headline["arrears"])
    previous_arrears = query(
        published,
        "select sum(arrears) from indicators.finance_monthly where stat_month = '202601'",
    )[0][0]
    assert previous == yuan(previous_arrears)
    assert mom == change((headline["arrears"] - previous_arrears) / previous_arrears)


def test_pdf_is_chinese_with_an_embedded_font_and_every_section(report):
    reader = PdfReader(report.pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "经营分析月报 2026年02月" in text
    headings = ["关键指标", "要点", "近12个月趋势", "地市排名", "离网分析", "弃卡重入网",
                "集团客户", "VIP客户", "账务概况", "实收(按交费渠道)", "欠费账龄",
                "数据质量"]  # fmt: skip
    for heading in headings:
        assert heading in text, heading
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None and "/FontFile2" in descriptor, font["/BaseFont"]
        assert "/XObject" in page["/Resources"] or page is not reader.pages[0]
    assert "REJECTED" in text  # the rejected delivery of the month is reported
    assert "record count does not match the check file" in text
    # ops.quality_results: the newest result of each check; the failing one is named.
    assert "未通过 failed (warning)" in text
    assert "volatility_revenue · indicators/kpi_monthly" in text


def test_pdf_city_ranking_equals_the_published_city_rows(published, report):
    lines = pdf_lines(report.pdf)
    cities = query(
        published,
        "select province_code, city_code, users_on_net, billed_revenue "
        "from indicators.kpi_monthly_rollup where level = 'city' and stat_month = ? "
        "order by billed_revenue desc, users_on_net desc, province_code, city_code",
        [MONTH],
    )
    province_names = dict(
        query(
            published,
            "select distinct province_code, province_name_zh from marts.dim_cities "
            "where province_name_zh is not null",
        )
    )
    # 571 is named by the city seed, 574 is not: both ways of naming a province are shown.
    assert {province for province, *_ in cities} == {"571", "574"}
    assert {province for province, *_ in cities} & set(province_names) == {"571"}
    start = lines.index("地市排名(按出账收入) City ranking (by billed revenue)")
    first = lines.index("ARPU (yuan)", start) + 1  # the last header line; nine cells a row
    for rank, (province, _city, users, revenue) in enumerate(cities, 1):
        row = lines[first + 9 * (rank - 1) : first + 9 * rank]
        assert row[0] == str(rank)
        # named where the city seed knows the province, else the code alone
        named = f"{province_names[province]} {province}" if province in province_names else None
        assert row[1] == (named or province)
        assert row[3] == f"{users:,}"
        assert row[6] == yuan(revenue)


def test_workbook_holds_the_same_figures_as_numbers(published, report, headline):
    workbook = openpyxl.load_workbook(report.xlsx)
    assert workbook.sheetnames == [
        "关键指标 KPIs", "趋势 Trend", "地市 Cities", "品牌 Brands", "离网 Churn",
        "重入网 Re-entry", "集团 Groups", "VIP", "账务 Finance", "实收 Collections",
        "账龄 Aging", "质量 Quality",
    ]  # fmt: skip
    kpis = workbook["关键指标 KPIs"]
    # Headed by the published labels: the dictionary's for the indicator, kpi_changes' for figures.
    zh, en = (
        [kpis.cell(row, column).value for column in range(1, 9)]
        for row in (HEADER_ROW_ZH, HEADER_ROW_EN)
    )
    names = _labels(published, "dictionary", ["indicator_code", "name_zh", "name_en"])
    figures = _labels(published, "kpi_changes", ["indicator_value", "mom_change_rate",
                      "yoy_change_rate", "previous_month_value", "last_year_value"])  # fmt: skip
    assert (zh, en) == (names[0] + figures[0], names[1] + figures[1])
    assert (zh[3], en[3]) == ("本月值", "Value")
    rows = {
        kpis.cell(r, 1).value: [kpis.cell(r, c) for c in range(1, 9)]
        for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 11)
    }
    for code, expected in headline.items():
        cell = rows[code][3]
        assert isinstance(cell.value, int | float), code
        assert cell.value == pytest.approx(float(expected), abs=1e-9), code
    assert rows["billed_revenue"][3].number_format == "#,##0.00"
    assert rows["users_on_net"][3].number_format == "#,##0"
    assert rows["churn_rate"][3].number_format == "0.00%"
    mom, yoy = query(
        published,
        "select mom_change_rate, yoy_change_rate from indicators.kpi_changes where level = 'all' "
        "and province_code = 'ALL' and stat_month = ? and indicator_code = 'users_on_net'",
        [MONTH],
    )[0]
    assert rows["users_on_net"][4].value == pytest.approx(float(mom))
    assert rows["users_on_net"][5].value == pytest.approx(float(yoy))
    assert rows["users_on_net"][4].number_format.startswith("+0.0%")
    # No churn rate a year before (no snapshot of January 2025): left empty, not zero.
    assert rows["churn_rate"][7].value is None

    collections = workbook["实收 Collections"]
    collected = [
        collections.cell(r, 2).value
        for r in range(FIRST_DATA_ROW, collections.max_row + 1)
        if isinstance(collections.cell(r, 2).value, int | float)
    ]
    assert sum(collected) == pytest.approx(float(headline["collected"]))
    aging = workbook["账龄 Aging"]
    buckets = [aging.cell(r, 2).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 4)]
    assert sum(buckets) == pytest.approx(float(headline["arrears"]))
    # 0-1: February's unpaid bills of A1 (its 40.00 of February 2025 paid first), A2 and A4;
    # 3-6: A4's bill of November 2025; 6+: A4's 20.00 of February 2025, never paid.
    assert buckets == pytest.approx([87.84, 0.0, 15.0, 20.0])
    trend = workbook["趋势 Trend"]
    months = [trend.cell(r, 1).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 12)]
    assert months[0] == "202503" and months[-1] == MONTH
    assert trend.cell(FIRST_DATA_ROW + 11, 2).value == headline["users_on_net"]

    cities = workbook["地市 Cities"]
    published_cities = query(
        published,
        "select users_on_net, billed_revenue from indicators.kpi_monthly_rollup "
        "where level = 'city' and stat_month = ? "
        "order by billed_revenue desc, users_on_net desc, province_code, city_code",
        [MONTH],
    )
    for offset, (users, revenue) in enumerate(published_cities):
        assert cities.cell(FIRST_DATA_ROW + offset, 4).value == users
        assert cities.cell(FIRST_DATA_ROW + offset, 7).value == pytest.approx(float(revenue))


def test_a_province_report_uses_the_province_rows(published):
    files = build_report(published, MONTH, say=lambda _: None, province="571")
    assert files.pdf.name == f"jingfen_report_{MONTH}_571.pdf"
    revenue = query(
        published,
        "select billed_revenue from indicators.kpi_monthly_rollup where level = 'province' "
        "and province_code = '571' and stat_month = ?",
        [MONTH],
    )[0][0]
    sheet = openpyxl.load_workbook(files.xlsx)["关键指标 KPIs"]
    values = {
        sheet.cell(r, 1).value: sheet.cell(r, 4).value
        for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 11)
    }
    assert values["billed_revenue"] == pytest.approx(float(revenue))


def test_a_month_without_published_data_is_refused(published):
    with pytest.raises(JingfenError, match=r"no figures for 202712.*covers 202502 to 202603"):
        build_report(published, "202712", say=lambda _: None)
    assert not (published.reports / "jingfen_report_202712.pdf").exists()
    with pytest.raises(JingfenError, match="not a month"):
        build_report(published, "2026-02", say=lambda _: None)


def test_without_a_published_copy_the_report_says_so(tmp_path):
    with pytest.raises(JingfenError, match="no published copy"):
        build_report(Settings(home=tmp_path), MONTH, say=lambda _: None)


def test_weekly_flash_compares_the_latest_week_with_the_one_before(published):
    files = build_flash(published, say=lambda _: None)
    assert files.pdf.name == "jingfen_flash_20260301.pdf"
    sheet = openpyxl.load_workbook(files.xlsx)["周报 Flash"]
    rows = {
        sheet.cell(r, 1).value: (sheet.cell(r, 2).value, sheet.cell(r, 3).value)
        for r in range(FIRST_DATA_ROW, sheet.max_row + 1)
        if sheet.cell(r, 1).value
    }
    ((this_week, last_week),) = query(
        published,
        "select sum(case when usage_date >= date '2026-02-23' then calls else 0 end), "
        "sum(case when usage_date < date '2026-02-23' then calls else 0 end) "
        "from indicators.traffic_by_day where usage_date between date '2026-02-16' "
        "and date '2026-03-01'",
    )
    assert rows["通话次数 Calls"] == (this_week, last_week)
    assert "经营快报" in PdfReader(files.pdf).pages[0].extract_text()


def test_commentary_names_the_city_whose_revenue_moved_most(published, report):
    rows = query(
        published,
        "select city_code, sum(case when stat_month = ? then billed_revenue else 0 end) "
        "- sum(case when stat_month = '202601' then billed_revenue else 0 end) as moved "
        "from indicators.kpi_monthly_rollup where level = 'city' "
        "and stat_month in (?, '202601') group by province_code, city_code "
        "order by abs(moved) desc, city_code desc limit 1",
        [MONTH, MONTH],
    )
    city, moved = rows[0]
    sentence = next(s for s in report.summary if s.startswith("出账收入变化最大的来源"))
    # The city is named by the seed's name and code, or by its code alone when the seed lacks it.
    city_part = sentence.split("地市", 1)[1].split(";", 1)[0]
    assert city in city_part and f"+{moved:,.2f}元" in city_part
    # U2 and P2 cancel in February, of the 5 users on net in January; U4 re-enters under U2's
    # cert_no. No churn rate for January (no December snapshot): no change against it.
    assert "离网2户, 离网率40.00%; 弃卡重入网1户." in report.summary


def test_brands_and_segments_are_named_as_a_manager_reads_them(published, report):
    lines = pdf_lines(report.pdf)
    churn = lines[lines.index("离网分析(按品牌、网龄) Churn by brand and tenure") :]
    segments = query(
        published,
        "select distinct segment_type, segment_value from indicators.churn_by_segment "
        "where stat_month = ? and segment_type in ('brand', 'tenure')",
        [MONTH],
    )
    assert {t for t, _ in segments} == {"brand", "tenure"}
    assert "品牌" in churn and "在网时长" in churn and "brand" not in churn
    for segment_type, value in segments:
        if segment_type == "brand":
            expected = {"GOTONE": "全球通 GOTONE", "SZX": "神州行 SZX", "MZONE": "动感地带 MZONE"}
            assert expected.get(value, "未知") in churn, value
        else:
            assert value not in churn  # a band is shown by its name (5年以上), not its code


def _sheet_rows(path: Path, sheet: str) -> tuple[list, list, list[list]]:
    """The Chinese header row, the English header row and the data rows of a sheet."""
    rows = [list(r) for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]
    data = [r for r in rows[FIRST_DATA_ROW - 1 :] if r[0] is not None]
    return rows[HEADER_ROW_ZH - 1], rows[HEADER_ROW_EN - 1], data


def _labels(settings: Settings, table: str, columns: list[str]) -> tuple[list, list]:
    found = dict(
        (column, (zh, en))
        for column, zh, en in query(
            settings,
            "select column_name, label_zh, label_en from indicators.column_labels "
            "where schema_name = 'indicators' and table_name = ?",
            [table],
        )
    )
    return [found[c][0] for c in columns], [found[c][1] for c in columns]


def test_finance_sheet_is_finance_changes_headed_by_its_column_labels(published, report):
    figures = ["collected", "bad_debt", "arrears", "doubtful_debt", "accounts_in_arrears"]
    zh, en, rows = _sheet_rows(report.xlsx, "账务 Finance")
    assert (zh, en) == _labels(published, "finance_changes", ["stat_month", *figures])
    assert zh[1] == "实收金额(元)" and en[5] == "Accounts in arrears"
    published_rows = query(
        published,
        "select stat_month, " + ", ".join(figures) + " from indicators.finance_changes "
        "where level = 'all' and stat_month in (?, '202601', '202502') order by stat_month desc",
        [MONTH],
    )
    assert [r[0] for r in rows] == [MONTH, "202601", "202502"]
    assert rows == [[r[0], *(float(v) for v in r[1:])] for r in published_rows]
    ((mom, yoy),) = query(
        published,
        "select collected_mom_rate, collected_yoy_rate from indicators.finance_changes "
        "where level = 'all' and stat_month = ?",
        [MONTH],
    )
    kpis = openpyxl.load_workbook(report.xlsx)["关键指标 KPIs"]
    collected = next(
        r for r in range(FIRST_DATA_ROW, kpis.max_row + 1) if kpis.cell(r, 1).value == "collected"
    )
    assert kpis.cell(collected, 5).value == (None if mom is None else float(mom))
    assert kpis.cell(collected, 6).value == (None if yoy is None else float(yoy))


def test_aging_and_collections_are_the_published_shares_with_the_seed_names(published, report):
    _, _, aging = _sheet_rows(report.xlsx, "账龄 Aging")
    # The names of the aging_buckets seed: the report's former "1个月内" wording is gone.
    assert [r[0] for r in aging] == ["0-1个月 0-1", "1-3个月 1-3", "3-6个月(呆账) 3-6",
                                     "6个月以上(呆账) 6+"]  # fmt: skip
    shares = query(
        published,
        "select arrears_share from indicators.arrears_aging_shares where level = 'all' "
        "and stat_month = ? order by bucket_order",
        [MONTH],
    )
    assert [r[3] for r in aging] == [None if s is None else float(s) for (s,) in shares]
    _, _, collections = _sheet_rows(report.xlsx, "实收 Collections")
    published_shares = query(
        published,
        "select pay_channel, collected_share from indicators.collection_shares "
        "where level = 'all' and stat_month = ? order by collected desc, pay_channel",
        [MONTH],
    )
    assert [(r[0].split()[-1], r[3]) for r in collections] == [
        (channel, float(share)) for channel, share in published_shares
    ]
    assert sum(r[3] for r in collections) == pytest.approx(1.0, abs=1e-5)


def test_flash_days_are_flash_daily_and_missing_days_are_zero(published):
    files = build_flash(published, say=lambda _: None)
    zh, _, days = _sheet_rows(files.xlsx, "逐日 Daily")
    columns = ["flash_date", "active_users", "opens", "cancels", "calls", "voice_minutes",
               "sms_sent", "data_mb", "collected"]  # fmt: skip
    assert zh == _labels(published, "flash_daily", columns)[0]
    published_days = {
        row[0]: row[1:]
        for row in query(
            published,
            "select " + ", ".join(columns) + " from indicators.flash_daily where level = 'all' "
            "and flash_date between date '2026-02-16' and date '2026-03-01'",
        )
    }
    assert len(days) == 14 and published_days
    for day, *values in days:
        expected = published_days.get(day.date(), (0,) * 8)
        assert values == [float(v) if isinstance(v, Decimal) else v for v in expected], day
