"""The on-disk store: idempotent re-ingestion, replacement, crash safety, checkpoints."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.synth import write_corpus
from jixiao.extract.document import read_document
from jixiao.graph import iris
from jixiao.graph.build import build_document
from jixiao.graph.ingest import ingest_paths, read_one
from jixiao.graph.prepared import FACTS_SUFFIX, facts_graph, stale_facts
from jixiao.graph.prepared_projects import is_projects_graph
from jixiao.graph.store import (
    ONTOLOGY_GRAPH,
    checkpoint,
    ensure_coverage,
    ensure_union,
    graph_size,
    open_store,
    query,
    remove_graph,
    replace_graph,
    stats,
    store_path,
    stored_sha256,
)
from tests.conftest import ROOT, SAMPLES

PATHS = sorted(SAMPLES.glob("0*.txt"))


def test_store_path_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JIXIAO_STORE", raising=False)
    assert store_path() == Path("jixiao-data")
    monkeypatch.setenv("JIXIAO_STORE", str(tmp_path / "env"))
    assert store_path() == tmp_path / "env"
    assert store_path(tmp_path / "flag") == tmp_path / "flag"


def test_reingest_changes_no_count(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    ingest_paths(PATHS, store)
    first = stats(store)
    size = len(store)
    again = ingest_paths(PATHS, store)
    assert {r.status for r in again} == {"unchanged"}
    forced = ingest_paths(PATHS, store, force=True)
    assert {r.status for r in forced} == {"stored"}
    assert stats(store) == first and len(store) == size
    # 5 documents, their 5 validation reports, their 5 prepared facts and the ontology graph,
    # and the project facts of each unit and year (graph/prepared_projects.py)
    projects = sum(is_projects_graph(g.value) for g in store.named_graphs())  # type: ignore[union-attr]
    assert first.documents == 5 and projects > 0 and first.graphs == 16 + projects


def test_changed_document_replaces_its_graph(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    copy = tmp_path / "002.txt"
    text = PATHS[2].read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    (result,) = ingest_paths([copy], store)
    before = graph_size(store, result.document)
    # a corrected edition: one project row removed
    lines = text.splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if "政务信息化项目管理经费" in line)
    copy.write_text("".join(lines[:row] + lines[row + 1 :]), encoding="utf-8")
    (again,) = ingest_paths([copy], store)
    assert again.status == "stored" and again.document == result.document
    assert graph_size(store, result.document) < before
    assert stats(store).years[0].projects == 69
    assert stored_sha256(store, result.document) == read_one(copy).sha256


def test_ontology_graph_loaded_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    ingest_paths(PATHS[:1], store)
    n = graph_size(store, ONTOLOGY_GRAPH)
    ingest_paths(PATHS[1:2], store)
    assert graph_size(store, ONTOLOGY_GRAPH) == n > 500


def test_checkpoint_opens_read_only(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    ingest_paths(PATHS[:2], store)
    snap = checkpoint(store, tmp_path / "snap")
    ingest_paths(PATHS[2:3], store)  # the primary keeps writing
    reader = ox.Store.read_only(str(snap))
    # (and the project facts of their units and years, if they have projects with indicators)
    graphs = [g.value for g in reader.named_graphs() if not is_projects_graph(g.value)]  # type: ignore[union-attr]
    # the ontology, two documents, their two validation reports and two prepared facts
    assert len(graphs) == 7 and sum(g.endswith("/report") for g in graphs) == 2
    assert sum(g.endswith("/facts") for g in graphs) == 2
    assert len(reader) < len(store)


def _expected_sizes(paths: list[Path]) -> dict[str, int]:
    out = {}
    for path in paths:
        item = read_one(path)
        out[iris.document_iri(item.doc)] = len(build_document(item.doc, item.sha256))
    return out


def _ingest_and_kill(corpus: list[Path], store_dir: Path, delay: float) -> None:
    """Start ``jixiao ingest``, wait until its first document is committed, then ``delay``
    seconds more (into the next document's load), and kill it with SIGKILL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        # validation is not what is tested here, and it would slow the ingest 20-fold
        [
            sys.executable,
            "-m",
            "jixiao.api.cli",
            "ingest",
            "--no-validate",
            "--store",
            str(store_dir),
        ]
        + [str(p) for p in corpus],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    assert proc.stderr is not None
    line = ""
    while "1/3" not in line:  # the first document is committed
        line = proc.stderr.readline().decode()
        assert line, "ingest ended before its first document"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_sigkill_leaves_each_document_whole_or_absent(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "docs", 9000, per_document=3000, seed=7)
    expected = _expected_sizes(corpus)
    interrupted = False
    for attempt, delay in enumerate((2.5, 1.0, 0.3, 0.05)):  # faster machines: kill sooner
        store_dir = tmp_path / f"store{attempt}"
        _ingest_and_kill(corpus, store_dir, delay)
        store = open_store(store_dir)  # opens after the crash (a killed bulk write taken back)
        named = {g.value for g in store.named_graphs()} - {ONTOLOGY_GRAPH}
        named -= {g for g in named if is_projects_graph(g)}  # checked by stale_facts
        graphs = {g for g in named if not g.endswith(FACTS_SUFFIX)}
        assert graphs, "the first document was committed before the kill"
        # each document present came with its prepared facts, computed from it
        assert named - graphs == {facts_graph(g) for g in graphs}
        assert stale_facts(store) == []
        for graph in graphs:  # every document present is complete
            assert stored_sha256(store, graph) is not None
            assert graph_size(store, graph) == expected[graph]
        if len(graphs) < 3:
            interrupted = True
            break
    assert interrupted, "every kill came after the last document was stored"
    # and a new ingest completes the store
    del store
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jixiao.api.cli",
            "ingest",
            "-q",
            "--no-validate",
            "--store",
            str(store_dir),
        ]
        + [str(p) for p in corpus],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        check=True,
    )
    store = ox.Store(str(store_dir))
    for graph, size in expected.items():
        assert graph_size(store, graph) == size


