"""The reference engine: pySHACL on one document at a time, in memory.

Each document's named graph is validated on its own, in an in-memory rdflib graph built from
its N-Triples plus the indicator frameworks (``framework.ttl``: the category paths need
``jx:category`` and ``skos:broader``); never on an ``oxrdflib`` store, whose typed literals
make pySHACL report false results (shared/architecture.md). The shapes only look at facts
stated in the focus node's own document, so the findings of all documents together are
exactly those of one run on the whole graph (``tests/test_validate.py`` checks this).

- :func:`validate_ntriples` / :func:`validate_graph`: one graph → :class:`Validation`;
- :func:`validate_document`: one document of the store;
- :func:`validate_store_pyshacl`: every document, in worker processes; reports written back.

The package's entry (:func:`graph.validation.validate`) chooses between this engine and the
compiled one (:mod:`graph.validation.compiled`), which gives the same findings.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import pyoxigraph as ox
import pyshacl
from rdflib import Graph

from jixiao.graph.validation.findings import Finding, read_findings
from jixiao.graph.validation.result import (
    Validation,
    document_graphs,
    document_ntriples,
    write_report_ntriples,
)
from jixiao.graph.validation.shapes import framework_triples, shapes_graph


def data_graph(ntriples: str | bytes) -> Graph:
    """An rdflib graph of one document's N-Triples plus the indicator frameworks."""
    graph = Graph()
    if ntriples:
        graph.parse(data=ntriples, format="nt")
    for triple in framework_triples():
        graph.add(triple)
    return graph


def validate_graph(data: Graph, document: str = "") -> Validation:
    """Validate ``data`` (modified in place: pySHACL adds nothing without inference)."""
    start = time.perf_counter()
    shapes = shapes_graph()
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=True,
        allow_infos=False,
        allow_warnings=False,
    )
    assert isinstance(report, Graph)
    findings = read_findings(report, shapes, data, document)
    return Validation(
        document, bool(conforms), findings, report, time.perf_counter() - start, len(data)
    )


def validate_ntriples(ntriples: str | bytes, document: str = "") -> Validation:
    """Validate one document given as N-Triples (plus the frameworks)."""
    return validate_graph(data_graph(ntriples), document)


def validate_document(store: ox.Store, document: str) -> Validation:
    """Validate one document of ``store`` (its report is not written)."""
    return validate_ntriples(document_ntriples(store, document), document)


def _worker(job: tuple[str, bytes]) -> tuple[str, bool, list[Finding], bytes, float, int]:
    document, ntriples = job
    v = validate_ntriples(ntriples, document)
    return document, v.conforms, v.findings, v.report_nt, v.seconds, v.triples


Progress = Callable[[int, int, Validation], None]


def validate_store_pyshacl(
    store: ox.Store,
    documents: Sequence[str] | None = None,
    workers: int | None = None,
    write: bool = True,
    progress: Progress | None = None,
) -> list[Validation]:
    """Validate every document graph of ``store`` (or ``documents``) in worker processes;
    with ``write`` store each report in ``<document>/report``. Results in document order.

    The store is read and written by this process only: pySHACL workers receive N-Triples
    and return findings and the report as N-Triples (RocksDB allows one writer process)."""
    names = list(documents) if documents is not None else document_graphs(store)
    count = workers if workers is not None else min(len(names), os.cpu_count() or 1)
    out: dict[str, Validation] = {}

    def collect(item: tuple[str, bool, list[Finding], bytes, float, int]) -> None:
        document, conforms, findings, report, seconds, triples = item
        validation = Validation(document, conforms, findings, None, seconds, triples, report)
        out[document] = validation
        if write:
            write_report_ntriples(store, document, report)
        if progress is not None:
            progress(len(out), len(names), validation)

    jobs = ((name, document_ntriples(store, name)) for name in names)
    if count <= 1 or len(names) <= 1:
        for job in jobs:
            collect(_worker(job))
    else:
        with ProcessPoolExecutor(max_workers=count) as pool:
            for item in pool.map(_worker, jobs):
                collect(item)
    return [out[name] for name in names]


__all__ = [
    "data_graph",
    "validate_document",
    "validate_graph",
    "validate_ntriples",
    "validate_store_pyshacl",
]
