"""Findings as CSV and XLSX (the rows of ``/findings``), rule names from the shapes' labels,
and documents by title, against a real server holding the ingested samples."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html
from openpyxl import load_workbook
from rdflib import RDF, RDFS, SH, Graph, URIRef

from jixiao.api.web import export
from jixiao.api.web.findings_export import headers, table
from tests.conftest import ROOT
from tests.test_sparql_protocol import Server
from tests.web_fixtures import get, serve_copy, sparql_count

JX = "https://w3id.org/jixiao/ontology#"
COUNT = "PREFIX sh: <http://www.w3.org/ns/shacl#>\nSELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g { ?rep sh:result ?r . ?r sh:resultSeverity ?s FILTER(%s) } }"


def labels() -> dict[str, dict[str, str]]:
    """Each named shape's rdfs:label per language, read here straight from the Turtle."""
    graph = Graph()
    for path in sorted((ROOT / "ontology" / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    out: dict[str, dict[str, str]] = {}
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in graph.subjects(RDF.type, kind):
            if isinstance(shape, URIRef):
                out[str(shape)] = {
                    label.language: str(label) for label in graph.objects(shape, RDFS.label)
                }
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_copy(tmp_path_factory, "web-findings", token=None) as srv:
        yield srv


def download(server: Server, path: str, **params: str) -> list[list[str]]:
    response = get(server, path, params=params)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert int(response.headers["x-total-count"]) == len(rows) - 1
    return rows


def page_rows(server: Server, **params: str) -> list[tuple[str, str, str]]:
    response = get(server, "/findings", params=params)
    assert response.status_code == 200
    doc = html.fromstring(response.text)
    return [
        (tr.get("data-severity"), tr.xpath("string(./td[2])").strip(), tr.get("data-focus"))
        for tr in doc.xpath("//table[@id='findings']/tbody/tr")
    ]


def test_every_shape_has_a_label_in_both_languages() -> None:
    found = labels()
    assert len(found) == 28
    for shape, names in found.items():
        assert set(names) >= {"zh", "en"}, shape
        assert re.search(r"[\u4e00-\u9fff]", names["zh"]) and "Shape" not in names["en"], shape


def test_findings_csv_has_the_rows_of_the_page(server: Server) -> None:
    rows = download(server, "/findings.csv")
    assert rows[0] == headers("zh") and rows[0][:2] == ["严重程度", "规则"]
    on_page = page_rows(server)
    assert len(rows) - 1 == len(on_page) == sparql_count(server, COUNT % "true") == 51
    keys = rows[0].index("对象 IRI"), rows[0].index("规则")
    assert [(r[0], r[keys[1]], r[keys[0]]) for r in rows[1:]] == [
        ({"Violation": "违规", "Warning": "警告", "Info": "提示"}[s], rule, focus)
        for s, rule, focus in on_page
    ]


@pytest.mark.parametrize("severity", ["Violation", "Warning", "Info"])
def test_findings_csv_takes_the_page_parameters(server: Server, severity: str) -> None:
    rows = download(server, "/findings.csv", severity=severity)
    expected = sparql_count(server, COUNT % f"?s = sh:{severity}")
    assert len(rows) - 1 == expected == len(page_rows(server, severity=severity)) > 0
    satisfaction = download(server, "/findings.csv", shape="ProjectSatisfactionShape")
    assert len(satisfaction) - 1 == 25
    assert {r[1] for r in satisfaction[1:]} == {labels()[JX + "ProjectSatisfactionShape"]["zh"]}
    bad = get(server, "/findings.csv", params={"severity": "Bogus"})
    assert bad.status_code == 400


def test_rule_names_are_the_shapes_labels(server: Server) -> None:
    names = labels()
    for lang in ("zh", "en"):
        rows = download(server, "/findings.csv", lang=lang)
        key = rows[0].index("规则标识" if lang == "zh" else "Rule key")
        for row in rows[1:]:
            assert row[1] == names[JX + row[key]][lang], row
    doc = html.fromstring(get(server, "/findings").text)
    shown = [td.text_content() for td in doc.xpath("//table[@id='findings']/tbody/tr/td[2]")]
    assert shown and not [s for s in shown if "Shape" in s]
    options = doc.xpath("//select[@name='shape']/option[@value!='']/text()")
    assert options and not [o for o in options if "Shape" in o]


def test_findings_xlsx_has_the_same_rows(server: Server) -> None:
    response = get(server, "/findings.xlsx", params={"severity": "Warning"})
    assert response.status_code == 200
    assert "jixiao-findings-Warning.xlsx" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    as_csv = download(server, "/findings.csv", severity="Warning")
    assert [list(v) for v in values[0:1]] == [as_csv[0]]
    assert len(values) == len(as_csv)
    assert [str(v[2]) for v in values[1:]] == [r[2] for r in as_csv[1:]]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"


def test_documents_are_shown_by_title(server: Server) -> None:
    rows = download(server, "/findings.csv")
    document, file = rows[0].index("来源文件"), rows[0].index("文件名")
    assert {r[document] for r in rows[1:]} <= {
        "广州市政务服务和数据管理局 2026年项目支出绩效目标表",
        "广州市数字政府运营中心 2024年部门预算",
        "广州市海珠区政务服务和数据管理局 2025年部门预算",
        "广州市政务服务数据管理局 2020年部门预算",
        "广州市政务服务和数据管理局 2026年部门预算",
    }
    assert all(r[file].endswith(".txt") for r in rows[1:])
    doc = html.fromstring(get(server, "/findings").text)
    cells = doc.xpath("//table[@id='findings']/tbody/tr/td[@class='doc']")
    assert cells and not [c for c in cells if ".txt" in c.text_content()]
    assert all(c.xpath("string(./span/@title)").endswith(".txt") for c in cells)


def test_row_cap_does_not_cut_the_download(
    server: Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    everything = download(server, "/findings.csv")
    with serve_copy(
        tmp_path_factory, "web-findings-capped", token=None, JIXIAO_ROW_CAP="7"
    ) as capped:
        assert download(capped, "/findings.csv") == everything


def test_cells_that_look_like_formulas_are_neutralised(tmp_path: Path) -> None:
    row = {
        "severity": "Violation", "shape_key": "IndicatorNameShape", "project_name": "=HYPERLINK(1)",
        "year": 2026, "indicator_name": "+SUM(A1)", "project": "p", "focus": "f",
        "message_zh": "@cmd", "message_en": "-1", "value": "=1+1", "line": 3,
        "document_name": "a.txt", "document_kind": None, "document_year": None,
        "document_department": None,
    }  # fmt: skip
    lines = table([row], "zh")
    text = export.csv_bytes(headers("zh"), lines).decode("utf-8-sig")
    (parsed,) = list(csv.reader(io.StringIO(text)))[1:]
    assert parsed[2] == "'=HYPERLINK(1)" and parsed[4] == "'+SUM(A1)" and parsed[5] == "'@cmd"
    assert parsed[6] == "'=1+1" and parsed[1] == "指标名称"
    data = export.xlsx_bytes(headers("zh"), lines, "findings", [10] * len(lines[0]))
    path = tmp_path / "f.xlsx"
    path.write_bytes(data)
    sheet = load_workbook(path).active
    assert sheet["C2"].data_type == "s" and sheet["C2"].value == "=HYPERLINK(1)"
    assert sheet["G2"].data_type == "s"
