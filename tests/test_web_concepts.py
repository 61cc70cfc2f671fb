"""The indicator library's pages and REST answers, over HTTP against a real server holding
the ingested samples."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import pytest
from lxml import etree, html

from jixiao.extract.concepts import SATISFACTION_KEY
from jixiao.graph.library import concept_iri
from tests.test_sparql_protocol import Server
from tests.web_fixtures import get, local, project_12345, serve_copy

SVG_NS = "{http://www.w3.org/2000/svg}"
SAT = local(concept_iri(SATISFACTION_KEY), "concept")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_copy(tmp_path_factory, "web-concepts") as srv:
        yield srv


def page(server: Server, path: str, status: int = 200) -> tuple[str, html.HtmlElement]:
    response = get(server, path)
    assert response.status_code == status, (path, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    return response.text, html.fromstring(response.text)


def svgs(text: str) -> list[etree._Element]:
    """Each inline SVG of the page, parsed on its own as XML (so: well-formed)."""
    return [etree.fromstring(m.encode("utf-8")) for m in re.findall(r"<svg\b.*?</svg>", text, re.S)]


def test_list_page_and_rest_agree(server: Server) -> None:
    api = get(server, "/api/concepts").json()
    assert api["total"] == len(api["items"]) == 310
    assert sum(i["indicators"] for i in api["items"]) == 404
    _, doc = page(server, "/concepts")
    rows = doc.xpath("//table[@id='concepts']/tbody/tr")
    assert [r.get("data-concept") for r in rows] == [i["concept"] for i in api["items"]]
    first = rows[0].xpath("./td/a")[0]
    assert first.text_content() == "服务对象满意度" and first.get("href") == f"/concepts/{SAT}"
    assert doc.xpath("//nav//a[@href='/concepts']")


def test_concept_page_shows_spellings_categories_chart_and_targets(server: Server) -> None:
    text, doc = page(server, f"/concepts/{SAT}")
    assert doc.xpath("string(//h1[@id='concept-label'])").strip() == "服务对象满意度"
    assert doc.xpath("string(//*[@id='concept-key'])") == SATISFACTION_KEY
    spellings = doc.xpath("//ul[@id='spellings']//span[@class='spelling']/text()")
    assert set(spellings) == {"服务对象满意度", "用户满意度", "办事群众满意度", "群众满意度",
                              "服务满意度（%）", "单位满意度"}  # fmt: skip
    broader = doc.xpath("//ul[@id='broader']/li/@data-broader")
    assert "https://w3id.org/jixiao/id/frame/gz-2026/31" in broader
    rows = doc.xpath("//table[@id='targets']/tbody/tr")
    assert len(rows) == 26  # 23 indicators of 2026 + 3 linked projects of 2024 without one
    numbered = [r for r in rows if r.get("data-number") is not None]
    charts = svgs(text)
    assert charts, "no chart"
    marks = [c for svg in charts for c in svg.iter(SVG_NS + "circle")]
    # one mark per numeric target; 数字广州宣传经费's 服务对象满意度 reads 不得产生负面舆情
    assert len(marks) == len(numbered) == 22
    assert "不得产生负面舆情" in doc.xpath("//table[@id='targets']//td[@class='raw']/text()")
    table = Counter((r.get("data-year"), Decimal(r.get("data-number"))) for r in numbered)
    drawn = Counter((c.get("data-year"), Decimal(c.get("data-number"))) for c in marks)
    assert drawn == table
    for svg in charts:  # every mark says whose target it is
        assert all(c.find(SVG_NS + "title").text for c in svg.iter(SVG_NS + "circle"))
        assert svg.get("data-unit") in {"%", "分", "份"} | {
            r.xpath("string(td[8])") for r in numbered
        }


def test_concept_rest_answer_is_the_page(server: Server) -> None:
    item = get(server, f"/api/concepts/{SAT}").json()
    assert item["label"] == "服务对象满意度" and item["key"] == SATISFACTION_KEY
    assert sum(s["indicators"] for s in item["spellings"]) == 23
    assert len(item["targets"]) == 26 and not item["lowerIsBetter"]
    named = get(server, "/api/queries/target_trajectory", params={"label": "群众满意度"}).json()
    assert named["total"] == 26
    assert sorted(r["indicator"] or "" for r in named["items"]) == sorted(
        r["indicator"] or "" for r in item["targets"]
    )


def test_inverse_concept_is_marked_and_apart(server: Server) -> None:
    items = get(server, "/api/concepts").json()["items"]
    inverse = {i["key"] for i in items if i["lowerIsBetter"]}
    assert "有效投诉率" in inverse and SATISFACTION_KEY not in inverse
    complaint = next(i for i in items if i["key"] == "有效投诉率")
    _, doc = page(server, f"/concepts/{complaint['id']}?lang=en")
    assert "lower is better" in doc.xpath("string(//h1)")


def test_project_page_links_each_indicator_to_its_concept(server: Server) -> None:
    p = project_12345(server)
    _, doc = page(server, "/projects/" + local(p["id"], "project"))
    rows = doc.xpath("//tr[@class='indicator']")
    assert len(rows) == 8
    links = [r.xpath(".//a[@class='concept']/@href") for r in rows]
    assert all(len(found) == 1 for found in links)
    target = links[5][0]  # 话务接通率
    text, concept = page(server, target)
    assert concept.xpath("string(//h1)").strip() == "话务接通率"
    assert p["name"] in concept.xpath("//table[@id='targets']//a/text()")
    assert len([c for svg in svgs(text) for c in svg.iter(SVG_NS + "circle")]) == 1


@pytest.mark.parametrize("path", ["/concepts/zz", "/concepts/0000000000000000", "/concepts/ABC"])
def test_unknown_concept_is_404(server: Server, path: str) -> None:
    page(server, path, status=404)
    response = get(server, "/api" + path)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_every_word_of_the_library_pages_is_in_the_one_word_table() -> None:
    """The pages' words come from api/web/i18n.py (one table for every page): each key a
    library template asks for exists there, in both languages."""
    from pathlib import Path

    from jixiao.api.web import concepts, i18n

    templates = Path(concepts.__file__).parent / "templates"
    keys = set()
    for name in ("concept.html", "concepts.html"):
        keys |= set(re.findall(r"\bw\('([\w.]+)'\)", (templates / name).read_text("utf-8")))
    assert len(keys) > 15
    for key in sorted(keys):
        zh, en = concepts.word("zh", key), concepts.word("en", key)
        assert zh != "concepts." + key and en != "concepts." + key, key
        assert (zh, en) == i18n._T["concepts." + key]
    assert not hasattr(concepts, "_WORDS")