def test_doc_iri_is_stable_across_paths(tmp_path: Path) -> None:
    copy = tmp_path / "renamed.txt"
    copy.write_bytes(PATHS[0].read_bytes())
    assert iris.document_iri(read_document(copy)) == iris.document_iri(read_document(PATHS[0]))


# --------------------------------------------------------------------------- the union graph

G1, G2 = "https://example.org/g1", "https://example.org/g2"
S, P = "<https://example.org/s>", "<https://example.org/p>"


def _default_triples(store: ox.Store) -> set[tuple[str, str, str]]:
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }


def _named_triples(store: ox.Store) -> set[tuple[str, str, str]]:
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in store
        if isinstance(q.graph_name, ox.NamedNode)
    }


def test_default_graph_is_the_union_with_each_triple_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    shared = f'{S} {P} "共享" .\n'
    replace_graph(store, G1, shared + f'{S} {P} "只在一" .\n_:b {P} "空白" .\n')
    replace_graph(store, G2, shared + f'{S} {P} "只在二" .\n')
    rows = list(query(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))
    assert rows[0]["n"].value == "4"  # shared once, not twice
    assert _default_triples(store) == _named_triples(store)
    # replacing g1 keeps what g2 still states, drops what only g1 stated (blank node too)
    replace_graph(store, G1, f'{S} {P} "新" .\n')
    assert _default_triples(store) == _named_triples(store)
    values = {row["o"].value for row in query(store, "SELECT ?o { ?s ?p ?o }")}
    assert values == {"共享", "只在二", "新"}
    remove_graph(store, G2)
    assert {row["o"].value for row in query(store, "SELECT ?o { ?s ?p ?o }")} == {"新"}
    remove_graph(store, G1)
    assert len(store) == 0


