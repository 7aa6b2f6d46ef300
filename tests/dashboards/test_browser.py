"""Every dashboard in a real headless Chromium: logged in, every chart queried, rendered, no error.

Chromium is Debian's (apt-get install chromium); Playwright only drives it (no `playwright
install`). Screenshots go to test-artifacts/dashboards/.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from dashboards.bundle import latest_month
from dashboards.spec import DASHBOARDS
from tests.dashboards.conftest import city_name

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHART_DATA = "/api/v1/chart/data"
QUIET_SECONDS = 1.5
RENDER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Chromium is missing: apt-get install chromium (see dashboards/README.md).")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield browser
        browser.close()


def _log_in(browser, superset, username: str):
    context = browser.new_context(viewport={"width": 1600, "height": 1200}, locale="zh-CN")
    page = context.new_page()
    for attempt in (1, 2):  # a loaded machine can drop the first form post
        page.goto(f"{superset.url}/login/")
        page.fill("[data-test=username-input]", username)
        page.fill("[data-test=password-input]", superset.password(username))
        page.click("[data-test=login-button]")
        try:
            page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)
            return context, page
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    return context, page


def _open_dashboard(page, superset, slug: str, expected_charts: int) -> list[dict]:
    """Open a dashboard and wait until every chart's data came back; return those answers."""
    answers: list[dict] = []

    def on_response(response):
        if CHART_DATA in response.url and response.request.method == "POST":
            try:
                body = response.json()
            except Exception:  # a non-JSON error page
                body = {"text": response.text()[:500]}
            request = json.loads(response.request.post_data or "{}")
            answers.append(
                {
                    "status": response.status,
                    "slice_id": request.get("form_data", {}).get("slice_id"),
                    "body": body,
                }
            )

    page.on("response", on_response)
    page.goto(f"{superset.url}/superset/dashboard/{slug}/")
    page.wait_for_selector(".dashboard-component-chart-holder", timeout=RENDER_TIMEOUT_MS)
    deadline_polls = RENDER_TIMEOUT_MS // 500
    quiet = 0
    seen = -1
    for _ in range(deadline_polls):
        charts_answered = len({a["slice_id"] for a in answers})
        loading = page.locator(".dashboard-component-chart-holder .loading").count()
        if charts_answered >= expected_charts and loading == 0:
            quiet = quiet + 1 if len(answers) == seen else 0
            if quiet * 0.5 >= QUIET_SECONDS:
                break
        seen = len(answers)
        page.wait_for_timeout(500)
    page.remove_listener("response", on_response)
    return answers


def _chart_ids(superset, dashboard) -> set[int]:
    response = superset.api().get(f"/api/v1/dashboard/{dashboard.slug}/charts")
    assert response.status_code == 200, response.text[:300]
    return {chart["id"] for chart in response.json()["result"]}


@pytest.fixture(scope="module")
def manager_page(browser, superset):
    """One logged-in manager for every dashboard (a manager sees every dashboard and city)."""
    context, page = _log_in(browser, superset, "manager")
    yield page
    context.close()


@pytest.mark.parametrize("dashboard", DASHBOARDS, ids=[d.key for d in DASHBOARDS])
def test_dashboard_renders_with_data(manager_page, superset, artifacts, dashboard):
    page = manager_page
    answers = _open_dashboard(page, superset, dashboard.slug, len(dashboard.charts))
    page.screenshot(path=str(artifacts / f"{dashboard.key}.png"), full_page=True)
    failed = [a for a in answers if a["status"] >= 400]
    assert not failed, f"chart data errors on {dashboard.title}: {failed}"
    answered = {a["slice_id"] for a in answers} - {None}  # None: a native filter's values
    assert answered == _chart_ids(superset, dashboard), f"{dashboard.title}: charts not asked"
    empty = [
        a["slice_id"]
        for a in answers
        if not any(r.get("rowcount", 0) > 0 for r in a["body"].get("result", []))
    ]
    assert not empty, f"{dashboard.title}: charts {empty} returned no rows"
    alerts = page.locator(".ant-alert-error, [role=alert]")
    visible = [alerts.nth(i).inner_text() for i in range(alerts.count())
               if alerts.nth(i).is_visible()]  # fmt: skip
    assert not visible, f"{dashboard.title} shows errors: {visible}"
    title = page.locator("[data-test=editable-title-input], .editable-title").first
    assert dashboard.title in (title.get_attribute("value") or title.inner_text())


def _holder(page, title: str):
    return page.locator(".dashboard-component-chart-holder", has_text=title)


