"""The on-disk store: a :class:`pyoxigraph.Store` directory, one named graph per document.

- :func:`store_path` resolves ``--store``, then ``JIXIAO_STORE``, then ``./jixiao-data``.
- :func:`replace_document` drops a document's graph, then loads the new one. Each step is
  one pyoxigraph transaction (``update`` and ``load`` are all-or-nothing), so a process
  killed at any point leaves every document graph either complete or absent — never
  partial; at worst a re-ingested document is absent until it is ingested again. The
  document's ``jx:sha256`` triple is written in the same transaction as the rest of its
  graph: a graph that holds it is complete.
- Queries see the union of all graphs as the default graph.
- :func:`checkpoint` writes a RocksDB checkpoint (``Store.backup``) that another process
  may open read-only while this one keeps writing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

DEFAULT_STORE = "jixiao-data"
JX = "https://w3id.org/jixiao/ontology#"
PREFIXES = {
    "jx": JX,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
}

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
}


def store_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``explicit`` if given, else ``$JIXIAO_STORE``, else ``./jixiao-data``."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("JIXIAO_STORE") or DEFAULT_STORE)


def open_store(path: str | os.PathLike[str] | None = None) -> ox.Store:
    """Open (or create) the store read-write; :class:`OSError` if it cannot be opened."""
    target = store_path(path)
    target.mkdir(parents=True, exist_ok=True)
    return ox.Store(str(target))


def open_existing(path: str | os.PathLike[str] | None = None) -> ox.Store:
    """Open a store that must exist (for queries): :class:`FileNotFoundError` otherwise."""
    target = store_path(path)
    if not target.is_dir():
        raise FileNotFoundError(f"no store at {target} (run `jixiao ingest` first)")
    return ox.Store(str(target))


def stored_sha256(store: ox.Store, document: str) -> str | None:
    """The sha256 recorded for ``document`` in its own graph, or None if absent."""
    graph = ox.NamedNode(document)
    for quad in store.quads_for_pattern(graph, ox.NamedNode(JX + "sha256"), None, graph):
        return quad.object.value  # type: ignore[union-attr]
    return None


def replace_document(store: ox.Store, document: str, ntriples: str | bytes) -> None:
    """Replace the named graph ``document`` by the given N-Triples (see the module notes)."""
    graph = ox.NamedNode(document)
    if store.contains_named_graph(graph):
        store.update(f"DROP SILENT GRAPH <{document}>")
    data = ntriples.encode("utf-8") if isinstance(ntriples, str) else ntriples
    store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=graph)


def remove_document(store: ox.Store, document: str) -> None:
    store.update(f"DROP SILENT GRAPH <{document}>")


def graph_size(store: ox.Store, document: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{document}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)  # type: ignore[index, union-attr]


def query(store: ox.Store, text: str) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
    """Run a SPARQL query with the union of all graphs as the default graph."""
    return store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)


def serialize(
    result: ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean, fmt: str | None
) -> bytes:
    """Results in ``fmt``: json/csv/tsv/xml for SELECT and ASK, ttl/nt/xml for CONSTRUCT."""
    if isinstance(result, ox.QueryTriples):
        name = fmt or "ttl"
        if name not in GRAPH_FORMATS:
            raise ValueError(f"format {name!r} is not available for CONSTRUCT/DESCRIBE results")
        if name == "ttl":
            return ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
        return result.serialize(format=GRAPH_FORMATS[name]) or b""
    name = fmt or "json"
    if name not in RESULT_FORMATS:
        raise ValueError(f"format {name!r} is not available for SELECT/ASK results")
    return result.serialize(format=RESULT_FORMATS[name]) or b""


def _count(store: ox.Store, text: str) -> int:
    rows = list(query(store, text))
    return int(rows[0]["n"].value) if rows else 0  # type: ignore[index, union-attr]


@dataclass(frozen=True, slots=True)
class YearStats:
    fiscal_year: str
    departments: int
    units: int
    projects: int
    indicators: int


@dataclass(frozen=True, slots=True)
class Stats:
    documents: int
    graphs: int
    triples: int
    years: tuple[YearStats, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "graphs": self.graphs,
            "triples": self.triples,
            "years": [
                {
                    "fiscal_year": y.fiscal_year,
                    "departments": y.departments,
                    "units": y.units,
                    "projects": y.projects,
                    "indicators": y.indicators,
                }
                for y in self.years
            ],
        }


_PER_YEAR = """
SELECT ?y (COUNT(DISTINCT ?dept) AS ?departments) (COUNT(DISTINCT ?unit) AS ?units)
       (COUNT(DISTINCT ?p) AS ?projects) (COUNT(DISTINCT ?i) AS ?indicators) WHERE {
  { ?d a jx:SourceDocument ; jx:fiscalYear ?y ; jx:organization ?dept }
  UNION { ?p a jx:Project ; jx:fiscalYear ?y ; jx:unit ?unit }
  UNION { ?q a jx:Project ; jx:fiscalYear ?y ; jx:hasIndicator ?i }
} GROUP BY ?y ORDER BY ?y
"""


def stats(store: ox.Store) -> Stats:
    """Counts of documents, graphs, triples and, per fiscal year, departments, units,
    projects and indicators (distinct resources over all graphs)."""
    years = []
    for row in query(store, _PER_YEAR):
        years.append(
            YearStats(
                str(row["y"].value),  # type: ignore[index, union-attr]
                *(int(row[k].value) for k in ("departments", "units", "projects", "indicators")),  # type: ignore[index, union-attr]
            )
        )
    return Stats(
        documents=_count(store, "SELECT (COUNT(DISTINCT ?d) AS ?n) { ?d a jx:SourceDocument }"),
        graphs=sum(1 for _ in store.named_graphs()),
        triples=len(store),
        years=tuple(years),
    )


def checkpoint(store: ox.Store, directory: str | os.PathLike[str]) -> Path:
    """Flush and write a checkpoint of ``store`` to ``directory`` (must not exist)."""
    store.flush()
    store.backup(str(directory))
    return Path(directory)


ONTOLOGY_GRAPH = "https://w3id.org/jixiao/id/graph/ontology"
_ONTOLOGY_FILES = ("jx.ttl", "framework.ttl", "classifications.ttl")


def ensure_ontology(store: ox.Store) -> bool:
    """Load the ontology, frameworks and classifications into their own named graph (so
    queries can follow ``jx:category`` and ``skos:broader``); reloaded only when the files
    change. Returns True when the graph was (re)loaded."""
    import hashlib

    from ontology import ontology_path

    texts = [ontology_path(name).read_bytes() for name in _ONTOLOGY_FILES]
    digest = hashlib.sha256(b"\0".join(texts)).hexdigest()
    if stored_sha256(store, ONTOLOGY_GRAPH) == digest:
        return False
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    quads = [
        ox.Quad(q.subject, q.predicate, q.object, graph)
        for text in texts
        for q in ox.parse(text, ox.RdfFormat.TURTLE)
    ]
    quads.append(ox.Quad(graph, ox.NamedNode(JX + "sha256"), ox.Literal(digest), graph))
    if store.contains_named_graph(graph):
        store.update(f"DROP SILENT GRAPH <{ONTOLOGY_GRAPH}>")
    store.extend(quads)
    return True
