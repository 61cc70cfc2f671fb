"""The web pages over HTTP, against a real server holding the ingested samples."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from lxml import html
from openpyxl import load_workbook

from tests.conftest import SAMPLES
from tests.test_sparql_protocol import ROOT, Server
from tests.web_fixtures import (
    PROJECT_12345,
    TOKEN,
    api_projects,
    get,
    local,
    project_12345,
    serve_copy,
    sparql_count,
)

SH = "PREFIX sh: <http://www.w3.org/ns/shacl#>\n"
SHAPE_NS = "http://www.w3.org/ns/shacl#"
JX_NS = "https://w3id.org/jixiao/ontology#"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_copy(tmp_path_factory, "web-pages") as srv:
        yield srv


def page(server: Server, path: str, status: int = 200, **params: object) -> html.HtmlElement:
    response = get(server, path, params=params) if params else get(server, path)
    assert response.status_code == status, (path, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return html.fromstring(response.text)


def rows(doc: html.HtmlElement) -> list[html.HtmlElement]:
    return doc.xpath("//tr[@data-project]")


def all_paths(server: Server) -> list[str]:
    p = project_12345(server)
    return [
        "/", "/audit", "/audit?lacks=satisfaction&year=2026", "/units",
        "/units/" + local(p["unit_id"], "org/unit"), "/projects/" + local(p["id"], "project"),
        "/findings", "/findings?severity=Violation", "/sparql-ui", "/upload",
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_answers_in_both_languages(server: Server, lang: str) -> None:
    words = {"zh": ("zh-CN", "审计查询", "English"), "en": ("en", "Audit", "中文")}[lang]
    for path in all_paths(server):
        url = path + ("&" if "?" in path else "?") + "lang=en" if lang == "en" else path
        response = get(server, url)
        assert response.status_code == 200, (url, response.text[:300])
        doc = html.fromstring(response.text)
        assert doc.get("lang") == words[0], url
        assert doc.xpath("//nav//a")[1].text_content() == words[1]
        assert doc.get_element_by_id("lang-switch").text_content() == words[2]
        assert response.headers["content-language"] == words[0]
        for form in doc.xpath("//form[not(@method='post')]"):
            assert form.xpath(".//input[@name='lang']/@value") == (["en"] if lang == "en" else [])
        for href in doc.xpath("//a[not(@id='lang-switch')]/@href | //form[@method='post']/@action"):
            parts = urlsplit(href)
            internal = not parts.netloc and parts.path.startswith("/")
            ours = not parts.path.startswith(("/static", "/docs", "/api", "/id/"))
            if internal and ours and parts.path not in ("/sparql", "/sparql/"):
                assert ("lang" in parse_qs(parts.query)) == (lang == "en"), (url, href)


def test_language_switch_keeps_the_filters(server: Server) -> None:
    doc = page(server, "/audit", lacks="cost", year="2026")
    switch = doc.get_element_by_id("lang-switch").get("href")
    query = parse_qs(urlsplit(switch).query)
    assert query == {"lacks": ["cost"], "year": ["2026"], "lang": ["en"]}
    back = page(server, switch).get_element_by_id("lang-switch").get("href")
    assert parse_qs(urlsplit(back).query) == {"lacks": ["cost"], "year": ["2026"]}


def test_audit_2026_without_satisfaction_has_the_25_projects_of_the_api(server: Server) -> None:
    api = api_projects(server, year=2026, lacks="satisfaction")
    assert api["total"] == 25
    doc = page(server, "/audit", lacks="satisfaction", year="2026")
    found = rows(doc)
    assert len(found) == 25
    assert {r.get("data-project") for r in found} == {i["id"] for i in api["items"]}
    assert doc.get_element_by_id("row-count").get("data-total") == "25"
    by_id = {i["id"]: i for i in api["items"]}
    for row in found:
        item = by_id[row.get("data-project")]
        cells = row.xpath("./td")
        assert cells[0].text_content().strip() == item["name"]
        assert cells[1].text_content().strip() == item["unit"]
        assert cells[2].text_content().strip() == "2026"
        assert cells[4].text_content().strip() == str(item["indicators"])
        assert row.xpath(".//span[contains(@class, 'lacks') and contains(@class, 'satisfaction')]")
    shown_total = doc.get_element_by_id("amount-total").text_content()
    (figure,) = re.findall(r"[\d,]+\.\d\d", shown_total)
    assert float(figure.replace(",", "")) == pytest.approx(
        sum(i["amount"] or 0 for i in api["items"])
    )
    # the form shows the filters it applied
    assert doc.xpath("//select[@name='lacks']/option[@selected]/@value") == ["satisfaction"]
    assert doc.xpath("//select[@name='year']/option[@selected]/@value") == ["2026"]


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_audit_agrees_with_the_rest_api_on_every_filter(server: Server, mode: str) -> None:
    unit = project_12345(server)["unit_id"]
    for lacks in ("output", "effect", "satisfaction", "cost"):
        for extra in ({}, {"year": 2026}, {"year": 2024}, {"unit": unit}):
            api = api_projects(server, lacks=lacks, mode=mode, **extra)
            doc = page(server, "/audit", lacks=lacks, mode=mode, **extra)
            assert {r.get("data-project") for r in rows(doc)} == {i["id"] for i in api["items"]}
    assert len(rows(page(server, "/audit"))) == api_projects(server)["total"]
    for lacks in ("output", "effect", "satisfaction", "cost"):
        lenient = api_projects(server, lacks=lacks, mode="lenient")["total"]
        assert lenient <= api_projects(server, lacks=lacks)["total"]


def test_audit_categories_match_the_project_indicators(server: Server) -> None:
    p = project_12345(server)
    doc = page(server, "/audit", unit=p["unit_id"], year="2026")
    (row,) = doc.xpath(f"//tr[@data-project='{p['id']}']")
    present = row.xpath(".//span[contains(@class, 'cat has')]/@class")
    assert sorted(c.split()[-1] for c in present) == ["cost", "effect", "output", "satisfaction"]


def test_audit_csv_download(server: Server) -> None:
    response = get(server, "/audit.csv", params={"lacks": "satisfaction", "year": "2026"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "jixiao-audit-lacks-satisfaction-2026.csv" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][:3] == ["项目", "单位", "年度"]
    assert len(table) == 26
    api = api_projects(server, year=2026, lacks="satisfaction")["items"]
    assert {r[-1] for r in table[1:]} == {i["id"] for i in api}
    assert {r[table[0].index("满意度")] for r in table[1:]} <= {"无", "仅名称提及"}
    english = get(server, "/audit.csv", params={"lacks": "cost", "lang": "en"})
    header = next(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert header[:3] == ["Project", "Unit", "Year"]


def test_audit_xlsx_download_opens_with_25_rows(server: Server) -> None:
    response = get(server, "/audit.xlsx", params={"lacks": "satisfaction", "year": "2026"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 26
    assert values[0][:3] == ("项目", "单位", "年度")
    api = {i["id"]: i for i in api_projects(server, year=2026, lacks="satisfaction")["items"]}
    assert {v[-1] for v in values[1:]} == set(api)
    for v in values[1:]:
        assert v[0] == api[v[-1]]["name"] and v[2] == 2026
        assert v[3] == pytest.approx(api[v[-1]]["amount"])


def test_project_page_shows_the_8_indicators_with_both_targets(server: Server) -> None:
    p = project_12345(server)
    detail = get(server, "/api/projects/" + local(p["id"], "project")).json()
    assert len(detail["indicators"]) == 8
    doc = page(server, "/projects/" + local(p["id"], "project"))
    assert doc.get_element_by_id("project-name").get("data-project") == p["id"]
    assert PROJECT_12345 in doc.get_element_by_id("project-name").text_content()
    indicators = doc.xpath("//tr[@class='indicator']")
    assert len(indicators) == 8
    expected = {i["id"]: i for i in detail["indicators"]}
    for row in indicators:
        want = expected[row.get("data-indicator")]
        cells = [c.text_content().strip() for c in row.xpath("./td")]
        assert want["name"] in cells[2]
        assert cells[3] == want["period_target"] and cells[5] == want["annual_target"]
        assert cells[3] and cells[5]
    # raw text beside the parsed comparator, number and unit
    (rate,) = [r for r in indicators if "话务接通率" in r.text_content()]
    for column in ("period-parsed", "annual-parsed"):
        (cell,) = rate.xpath(f"./td[@class='{column}']")
        assert cell.xpath(".//span[@class='cmp']")[0].text == "≥"
        assert cell.xpath(".//span[@class='num']")[0].text == "93"
        assert cell.xpath(".//span[@class='unit']")[0].text == "%"
    groups = doc.xpath("//table[@class='indicators']/@data-category")
    assert groups == ["output", "effect", "satisfaction", "cost"]
    assert "12,000.00" in doc.get_element_by_id("amounts").text_content()
    assert "通过实施2026年度广州12345热线平台运营项目" in doc.xpath("string(//p[@class='goal'])")
    sources = doc.get_element_by_id("sources")
    # the document by its title (department, year, kind as stored); its file name on hover
    assert "广州市政务服务和数据管理局 2026年项目支出绩效目标表" in sources.text_content()
    assert "13" in sources.text_content() and ".txt" not in sources.text_content()
    assert "002_6706784a82fb7692.txt" in sources.xpath(".//a[@class='doc-title']/@title")
    # the findings on the project, its indicators and their targets (indicator 8: a rate
    # without %), counted independently through the protocol endpoint
    findings = doc.xpath("//table[@id='findings']//tr[@data-severity]")
    expected_findings = sparql_count(server, SH + (
        "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g { ?rep sh:result ?r . ?r sh:focusNode ?f } "
        f"<{p['id']}> (jx:hasIndicator|jx:hasIndicator/(jx:periodTarget|jx:annualTarget))? ?f }}"
    ))  # fmt: skip
    assert len(findings) == expected_findings >= 1
    flagged = doc.xpath("//tr[@class='indicator' and @data-flagged='true']/@data-indicator")
    assert flagged == [p["id"] + "/i8"]


def test_project_page_links_the_same_project_in_other_years(server: Server) -> None:
    response = httpx.post(
        server.base + "/sparql", timeout=60, headers={"Accept": "text/csv"},
        data={"query": "SELECT ?a ?b WHERE { ?a jx:previousYear|jx:sameProjectAs ?b } "
                       "ORDER BY ?a ?b LIMIT 3"},
    )  # fmt: skip
    pairs = list(csv.reader(io.StringIO(response.text)))[1:]
    assert len(pairs) == 3
    for a, b in pairs:
        links = page(server, "/projects/" + local(a, "project")).xpath(
            "//ul[@id='other-years']//a/@href"
        )
        assert "/projects/" + local(b, "project") in links
        back = page(server, "/projects/" + local(b, "project")).xpath(
            "//ul[@id='other-years']//a/@href"
        )
        assert "/projects/" + local(a, "project") in back


def test_every_audit_row_opens_its_project(server: Server) -> None:
    doc = page(server, "/audit", lacks="satisfaction", year="2026")
    for row in rows(doc):
        href = row.xpath("./td[1]/a/@href")[0]
        project = page(server, href)
        assert project.get_element_by_id("project-name").get("data-project") == row.get(
            "data-project"
        )


def test_unknown_resources_answer_a_404_page(server: Server) -> None:
    for path in ("/projects/2026/0000000000000000", "/projects/2026/%3Cb%3E", "/units/nothing"):
        doc = page(server, path, status=404)
        assert doc.get_element_by_id("error-message").text_content()
    doc = page(server, "/projects/2026/0000000000000000", status=404, lang="en")
    assert doc.get("lang") == "en"
    assert "No such page" in doc.get_element_by_id("error-message").text_content()


def test_bad_parameters_answer_a_400_page_and_empty_fields_are_ignored(server: Server) -> None:
    for params in ({"year": "20x6"}, {"lacks": "beauty"}, {"mode": "loose"}, {"page": "0"},
                   {"page": "²"}, {"page": "①"}, {"year": "２０２６x"}, {"year": "٢٠٢٦"}):  # fmt: skip
        page(server, "/audit", status=400, **params)
    page(server, "/findings", status=400, severity="Fatal")
    for odd in ("²", "①", "٣", "𝟏"):  # isdigit() but not 0-9: a 400, never a 500
        page(server, "/findings", status=400, page=odd)
    everything = rows(page(server, "/audit", lacks="", year="", unit="", mode=""))
    assert len(everything) == api_projects(server)["total"]


def test_data_and_parameters_are_escaped(server: Server) -> None:
    evil = "<script>alert('x')</script>"
    response = get(server, "/audit", params={"unit": evil})
    assert response.status_code == 200
    assert evil not in response.text
    assert "&lt;script&gt;" in response.text
    assert rows(html.fromstring(response.text)) == []
    response = get(server, "/sparql-ui", params={"query": "</textarea>" + evil})
    assert evil not in response.text and "</textarea><script>" not in response.text
    doc = html.fromstring(response.text)
    assert doc.get_element_by_id("query").text == "</textarea>" + evil


def test_overview_counts_agree_with_the_store(server: Server) -> None:
    doc = page(server, "/")

    def shown(key: str) -> int:
        (node,) = doc.xpath(f"//div[@data-count='{key}']/span[@class='big']")
        return int(node.text)

    assert shown("projects") == api_projects(server)["total"] == 114
    assert shown("documents") == 5
    assert shown("indicators") == sparql_count(
        server, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a jx:Indicator }"
    )
    assert shown("findings") == sparql_count(
        server, SH + "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g { ?rep sh:result ?r } }"
    )
    violations = sparql_count(server, SH + "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g "
                                           "{ ?rep sh:result ?r . ?r sh:resultSeverity sh:Violation } }")  # fmt: skip
    assert int(doc.xpath("string(//b[@data-severity='Violation'])")) == violations
    # the coverage picture: one row per unit, bars that add up
    coverage = doc.xpath("//table[@id='coverage']/tbody/tr")
    assert len(coverage) == len(get(server, "/api/units").json()["items"])
    assert len(doc.xpath("//table[@id='coverage']//svg[contains(@class, 'bar')]")) == 6 * len(
        coverage
    )
    total = 0
    for tr in coverage:
        projects = int(tr.xpath("string(./td[2])"))
        shares = [tuple(map(int, s.split("/"))) for s in tr.xpath(".//span[@class='num']/text()")]
        # the first bar: projects with indicators of all; the others over those with indicators
        indicated, whole = shares[0]
        assert whole == projects and 0 <= indicated <= projects
        assert all(w == indicated and 0 <= part <= w for part, w in shares[1:])
        assert shares[-1][0] <= min(part for part, _ in shares[1:-1])  # all four ≤ each one
        total += projects
    assert total == 114


def test_overview_year_filter(server: Server) -> None:
    doc = page(server, "/", year="2026")
    total = sum(int(t) for t in doc.xpath("//table[@id='coverage']/tbody/tr/td[2]/text()"))
    assert total == api_projects(server, year=2026)["total"]


def test_findings_page_filters_by_severity_and_rule(server: Server) -> None:
    doc = page(server, "/findings")
    total = len(doc.xpath("//table[@id='findings']/tbody/tr"))
    assert total == sparql_count(
        server, SH + "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g { ?rep sh:result ?r } }"
    )
    for severity in ("Violation", "Warning", "Info"):
        found = page(server, "/findings", severity=severity).xpath("//tr[@data-severity]")
        assert found and {f.get("data-severity") for f in found} == {severity}
    rules = page(server, "/findings", shape="ProjectSatisfactionShape").xpath(
        "//tr[@data-severity]"
    )
    assert len(rules) == api_projects(server, lacks="satisfaction")["total"] == 25
    options = page(server, "/findings").xpath("//select[@name='shape']/option/@value")
    assert "RateUnitShape" in options
    # nested results (sh:detail, e.g. the branches of an sh:or) explain a finding: not listed
    assert "anon:OrConstraintComponent" not in options


def finding_rows(doc: html.HtmlElement) -> list[tuple[str, ...]]:
    """(severity, shape key, focus, the cells' text) of each listed finding."""
    return [
        (
            tr.get("data-severity"),
            parse_qs(urlsplit(tr.xpath("string(./td[2]/a/@href)")).query)["shape"][0],
            tr.get("data-focus"),
            *(" ".join(td.text_content().split()) for td in tr.xpath("./td")),
        )
        for tr in doc.xpath("//table[@id='findings']/tbody/tr")
    ]


def test_findings_pages_beyond_the_row_cap(
    server: Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The findings list is cut into pages by the query and counted apart: a row cap below
    the number of findings changes neither the total nor what the pages show together;
    pages follow (severity, shape, focus node)."""
    everything = finding_rows(page(server, "/findings"))
    total = sparql_count(
        server, SH + "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g { ?rep sh:result ?r } }"
    )
    assert len(everything) == total > 40
    with serve_copy(tmp_path_factory, "web-capped", JIXIAO_ROW_CAP="20") as capped:
        docs = [page(capped, "/findings", page=str(n)) for n in range(1, 5)]
        assert {d.get_element_by_id("row-count").get("data-total") for d in docs} == {str(total)}
        pages = [finding_rows(d) for d in docs]
        severity = page(capped, "/findings", severity="Warning")
        assert len(finding_rows(severity)) == 20
    assert [len(p) for p in pages] == [20, 20, total - 40, 0]
    listed = [row for p in pages for row in p]
    assert sorted(listed) == sorted(everything)
    rank = {"Violation": 0, "Warning": 1, "Info": 2}
    shape_iri = {
        key: SHAPE_NS + key[5:] if key.startswith("anon:") else JX_NS + key for _, key, *_ in listed
    }
    order = [(rank[sev], shape_iri[key], focus) for sev, key, focus, *_ in listed]
    assert order == sorted(order)


def test_unit_page_lists_the_units_projects(server: Server) -> None:
    p = project_12345(server)
    doc = page(server, "/units/" + local(p["unit_id"], "org/unit"))
    assert doc.get_element_by_id("unit-name").text_content() == p["unit"]
    api = api_projects(server, unit=p["unit_id"])
    assert {r.get("data-project") for r in rows(doc)} == {i["id"] for i in api["items"]}
    years = doc.xpath("//table[@id='unit-coverage']/tbody/tr")
    assert sum(int(y.xpath("string(./td[2])")) for y in years) == api["total"]


def test_sparql_page_runs_named_queries_without_javascript(server: Server) -> None:
    named = get(server, "/api/queries/projects_without_satisfaction").json()
    doc = page(server, "/sparql-ui", example="projects_without_satisfaction", run="1")
    assert "projects_without_satisfaction" in doc.xpath("//ul[@id='examples']//a/@data-name")
    # auditors see the query and its summary, not the engineers' comment lines
    shown = doc.get_element_by_id("query").text
    source = (ROOT / "queries" / "projects_without_satisfaction.rq").read_text(encoding="utf-8")
    assert any(line.startswith("# ") for line in source.splitlines())  # there is one to strip
    assert shown.startswith("PREFIX") and "\n#" not in shown
    assert [line for line in source.splitlines() if line.strip() and not line.startswith("#")] == [
        line for line in shown.splitlines() if line.strip()
    ]
    summary = re.search(r"^#\+ summary:(.*)$", source, re.M).group(1).strip()  # type: ignore[union-attr]
    zh, _, en = summary.partition("/ Projects")
    zh, en = zh.strip(), "Projects" + en
    assert doc.get_element_by_id("query-summary").text_content() == zh
    english = page(server, "/sparql-ui", example="projects_without_satisfaction", lang="en")
    assert english.get_element_by_id("query-summary").text_content() == en
    assert len(doc.xpath("//table[contains(@class, 'results')]/tbody/tr")) == named["total"]
    response = httpx.post(
        server.base + "/sparql-ui", timeout=60,
        data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?p a jx:Project }"},
    )  # fmt: skip
    assert response.status_code == 200
    assert (
        html.fromstring(response.text).xpath("string(//table[contains(@class,'results')]//td)")
        == "114"
    )
    bad = httpx.post(server.base + "/sparql-ui", data={"query": "SELEKT"}, timeout=60)
    assert bad.status_code == 400 and 'class="error"' in bad.text
    update = httpx.post(server.base + "/sparql-ui", data={"query": "INSERT DATA { <a:b> <a:c> 1 }"})
    assert update.status_code == 403


@pytest.mark.parametrize(
    ("fmt", "media"),
    [("json", "application/sparql-results+json"), ("csv", "text/csv"),
     ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml")],
)  # fmt: skip
def test_sparql_page_downloads_each_result_format(server: Server, fmt: str, media: str) -> None:
    query = "SELECT ?p ?n WHERE { ?p a jx:Project ; jx:name ?n } ORDER BY ?p ?n"
    response = httpx.post(
        server.base + "/sparql-ui/download", data={"query": query, "format": fmt}, timeout=60
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert "attachment" in response.headers["content-disposition"]
    assert "x-jixiao-truncated" not in response.headers
    direct = httpx.post(server.base + "/sparql", data={"query": query}, headers={"Accept": media})
    assert response.content == direct.content


def test_sparql_page_downloads_graphs_and_refuses_mismatched_formats(server: Server) -> None:
    construct = "CONSTRUCT { ?p a jx:Project } WHERE { ?p a jx:Project }"
    for fmt, media in (("ttl", "text/turtle"), ("nt", "application/n-triples"),
                       ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml")):  # fmt: skip
        response = httpx.post(server.base + "/sparql-ui/download",
                              data={"query": construct, "format": fmt}, timeout=60)  # fmt: skip
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    nt = httpx.post(server.base + "/sparql-ui/download", data={"query": construct, "format": "nt"})
    assert len(nt.text.strip().splitlines()) == 114
    wrong = httpx.post(server.base + "/sparql-ui/download",
                       data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "format": "ttl"})  # fmt: skip
    assert wrong.status_code == 406


def test_the_protocol_endpoint_and_the_api_schema_are_unchanged(server: Server) -> None:
    description = get(server, "/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200
    assert "sparql-service-description" in description.text
    paths = get(server, "/openapi.json").json()["paths"]
    assert not [p for p in paths if not p.startswith(("/sparql", "/api", "/id"))]
    assert get(server, "/static/web.css").headers["content-type"].startswith("text/css")
    assert get(server, "/static/sparql.js").status_code == 200
    assert get(server, "/static/nothing.js").status_code == 404


def test_upload_page_ingests_with_the_token(server: Server) -> None:
    doc = page(server, "/upload")
    assert doc.get_element_by_id("upload-form") is not None
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    files = {"file": (sample.name, sample.read_bytes(), "text/plain")}
    url = server.base + "/upload"
    wrong = httpx.post(url, data={"token": "nope"}, files=files, timeout=60)
    assert wrong.status_code == 401
    assert html.fromstring(wrong.text).get_element_by_id("upload-error") is not None
    missing = httpx.post(url, data={"token": TOKEN}, timeout=60)  # a form without a file
    assert missing.status_code == 415
    ok = httpx.post(url + "?lang=en", data={"token": TOKEN}, files=files, timeout=120)
    assert ok.status_code == 200, ok.text[:500]
    result = html.fromstring(ok.text)
    assert result.get("lang") == "en"
    assert result.xpath("//table[@id='upload-result']//tr/@data-status") == ["unchanged"]
    assert api_projects(server, year=2026, lacks="satisfaction")["total"] == 25


def test_upload_page_says_when_ingest_is_off(tmp_path_factory: pytest.TempPathFactory) -> None:
    with serve_copy(tmp_path_factory, "web-no-token", token=None) as srv:
        doc = page(srv, "/upload")
        assert doc.get_element_by_id("upload-disabled") is not None
        assert not doc.xpath("//form[@id='upload-form']")
        refused = httpx.post(srv.base + "/upload", data={"token": "x"}, timeout=60)
        assert refused.status_code == 403
        assert html.fromstring(refused.text).get_element_by_id("upload-error") is not None


def test_overview_coverage_counts_the_indicators_categories(server: Server) -> None:
    """The overview's "all four categories" share, against counts that follow each
    indicator's concepts (not the derived jx:coversCategory the page reads)."""
    text = page(server, "/").xpath("string(//p[strong[@id='all4-share']])")
    all4, projects = (int(n) for n in re.search(r"\((\d+)/(\d+)\)", text).groups())  # type: ignore[union-attr]
    jx = "PREFIX jx: <https://w3id.org/jixiao/ontology#>\n"
    everything = sparql_count(server, jx + "SELECT (COUNT(*) AS ?n) { ?p a jx:Project }")
    indicated = sparql_count(
        server,
        jx + "SELECT (COUNT(*) AS ?n) { ?p a jx:Project FILTER EXISTS { ?p jx:hasIndicator ?i } }",
    )
    # the share is over projects with indicators: 部门预算 projects never carry any
    assert 0 < projects == indicated < everything
    # an inverse indicator (jx:lowerIsBetter: 投诉率) never counts as satisfaction
    has = " ".join(
        f"FILTER EXISTS {{ ?p jx:hasIndicator ?i{n} . ?i{n} (jx:level1|jx:level2)/jx:category"
        f" jx:{c} FILTER ({str(c != 'CategorySatisfaction').lower()} || NOT EXISTS"
        f" {{ ?i{n} jx:lowerIsBetter true }}) }}"
        for n, c in enumerate(
            ("CategoryOutput", "CategoryEffect", "CategorySatisfaction", "CategoryCost")
        )
    )
    assert (
        0
        < all4
        == sparql_count(server, jx + f"SELECT (COUNT(*) AS ?n) {{ ?p a jx:Project {has} }}")
    )
