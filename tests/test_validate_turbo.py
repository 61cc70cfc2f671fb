"""An independent cross-check of the compiled engine beside pySHACL: pyshacl-turbo (a SHACL
engine in Rust, on PyPI), fed each document plus the frameworks as an N-Triples *file* —
its pyoxigraph-store input reads plain literals wrongly (issue #16) — must find what the
compiled engine finds, on the samples and on every hand-built case of ``test_shapes``.

Apache Jena's ``shacl`` command was the first choice: Debian 12 packages Jena 4.5.0
(``libapache-jena-java``, with ``jena-cmds.jar``), but its ``shacl.shacl`` stops at start-up
on Java 17 (``XSSimpleTypeDecl.applyFacets1: internal error`` in the Xerces copy that Debian
moved to package ``xerces`` while its message files stayed under ``org/apache/jena/ext``),
so it cannot be the cross-check here."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from jixiao.graph import iris
from jixiao.graph.build import build_document
from jixiao.graph.ingest import read_one
from jixiao.graph.validation import shapes_graph, validate
from jixiao.graph.validation.findings import read_findings
from jixiao.graph.validation.reference import data_graph
from tests.conftest import SAMPLES
from tests.test_shapes import BASE, CASES, PREFIXES

turbo = pytest.importorskip("pyshacl_turbo")

Keys = Counter[tuple[str, str, str, str | None, str | None]]


@pytest.fixture(scope="module")
def shapes_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("turbo") / "shapes.nt"
    path.write_bytes(shapes_graph().serialize(format="nt", encoding="utf-8"))
    return path


def turbo_keys(ntriples: str, document: str, shapes: Path) -> Keys:
    """pyshacl-turbo's findings on ``document`` plus the frameworks, read from a file."""
    data = data_graph(ntriples)  # the document plus framework.ttl, as pySHACL sees it
    path = shapes.with_name("data.nt")
    path.write_bytes(data.serialize(format="nt", encoding="utf-8"))
    conforms, report, _ = turbo.validate(
        str(path),
        shacl_graph=str(shapes),
        data_graph_format="nt",
        shacl_graph_format="nt",
        inference="none",
        advanced=True,
    )
    assert isinstance(report, Graph)
    found = read_findings(report, shapes_graph(), data, document)
    assert bool(conforms) == (not found)
    return Counter(f.key() for f in found)


def compiled_keys(ntriples: str, document: str) -> Keys:
    return Counter(f.key() for f in validate(ntriples, document).findings)


def test_samples_give_the_same_findings(shapes_file: Path) -> None:
    total = 0
    for path in sorted(SAMPLES.glob("*.txt")):
        item = read_one(path)
        document = iris.document_iri(item.doc)
        text = build_document(item.doc, item.sha256).text()
        mine = compiled_keys(text, document)
        assert turbo_keys(text, document, shapes_file) == mine, path.name
        total += sum(mine.values())
    assert total == 51  # the samples have findings: the comparison is not of empty sets


@pytest.mark.parametrize("name", sorted(CASES))
def test_shape_cases_give_the_same_findings(name: str, shapes_file: Path) -> None:
    old, new, extra, expected = CASES[name]
    data = BASE.replace(old, new, 1) + extra
    if name == "no_cost_2021_is_fine":
        data = data.replace('"2026"^^xsd:gYear', '"2021"^^xsd:gYear')
    triples = ox.parse((PREFIXES + data).encode(), ox.RdfFormat.TURTLE)
    text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    document = "https://example.org/doc"
    mine = compiled_keys(text, document)
    assert turbo_keys(text, document, shapes_file) == mine
    # the case's own finding is among them
    shown = {(shape.rsplit("#", 1)[-1], severity, focus.rsplit("/", 1)[-1])
             for severity, focus, shape, _, _ in mine}  # fmt: skip
    assert expected <= shown
