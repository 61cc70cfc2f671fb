"""The REST API against a real uvicorn server holding the ingested sample documents."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef

from jixiao.api.settings import DOCUMENTED, field_names, from_env
from tests.conftest import SAMPLES, ingest_samples_in_child
from tests.test_sparql_protocol import Server, run_server

TOKEN = "test-token-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store_dir = tmp_path_factory.mktemp("rest") / "store"
    ingest_samples_in_child(store_dir)
    shutil.copytree(store_dir, store_dir.with_name("capped"))  # for test_totals_beyond_row_cap
    with run_server(store_dir, timeout=10, env={"JIXIAO_API_TOKEN": TOKEN}) as srv:
        yield srv


def test_totals_beyond_the_row_cap(server: Server) -> None:
    # pages are cut by the query and totals counted, so a row cap below the number of
    # projects (114) changes neither; the same store, served with JIXIAO_ROW_CAP=40
    full = get(server, "/api/projects", params={"limit": 1000}).json()
    capped_store = Path(server.store).with_name("capped")
    with run_server(capped_store, timeout=10, env={"JIXIAO_ROW_CAP": "40"}) as capped:
        over = get(capped, "/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        assert over.status_code == 422 and over.json()["error"]["code"] == "row_cap"
        last = get(capped, "/api/projects", params={"limit": 20, "offset": 100}).json()
        assert last["total"] == full["total"] == 114
        assert last["items"] == full["items"][100:114]
        beyond = get(capped, "/api/projects", params={"limit": 20, "offset": 200}).json()
        assert beyond == {"total": 114, "items": []}
        sat = get(capped, "/api/indicators", params={"category": "satisfaction", "limit": 5})
        assert sat.json()["total"] == get(server, "/api/indicators",
                                          params={"category": "satisfaction", "limit": 1000}).json()["total"]  # fmt: skip


def get(server: Server, path: str, **kwargs: object) -> httpx.Response:
    return httpx.get(server.base + path, timeout=30, **kwargs)  # type: ignore[arg-type]


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) >= {"status", "code", "message"}
    assert body["error"]["status"] == status
    if code:
        assert body["error"]["code"] == code


def test_projects_2026_lacking_satisfaction(server: Server) -> None:
    body = get(server, "/api/projects", params={"year": 2026, "lacks": "satisfaction"}).json()
    assert body["total"] == 25
    assert len(body["items"]) == 25
    item = body["items"][0]
    assert set(item) >= {"id", "name", "unit", "year", "amount"}
    assert all(i["year"] == 2026 for i in body["items"])
    # the same answer as the named query (strict, by category)
    named = get(server, "/api/queries/projects_without_satisfaction").json()["items"]
    assert {i["id"] for i in body["items"]} == {
        r["project"] for r in named if r["fiscalYear"] == 2026
    }


def test_projects_paging_and_filters(server: Server) -> None:
    everything = get(server, "/api/projects", params={"limit": 1000}).json()
    assert everything["total"] == len(everything["items"]) > 25
    page = get(server, "/api/projects", params={"limit": 5, "offset": 5}).json()
    assert page["total"] == everything["total"]
    assert page["items"] == everything["items"][5:10]
    keys = [(i["year"], i["unit"], i["name"], i["id"]) for i in everything["items"]]
    assert keys == sorted(keys)  # year, unit, name: sorted in the query on one bound key
    assert sum(i["indicators"] for i in everything["items"] if i["year"] == 2026) == 404
    unit = everything["items"][0]["unit"]
    by_name = get(server, "/api/projects", params={"unit": unit, "limit": 1000}).json()
    by_iri = get(
        server, "/api/projects", params={"unit": everything["items"][0]["unit_id"], "limit": 1000}
    ).json()
    assert 0 < by_name["total"] == by_iri["total"] < everything["total"]
    assert {i["unit"] for i in by_name["items"]} == {unit}
    lenient = get(server, "/api/projects", params={"year": 2026, "lacks": "satisfaction",
                                                   "mode": "lenient"}).json()  # fmt: skip
    assert lenient["total"] <= 25
    none = get(server, "/api/projects", params={"unit": '没有这个单位" } ; DROP ALL #'}).json()
    assert none == {"total": 0, "items": []}


@pytest.mark.parametrize(
    "params",
    [{"year": "abc"}, {"lacks": "nothing"}, {"mode": "loose"}, {"limit": 0}, {"offset": -1}],
)
def test_bad_parameters_use_the_error_shape(server: Server, params: dict) -> None:
    assert_error(get(server, "/api/projects", params=params), 422, "invalid_parameters")


def test_project_detail(server: Server) -> None:
    first = get(server, "/api/projects", params={"year": 2026, "limit": 1}).json()["items"][0]
    local = first["id"].removeprefix("https://w3id.org/jixiao/id/project/")
    detail = get(server, f"/api/projects/{local}").json()
    assert detail["id"] == first["id"] and detail["name"] == first["name"]
    assert len(detail["indicators"]) == first["indicators"] > 0
    assert {"name", "annual_target", "category"} <= set(detail["indicators"][0])
    own = {detail["id"]} | {i["id"] for i in detail["indicators"]}
    everything = get(server, "/api/findings", params={"limit": 1000}).json()["items"]
    expected = sorted(f["result"] for f in everything if f["focus"] in own)
    assert sorted(f["result"] for f in detail["findings"]) == expected
    assert_error(get(server, "/api/projects/2026/doesnotexist"), 404, "not_found")


def test_project_findings_are_its_own(server: Server) -> None:
    # a project with findings on itself or its indicators, and one without any
    items = get(server, "/api/findings", params={"limit": 1000}).json()["items"]
    projects = get(server, "/api/projects", params={"year": 2026, "limit": 1000}).json()["items"]
    seen = 0
    for project in projects[:12]:
        local = project["id"].removeprefix("https://w3id.org/jixiao/id/project/")
        detail = get(server, f"/api/projects/{local}").json()
        own = {detail["id"]} | {i["id"] for i in detail["indicators"]}
        assert {f["focus"] for f in detail["findings"]} <= own
        assert len(detail["findings"]) == sum(1 for f in items if f["focus"] in own)
        seen += len(detail["findings"])
    assert 0 < seen < len(items)


def test_lists(server: Server) -> None:
    units = get(server, "/api/units").json()
    assert units["total"] == len(units["items"]) > 0
    assert all(u["name"] and u["projects"] > 0 for u in units["items"])
    departments = get(server, "/api/departments").json()
    assert departments["total"] > 0
    satisfaction = get(server, "/api/indicators",
                       params={"category": "satisfaction", "year": 2026, "limit": 1000}).json()  # fmt: skip
    assert satisfaction["total"] > 0
    assert {i["year"] for i in satisfaction["items"]} == {2026}
    assert {i["category"] for i in satisfaction["items"]} == {
        "https://w3id.org/jixiao/ontology#CategorySatisfaction"
    }
    everything = get(server, "/api/indicators", params={"limit": 1000}).json()
    assert everything["total"] == len(everything["items"])
    assert sum(1 for i in everything["items"] if i["year"] == 2026) == 404
    keys = [(i["year"], i["project"], i["id"]) for i in everything["items"]]
    assert keys == sorted(keys)  # the page is sorted and cut inside the query
    page = get(server, "/api/indicators", params={"limit": 7, "offset": 7}).json()
    assert page == {"total": everything["total"], "items": everything["items"][7:14]}
    findings = get(server, "/api/findings", params={"limit": 1000}).json()
    assert findings["total"] == len(findings["items"]) > 0  # ingest validates each document
    keys = [(f["severity"], f["focus"]) for f in findings["items"]]
    assert keys == sorted(keys)
    second = get(server, "/api/findings", params={"limit": 5, "offset": 5}).json()
    assert second == {"total": findings["total"], "items": findings["items"][5:10]}
    results = [f["result"] for f in findings["items"]]
    assert len(results) == len(set(results))  # one item per result, not one per language
    assert all(f["message"]["zh"] and f["message"]["en"] for f in findings["items"])
    assert {f["severity"].rsplit("#", 1)[-1] for f in findings["items"]} >= {"Violation", "Warning"}


def test_named_queries(server: Server) -> None:
    listing = get(server, "/api/queries").json()
    names = {q["name"] for q in listing["items"]}
    assert "projects_without_satisfaction" in names
    assert all(q["summary"] for q in listing["items"])
    assert_error(get(server, "/api/queries/no_such_query"), 404, "not_found")
    assert_error(
        get(server, "/api/queries/projects_without_satisfaction", params={"x": "1"}),
        400,
        "unknown_parameter",
    )


def test_dereference_by_negotiation(server: Server) -> None:
    first = get(server, "/api/projects", params={"limit": 1}).json()["items"][0]
    path = "/id/" + first["id"].removeprefix("https://w3id.org/jixiao/id/")
    turtle = get(server, path, headers={"accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=turtle.text, format="turtle")
    assert len(g) > 5 and (URIRef(first["id"]), None, None) in g
    jsonld = get(server, path, headers={"accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(g)
    page = get(server, path, headers={"accept": "text/html,application/xhtml+xml"})
    assert page.headers["content-type"].startswith("text/html")
    assert first["name"] in page.text
    auditors = "/projects/" + first["id"].removeprefix("https://w3id.org/jixiao/id/project/")
    assert f"href='{auditors}'" in page.text  # the project's page for auditors
    assert get(server, auditors).status_code == 200
    assert_error(get(server, path, headers={"accept": "image/png"}), 406)
    assert_error(get(server, "/id/nothing/here"), 404)


def test_upload_needs_the_token(server: Server) -> None:
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    files = {"file": (sample.name, sample.read_bytes(), "text/plain")}
    url = server.base + "/api/documents"
    assert_error(httpx.post(url, files=files, timeout=30), 401, "unauthorized")
    wrong = {"authorization": "Bearer nope"}
    assert_error(httpx.post(url, files=files, headers=wrong, timeout=30), 401)
    ok = httpx.post(url, files=files, headers={"authorization": f"Bearer {TOKEN}"}, timeout=120)
    assert ok.status_code == 200, ok.text
    assert [d["status"] for d in ok.json()["documents"]] == ["unchanged"]
    big = {"file": ("big.txt", b"x" * (21 * 1024 * 1024), "text/plain")}
    response = httpx.post(url, files=big, headers={"authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert response.status_code == 413
    # the service still answers from its (new) checkpoint
    assert (
        get(server, "/api/projects", params={"year": 2026, "lacks": "satisfaction"}).json()["total"]
        == 25
    )


def test_openapi_and_docs(server: Server) -> None:
    schema = get(server, "/openapi.json").json()
    for path in ("/api/projects", "/api/projects/{project_id}", "/api/units", "/sparql"):
        assert path in schema["paths"], path
    assert get(server, "/docs").status_code == 200
    assert_error(get(server, "/no/such/route"), 404)


def test_api_docs_need_no_internet(server: Server) -> None:
    """The docs page names no other host: its script and styles are served here."""
    page = get(server, "/docs")
    assert page.status_code == 200
    assert not re.findall(r"(?:src|href|url)\s*[=:]\s*['\"]?(?:https?:)?//", page.text), page.text
    assets = re.findall(r"['\"](/docs-assets/[\w.\-]+)['\"]", page.text)
    assert len(assets) >= 2
    for asset in assets:
        response = get(server, asset)
        assert response.status_code == 200 and len(response.content) > 1000, asset
    assert get(server, "/redoc").status_code == 404  # it would fetch its logo from a CDN


def test_every_setting_is_documented() -> None:
    assert set(field_names()) == set(DOCUMENTED)
    settings = from_env({"JIXIAO_QUERY_TIMEOUT": "2.5", "JIXIAO_STORE": "/tmp/x"})
    assert settings.query_timeout == 2.5 and settings.store == Path("/tmp/x")
    assert from_env({}).query_timeout == 30


def test_export_gexf_download(server: Server) -> None:
    from lxml import etree

    from tests.test_export import SCHEMA

    response = get(server, "/api/export.gexf", params={"view": "full", "year": 2026})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/gexf+xml")
    assert 'filename="jixiao-full-2026.gexf"' in response.headers["content-disposition"]
    root = etree.fromstring(response.content)
    assert etree.RelaxNG(etree.parse(str(SCHEMA))).validate(root)
    ns = {"g": "http://gexf.net/1.3"}
    types = root.xpath("//g:node/g:attvalues/g:attvalue[@for='type']/@value", namespaces=ns)
    assert types.count("project") == 70
    assert "广州12345政务服务便民热线平台运营项目" in response.text
    assert_error(get(server, "/api/export.gexf", params={"view": "nope"}), 422)
