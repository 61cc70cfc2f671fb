"""The on-disk store: a :class:`pyoxigraph.Store` directory, one named graph per document.

- :func:`store_path` resolves ``--store``, then ``JIXIAO_STORE``, then ``./jixiao-data``.
- :func:`replace_graph` (and :func:`replace_document`, :func:`remove_graph`) swaps a named
  graph for its new content in **one** SPARQL update, i.e. one pyoxigraph transaction, so a
  process killed at any point leaves every graph as it was or as it is meant to be — never
  partial. The document's ``jx:sha256`` triple is written in the same transaction as the
  rest of its graph: a graph that holds it is complete.
- Queries see the union of all graphs as the default graph. pyoxigraph 0.5's own union
  (``use_default_graph_as_union``) repeats a triple once per graph stating it (oxigraph
  issue #1919: 000 and 002 both type the same 70 projects, so ``COUNT(*)`` of projects gave
  184 for 114), which both miscounts for SPARQL clients and multiplies join rows. So the
  store keeps the union *materialised* in its real default graph: every write adds a graph's
  triples to the default graph too, and removing a graph removes from the default graph
  the triples no other graph states — in the same transaction. :func:`ensure_union`
  rebuilds it for a store written before this layout, and :func:`ensure_coverage` derives
  the ``jx:coversCategory`` triples a store written before them lacks.
- New documents are bulk-loaded and committed by a journal (:mod:`graph.store_bulk`);
  :func:`open_store` and :func:`open_existing` first take back a write that was killed
  before its commit (:func:`graph.store_bulk.recover`).
- :func:`checkpoint` writes a RocksDB checkpoint (``Store.backup``) that another process
  may open read-only while this one keeps writing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from jixiao.graph.backend import is_remote, open_remote, store_spec
from jixiao.graph.store_bulk import recover

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
    """Open (or create) the store read-write; :class:`OSError` if it cannot be opened. A
    server's URL (``http…``) gives a :class:`graph.remote.RemoteStore` (same interface)."""
    spec = store_spec(path)
    if isinstance(spec, str):
        return open_remote(spec, write=True)  # type: ignore[return-value]
    spec.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(spec))
    recover(store)  # a write killed before its commit is taken back first
    ensure_union(store)
    ensure_coverage(store)
    return store


def open_existing(path: str | os.PathLike[str] | None = None) -> ox.Store:
    """Open a store that must exist (for queries): :class:`FileNotFoundError` otherwise."""
    spec = store_spec(path)
    if isinstance(spec, str):
        return open_remote(spec, write=False)  # type: ignore[return-value]
    if not spec.is_dir():
        raise FileNotFoundError(f"no store at {spec} (run `jixiao ingest` first)")
    store = ox.Store(str(spec))
    recover(store)  # a write killed before its commit is taken back first
    ensure_union(store)
    ensure_coverage(store)
    return store


def stored_sha256(store: ox.Store, document: str) -> str | None:
    """The sha256 recorded for ``document`` in its own graph, or None if absent."""
    graph = ox.NamedNode(document)
    for quad in store.quads_for_pattern(graph, ox.NamedNode(JX + "sha256"), None, graph):
        return quad.object.value  # type: ignore[union-attr]
    return None


def _only_here(store: ox.Store, graph: ox.NamedNode) -> list[ox.Triple]:
    """Triples of ``graph`` (blank nodes aside) that no other named graph states."""
    out = []
    for quad in store.quads_for_pattern(None, None, None, graph):
        s, p, o = quad.subject, quad.predicate, quad.object
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            continue  # a blank node belongs to one graph only; removed by pattern below
        if not any(
            isinstance(other.graph_name, ox.NamedNode) and other.graph_name != graph
            for other in store.quads_for_pattern(s, p, o, None)
        ):
            out.append(ox.Triple(s, p, o))  # type: ignore[arg-type]
    return out


def _drop_operations(store: ox.Store, name: str) -> list[str]:
    graph = ox.NamedNode(name)
    if not store.contains_named_graph(graph):
        return []
    ops = []
    orphans = _only_here(store, graph)
    if orphans:
        text = ox.serialize(orphans, format=ox.RdfFormat.N_TRIPLES) or b""
        ops.append("DELETE DATA {\n" + text.decode("utf-8") + "}")
    ops.append(
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} "
        "FILTER(isBlank(?s) || isBlank(?o)) }"
    )
    ops.append(f"DROP SILENT GRAPH <{name}>")
    return ops


def replace_graph(store: ox.Store, name: str, ntriples: str | bytes) -> None:
    """Make the named graph ``name`` hold exactly ``ntriples`` (N-Triples, as written by
    :mod:`graph.build`, pySHACL or pyoxigraph), keeping the materialised union in step,
    in one transaction. :class:`SyntaxError` (nothing changed) if the text is not valid."""
    if is_remote(store):
        store.replace_graphs({name: ntriples})  # type: ignore[attr-defined]
        return
    text = ntriples.decode("utf-8") if isinstance(ntriples, bytes) else ntriples
    ops = _drop_operations(store, name)
    if text.strip():
        ops.append(f"INSERT DATA {{\nGRAPH <{name}> {{\n{text}\n}}\n{text}\n}}")
    if ops:
        store.update(" ;\n".join(ops))


