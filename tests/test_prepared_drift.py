"""Prepared facts that must not drift from the documents (graph/prepared.py, issue #16): a
project two documents give indicators, a report written after its document, a document
removed."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.synth import make_document
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.prepared import facts_graph, stale_facts
from jixiao.graph.store import open_store, remove_document
from tests.test_prepared import documents, report_findings, rows

JX = "https://w3id.org/jixiao/ontology#"


def twin_documents(tmp: Path, seed: int = 7, indicators: int = 40) -> list[Path]:
    """Two files that print the same projects with the same indicators: without a department
    line each is a document of its own (named by its file), the projects being the same."""
    text = make_document(seed, indicators, random.Random(seed))
    text = "\n".join(line for line in text.splitlines() if not line.startswith("部门名称"))
    paths = [tmp / "budget_a.txt", tmp / "budget_b.txt"]
    for path in paths:
        path.write_text(text + "\n", encoding="utf-8")
    return paths


@pytest.fixture
def twins(tmp_path: Path) -> ox.Store:
    store = open_store(tmp_path / "store")
    results = ingest_paths(twin_documents(tmp_path), store, validate=False)
    assert [r.status for r in results] == ["stored", "stored"]
    assert len(documents(store)) == 2
    return store


def distinct_projects(store: ox.Store) -> int:
    text = f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p <{JX}hasIndicator> ?i }}"
    return int(next(iter(store.query(text)))["n"].value)  # type: ignore[index,call-overload,union-attr]


def test_a_project_in_two_documents_is_counted_once(twins: ox.Store) -> None:
    scanned = rows(twins, "indicator_counts_by_unit_and_category_scan")
    assert scanned and rows(twins, "prepared_indicator_counts") == scanned
    totals = rows(twins, "prepared_totals")
    indicators = sum(int(r["indicators"] or 0) for r in totals)
    assert indicators == sum(int(r["indicators"]) for r in scanned)
    assert sum(int(r["withIndicators"]) for r in totals) == distinct_projects(twins)
    assert rows(twins, "prepared_unit_coverage") == rows(twins, "unit_coverage")
    assert stale_facts(twins) == []


def test_removing_a_document_removes_its_facts(twins: ox.Store) -> None:
    first, second = documents(twins)
    before = rows(twins, "prepared_totals")
    remove_document(twins, first)
    assert not twins.contains_named_graph(ox.NamedNode(facts_graph(first)))
    assert stale_facts(twins) == []
    # the other document still gives every project: the answers do not change
    assert rows(twins, "prepared_totals") == before
    assert rows(twins, "prepared_indicator_counts") == rows(
        twins, "indicator_counts_by_unit_and_category_scan"
    )
    remove_document(twins, second)
    assert stale_facts(twins) == [] and documents(twins) == []
    assert rows(twins, "prepared_totals") == []
    assert rows(twins, "projects_lacking") == []
    left = f"ASK {{ ?s <{JX}inSet> ?set }}"
    assert not twins.query(left)


def test_a_report_written_later_refreshes_the_findings(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    path = tmp_path / "one.txt"
    path.write_text(make_document(11, 30, random.Random(11)), encoding="utf-8")
    (first,) = ingest_paths([path], store, validate=False)
    assert first.status == "stored" and rows(store, "prepared_findings") == []
    (again,) = ingest_paths([path], store, validate=True)
    assert again.status == "validated"
    expected = report_findings(store)
    assert expected, "the synthetic document has findings"
    got = {r["severity"]: r["findings"] for r in rows(store, "prepared_findings")}
    assert got == expected
    assert stale_facts(store) == []
