"""Ingest validates with the compiled engine by default; ``engine="pyshacl"`` keeps the
reference. Both store, for every sample document, a report with the same findings (focus
node, path, named shape, severity, value), read back from the stored report graphs."""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from jixiao.graph import iris
from jixiao.graph.build import build_document
from jixiao.graph.ingest import ingest_paths, read_one
from jixiao.graph.store import open_store
from jixiao.graph.validation import document_graphs, report_graph, shapes_graph, validate
from jixiao.graph.validation.findings import read_findings
from jixiao.graph.validation.reference import data_graph
from tests.conftest import SAMPLES

PATHS = sorted(SAMPLES.glob("*.txt"))
Keys = dict[str, Counter]


def _stored_keys(path: Path) -> Keys:
    """Per document: the findings of its stored report, as counted keys."""
    store = open_store(path)
    out: Keys = {}
    for document in document_graphs(store):
        report = Graph()
        graph = ox.NamedNode(report_graph(document))
        assert store.contains_named_graph(graph), f"{document}: no stored report"
        report.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b"",
                     format="nt")  # fmt: skip
        text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(document))
        found = read_findings(report, shapes_graph(), data_graph(text or b""), document)
        out[document] = Counter(f.key() for f in found)
    del store
    gc.collect()  # pyoxigraph releases the RocksDB lock when the Store is freed
    return out


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Keys]:
    out = {}
    for engine in ("compiled", "pyshacl"):
        path = tmp_path_factory.mktemp(f"ingest-{engine}")
        store = open_store(path)
        results = ingest_paths(PATHS, store, engine=engine)
        assert [r.status for r in results] == ["stored"] * len(PATHS)
        del store
        gc.collect()
        out[engine] = _stored_keys(path)
    return out


def test_each_engine_stores_the_same_findings(stored: dict[str, Keys]) -> None:
    compiled, reference = stored["compiled"], stored["pyshacl"]
    assert sorted(compiled) == sorted(reference)
    assert len(compiled) == len(PATHS)
    for document, keys in reference.items():
        assert compiled[document] == keys, document
    # the samples are not clean: the comparison is of real findings of every severity
    total = sum((c for c in reference.values()), Counter())
    assert {key[0] for key in total} == {"Violation", "Warning", "Info"}
    assert sum(total.values()) == 51


def test_unknown_engine_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    with pytest.raises(ValueError, match=r"unknown validation engine 'jena'.*compiled"):
        ingest_paths(PATHS[:1], store, engine="jena")
    assert list(store.named_graphs()) == []


def test_validate_leaves_the_staging_store_clean() -> None:
    """A document validated on the staging store leaves nothing behind: the next
    validation of the same graph name sees only its own text, also after bad input."""
    built = []
    for path in PATHS:
        item = read_one(path)
        built.append((iris.document_iri(item.doc), build_document(item.doc, item.sha256).text()))
    runs = [(document, text, validate(text, document)) for document, text in built]
    document, text, first = max(runs, key=lambda run: len(run[2].findings))
    assert first.findings and first.triples == text.count("\n")
    assert validate(text, document).findings == first.findings
    empty = validate(b"", document)
    assert empty.conforms and empty.findings == []
    with pytest.raises(SyntaxError):
        validate(text + "<urn:x> not n-triples .\n", document)
    assert validate(b"", document).findings == []


def test_the_same_document_twice_in_one_run_is_stored_once(tmp_path: Path) -> None:
    """The next document is prepared while one is written, except when it is the same
    document (another path to it): it is then prepared after the write, and found current."""
    copy = tmp_path / "copy.txt"
    copy.write_bytes(PATHS[2].read_bytes())
    store = open_store(tmp_path / "s")
    results = ingest_paths([PATHS[2], copy, PATHS[0]], store)
    assert [r.status for r in results] == ["stored", "unchanged", "stored"]
    assert len({r.document for r in results}) == 2
    for r in (results[0], results[2]):
        assert store.contains_named_graph(ox.NamedNode(report_graph(r.document)))
