"""The web pages in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright against a real server. Screenshots go to ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.queries import load_query
from tests.test_sparql_protocol import Server
from tests.web_fixtures import (
    ARTIFACTS,
    PROJECT_12345,
    api_projects,
    get,
    local,
    project_12345,
    serve_copy,
)

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("JIXIAO_REQUIRE_BROWSER"):  # set by .ci/run: CI must not skip these
        raise RuntimeError("JIXIAO_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    pytest.skip(
        "needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_copy(tmp_path_factory, "web-browser") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def shot(page: sync_api.Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"web-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_overview_coverage_picture_renders(server: Server, page: sync_api.Page) -> None:
    page.goto(server.base + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    bars = page.locator("#coverage svg.bar")
    units = page.locator("#coverage tbody tr").count()
    assert units == len(get(server, "/api/units").json()["items"]) > 0
    assert bars.count() == 6 * units
    for i in range(bars.count()):
        box = bars.nth(i).bounding_box()
        assert box and box["width"] >= 90 and box["height"] >= 10
    filled = [page.locator("#coverage svg.bar rect.fill").nth(i).bounding_box()
              for i in range(bars.count())]  # fmt: skip
    assert any(b and b["width"] > 0 for b in filled)
    # the severity chart: one band per severity present, filling the width
    chart = page.locator("#severity-chart").bounding_box()
    assert chart and chart["width"] > 0
    bands = page.locator("#severity-chart rect")
    assert bands.count() == 3
    width = sum(bands.nth(i).bounding_box()["width"] for i in range(bands.count()))
    assert width == pytest.approx(chart["width"], rel=0.02)
    shot(page, "overview-zh")


def test_audit_form_filters_2026_without_satisfaction(server: Server, page: sync_api.Page) -> None:
    page.goto(server.base + "/audit")
    everything = page.locator("tr[data-project]").count()
    assert everything == api_projects(server)["total"]
    page.select_option("#f-lacks", "satisfaction")
    page.select_option("#f-year", "2026")
    with page.expect_navigation():
        page.click("#audit-form button[type=submit]")
    assert re.search(r"lacks=satisfaction", page.url) and re.search(r"year=2026", page.url)
    assert page.locator("tr[data-project]").count() == 25
    expected = {i["id"] for i in api_projects(server, year=2026, lacks="satisfaction")["items"]}
    shown = set(
        page.eval_on_selector_all("tr[data-project]", "rs => rs.map(r => r.dataset.project)")
    )
    assert shown == expected
    shot(page, "audit-2026-lacks-satisfaction")
    # sort by amount (a click on the header), largest first after two clicks
    header = page.locator("#projects thead th").nth(3)
    header.click()
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    amounts = page.eval_on_selector_all(
        "#projects tbody tr td:nth-child(4)", "cs => cs.map(c => Number(c.dataset.sort))"
    )
    assert amounts == sorted(amounts, reverse=True) and len(amounts) == 25
    # open the first project of the list and see its indicators
    first = page.locator("tr[data-project]").first
    iri = first.get_attribute("data-project")
    count = int(first.locator("td").nth(4).inner_text())
    with page.expect_navigation():
        first.locator("td").first.locator("a").click()
    assert page.locator("#project-name").get_attribute("data-project") == iri
    assert page.locator("tr.indicator").count() == count > 0
    assert page.locator("span.cat.lacks.satisfaction").count() == 1
    shot(page, "project-from-audit")


def test_project_page_shows_the_12345_hotline_indicators(
    server: Server, page: sync_api.Page
) -> None:
    p = project_12345(server)
    page.goto(server.base + "/projects/" + local(p["id"], "project"))
    assert PROJECT_12345 in page.locator("h1").inner_text()
    rows = page.locator("tr.indicator")
    assert rows.count() == 8
    for i in range(8):
        row = rows.nth(i)
        assert row.is_visible()
        assert row.locator("td.raw.period").inner_text().strip()
        assert row.locator("td.raw.annual").inner_text().strip()
        assert row.locator("td.annual-parsed .num").count() == 1
    shot(page, "project-12345-zh")


def test_sparql_page_runs_a_named_query_in_the_page(server: Server, page: sync_api.Page) -> None:
    named = get(server, "/api/queries/projects_without_satisfaction").json()
    page.goto(server.base + "/sparql-ui")
    before = page.url
    with page.expect_response(lambda r: r.url.endswith("/sparql") and r.request.method == "POST"):
        page.click("a.example[data-name='projects_without_satisfaction']")
    page.wait_for_selector("#results table.results tbody tr")
    assert page.url == before  # fetched by the script, the page stayed
    assert page.locator("#results table.results tbody tr").count() == named["total"]
    headers = page.eval_on_selector_all("#results th", "hs => hs.map(h => h.textContent)")
    # the columns the query file projects, in its order (asked of pyoxigraph, not spelled here)
    columns = ox.Store().query(load_query("projects_without_satisfaction")).variables
    assert headers == [v.value for v in columns] and headers[:2] == ["project", "fiscalYear"]
    assert page.input_value("#query").startswith("PREFIX")  # comments stripped for auditors
    assert page.locator("#query-summary").inner_text().startswith("没有满意度指标的项目")
    # the editor is coloured: the loaded query's keywords and variables are highlighted spans
    keywords = page.eval_on_selector_all(
        "#query-highlight span.tok-kw", "ss => ss.map(s => s.textContent.toUpperCase())"
    )
    assert "PREFIX" in keywords and "SELECT" in keywords and "WHERE" in keywords
    assert page.locator("#query-highlight span.tok-var", has_text="?project").count() > 0
    assert page.locator("#query-highlight").inner_text() == page.input_value("#query") + "\n"
    shot(page, "sparql-named-query")
    # a syntax error is shown, not thrown
    page.fill("#query", "SELEKT nothing # a note")
    assert page.locator("#query-highlight span.tok-comment").inner_text() == "# a note"
    assert page.locator("#query-highlight span.tok-kw").count() == 0  # SELEKT is no keyword
    page.click("#run")
    page.wait_for_selector("#results p.error")
    # a project link in the results opens the project page
    page.click("a.example[data-name='projects_without_satisfaction']")
    page.wait_for_selector("#results table.results tbody tr a")
    with page.expect_navigation():
        page.locator("#results table.results tbody tr a").first.click()
    assert page.locator("tr.indicator").count() > 0


def test_switch_to_english(server: Server, page: sync_api.Page) -> None:
    page.goto(server.base + "/audit?lacks=satisfaction&year=2026")
    with page.expect_navigation():
        page.click("#lang-switch")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "lang=en" in page.url and "lacks=satisfaction" in page.url
    assert page.locator("tr[data-project]").count() == 25
    assert page.locator("nav a[aria-current]").inner_text() == "Audit"
    shot(page, "audit-en")
    with page.expect_navigation():
        page.locator("nav a", has_text="Overview").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Overview"
    shot(page, "overview-en")
    p = project_12345(server)
    page.goto(server.base + "/projects/" + local(p["id"], "project") + "?lang=en")
    assert page.locator("h2", has_text="Performance indicators").count() == 1
    shot(page, "project-12345-en")


def test_pages_work_without_javascript(server: Server, browser: sync_api.Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.base + "/audit")
        page.select_option("#f-lacks", "satisfaction")
        page.select_option("#f-year", "2026")
        with page.expect_navigation():
            page.click("#audit-form button[type=submit]")
        assert page.locator("tr[data-project]").count() == 25
        page.goto(server.base + "/sparql-ui")
        page.fill("#query", "SELECT (COUNT(*) AS ?n) WHERE { ?p a jx:Project }")
        with page.expect_navigation():
            page.click("#run")
        assert page.locator("#results table.results td").inner_text() == "114"
        shot(page, "sparql-without-js")
    finally:
        context.close()


def test_api_docs_render_with_the_network_off(server: Server, browser: sync_api.Browser) -> None:
    """/docs draws the operations from assets this server serves: every request that would
    leave the machine is refused (and recorded), as on a machine without internet."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    refused: list[str] = []

    def only_loopback(route: sync_api.Route) -> None:
        if re.match(r"https?://127\.0\.0\.1[:/]", route.request.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_loopback)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(server.base + "/docs")
        summary = page.locator(".opblock-summary-description", has_text="Validation findings")
        summary.first.wait_for(timeout=30_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/projects" in " ".join(paths) and "/sparql" in " ".join(paths)
        shot(page, "api-docs-offline")
    finally:
        context.close()
    assert not refused, refused
    assert not errors, errors
