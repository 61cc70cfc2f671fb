"""Writes to a SPARQL server (:class:`graph.remote.RemoteStore`): named graphs replaced
whole or not at all, the materialised union kept in step.

What a batch does is :mod:`graph.store_batch`'s: first, for each graph in turn, the
triples it states that no other jixiao graph states, and its triples with a blank node,
leave the union, and the graph is dropped; then each graph's new triples go into the graph
and into the union. How it is made all-or-nothing depends on the server:

- **Oxigraph server** runs one SPARQL Update request in one transaction: the batch is one
  request (:func:`atomic_update`). A client killed before the server has the whole request
  changes nothing; after, the server completes it.
- **Virtuoso** runs the operations of one request one after another and keeps what the
  first ones did when a later one fails (checked: ``INSERT DATA ; CREATE GRAPH <existing>``
  leaves the inserted triple), so a batch goes through a **staged swap**:

  1. each new graph is written whole into its own staging graph
     ``urn:jixiao:swap:<time>:<nonce>:<i>`` (Graph Store Protocol ``PUT``: the server's
     bulk path), invisible to queries (:data:`graph.remote.INTERNAL`);
  2. one ``INSERT DATA`` into the journal graph :data:`JOURNAL` names each staging graph,
     its target and its place, and the number of graphs of the swap: the commit point;
  3. the swap (:func:`swap_update`): drops, then copies from the staging graphs;
  4. the journal entry loses its count (the swap is done), then its other triples, and the
     staging graphs are dropped.

  :func:`recover` (run when a writer opens the store: one writer at a time is assumed
  then) waits until the store is still — a killed writer's last request may still be
  running on the server — and finds the journal entries: an entry with its count is
  replayed from step 3 (every step reads only
  the staging graphs, so replaying a swap that was half or wholly done gives the same
  graphs); an entry without it is cleared. Staging graphs that no entry names (a writer
  killed in step 1) are dropped once :data:`ORPHAN_SECONDS` old. Readers can see a
  document half-swapped while step 3 runs; no one sees it so after a writer dies.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from jixiao.graph.remote_layout import DATA_GRAPHS, INTERNAL
from jixiao.graph.store_batch import _fresh_blank_nodes

if TYPE_CHECKING:
    from jixiao.graph.remote import RemoteStore

JOURNAL = INTERNAL + "journal"
SWAP = INTERNAL + "swap:"
_TARGET, _ORDER, _SIZE = (f"<{INTERNAL}{k}>" for k in ("target", "order", "size"))
ORPHAN_SECONDS = 3600
STILL_SECONDS, STILL_POLL = 300.0, 1.0


def _drop_ops(graph: str, union: str | None) -> list[str]:
    """Remove ``graph``'s share of the union (what no other jixiao graph states, and its
    blank nodes), then the graph."""
    into = (lambda t: f"GRAPH <{union}> {{ {t} }}") if union else (lambda t: t)
    others = f'?other != <{graph}> && !STRSTARTS(STR(?other), "{INTERNAL}")'
    return [
        f"DELETE {{ {into('?s ?p ?o')} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
        "FILTER(isBlank(?s) || isBlank(?o)) }",
        f"DELETE {{ {into('?s ?p ?o')} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
        "FILTER(!isBlank(?s) && !isBlank(?o)) "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER({others}) }} }}",
        f"DROP SILENT GRAPH <{graph}>",
    ]


def _texts(graphs: Mapping[str, str | bytes]) -> dict[str, str]:
    """Each graph's N-Triples with fresh blank node labels (:class:`SyntaxError` if one is
    not N-Triples; :class:`ValueError` for a name that is not an IRI)."""
    return {ox.NamedNode(name).value: _fresh_blank_nodes(text) for name, text in graphs.items()}


def atomic_update(graphs: Mapping[str, str | bytes], union: str | None = None) -> str:
    """The one SPARQL update that replaces ``graphs`` and keeps the union (module notes)."""
    texts = _texts(graphs)
    ops = [op for name in texts for op in _drop_ops(name, union)]
    for name, text in texts.items():
        if text:
            both = f"GRAPH <{union}> {{\n{text}}}" if union else text
            ops.append(f"INSERT DATA {{\nGRAPH <{name}> {{\n{text}}}\n{both}}}")
    return " ;\n".join(ops)


def swap_update(pairs: Sequence[tuple[str, str]], union: str) -> str:
    """Step 3 of the staged swap: ``pairs`` of (staging graph, target) in order."""
    ops = [op for _, target in pairs for op in _drop_ops(target, union)]
    for staged, target in pairs:  # one graph per template: Virtuoso 7.2 fails on two
        for into in (target, union):
            ops.append(
                f"INSERT {{ GRAPH <{into}> {{ ?s ?p ?o }} }} "
                f"WHERE {{ GRAPH <{staged}> {{ ?s ?p ?o }} }}"
            )
    return " ;\n".join(ops)


def _put(store: RemoteStore, graph: str, text: str) -> None:
    key = "graph-uri" if store.endpoints.kind == "virtuoso" else "graph"
    store.request(
        "PUT",
        store.endpoints.gsp,
        params={key: graph},
        content=text.encode("utf-8"),
        headers={"Content-Type": "text/turtle; charset=utf-8"},
    )


def _finish(store: RemoteStore, swap: str, staged: Sequence[str]) -> None:
    """Step 4: the entry loses its count first (from then on it is cleared, not replayed)."""
    store.update(f"DELETE WHERE {{ GRAPH <{JOURNAL}> {{ <{swap}> {_SIZE} ?n }} }}")
    ops = [
        f"DELETE {{ GRAPH <{JOURNAL}> {{ ?st ?p ?o }} }} WHERE {{ GRAPH <{JOURNAL}> "
        f'{{ ?st ?p ?o }} FILTER(STRSTARTS(STR(?st), "{swap}:")) }}'
    ]
    ops += [f"DROP SILENT GRAPH <{g}>" for g in staged]
    store.update(" ;\n".join(ops))


def staged_swap(store: RemoteStore, graphs: Mapping[str, str | bytes]) -> None:
    """Replace ``graphs`` through staging graphs and the journal (module notes)."""
    union = store.union_graph
    assert union is not None, "a staged swap keeps the union in a named graph"
    texts = _texts(graphs)
    swap = f"{SWAP}{time.time_ns()}:{secrets.token_hex(6)}"
    pairs = [(f"{swap}:{i}", target) for i, target in enumerate(texts)]
    for (staged, _), text in zip(pairs, texts.values(), strict=True):
        if text:
            _put(store, staged, text)
    entry = [f"<{swap}> {_SIZE} {len(pairs)} ."]
    for i, (staged, target) in enumerate(pairs):
        entry.append(f"<{staged}> {_TARGET} <{target}> ; {_ORDER} {i} .")
    store.update(f"INSERT DATA {{ GRAPH <{JOURNAL}> {{ {' '.join(entry)} }} }}")
    store.update(swap_update(pairs, union))
    _finish(store, swap, [staged for staged, _ in pairs])


def replace_graphs(store: RemoteStore, graphs: Mapping[str, str | bytes]) -> None:
    """Make each named graph of ``graphs`` hold exactly its N-Triples, all or nothing."""
    graphs = dict(graphs)
    if not graphs:
        return
    if store.endpoints.kind == "oxigraph":
        store.update(atomic_update(graphs, None))
        return
    staged_swap(store, graphs)


def _rows(store: RemoteStore, text: str) -> list[dict[str, str]]:
    return [{k: t.value for k, t in row.items()} for row in store.raw_rows(text)]  # type: ignore[attr-defined]


def recover(store: RemoteStore) -> list[str]:
    """Finish or clear the swaps a killed writer left (module notes); drop old orphan
    staging graphs. Returns the swaps replayed. Nothing to do on Oxigraph server."""
    if store.endpoints.kind == "oxigraph":
        return []
    union = store.union_graph
    assert union is not None
    # always: a killed writer's last request may be running even with an empty journal
    _wait_still(store)
    entries = _rows(
        store,
        f"SELECT ?st ?target ?i ?n WHERE {{ GRAPH <{JOURNAL}> {{ ?st {_TARGET} ?target ; "
        f"{_ORDER} ?i }} }}",
    )
    counted = f"SELECT ?swap ?n WHERE {{ GRAPH <{JOURNAL}> {{ ?swap {_SIZE} ?n }} }}"
    sizes = {r["swap"]: int(r["n"]) for r in _rows(store, counted)}
    swaps: dict[str, list[tuple[int, str, str]]] = {}
    for row in entries:
        swap = row["st"].rsplit(":", 1)[0]
        swaps.setdefault(swap, []).append((int(row["i"]), row["st"], row["target"]))
    replayed = []
    for swap in sorted(set(swaps) | set(sizes)):
        pairs = [(st, target) for _, st, target in sorted(swaps.get(swap, []))]
        if sizes.get(swap) == len(pairs):
            store.update(swap_update(pairs, union))
            replayed.append(swap)
        _finish(store, swap, [st for st, _ in pairs])
    _drop_orphans(store, {st for rows in swaps.values() for _, st, _ in rows})
    _repair_union(store, union)
    return replayed


def _repair_union(store: RemoteStore, union: str) -> None:
    """The union holds each triple of the jixiao graphs once. A request that Virtuoso
    finished for a killed writer outside any journalled swap can leave it short or long:
    then it is rebuilt from the graphs (derived data; counted at every writer's open)."""
    inside = f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}"))'
    have = _rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{union}> {{ ?s ?p ?o }} }}")
    want = _rows(
        store,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
        f"{{ GRAPH ?g {{ ?s ?p ?o }} {inside} }} }}",
    )
    if have[0]["n"] != want[0]["n"]:
        store.update(
            f"DROP SILENT GRAPH <{union}> ;\n"
            f"INSERT {{ GRAPH <{union}> {{ ?s ?p ?o }} }}\n"
            f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {inside} }}"
        )


def _wait_still(store: RemoteStore, seconds: float = STILL_SECONDS) -> None:
    """Wait until the union, the journal and the staging graphs stop changing: the last
    request of a killed writer may still be running on the server (Virtuoso goes on with a
    request whose client is gone), and must not run beside its replay."""
    count = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{INTERNAL}")) }}'
    )
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        now = _rows(store, count)[0]["n"]
        if now == last:
            return
        last = now
        time.sleep(STILL_POLL)
    raise OSError(f"{store!r}: the store kept changing for {seconds} s; is another writer on?")


def _drop_orphans(store: RemoteStore, named: set[str]) -> None:
    staged = _rows(
        store,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{SWAP}")) }}',
    )
    now = time.time_ns()
    old = []
    for row in staged:
        graph = row["g"]
        stamp = graph[len(SWAP) :].split(":", 1)[0]
        if graph not in named and stamp.isdigit() and now - int(stamp) > ORPHAN_SECONDS * 1e9:
            old.append(graph)
    if old:
        ops = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in old)
        store.update(ops)
