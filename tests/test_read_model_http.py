"""Issue #16 over HTTP, against a real uvicorn server on the samples: one question gives the
same rows through REST, the audit page and ``jixiao query``; keyset paging (``after=``)."""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import shutil
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.api.cli import main
from jixiao.graph.categories import categories
from jixiao.graph.store import PREFIXES
from tests.test_sparql_protocol import Server, run_server
from tests.web_fixtures import get, pristine_store, serve_copy

YEARS = [None, 2020, 2024, 2025, 2026]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_copy(tmp_path_factory, "readmodel", token=None) as srv:
        yield srv


def rest_rows(server: Server, **params: object) -> list[dict]:
    given_params = {k: v for k, v in params.items() if v is not None}
    response = get(server, "/api/projects", params={**given_params, "limit": 1000})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def audit_rows(server: Server, **params: object) -> list[dict]:
    """The rows of the audit page's table, as its CSV download gives them (all pages)."""
    given_params = {k: v for k, v in params.items() if v is not None}
    response = get(server, "/audit.csv", params={**given_params, "lang": "en"})
    assert response.status_code == 200, response.text
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return [{"id": r["IRI"], "name": r["Project"], "unit": r["Unit"], "year": int(r["Year"])}
            for r in reader]  # fmt: skip


def cli_rows(server: Server, capsysbinary: pytest.CaptureFixture[bytes], name: str,
             params: list[str]) -> list[dict]:  # fmt: skip
    pairs = [f"--param={p}" for p in params]
    status = main(["query", name, "--store", str(server.store), "--format", "json", *pairs])
    out = capsysbinary.readouterr().out
    assert status == 0, out
    rows = json.loads(out)["results"]["bindings"]
    return [{"id": r["project"]["value"], "name": r["name"]["value"], "unit": r["unit"]["value"],
             "year": int(r["fiscalYear"]["value"]), "unit_id": r["unitId"]["value"],
             "amount": float(r["amount"]["value"]) if "amount" in r else None,
             "indicators": int(r["indicators"]["value"])} for r in rows]  # fmt: skip