def test_plan_view_shows_completion_against_time_progress(manager_page, superset, artifacts):
    """指标完成情况 in the month the overview opens on (202602): 浙江's completion of revenue
    (15,107.34 of 80,000 yuan) and users on net (3 of 4) against 16.2% of the year gone,
    未下达目标 for the indicators without a target (never 0% or blank), and the cities ranked
    first: 杭州 on revenue (25.1%), 宁波 on users on net (100.0%)."""
    overview = DASHBOARDS[0]
    charts = {c.key: c for c in overview.charts}
    answers = _open_dashboard(manager_page, superset, overview.slug, len(overview.charts))
    assert not [a for a in answers if a["status"] >= 400]
    indicators = _holder(manager_page, charts["ov_plan_indicators"].title)
    indicators.scroll_into_view_if_needed()
    text = indicators.inner_text()
    assert "未下达目标" in text and "0.0%" not in text
    assert {"浙江", "18.9%", "75.0%", "16.2%", "80,000.00"} <= set(text.split())
    ranking = _holder(manager_page, charts["ov_plan_ranking"].title)
    rows = ranking.locator("tbody tr")
    firsts = {tuple(rows.nth(i).inner_text().split()[:4]) for i in (0, 1)}
    assert firsts == {("出账收入", "杭州", "25.1%", "1"), ("在网用户数", "宁波", "100.0%", "1")}
    for chart in ("ov_plan_completion", "ov_plan_indicators", "ov_plan_ranking"):
        assert _holder(manager_page, charts[chart].title).locator(".ant-alert-error").count() == 0
    section = manager_page.locator(
        ".grid-row", has=_holder(manager_page, charts["ov_plan_ranking"].title)
    )
    section.scroll_into_view_if_needed()
    manager_page.screenshot(path=str(artifacts / "overview_plan.png"), full_page=True)


@pytest.fixture(scope="module")
def analyst_overview(browser, superset, artifacts):
    """The overview as the first city's analyst: the page and every chart's answer."""
    city = superset.cities[0]
    context, page = _log_in(browser, superset, f"analyst_{city}")
    overview = DASHBOARDS[0]
    answers = _open_dashboard(page, superset, overview.slug, len(overview.charts))
    page.screenshot(path=str(artifacts / f"overview_analyst_{city}.png"), full_page=True)
    yield page, answers
    context.close()


def test_city_analyst_dashboard_shows_only_its_city(analyst_overview, superset):
    """What the analyst's browser got: every chart answered with rows, and the only city named
    in them (by code or by name) is the analyst's."""
    city = superset.cities[0]
    page, answers = analyst_overview
    overview = DASHBOARDS[0]
    assert not [a for a in answers if a["status"] >= 400]
    assert {a["slice_id"] for a in answers} - {None} == _chart_ids(superset, overview)
    rows_by_chart: dict[int, list[dict]] = {}
    for answer in answers:
        for result in answer["body"].get("result", []):
            rows_by_chart.setdefault(answer["slice_id"], []).extend(result.get("data", []))
    assert [s for s, rows in rows_by_chart.items() if not rows] == []
    rows = [row for chart_rows in rows_by_chart.values() for row in chart_rows]
    assert {row["city_code"] for row in rows if "city_code" in row} <= {city}
    assert {row["city_name"] for row in rows if "city_name" in row} == {city_name(city)}
    other = city_name(superset.cities[1])
    assert other not in page.locator("body").inner_text()


def _city_changes(serving_db, city: str) -> dict[str, float]:
    """kpi_changes' values of the city in the month the dashboard opens on, by Chinese name."""
    con = duckdb.connect(str(serving_db), read_only=True)
    try:
        rows = con.execute(
            "select d.name_zh, k.indicator_value from indicators.kpi_changes as k "
            "join indicators.dictionary as d on d.indicator_code = k.indicator_code "
            "where k.level = 'city' and k.city_code = ? and k.stat_month = ?",
            [city, latest_month(serving_db)],
        ).fetchall()
    finally:
        con.close()
    return {name: float(value) for name, value in rows if value is not None}


def test_city_analyst_sees_its_citys_changes(analyst_overview, superset):
    """The MoM/YoY card is not empty for a city's analyst, and it holds that city's values: the
    indicators kpi_changes has per city (no province-only finance figures), each equal to the
    city's own."""
    page, answers = analyst_overview
    card = next(c for c in DASHBOARDS[0].charts if c.key == "ov_changes")
    chart_id = next(c["id"] for c in superset.api().all("chart") if c["slice_name"] == card.title)
    rows = [
        row
        for answer in answers
        if answer["slice_id"] == chart_id
        for result in answer["body"].get("result", [])
        for row in result.get("data", [])
    ]
    expected = _city_changes(superset.settings.serving_db, superset.cities[0])
    assert expected, "the sample home has no city rows in kpi_changes"
    shown = {row["indicator_name"]: row["value"] for row in rows if row["value"] is not None}
    assert shown == pytest.approx(expected)
    holder = page.locator(".dashboard-component-chart-holder", has_text=card.title)
    assert holder.locator("tbody tr").count() == len(rows)


def test_anonymous_browser_gets_the_login_page(browser, superset):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{superset.url}/superset/dashboard/{DASHBOARDS[0].slug}/")
        assert "/login" in page.url
        page.goto(f"{superset.url}/dashboard/list/")
        assert "/login" in page.url
    finally:
        context.close()