def test_bad_ntriples_change_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    replace_graph(store, G1, f'{S} {P} "一" .\n')
    before = {str(q) for q in store}
    with pytest.raises(SyntaxError):
        replace_graph(store, G1, f'{S} {P} "unterminated .\n')
    assert {str(q) for q in store} == before


def test_literals_survive_the_update_text(tmp_path: Path) -> None:
    from jixiao.graph.build import string

    store = open_store(tmp_path / "s")
    nasty = ['a\\u0041b"c\n\\', "\\\\u0022", "x\\nx", "tab\tcr\r", "〔2026〕≥90%"]
    replace_graph(store, G1, "".join(f"{S} {P} {string(v)} .\n" for v in nasty))
    assert {row["o"].value for row in query(store, "SELECT ?o { ?s ?p ?o }")} == set(nasty)
    assert {q.object.value for q in store if q.graph_name == ox.NamedNode(G1)} == set(nasty)


def test_store_of_the_old_layout_gets_its_union(tmp_path: Path) -> None:
    path = tmp_path / "old"
    old = ox.Store(str(path))  # as written before: named graphs only
    for g in (G1, G2):
        text = f'{S} {P} "一" .\n<{g}> <https://w3id.org/jixiao/ontology#sha256> "{g[-2:]}" .\n'
        old.load(text.encode(), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(g))
    old.load(
        f'{S} {P} "报告" .\n'.encode(),
        ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode(G1 + "/report"),
    )
    # an interrupted copy: g1 is in the default graph already, g2 and the report are not
    old.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    del old
    store = open_store(path)
    assert _default_triples(store) == _named_triples(store)
    assert len(_default_triples(store)) == 4
    assert ensure_union(store) is False  # complete: nothing done


def test_samples_count_each_project_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    ingest_paths(PATHS, store, validate=False)
    text = "SELECT (COUNT(*) AS ?n) { ?p a jx:Project }"
    assert next(iter(query(store, text)))["n"].value == "114"
    assert _default_triples(store) == _named_triples(store)


_DERIVED = f"""SELECT DISTINCT ?p ?c WHERE {{
  GRAPH ?g {{ ?p jx:hasIndicator ?i . ?i jx:level1|jx:level2 ?k }}
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?k jx:category ?c }}
  FILTER NOT EXISTS {{ ?i jx:lowerIsBetter true . FILTER(?c = jx:CategorySatisfaction) }} }}"""
_COVERS = "SELECT ?p ?c WHERE { ?p jx:coversCategory ?c }"


def _pairs(store: ox.Store, text: str) -> set[tuple[str, str]]:
    return {(row["p"].value, row["c"].value) for row in query(store, text)}


def test_category_coverage_derived_and_upgraded(tmp_path: Path) -> None:
    """jx:coversCategory = the categories of the project's indicators' concepts, in the
    indicators' document graph; a store written without it gets it on the next open."""
    store = open_store(tmp_path / "s")
    ingest_paths(PATHS, store, validate=False)
    expected = _pairs(store, _DERIVED)
    satisfied = {p for p, c in expected if c.endswith("#CategorySatisfaction")}
    assert len({p for p, _ in expected}) == 70 and len(satisfied) == 70 - 25
    assert _pairs(store, _COVERS) == expected
    misplaced = "ASK { GRAPH ?g { ?p jx:coversCategory ?c } FILTER NOT EXISTS { GRAPH ?g { ?p jx:hasIndicator ?i } } }"
    assert not bool(query(store, misplaced))
    store.update(
        "DELETE WHERE { GRAPH ?g { ?p <https://w3id.org/jixiao/ontology#coversCategory> ?c } } ;"
        "DELETE WHERE { ?p <https://w3id.org/jixiao/ontology#coversCategory> ?c }"
    )
    assert _pairs(store, _COVERS) == set()
    del store
    gc.collect()  # query iterators keep the store (and its lock) alive
    store = open_store(tmp_path / "s")  # the upgrade runs on open
    assert _pairs(store, _COVERS) == expected
    assert _default_triples(store) == _named_triples(store)
    assert ensure_coverage(store) == []
