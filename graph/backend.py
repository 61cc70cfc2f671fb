"""Store backends behind one interface: what :mod:`graph` and :mod:`api` ask of a store.

Two backends satisfy :class:`Store`:

- the embedded :class:`pyoxigraph.Store` (a directory, the default; :mod:`graph.store`);
- :class:`graph.remote.RemoteStore`, any SPARQL 1.1 server through the SPARQL Protocol
  and the Graph Store HTTP Protocol (``--store http://…`` or ``JIXIAO_STORE=http…``).

The interface is the part of pyoxigraph's that the callers use: queries with the union as
default graph (``query``), one graph read whole (``dump``), the named graphs
(``named_graphs``, ``contains_named_graph``, ``quads_for_pattern`` for a few stamps and
links), and ``flush``. Writes go through :func:`replace_graphs` only, which replaces
named graphs whole — a document with its report — with their share of the union, all or
nothing, on either backend (:mod:`graph.store_batch`, :mod:`graph.remote_write`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from jixiao.graph.remote import RemoteStore, is_url, open_remote
from jixiao.graph.store_batch import replace_graphs as embedded_or_remote


class Store(Protocol):
    """What a backend offers (see the module notes)."""

    def query(
        self,
        query: str,
        *,
        prefixes: Mapping[str, str] | None = ...,
        substitutions: Mapping[ox.Variable, ox.Term] | None = ...,
        default_graph: Sequence[ox.NamedNode] | ox.NamedNode | None = ...,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples: ...

    def dump(self, *, format: ox.RdfFormat, from_graph: ox.NamedNode) -> bytes | None: ...

    def named_graphs(self) -> Iterator[ox.NamedNode | ox.BlankNode]: ...

    def contains_named_graph(self, graph: ox.NamedNode) -> bool: ...

    def quads_for_pattern(
        self,
        subject: ox.Term | None,
        predicate: ox.Term | None,
        object: ox.Term | None,
        graph_name: ox.NamedNode | ox.DefaultGraph | None = ...,
    ) -> Iterable[ox.Quad]: ...

    def flush(self) -> None: ...


def store_spec(explicit: str | os.PathLike[str] | None = None) -> str | Path:
    """``explicit``, else ``$JIXIAO_STORE``, else ``./jixiao-data``: a server's URL as
    given, a directory as a :class:`Path`."""
    value = os.fspath(explicit) if explicit else os.environ.get("JIXIAO_STORE") or "jixiao-data"
    return value if is_url(value) else Path(value)


def is_remote(store: object) -> bool:
    return isinstance(store, RemoteStore)


def replace_graphs(store: Store, graphs: Mapping[str, str | bytes]) -> None:
    """Make each named graph of ``graphs`` hold exactly its N-Triples (empty: removed),
    the union kept, in one transaction or one staged swap."""
    embedded_or_remote(store, graphs)  # type: ignore[arg-type]


def describe(spec: str | os.PathLike[str] | None) -> str:
    """Where ``spec`` points, for messages (a URL never carries credentials here)."""
    return str(store_spec(spec))


__all__ = ["RemoteStore", "Store", "describe", "is_remote", "open_remote", "replace_graphs"]