def test_one_question_one_answer_everywhere(
    server: Server, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    seen = 0
    for category in categories():
        for mode in ("strict", "lenient"):
            for year in YEARS:
                params = {"lacks": category.key, "mode": mode, "year": year}
                rest = rest_rows(server, **params)
                cli_params = [f"mode={mode}"] + ([f"year={year}"] if year else [])
                scanned = cli_rows(server, capsysbinary, f"projects_without_{category.key}",
                                   cli_params)  # fmt: skip
                if mode == "strict":  # read from the prepared facts: the same projects
                    cli_params = [f"category={category.iri}", *cli_params[1:]]
                    cli = cli_rows(server, capsysbinary, "projects_lacking_list", cli_params)
                    assert sorted(cli, key=str) == sorted(scanned, key=str), params
                else:
                    cli = scanned
                assert cli == rest, params
                shown = [{k: r[k] for k in ("id", "name", "unit", "year")} for r in rest]
                assert audit_rows(server, **params) == shown, params
                seen += len(rest)
    assert seen > 0
    # and without lacks=: the projects of a year, everywhere
    for year in YEARS:
        rest = rest_rows(server, year=year)
        cli = cli_rows(server, capsysbinary, "projects", [f"year={year}"] if year else [])
        assert cli == rest
        assert audit_rows(server, year=year) == [
            {k: r[k] for k in ("id", "name", "unit", "year")} for r in rest
        ]


def walk(server: Server, path: str, limit: int, **params: object) -> list[dict]:
    """Every row of a list, page after page through the ``Link: rel=next`` cursors."""
    rows: list[dict] = []
    response = get(server, path, params={**params, "limit": limit})
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        rows += body["items"]
        if "next" not in response.links:
            assert len(body["items"]) < limit or len(rows) == body["total"]
            return rows
        assert len(body["items"]) == limit
        response = get(server, response.links["next"]["url"].removeprefix(server.base))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(limit=st.integers(min_value=1, max_value=130), year=st.sampled_from(YEARS))
def test_walking_projects_by_cursor_gives_the_whole_list(
    server: Server, limit: int, year: int | None
) -> None:
    whole = rest_rows(server, year=year)
    params = {} if year is None else {"year": year}
    walked = walk(server, "/api/projects", limit, **params)
    assert walked == whole  # in order, no row twice, none left out
    lacking = rest_rows(server, lacks="satisfaction", mode="lenient", year=year)
    walked = walk(server, "/api/projects", limit, lacks="satisfaction", mode="lenient", **params)
    assert walked == lacking


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(limit=st.integers(min_value=40, max_value=400))
def test_walking_indicators_by_cursor_gives_the_whole_list(server: Server, limit: int) -> None:
    whole = get(server, "/api/indicators", params={"limit": 1000}).json()
    assert whole["total"] == len(whole["items"]) > limit
    assert walk(server, "/api/indicators", limit) == whole["items"]
    satisfaction = get(
        server, "/api/indicators", params={"limit": 1000, "category": "satisfaction"}
    )
    assert (
        walk(server, "/api/indicators", 7, category="satisfaction")
        == (satisfaction.json()["items"])
    )


def test_a_cursor_is_checked(server: Server) -> None:
    first = get(server, "/api/projects", params={"limit": 3})
    cursor = first.links["next"]["url"].split("after=")[1]
    both = get(server, "/api/projects", params={"limit": 3, "offset": 3, "after": cursor})
    assert both.status_code == 400 and both.json()["error"]["code"] == "bad_parameter"
    for bad in ("not-a-cursor", "WyJ4Il0", cursor[:-3] + "!!!"):
        response = get(server, "/api/projects", params={"limit": 3, "after": bad})
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "bad_cursor"
    second = get(server, "/api/projects", params={"limit": 3, "offset": 3}).json()
    assert get(server, "/api/projects", params={"limit": 3, "after": cursor}).json() == second


def test_the_audit_lists_do_not_stop_at_the_row_cap(
    server: Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # the page is cut and counted by the query; the downloads read every page by cursor
    whole = rest_rows(server)
    assert len(whole) > 100
    with serve_copy(tmp_path_factory, "readmodel-capped", token=None,
                    JIXIAO_ROW_CAP="40") as capped:  # fmt: skip
        shown = [{k: r[k] for k in ("id", "name", "unit", "year")} for r in whole]
        assert audit_rows(capped) == shown
        page = get(capped, "/audit", params={"lang": "en"})
        assert page.status_code == 200
        figures = re.search(r'id="amount-total">[^<]*?([\d,]+\.\d\d)', page.text)
        assert figures is not None
        assert float(figures.group(1).replace(",", "")) == pytest.approx(
            sum(r["amount"] or 0 for r in whole)
        )
        assert f'data-total="{len(whole)}"' in page.text


def test_serve_brings_an_older_ontology_up_to_date(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # a store ingested before the categories had search words (skos:hiddenLabel): the
    # lenient audit would find no word; the service loads the current ontology at start
    store_dir = tmp_path_factory.mktemp("old-ontology") / "store"
    shutil.copytree(pristine_store(tmp_path_factory), store_dir)
    store = ox.Store(str(store_dir))
    ask = "ASK { jx:CategorySatisfaction skos:hiddenLabel ?word }"
    assert store.query(ask, prefixes=PREFIXES)
    store.update(OLDER_ONTOLOGY, prefixes=PREFIXES)
    assert not store.query(ask, prefixes=PREFIXES)
    del store
    gc.collect()
    with run_server(store_dir, timeout=30) as served:
        response = get(served, "/sparql", params={"query": "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
                                                   "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " + ask},
                       headers={"Accept": "application/sparql-results+json"})  # fmt: skip
        assert response.json()["boolean"] is True


OLDER_ONTOLOGY = """
DELETE WHERE { GRAPH <https://w3id.org/jixiao/id/graph/ontology> { ?c skos:hiddenLabel ?w } } ;
DELETE WHERE { ?c skos:hiddenLabel ?w } ;
DELETE { GRAPH ?g { ?g jx:sha256 ?s } ?g jx:sha256 ?s }
INSERT { GRAPH ?g { ?g jx:sha256 "an older ontology" } ?g jx:sha256 "an older ontology" }
WHERE { BIND (<https://w3id.org/jixiao/id/graph/ontology> AS ?g) GRAPH ?g { ?g jx:sha256 ?s } }
"""


def test_named_queries_take_their_slots_and_hide_the_internal_ones(server: Server) -> None:
    listed = get(server, "/api/queries").json()["items"]
    names = {q["name"] for q in listed}
    assert "projects_without_cost" in names and "finding_list" not in names
    assert all("internal" not in q.get("tags", "") for q in listed)
    cost = next(q for q in listed if q["name"] == "projects_without_cost")
    assert cost["slots"]["mode"] == ["strict", "lenient"] and cost["params"]["year"] == "gYear"
    for year in (2025, 2026):
        params = {"mode": "lenient", "year": year}
        named = get(server, "/api/queries/projects_without_cost", params=params).json()["items"]
        rest = rest_rows(server, lacks="cost", **params)
        assert [r["project"] for r in named] == [r["id"] for r in rest]
    bad = get(server, "/api/queries/projects_without_cost", params={"mode": "loose"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_parameter"