def remove_graph(store: ox.Store, name: str) -> None:
    """Remove the named graph ``name`` and what only it stated from the union."""
    if is_remote(store):
        store.replace_graphs({name: ""})  # type: ignore[attr-defined]
        return
    ops = _drop_operations(store, name)
    if ops:
        store.update(" ;\n".join(ops))


def replace_document(store: ox.Store, document: str, ntriples: str | bytes) -> None:
    """Replace the named graph ``document`` by the given N-Triples (see the module notes)."""
    replace_graph(store, document, ntriples)


def remove_document(store: ox.Store, document: str) -> None:
    """Remove ``document``'s graph with its report and its prepared facts, and prepare the
    project facts of its units and years again, in one transaction: facts left behind would
    still count the document's projects, or the categories it gave projects that other
    documents print."""
    from jixiao.graph.prepared import facts_graph
    from jixiao.graph.prepared_projects import with_project_facts
    from jixiao.graph.store_batch import replace_graphs

    graphs = {document: b"", document + "/report": b"", facts_graph(document): b""}
    replace_graphs(store, with_project_facts(store, graphs))


_UNCOPIED = f"""
SELECT ?g WHERE {{ GRAPH ?g {{ ?g <{JX}sha256> ?h }} MINUS {{ ?g <{JX}sha256> ?h }} }} LIMIT 1
"""


def ensure_union(store: ox.Store) -> bool:
    """Copy every named graph into the default graph when the default graph is empty or
    some document graph's ``jx:sha256`` triple is missing there (a store written before
    this layout, or such a copy interrupted). One transaction per graph, document graphs
    last (their ``jx:sha256`` says the copy is done), so a large store never needs one huge
    transaction and a killed copy is finished by the next call. True if graphs were copied.
    A server (:mod:`graph.remote`) keeps its union from the first write: nothing to do."""
    if is_remote(store):
        return False
    empty = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None
    if not (empty and next(iter(store.named_graphs()), None)) and not list(store.query(_UNCOPIED)):
        return False
    graphs = sorted(
        (g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)),
        key=lambda g: stored_sha256(store, g) is not None,
    )
    for name in graphs:
        store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
    return True


def _coverage_update(document: str) -> str:
    from jixiao.graph.iris import frames  # the framework's concept → category map

    pairs = " ".join(f"(<{c}> <{k}>)" for c, k in sorted(frames().category.items()))
    return f"""INSERT {{ GRAPH <{document}> {{ ?p <{JX}coversCategory> ?k }}
                    ?p <{JX}coversCategory> ?k }}
WHERE {{ SELECT DISTINCT ?p ?k WHERE {{
  GRAPH <{document}> {{
    ?p <{JX}hasIndicator> ?i .
    ?i <{JX}level1>|<{JX}level2>|<{JX}inferredLevel1>|<{JX}inferredLevel2> ?c
    OPTIONAL {{ ?i <{JX}lowerIsBetter> ?inverse }} }}
  VALUES (?c ?k) {{ {pairs} }}
  FILTER (?k != <{JX}CategorySatisfaction> || !BOUND(?inverse)) }} }}"""


def ensure_coverage(store: ox.Store) -> list[str]:
    """Derive the ``jx:coversCategory`` triples (written by :mod:`graph.build` since they
    were added to the ontology) for each document graph that has indicators but none of
    them — a store written before. One transaction per document. Returns the documents
    upgraded. Nothing to do on a server (written by this version only)."""
    if is_remote(store):
        return []
    has, covers = ox.NamedNode(JX + "hasIndicator"), ox.NamedNode(JX + "coversCategory")
    upgraded = []
    stamps = list(store.quads_for_pattern(None, ox.NamedNode(JX + "sha256"), None, None))
    for quad in stamps:  # listed first: the loop writes
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode) or quad.subject != graph:
            continue
        if next(iter(store.quads_for_pattern(None, covers, None, graph)), None) is not None:
            continue
        if next(iter(store.quads_for_pattern(None, has, None, graph)), None) is None:
            continue
        store.update(_coverage_update(graph.value))
        upgraded.append(graph.value)
    return upgraded


def graph_size(store: ox.Store, document: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{document}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)  # type: ignore[index, union-attr]


def query(
    store: ox.Store, text: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None
) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
    """Run a SPARQL query with the union of all graphs (materialised, each triple once) as
    the default graph; ``bindings`` give projected variables a value (typed terms, never
    text formatted into the query)."""
    substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()} or None
    return store.query(text, prefixes=PREFIXES, substitutions=substitutions)


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
        triples=_count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"),
        years=tuple(years),
    )


def checkpoint(store: ox.Store, directory: str | os.PathLike[str]) -> Path:
    """Flush and write a checkpoint of ``store`` to ``directory`` (must not exist)."""
    if is_remote(store):
        raise OSError(f"{store!r}: a server's store has no checkpoint; back it up there")
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

    from jixiao.ontology import ontology_path

    texts = [ontology_path(name).read_bytes() for name in _ONTOLOGY_FILES]
    digest = hashlib.sha256(b"\0".join(texts)).hexdigest()
    if stored_sha256(store, ONTOLOGY_GRAPH) == digest:
        return False
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for text in texts
               for q in ox.parse(text, ox.RdfFormat.TURTLE)]  # fmt: skip
    triples.append(ox.Triple(graph, ox.NamedNode(JX + "sha256"), ox.Literal(digest)))
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    replace_graph(store, ONTOLOGY_GRAPH, text)
    return True
