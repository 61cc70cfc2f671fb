"""Reports written by ``--engine sparql`` (graph/store_batch.py, graph/validation/compiled.py):
many report graphs replaced in one transaction, the default graph staying exactly the
union of the named graphs; a report already stored is not written again; each stored
report is what pySHACL would write, after every run."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from jixiao.graph.store import JX, open_store, replace_graph
from jixiao.graph.store_batch import load_new_graphs, replace_graphs, same_graph
from jixiao.graph.validation import document_ntriples, report_graph, validate_store
from jixiao.graph.validation.compile_text import hash_joins
from jixiao.graph.validation.compiled import validate_store_sparql
from tests.conftest import unvalidated_samples


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)  # type: ignore[index, union-attr]


def assert_union(store: ox.Store) -> None:
    """The default graph holds each triple of the named graphs once, and nothing else."""
    named = _count(
        store, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    )
    default = _count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    extra = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
    assert (named, _count(store, extra)) == (default, 0)


def triples(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> set[str]:
    return {
        f"{q.subject} {q.predicate} {q.object}"
        for q in store.quads_for_pattern(None, None, None, graph)
    }


A, B, C = "https://example.org/a", "https://example.org/b", "https://example.org/c"
SHARED = "<https://example.org/x> <https://example.org/p> <https://example.org/y> .\n"


def small_store() -> ox.Store:
    store = ox.Store()
    replace_graph(store, A, SHARED + '_:b <https://example.org/p> "a" .\n')
    replace_graph(store, B, SHARED + '_:b <https://example.org/p> "b" .\n')
    replace_graph(store, C, SHARED)
    return store


def test_replace_graphs_keeps_the_union() -> None:
    store = small_store()
    new_a = '_:r <https://example.org/q> _:s .\n_:s <https://example.org/p> "new a" .\n'
    new_b = '_:r <https://example.org/q> "new b" .\n<https://example.org/z> <https://example.org/p> <https://example.org/y> .\n'
    replace_graphs(store, {A: new_a, B: new_b, "https://example.org/d": new_a})
    assert_union(store)
    assert len(triples(store, ox.NamedNode(A))) == 2 and len(triples(store, ox.NamedNode(B))) == 2
    assert SHARED.removesuffix(" .\n") in triples(store, ox.DefaultGraph())  # still C's
    replace_graphs(store, [(C, ""), (A, new_b)])  # the shared triple goes with its last graph
    assert_union(store)
    assert not store.contains_named_graph(ox.NamedNode(C))
    assert SHARED.removesuffix(" .\n") not in triples(store, ox.DefaultGraph())
    replace_graphs(store, {B: SHARED, "https://example.org/d": SHARED})
    replace_graphs(store, {B: new_a, "https://example.org/d": new_a})  # stated by both only
    assert_union(store)
    assert SHARED.removesuffix(" .\n") not in triples(store, ox.DefaultGraph())
    stated = Graph().parse(
        data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(A)), format="nt"
    )
    assert isomorphic(stated, Graph().parse(data=new_b, format="nt"))


def test_replace_graphs_is_one_transaction() -> None:
    store = small_store()
    before = {str(q) for q in store}
    with pytest.raises(SyntaxError):
        replace_graphs(
            store, {A: "<https://example.org/ok> <https://example.org/p> 1 .\n", B: "not n-triples"}
        )
    with pytest.raises(ValueError):
        replace_graphs(store, {A: SHARED, "not an iri> } ; DROP ALL ; INSERT DATA {": SHARED})
    assert {str(q) for q in store} == before


def test_new_graphs_are_loaded_whole_with_their_union() -> None:
    """Graphs new to the store are written by one N-Quads load: each graph exact, the
    union kept, blank nodes of two graphs (or two loads) never merged, a graph that
    exists is left to the update, and bad input writes nothing."""
    store = small_store()
    before = {str(q) for q in store}
    d, e = "https://example.org/d", "https://example.org/e"
    report = '_:b <https://example.org/p> "a" .\n_:b <https://example.org/q> _:c .\n'
    odd = '<https://example.org/x>  <https://example.org/p>  "a . b"@zh.\n'  # other spacing
    with pytest.raises(SyntaxError):
        load_new_graphs(store, {d: SHARED, e: "not n-triples"})
    assert {str(q) for q in store} == before
    assert not load_new_graphs(store, {d: SHARED, A: SHARED})  # A exists: nothing written
    assert {str(q) for q in store} == before
    assert load_new_graphs(store, {d: SHARED + odd, e: report})
    assert_union(store)
    assert len(triples(store, ox.NamedNode(d))) == 2 and len(triples(store, ox.NamedNode(e))) == 2
    assert '<https://example.org/x> <https://example.org/p> "a . b"@zh' in triples(
        store, ox.NamedNode(d)
    )
    replace_graphs(store, {"https://example.org/f": report})  # the same labels again
    assert_union(store)
    blanks = {term for q in store.quads_for_pattern(None, None, None, None)
              for term in (q.subject, q.object) if isinstance(term, ox.BlankNode)}  # fmt: skip
    assert len(blanks) == 2 + 2 * 2  # A's and B's, and two per report graph
    stated = Graph().parse(
        data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(e)), format="nt"
    )
    assert isomorphic(stated, Graph().parse(data=report, format="nt"))


def test_same_graph() -> None:
    text = (
        '_:r <https://example.org/f> <https://example.org/1> .\n_:r <https://example.org/v> "1" .\n'
        '_:q <https://example.org/f> <https://example.org/2> .\n_:q <https://example.org/v> "2" .\n'
        "_:r <https://example.org/d> _:s .\n_:q <https://example.org/d> _:s .\n"
    )
    relabelled = text.replace("_:r", "_:x1").replace("_:q", "_:r").replace("_:s", "_:q")
    assert same_graph(text, "".join(reversed(relabelled.splitlines(keepends=True))))
    swapped = text.replace('"1"', '"3"').replace('"2"', '"1"').replace('"3"', '"2"')
    assert not same_graph(text, swapped)  # same lines but for labels, another graph
    unshared = text.replace("_:q <https://example.org/d> _:s", "_:q <https://example.org/d> _:t")
    assert not same_graph(text, unshared + "_:t <https://example.org/e> _:t .\n")
    assert not same_graph(unshared, text)
    cycle = "_:a <https://example.org/p> _:b .\n_:b <https://example.org/p> _:a .\n"
    assert not same_graph(cycle, cycle)
    assert same_graph("", b"")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield unvalidated_samples(tmp_path_factory.mktemp("reports") / "store")


def assert_reports_as_pyshacl(store: ox.Store) -> None:
    reference = validate_store(store, engine="pyshacl", workers=1, write=False)
    for expected in reference:
        text = document_ntriples(store, report_graph(expected.document))
        assert isomorphic(Graph().parse(data=text, format="nt"), expected.report), expected.document


def test_reports_replaced_where_changed(samples: Path) -> None:
    store = open_store(samples)
    first = validate_store_sparql(store, workers=2, path=samples)  # worker processes
    assert_union(store)
    assert_reports_as_pyshacl(store)
    documents = [v.document for v in first]
    stored = {d: document_ntriples(store, report_graph(d)) for d in documents}
    # one indicator loses its name: only that document's report changes
    typed = f"<{JX}Indicator> .\n"
    texts = {d: document_ntriples(store, d).decode().splitlines(keepends=True) for d in documents}
    changed = next(d for d in documents if any(line.endswith(typed) for line in texts[d]))
    lines = texts[changed]
    indicator = next(line.split(" ")[0] for line in lines if line.endswith(typed))
    name = next(i for i, line in enumerate(lines) if line.startswith(f"{indicator} <{JX}name> "))
    replace_graph(store, changed, "".join(lines[:name] + lines[name + 1 :]))
    second = validate_store_sparql(store, workers=2, path=samples)
    index = documents.index(changed)
    assert len(second[index].findings) == len(first[index].findings) + 1
    assert_union(store)
    assert_reports_as_pyshacl(store)
    for d in documents:  # same blank node ids: not written again
        assert (document_ntriples(store, report_graph(d)) == stored[d]) == (d != changed), d
    validate_store_sparql(store, workers=1, rewrite=True)  # one process, every report anew
    assert_union(store)
    assert_reports_as_pyshacl(store)
    assert all(document_ntriples(store, report_graph(d)) != stored[d] for d in documents)
    del store
    gc.collect()


def test_filters_pushed_into_scans() -> None:
    """Conjuncts on one triple pattern's variables are tested in its scan, the others
    (``||`` at the top, BOUND, several patterns) after the joins: same rows."""
    store = ox.Store()
    rows = "".join(
        f"<https://example.org/{i}> <https://example.org/n> {i % 5} ; <https://example.org/m> {i % 3} .\n"
        for i in range(30)
    )
    store.load(rows.encode(), ox.RdfFormat.TURTLE)
    query = (
        "SELECT ?x ?n ?m WHERE { ?x <https://example.org/n> ?n ; <https://example.org/m> ?m "
        "FILTER (?n > 1 && ?m < 2 || ?n = 0) FILTER(?n != ?m && BOUND(?m)) "
        "FILTER ($n < 4 && ?m > 0 && ?n > ?m) }"
    )
    rewritten = hash_joins(query)
    assert "?m . FILTER(?m > 0) }" in rewritten and "?n . FILTER($n < 4) }" in rewritten
    assert "FILTER ((?n > ?m))" in rewritten and "FILTER (?n > 1 && ?m < 2 || ?n = 0)" in rewritten

    def answer(text: str) -> list[tuple[str, ...]]:
        return sorted(tuple(str(v) for v in row) for row in store.query(text))  # type: ignore[union-attr]

    assert answer(rewritten) == answer(query) and len(answer(query)) == 4
