"""Write new graphs through pyoxigraph's bulk loader and still keep each batch atomic.

``Store.load`` is one transaction: 55,000 quads/s on disk where ``Store.bulk_load`` (which
writes sorted files straight into RocksDB) gives 125,000–200,000 on this machine.
But a bulk load is not a transaction: a process killed during it leaves any part of the
data. So a batch of new graphs (a document, its report and its prepared facts) is written
in five steps, with a **journal** that says which graphs are not yet committed:

1. one small transaction lists the batch's graph names in the journal graph
   (:data:`JOURNAL_GRAPH`, ``<journal> rdfs:member <graph>``);
2. the graphs' triples are bulk-loaded into their named graphs, all but the *held* ones:
   the commit triples (a document's ``jx:sha256``, whose presence has always meant "this
   document is whole") and the triples with a blank node (a load names blank nodes afresh
   at each call, and a graph's copy in the union must share its nodes);
3. the same triples are bulk-loaded into the default graph (the materialised union,
   :mod:`graph.store`) — only after step 2 ended, so that the default graph never holds a
   triple of the batch that its named graph lacks;
4. one transaction loads the held triples, into their graphs and into the default graph:
   from here on the batch is whole;
5. one transaction drops the journal graph (a kill between 4 and 5 takes the batch back
   whole: absent is as valid an outcome as present).

:func:`recover` — run by :func:`graph.store.open_store` and ``open_existing`` before
anything reads the store — removes the graphs a killed write left in the journal, and from
the default graph what only they stated (the same removal as re-ingesting, in one
transaction). A store is therefore read either without a batch or with all of it; a reader
that opens a killed store's files without jixiao (``pyoxigraph.Store`` directly) may see a
partial graph, but never a document holding its commit triple without the rest.

Small batches (under :data:`BULK_MIN_QUADS`) are loaded in one transaction as before: the
bulk loader's fixed cost (new files, later compaction) is not worth it there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

JOURNAL_GRAPH = "https://w3id.org/jixiao/id/graph/journal"
BULK_MIN_QUADS = 20_000
_MEMBER = "<http://www.w3.org/2000/01/rdf-schema#member>"
_COMMIT = " <https://w3id.org/jixiao/ontology#sha256> "
_OBJECT_BLANK = re.compile(r" _:([A-Za-z0-9_-]+) \.$", re.M)  # labels as our writers spell them
_SUBJECT_BLANK = re.compile(r"^_:", re.M)


def _plain(ntriples: str | bytes) -> str:
    """``ntriples`` as text with one triple per line, each ending in `` .``; a text in
    another layout (comments, blank lines, ``\\r``) is rewritten by pyoxigraph first.
    :class:`SyntaxError` if it is not N-Triples."""
    text = ntriples.decode("utf-8") if isinstance(ntriples, bytes) else ntriples
    if "\r" in text or text.count(" .\n") != text.count("\n") or (text and text[-1] != "\n"):
        triples = ox.parse(text, ox.RdfFormat.N_TRIPLES)
        text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    return text


def _own_blank_nodes(text: str, prefix: str) -> str:
    """Blank node labels prefixed with ``prefix``, so that two graphs loaded in one call
    keep their nodes apart (within one call a label is one node). In N-Triples a blank node
    is the subject at the start of a line or the object at its end; a literal ends in
    ``"``, a language tag or a datatype IRI, so neither pattern matches inside one."""
    if "_:" not in text:
        return text
    text = _SUBJECT_BLANK.sub(f"_:{prefix}", text)
    return _OBJECT_BLANK.sub(lambda m: f" _:{prefix}{m.group(1)} .", text)


def _held(line: str) -> bool:
    """Whether ``line`` waits for the commit transaction: a commit triple, or a triple
    with a blank node (a load names a blank node afresh at every call, so both copies of
    such a triple must come from one call — the graph and the union must share the node).
    Holding a line that need not be held costs time only: every line is loaded."""
    return _COMMIT in line or (
        "_:" in line and (line.startswith("_:") or _OBJECT_BLANK.search(line) is not None)
    )


def _split(text: str) -> tuple[str, str]:
    """(the lines bulk-loaded, the lines held for the commit transaction)."""
    if "_:" in text:
        lines = text.splitlines(keepends=True)
        held = [_held(line) for line in lines]
        return (
            "".join(line for line, h in zip(lines, held, strict=True) if not h),
            "".join(line for line, h in zip(lines, held, strict=True) if h),
        )
    # no blank node: cut out the few commit lines without splitting the whole text
    kept, held, pos = [], [], 0
    while (found := text.find(_COMMIT, pos)) >= 0:
        start = text.rfind("\n", 0, found) + 1
        end = text.index("\n", found) + 1
        kept.append(text[pos:start])
        held.append(text[start:end])
        pos = end
    kept.append(text[pos:])
    return "".join(kept), "".join(held)


