"""SHACL validation of document graphs with pySHACL (``ontology/shapes/*.ttl``).

Each document's named graph is validated on its own, in an in-memory rdflib graph built from
its N-Triples plus the indicator frameworks (``framework.ttl``: the category paths need
``jx:category`` and ``skos:broader``); never on an ``oxrdflib`` store, whose typed literals
make pySHACL report false results (shared/architecture.md). The shapes only look at facts
stated in the focus node's own document, so the findings of all documents together are
exactly those of one run on the whole graph (``tests/test_validate.py`` checks this).

- :func:`validate_ntriples` / :func:`validate_graph`: one graph → :class:`Validation`;
- :func:`validate_document`: one document of the store; :func:`write_report` stores its
  report in the named graph ``<document>/report``;
- :func:`validate_store`: every document, in worker processes; reports written back; with
  ``engine="sparql"`` the shapes compiled to SPARQL run on the store instead
  (:mod:`graph.shacl_sparql`, :mod:`graph.shacl_sparql_run`), with the same findings.

Cross-document rules are SPARQL queries on the store (``queries/check_*.rq``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pyoxigraph as ox
import pyshacl
from rdflib import Graph

from jixiao.graph.findings import Finding, merge_reports, read_findings
from jixiao.graph.store import replace_graph

REPORT_SUFFIX = "/report"
ENGINES = ("sparql", "pyshacl")
_DOCUMENT_GRAPHS = """
SELECT ?g WHERE { GRAPH ?g { ?g a <https://w3id.org/jixiao/ontology#SourceDocument> } }
ORDER BY ?g
"""


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Every ``ontology/shapes/*.ttl``, parsed once per process."""
    graph = Graph()
    folder = resources.files("jixiao.ontology").joinpath("shapes")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl"):
            graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
    return graph


@lru_cache(maxsize=1)
def framework_triples() -> tuple[tuple, ...]:
    from jixiao.ontology import load_graph

    return tuple(load_graph("framework.ttl"))


def data_graph(ntriples: str | bytes) -> Graph:
    """An rdflib graph of one document's N-Triples plus the indicator frameworks."""
    graph = Graph()
    if ntriples:
        graph.parse(data=ntriples, format="nt")
    for triple in framework_triples():
        graph.add(triple)
    return graph


@dataclass(slots=True)
class Validation:
    """The outcome of validating one graph (usually one document). The report is kept as
    an rdflib graph or as N-Triples (whichever the engine made); each is made from the
    other on demand (:attr:`report`, :attr:`report_nt`)."""

    document: str
    conforms: bool
    findings: list[Finding]
    graph: Graph | None = field(default=None, repr=False)
    seconds: float = 0.0
    triples: int = 0
    ntriples: bytes | None = field(default=None, repr=False)

    @property
    def report(self) -> Graph:
        """The ``sh:ValidationReport`` graph."""
        if self.graph is None:
            self.graph = Graph()
            self.graph.parse(data=self.ntriples or b"", format="nt")
        return self.graph

    @property
    def report_nt(self) -> bytes:
        """The report as N-Triples."""
        if self.ntriples is None:
            self.ntriples = self.report.serialize(format="nt", encoding="utf-8")
        return self.ntriples


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
    return validate_graph(data_graph(ntriples), document)


def document_ntriples(store: ox.Store, document: str) -> bytes:
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(document)) or b""


def document_graphs(store: ox.Store) -> list[str]:
    """IRIs of the document graphs (a graph that states ``<g> a jx:SourceDocument``)."""
    return [row["g"].value for row in store.query(_DOCUMENT_GRAPHS)]  # type: ignore[index, union-attr]


def report_graph(document: str) -> str:
    return document + REPORT_SUFFIX


def validate_document(store: ox.Store, document: str) -> Validation:
    return validate_ntriples(document_ntriples(store, document), document)


def write_report(store: ox.Store, validation: Validation) -> None:
    """Replace the report graph of ``validation.document`` by its ``sh:ValidationReport``."""
    write_report_ntriples(store, validation.document, validation.report_nt)


def write_report_ntriples(store: ox.Store, document: str, ntriples: bytes) -> None:
    replace_graph(store, report_graph(document), ntriples)


def validate_and_store(store: ox.Store, document: str, engine: str = "pyshacl") -> Validation:
    """Validate one stored document and store its report: the hook for ``ingest``
    (``engine="sparql"``: the compiled shapes, same findings, ≈ 30× faster)."""
    if engine == "sparql":
        from jixiao.graph.shacl_sparql_run import validate_document_sparql

        validation = validate_document_sparql(store, document)[0]
    elif engine == "pyshacl":
        validation = validate_document(store, document)
    else:
        raise ValueError(f"unknown validation engine {engine!r} (one of {', '.join(ENGINES)})")
    write_report(store, validation)
    return validation


def _worker(job: tuple[str, bytes]) -> tuple[str, bool, list[Finding], bytes, float, int]:
    document, ntriples = job
    v = validate_ntriples(ntriples, document)
    return document, v.conforms, v.findings, v.report_nt, v.seconds, v.triples


Progress = Callable[[int, int, "Validation"], None]


def validate_store(
    store: ox.Store,
    documents: Sequence[str] | None = None,
    workers: int | None = None,
    write: bool = True,
    progress: Progress | None = None,
    engine: str = "pyshacl",
    path: str | os.PathLike[str] | None = None,
) -> list[Validation]:
    """Validate every document graph of ``store`` (or ``documents``) in worker processes;
    with ``write`` store each report in ``<document>/report``. Results in document order.

    ``engine`` "pyshacl" (the reference) or "sparql": the same shapes compiled to SPARQL
    and run on the store (:mod:`graph.shacl_sparql_run`; same findings and reports, much
    faster; its worker processes need the store's directory ``path``).

    The store is read and written by this process only: pySHACL workers receive N-Triples
    and return findings and the report as N-Triples (RocksDB allows one writer process)."""
    if engine == "sparql":
        from jixiao.graph.shacl_sparql_run import validate_store_sparql

        return validate_store_sparql(store, documents, workers, write, progress, path)
    if engine != "pyshacl":
        raise ValueError(f"unknown validation engine {engine!r} (one of {', '.join(ENGINES)})")
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


def all_findings(validations: Sequence[Validation]) -> list[Finding]:
    return [f for v in validations for f in v.findings]


def merged_report(validations: Sequence[Validation]) -> Graph:
    return merge_reports(v.report for v in validations)
