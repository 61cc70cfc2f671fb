"""What every engine returns and where reports live: :class:`Validation`, the report graph
``<document>/report`` and the store's document graphs.

Both engines (:mod:`.reference`: pySHACL; :mod:`.compiled`: the shapes compiled to SPARQL)
depend on this module and on nothing of each other, so the package has no import circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph

from jixiao.graph.store import replace_graph
from jixiao.graph.validation.findings import Finding

REPORT_SUFFIX = "/report"
_DOCUMENT_GRAPHS = """
SELECT ?g WHERE { GRAPH ?g { ?g a <https://w3id.org/jixiao/ontology#SourceDocument> } }
ORDER BY ?g
"""


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
    # the compiled engine's in-memory store holding the document, when asked to keep it
    # (ingest derives the prepared facts from it instead of loading the text again)
    staged: ox.Store | None = field(default=None, repr=False, compare=False)

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


def report_graph(document: str) -> str:
    """The named graph that holds ``document``'s ``sh:ValidationReport``."""
    return document + REPORT_SUFFIX


def document_ntriples(store: ox.Store, document: str) -> bytes:
    """The triples of ``document``'s named graph, as N-Triples."""
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(document)) or b""


def document_graphs(store: ox.Store) -> list[str]:
    """IRIs of the document graphs (a graph that states ``<g> a jx:SourceDocument``)."""
    return [row["g"].value for row in store.query(_DOCUMENT_GRAPHS)]  # type: ignore[index, union-attr]


def write_report(store: ox.Store, validation: Validation) -> None:
    """Replace the report graph of ``validation.document`` by its ``sh:ValidationReport``."""
    write_report_ntriples(store, validation.document, validation.report_nt)


def write_report_ntriples(store: ox.Store, document: str, ntriples: bytes) -> None:
    """Replace ``document``'s report graph by ``ntriples`` (one transaction)."""
    replace_graph(store, report_graph(document), ntriples)


__all__ = [
    "REPORT_SUFFIX",
    "Validation",
    "document_graphs",
    "document_ntriples",
    "report_graph",
    "write_report",
    "write_report_ntriples",
]
