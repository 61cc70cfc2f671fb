"""Write new graphs through pyoxigraph's bulk loader and still keep each batch atomic.

``Store.load`` is one transaction: 55,000 quads/s on disk where ``Store.bulk_load`` (which
writes sorted files straight into RocksDB) gives 125,000–200,000 on this machine.
But a bulk load is not a transaction: a process killed during it leaves any part of the
data. So a batch of new graphs (a document, its report and its prepared facts) is written
in five steps, with a **journal** that says which graphs are not yet committed:

1. one small transaction lists the batch's graph names in the journal graph
   (:data:`JOURNAL_GRAPH`, ``<journal> rdfs:member <graph>``);
2. the graphs' ground triples are bulk-loaded into their named graphs — all but the
   *commit triples* (a document's ``jx:sha256``, whose presence has always meant "this
   document is whole") and the triples with a blank node;
3. then one bulk load writes the union's copies (the default graph, :mod:`graph.store`)
   and both copies of the blank-node triples (a load names blank nodes afresh at each
   call, but within one call a label is one node: a graph and the union share it). The
   union thus never holds a ground triple of the batch that its named graph lacks;
4. one transaction adds the commit triples (to their graphs and to the union) and drops
   the journal: from then on the batch is whole.

:func:`recover` — run by :func:`graph.store.open_store` and ``open_existing`` before
anything reads the store — removes the graphs a killed write left in the journal, from
the default graph what only they stated (the same removal as re-ingesting), and the
union's blank-node triples that no graph states (a kill in step 3), in one transaction.
A store is therefore read either without a batch or with all of it; a reader that opens
a killed store's files without jixiao (``pyoxigraph.Store`` directly) may see a partial
graph, but never a document holding its commit triple without the rest.

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


def _blank(line: str) -> bool:
    """Whether ``line`` (a triple of a text in :func:`_plain` layout) has a blank node."""
    return "_:" in line and (line.startswith("_:") or _OBJECT_BLANK.search(line) is not None)


def _split(text: str) -> tuple[str, str, str]:
    """(ground lines, lines with a blank node, commit lines) of ``text``. A line put in a
    later part than it needs costs time only: every part is loaded."""
    if "_:" in text:
        lines = text.splitlines(keepends=True)
        commit = [line for line in lines if _COMMIT in line]
        rest = [line for line in lines if _COMMIT not in line]
        blank = [_blank(line) for line in rest]
        return (
            "".join(line for line, b in zip(rest, blank, strict=True) if not b),
            "".join(line for line, b in zip(rest, blank, strict=True) if b),
            "".join(commit),
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
    return "".join(kept), "", "".join(held)


def _in_graph(name: str, text: str) -> str:
    return text.replace(" .\n", f" <{name}> .\n")


def bulk_write_new(store: ox.Store, graphs: Mapping[str, str | bytes], then: str = "") -> None:
    """Write ``graphs`` (none of which exists in ``store``) and their union copies, atomic
    as seen through :func:`recover` (module notes). ``then``, a SPARQL update (replacing
    graphs that exist: :func:`graph.store_batch.replacement_update`), runs in the commit's
    transaction, so the batch and it are written together or not at all.
    :class:`SyntaxError` (nothing kept) if a text is not N-Triples; :class:`ValueError` for
    a name that is not an IRI."""
    texts: dict[str, str] = {}
    for k, (name, ntriples) in enumerate(graphs.items()):
        ox.NamedNode(name)  # ValueError for a name that is not an IRI
        text = _own_blank_nodes(_plain(ntriples), f"g{k}x")
        if text:
            texts[name] = text
    if not texts and not then:
        return
    quads = sum(text.count("\n") for text in texts.values())
    if then and (quads < BULK_MIN_QUADS or not isinstance(store, ox.Store)):
        body = "".join(f"GRAPH <{name}> {{\n{text}}}\n{text}" for name, text in texts.items())
        store.update(f"INSERT DATA {{\n{body}}} ;\n{then}" if body else then)  # one transaction
        return
    if quads < BULK_MIN_QUADS or not isinstance(store, ox.Store):
        body = "".join(_in_graph(name, text) + text for name, text in texts.items())
        store.load(body, ox.RdfFormat.N_QUADS)
        return
    parts = {name: _split(text) for name, text in texts.items()}
    journal = "".join(f"<{JOURNAL_GRAPH}> {_MEMBER} <{name}> .\n" for name in texts)
    store.load(journal, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(JOURNAL_GRAPH))
    try:
        named = "".join(_in_graph(name, ground) for name, (ground, _, _) in parts.items())
        store.bulk_load(named, ox.RdfFormat.N_QUADS)
        del named
        # the union's copies, and both copies of the blank-node triples: one call, so a
        # graph and the union share each blank node
        union = [
            ground + _in_graph(name, blank) + blank for name, (ground, blank, _) in parts.items()
        ]
        store.bulk_load("".join(union), ox.RdfFormat.N_QUADS)
        del union
        commits = [
            f"GRAPH <{name}> {{\n{commit}}}\n{commit}"
            for name, (_, _, commit) in parts.items()
            if commit
        ]
        # the commit, one transaction: from here on the batch is whole
        insert = f"INSERT DATA {{\n{''.join(commits)}}} ;\n" if commits else ""
        also = f"{then} ;\n" if then else ""
        store.update(f"{insert}{also}DROP SILENT GRAPH <{JOURNAL_GRAPH}>")
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
    # a kill during the union's load can leave the union copy of a blank-node triple whose
    # graph copy was not written: remove blank-node triples of the union no graph states
    # (a scan of the union's blank-node triples, paid only after a killed write)
    ops.append(
        "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) "
        "FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
    )
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