def _in_graph(name: str, text: str) -> str:
    return text.replace(" .\n", f" <{name}> .\n")


def bulk_write_new(store: ox.Store, graphs: Mapping[str, str | bytes]) -> None:
    """Write ``graphs`` (none of which exists in ``store``) and their union copies, atomic
    as seen through :func:`recover` (module notes). :class:`SyntaxError` (nothing kept) if
    a text is not N-Triples; :class:`ValueError` for a name that is not an IRI."""
    texts: dict[str, str] = {}
    for k, (name, ntriples) in enumerate(graphs.items()):
        ox.NamedNode(name)  # ValueError for a name that is not an IRI
        text = _own_blank_nodes(_plain(ntriples), f"g{k}x")
        if text:
            texts[name] = text
    if not texts:
        return
    quads = sum(text.count("\n") for text in texts.values())
    if quads < BULK_MIN_QUADS or not isinstance(store, ox.Store):
        body = "".join(_in_graph(name, text) + text for name, text in texts.items())
        store.load(body, ox.RdfFormat.N_QUADS)
        return
    parts = {name: _split(text) for name, text in texts.items()}
    journal = "".join(f"<{JOURNAL_GRAPH}> {_MEMBER} <{name}> .\n" for name in texts)
    store.load(journal, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(JOURNAL_GRAPH))
    try:
        named = "".join(_in_graph(name, rest) for name, (rest, _) in parts.items())
        store.bulk_load(named, ox.RdfFormat.N_QUADS)
        del named
        store.bulk_load("".join(rest for rest, _ in parts.values()), ox.RdfFormat.N_QUADS)
        held = "".join(_in_graph(name, h) + h for name, (_, h) in parts.items() if h)
        if held:  # the commit: from here on the batch is whole (a kill before the journal
            store.load(held, ox.RdfFormat.N_QUADS)  # is dropped takes it back whole)
        store.update(f"DROP SILENT GRAPH <{JOURNAL_GRAPH}>")
    except BaseException:
        recover(store)  # a text that did not parse: take back what was written of it
        raise


def drop_operations(store: ox.Store, graph: ox.NamedNode) -> list[str]:
    """Remove ``graph`` and what only it states from the default graph (module notes).
    The test that no other graph states a triple is one index seek per triple: asked only
    for triples without blank nodes, and only of a graph that has some (a report has none:
    at 10⁶ indicators the seeks made its removal 5× slower)."""
    ops = [
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
        "FILTER(isBlank(?s) || isBlank(?o)) }"
    ]
    ground = f"GRAPH {graph} {{ ?s ?p ?o }} FILTER(!isBlank(?s) && !isBlank(?o))"
    if store.query(f"ASK {{ {ground} }}"):
        ops.append(
            f"DELETE {{ ?s ?p ?o }} WHERE {{ {ground} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {graph}) }} }}"
        )
    return [*ops, f"DROP SILENT GRAPH {graph}"]


def pending(store: ox.Store) -> list[str]:
    """The graphs a write left uncommitted (the journal's members)."""
    journal = ox.NamedNode(JOURNAL_GRAPH)
    return [
        q.object.value
        for q in store.quads_for_pattern(journal, None, None, journal)
        if isinstance(q.object, ox.NamedNode)
    ]


def recover(store: ox.Store) -> list[str]:
    """Remove what an interrupted :func:`bulk_write_new` left (module notes), in one
    transaction; the graphs removed (none when the last write was committed)."""
    if not isinstance(store, ox.Store) or not store.contains_named_graph(
        ox.NamedNode(JOURNAL_GRAPH)
    ):
        return []
    names = pending(store)
    ops = [op for name in names if store.contains_named_graph(ox.NamedNode(name))
           for op in drop_operations(store, ox.NamedNode(name))]  # fmt: skip
    store.update(" ;\n".join([*ops, f"DROP SILENT GRAPH <{JOURNAL_GRAPH}>"]))
    return names


__all__ = [
    "BULK_MIN_QUADS",
    "JOURNAL_GRAPH",
    "bulk_write_new",
    "drop_operations",
    "pending",
    "recover",
]
