"""Prepared answers over the union when documents share projects: document A gives project P
output and effect indicators, document B gives the same P (same IRI) a satisfaction
indicator. The strict question is about the union, so P lacks no satisfaction indicator; the
prepared lists, counts and tallies must say what the scanning queries say, through the
ingest command and a real server, and again after B is removed or either is re-ingested."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
from lxml import html

from jixiao.graph.iris import project_iri
from jixiao.graph.prepared import stale_facts
from jixiao.graph.store import open_store, remove_document
from tests.crossdoc_docs import OTHER_UNIT, UNIT, document_text, project_name, union_differences
from tests.test_prepared import documents
from tests.test_sparql_protocol import ROOT, run_server

JIXIAO = [sys.executable, "-m", "jixiao"]
P = (UNIT, project_name(UNIT, 1))  # in both documents
Q = (UNIT, project_name(UNIT, 2))  # in A only
R = (OTHER_UNIT, project_name(OTHER_UNIT, 3))  # in B only


def iri(project: tuple[str, str]) -> str:
    return project_iri(2026, *project)


def ingest(store: Path, *paths: Path) -> None:
    done = subprocess.run([*JIXIAO, "ingest", *map(str, paths), "--store", str(store)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr


def cli_ids(store: Path, name: str, *params: str) -> list[str]:
    args = [arg for p in params for arg in ("--param", p)]
    done = subprocess.run([*JIXIAO, "query", name, "--store", str(store), "--format", "json", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [b["project"]["value"] for b in json.loads(done.stdout)["results"]["bindings"]]


def check_union(store_dir: Path) -> list[str]:
    store = open_store(store_dir)
    try:
        return union_differences(store)
    finally:
        del store
        gc.collect()


def test_a_satisfaction_indicator_in_another_document_counts(tmp_path: Path) -> None:
    a, b, store = tmp_path / "budget_a.txt", tmp_path / "budget_b.txt", tmp_path / "store"
    a.write_text(document_text({P: ["output", "effect"], Q: ["output"]}), encoding="utf-8")
    b.write_text(document_text({P: ["satisfaction"], R: ["cost"]}), encoding="utf-8")
    ingest(store, a, b)
    satisfaction = "category=https://w3id.org/jixiao/ontology#CategorySatisfaction"
    scanned = cli_ids(store, "projects_without_satisfaction", "mode=strict")
    assert iri(P) not in scanned and {iri(Q), iri(R)} == set(scanned)  # the union's answer
    assert cli_ids(store, "projects_lacking_list", satisfaction) == scanned
    with run_server(store, timeout=60) as server:
        query = {"lacks": "satisfaction", "mode": "strict", "limit": 50}
        body = httpx.get(server.base + "/api/projects", params=query, timeout=60).json()
        assert [i["id"] for i in body["items"]] == scanned and body["total"] == len(scanned)
        page = httpx.get(server.base + "/audit", params=query, timeout=60)
        assert page.status_code == 200
        shown = html.fromstring(page.text).xpath("//tr[@data-project]/@data-project")
        assert shown == scanned
        query["lacks"] = "output"  # R (cost only) lacks output, P and Q do not
        body = httpx.get(server.base + "/api/projects", params=query, timeout=60).json()
        assert [i["id"] for i in body["items"]] == [iri(R)] and body["total"] == 1
    assert check_union(store) == []

    opened = open_store(store)
    first, second = documents(opened)
    doc_b = next(d for d in (first, second) if iri(R) in _projects_of(opened, d))
    remove_document(opened, doc_b)  # P is back on the list: only A gives it indicators
    assert union_differences(opened) == []
    assert iri(P) in [r for r in _lacking(opened, "satisfaction")]
    del opened
    gc.collect()

    ingest(store, b)  # B again, then B changed: P's satisfaction indicator becomes cost
    assert check_union(store) == [] and iri(P) not in cli_ids(
        store, "projects_without_satisfaction", "mode=strict")  # fmt: skip
    b.write_text(document_text({P: ["cost"], R: ["cost", "satisfaction"]}), encoding="utf-8")
    ingest(store, b)
    assert check_union(store) == []
    assert iri(P) in cli_ids(store, "projects_lacking_list", satisfaction)
    # A changed: now P covers all four categories in the union (A: output, effect,
    # satisfaction; B: cost), so the overview counts it among the complete ones
    a.write_text(document_text({P: ["output", "effect", "satisfaction"], Q: ["output"]}),
                 encoding="utf-8")  # fmt: skip
    ingest(store, a)
    assert check_union(store) == []
    assert iri(P) not in cli_ids(store, "projects_lacking_list", satisfaction)
    coverage = cli_rows(store, "prepared_unit_coverage")
    assert {r["unit"]["value"]: r["all4"]["value"] for r in coverage}[_unit(store, UNIT)] == "1"


def _projects_of(store: ox.Store, document: str) -> set[str]:
    jx = "https://w3id.org/jixiao/ontology#"
    graph = ox.NamedNode(document)
    found = store.quads_for_pattern(None, None, ox.NamedNode(jx + "Project"), graph)
    return {q.subject.value for q in found}


def _lacking(store: ox.Store, key: str) -> list[str]:
    from tests.crossdoc_docs import run

    return [r["project"] or "" for r in run(store, f"projects_without_{key}")]


def cli_rows(store: Path, name: str) -> list[dict]:
    done = subprocess.run([*JIXIAO, "query", name, "--store", str(store), "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["results"]["bindings"]


def _unit(store: Path, label: str) -> str:
    from jixiao.graph.iris import unit_iri

    return unit_iri(label)


def test_a_name_printed_two_ways_is_one_row(tmp_path: Path) -> None:
    """The same project (one IRI) printed as ``…1号项目`` and ``…1号`` and its unit with a
    space: one row, sorted by the least name and unit label as the scanning query sorts."""
    a, b, store = tmp_path / "budget_a.txt", tmp_path / "budget_b.txt", tmp_path / "store"
    others = {(UNIT, project_name(UNIT, k)): ["output"] for k in range(2, 9)}
    a.write_text(document_text({P: ["output"], **others}), encoding="utf-8")
    spaced = UNIT[:3] + " " + UNIT[3:]
    b.write_text(document_text({(spaced, P[1].removesuffix("项目")): ["effect"]}),
                 encoding="utf-8")  # fmt: skip
    ingest(store, a, b)
    ids = cli_ids(store, "projects_lacking_list",
                  "category=https://w3id.org/jixiao/ontology#CategorySatisfaction")  # fmt: skip
    assert ids.count(iri(P)) == 1
    assert ids == cli_ids(store, "projects_without_satisfaction", "mode=strict")
    assert check_union(store) == []
    opened = open_store(store)
    assert stale_facts(opened) == []
