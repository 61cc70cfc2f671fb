"""Replace many named graphs of the store in one transaction (see :mod:`graph.store`).

:func:`graph.store.replace_graph` swaps one graph per SPARQL update; writing the reports of
a thousand documents that way costs one transaction (and a scan of the old graph in
Python) each. :func:`replace_graphs` swaps a batch of graphs in **one** SPARQL update —
one pyoxigraph transaction: a process killed at any point leaves every graph of the batch
as it was or as it is meant to be, never partial — and keeps the union materialised in the
default graph exact, as :func:`graph.store.replace_graph` does:

1. for each graph in turn, the triples it states that no other named graph states, and
   every triple with a blank node (blank nodes belong to one graph), are deleted from the
   default graph — in SPARQL, each operation seeing the graphs the previous ones dropped,
   so a triple stated only by graphs of the batch leaves the default graph too;
2. the graph is dropped;
3. the new triples are inserted into the graph and into the default graph.

Measured (pyoxigraph 0.5, RocksDB, 10⁵ indicators, reports of ≈ 5000 triples): one
report per transaction ≈ 0.86 s, four ≈ 1.04 s each, sixteen ≈ 1.23 s each — a larger
transaction costs more per quad — so callers batch small graphs only, up to
:data:`DEFAULT_BATCH_BYTES` of N-Triples per transaction.

Blank node labels are scoped to the whole update (pyoxigraph refuses a label in two
``INSERT DATA`` blocks), so each graph's blank nodes are renamed to fresh ids first.

:func:`same_graph` tells whether two N-Triples texts are the same graph up to blank node
labels (acyclic blank nodes, as in SHACL reports), so that a graph already holding its new
content need not be written again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from jixiao.graph import store_bulk
from jixiao.graph.store_bulk import bulk_write_new, drop_operations

DEFAULT_BATCH_BYTES = 1 << 20


def _fresh_blank_nodes(ntriples: str | bytes) -> str:
    """``ntriples`` as pyoxigraph writes it (nothing but triples: safe to put in an update),
    its blank nodes renamed to random ids (no clash with another graph's labels).
    :class:`SyntaxError` if it is not N-Triples."""
    triples = ox.parse(ntriples, ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True)
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def replacement_update(
    store: ox.Store, graphs: Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]]
) -> str:
    """The SPARQL update that makes each named graph hold exactly its N-Triples (empty
    text: the graph is removed) and keeps the default graph the union of the named graphs.
    A name given twice keeps its last text. :class:`ValueError` for a name that is not an
    IRI, :class:`SyntaxError` for a text that is not N-Triples."""
    items = {ox.NamedNode(name): text for name, text in dict(graphs).items()}
    ops: list[str] = []
    for graph in items:
        if store.contains_named_graph(graph):
            ops += drop_operations(store, graph)
    for graph, ntriples in items.items():
        text = _fresh_blank_nodes(ntriples)
        if text:
            ops.append(f"INSERT DATA {{\nGRAPH {graph} {{\n{text}}}\n{text}}}")
    return " ;\n".join(ops)


def load_new_graphs(store: ox.Store, graphs: Mapping[str, str | bytes]) -> bool:
    """If no graph of ``graphs`` is in the store yet: load them all (and their copies in
    the default graph) as one batch — bulk-loaded and committed by a journal
    (:mod:`graph.store_bulk`), several times faster than the SPARQL update of
    :func:`replace_graphs` — and return True. False (nothing written) if one of them
    exists: then they must be replaced. :class:`SyntaxError` (nothing kept) if a text is
    not N-Triples."""
    if any(store.contains_named_graph(ox.NamedNode(name)) for name in graphs):
        return False
    bulk_write_new(store, graphs)
    return True


def replace_graphs(
    store: ox.Store, graphs: Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]]
) -> None:
    """Make each named graph of ``graphs`` hold exactly its N-Triples, in one transaction;
    :class:`SyntaxError` (nothing changed) if a text is not valid N-Triples. On a server
    (:class:`graph.remote.RemoteStore`, which replaces graphs itself): :mod:`graph.remote_write`.
    Graphs that are all new are loaded as N-Quads (:func:`load_new_graphs`); a large new
    document beside graphs that exist goes through the bulk loader too, those replaced in
    its commit transaction; anything else is one SPARQL update."""
    if not isinstance(store, ox.Store):  # told apart here, not by graph.backend: no import circle
        store.replace_graphs(dict(graphs))  # type: ignore[attr-defined]
        return
    graphs = dict(graphs)
    if load_new_graphs(store, graphs):
        return
    existing = {n: t for n, t in graphs.items() if store.contains_named_graph(ox.NamedNode(n))}
    new = {n: t for n, t in graphs.items() if n not in existing}
    lines = sum(t.count(b"\n" if isinstance(t, bytes) else "\n") for t in new.values())
    if new and lines >= store_bulk.BULK_MIN_QUADS:
        # a new document beside graphs that exist (the project facts of a unit and year
        # another document wrote): the new ones through the bulk loader, the others replaced
        # in its commit transaction
        bulk_write_new(store, new, then=replacement_update(store, existing))
        return
    update = replacement_update(store, graphs)
    if update:
        store.update(update)


def _triples(ntriples: str | bytes) -> list[tuple[str, str, str]] | None:
    """(subject, predicate, object) of each line, as spelt; None if a line is not
    ``subject predicate object .`` (no space in an IRI or a blank node label)."""
    text = ntriples.decode("utf-8") if isinstance(ntriples, bytes) else ntriples
    out = []
    for line in text.splitlines():
        parts = line.split(" ", 2)
        if len(parts) != 3 or not parts[2].endswith(" ."):
            return None
        out.append((parts[0], parts[1], parts[2][:-2]))
    return out


Signature = Counter[tuple[object, str, object]]


def _signature(ntriples: str | bytes) -> Signature | None:
    """The triples of ``ntriples`` with each blank node replaced by a hash of what it
    states (recursively: the tree below it) and of the triples pointing at it; None if
    unsure (a line not in the usual form, blank nodes in a cycle). Python's ``hash``: to be
    compared within one process only."""
    triples = _triples(ntriples)
    if triples is None:
        return None
    below: dict[str, list[tuple[str, str]]] = defaultdict(list)
    above: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, o in triples:
        if s.startswith("_:"):
            below[s].append((p, o))
        if o.startswith("_:"):
            above[o].append((s, p))
    tree: dict[str, int | None] = {}

    def down(node: str) -> object:
        if not node.startswith("_:"):
            return node
        if node in tree:
            found = tree[node]
            if found is None:
                raise RecursionError("blank nodes in a cycle")
            return found
        tree[node] = None
        found = hash(tuple(sorted((p, str(down(o))) for p, o in below[node])))
        tree[node] = found
        return found

    fulls: dict[str, object] = {}

    def full(node: str) -> object:
        found = fulls.get(node)
        if found is None:
            if node.startswith("_:"):
                refs = sorted((str(down(s)), p) for s, p in above[node])
                found = (down(node), hash(tuple(refs)))
            else:
                found = node
            fulls[node] = found
        return found

    try:
        return Counter((full(s), p, full(o)) for s, p, o in triples)
    except RecursionError:
        return None


def same_graph(a: str | bytes, b: str | bytes) -> bool:
    """True if the N-Triples ``a`` and ``b`` state the same graph, blank node labels aside:
    a blank node is told by the tree of triples below it and the triples pointing at it
    (exact for the tree-shaped blank nodes of SHACL reports, but for hash collisions).
    False when unsure, e.g. for a term spelt two ways (``a`` and ``b`` as pyoxigraph and
    :class:`graph.validation.report.ReportWriter` write them spell each term one way)."""
    if a.count(b"\n" if isinstance(a, bytes) else "\n") != b.count(
        b"\n" if isinstance(b, bytes) else "\n"
    ):
        return False
    first = _signature(a)
    return first is not None and first == _signature(b)


__all__ = [
    "DEFAULT_BATCH_BYTES",
    "load_new_graphs",
    "replace_graphs",
    "replacement_update",
    "same_graph",
]
