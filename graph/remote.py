"""A SPARQL 1.1 server as the store: :class:`RemoteStore` speaks the SPARQL 1.1 Protocol
(query, update) and the Graph Store HTTP Protocol, and offers the part of
:class:`pyoxigraph.Store`'s interface that :mod:`graph` and :mod:`api` use
(:class:`graph.backend.Store`), so ingest, validation, queries and export run unchanged.

The layout is the embedded store's (README "The store"): one named graph per document,
``<document>/report`` for its SHACL report, and the union of all named graphs kept
materialised with each triple once. Where that union lives depends on the server:

- **Oxigraph server** (``oxigraph serve``, without ``--union-default-graph``): in the real
  default graph, as in the embedded store. Every query sees it as its default graph.
- **Virtuoso**, and any other server: in the named graph :data:`UNION_GRAPH`, given as the
  default graph of every query (``default-graph-uri``): Virtuoso's own default graph is the
  union of *all* graphs, its system graphs included, and repeats a triple once per graph.
  A query that names graphs (``GRAPH``) is sent the jixiao graphs as its
  ``named-graph-uri`` list (with only ``default-graph-uri`` Virtuoso finds no
  ``GRAPH <iri>`` at all, and every graph, union and its own included, for ``GRAPH ?g``).
  That list grows with the documents: fine to 10⁴ graphs, a limit past that.

Writes (:meth:`RemoteStore.replace_graphs`) are in :mod:`graph.remote_write`.

Configuration (:func:`endpoints`): ``--store http://host:port`` or ``JIXIAO_STORE``; the
server's kind is read from its ``Server`` header (``JIXIAO_STORE_KIND`` overrides it); the
query, update and graph-store URLs follow from the base unless ``JIXIAO_STORE_QUERY``,
``JIXIAO_STORE_UPDATE`` or ``JIXIAO_STORE_GSP`` give them. Credentials come from
``JIXIAO_STORE_TOKEN`` (a bearer token) or ``JIXIAO_STORE_USER`` and
``JIXIAO_STORE_PASSWORD`` (HTTP digest for Virtuoso, basic otherwise); they never appear
in a message, a ``repr`` or a log line, and a URL carrying them is refused.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import httpx
import pyoxigraph as ox

from jixiao.graph.remote_layout import DATA_GRAPHS, INTERNAL, UNION_GRAPH

__all__ = ["DATA_GRAPHS", "INTERNAL", "UNION_GRAPH", "RemoteStore", "StoreError", "open_remote"]

GRAPH_LIST_SECONDS = 5.0
NO_GRAPH = INTERNAL + "no-graph"  # never written: the named graphs of a dataset with none
KINDS = ("oxigraph", "virtuoso", "generic")
_PATHS = {  # kind → (query, update, graph store) paths; with credentials for Virtuoso
    "oxigraph": ("/query", "/update", "/store"),
    "virtuoso": ("/sparql", "/sparql-auth", "/sparql-graph-crud-auth"),
    "generic": ("", "", ""),
}
_RESULTS = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
_ACCEPT = (
    "application/sparql-results+xml, application/n-triples;q=0.9, text/turtle;q=0.8, "
    "application/rdf+xml;q=0.5"
)
_USES_GRAPHS = re.compile(r"\bGRAPH\b", re.IGNORECASE)
_NAMED = re.compile(r"\bGRAPH\s*<([^>\s]*)>", re.IGNORECASE)


class StoreError(OSError):
    """A SPARQL server refused a request or could not be reached (never shows credentials)."""


class StoreTimeout(StoreError):
    """A SPARQL server did not answer within the request's time limit."""


def is_url(spec: object) -> bool:
    return isinstance(spec, str) and spec.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Endpoints:
    """Where a server answers, and how to log in (credentials kept out of ``repr``)."""

    base: str
    kind: str
    query: str
    update: str
    gsp: str
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @property
    def union_graph(self) -> str | None:
        """The named graph holding the union, or None for the real default graph."""
        return None if self.kind == "oxigraph" else UNION_GRAPH

    def auth(self) -> httpx.Auth | None:
        if self.user is None:
            return None
        if self.kind == "virtuoso":
            return httpx.DigestAuth(self.user, self.password or "")
        return httpx.BasicAuth(self.user, self.password or "")


def _detect_kind(base: str) -> str:
    try:
        server = httpx.get(base + "/", timeout=10).headers.get("server", "").lower()
    except httpx.HTTPError as error:
        raise StoreError(f"store {base}: cannot be reached ({type(error).__name__})") from None
    return next((k for k in ("oxigraph", "virtuoso") if k in server), "generic")


def endpoints(spec: str, env: Mapping[str, str] | None = None) -> Endpoints:
    """The endpoints of the server at ``spec`` (a base URL), with ``env``'s overrides and
    credentials (module notes). :class:`StoreError` if the URL carries credentials, or the
    kind is unknown, or the server cannot be reached to tell its kind."""
    env = os.environ if env is None else env
    parts = urlsplit(spec)
    if parts.username or parts.password:
        raise StoreError(
            f"store {parts.scheme}://{parts.hostname}: credentials in the URL are refused; "
            "set JIXIAO_STORE_USER and JIXIAO_STORE_PASSWORD (or JIXIAO_STORE_TOKEN)"
        )
    base = spec.rstrip("/")
    kind = env.get("JIXIAO_STORE_KIND") or _detect_kind(base)
    if kind not in KINDS:
        raise StoreError(f"JIXIAO_STORE_KIND={kind!r}: expected one of {', '.join(KINDS)}")
    user = env.get("JIXIAO_STORE_USER") or None
    query, update, gsp = _PATHS[kind]
    if kind == "virtuoso" and user is None:
        update, gsp = "/sparql", "/sparql-graph-crud"
    return Endpoints(
        base,
        kind,
        env.get("JIXIAO_STORE_QUERY") or base + query,
        env.get("JIXIAO_STORE_UPDATE") or base + update,
        env.get("JIXIAO_STORE_GSP") or base + gsp,
        user,
        env.get("JIXIAO_STORE_PASSWORD"),
        env.get("JIXIAO_STORE_TOKEN") or None,
    )


def _media(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _results(data: bytes, media: str) -> ox.QuerySolutions | ox.QueryBoolean:
    """Parsed query results; Virtuoso's blank nodes (``nodeID://b123``, not a valid label)
    renamed ``b123`` (XML results, which this module asks for)."""
    if media == "application/sparql-results+xml":
        data = data.replace(b"<bnode>nodeID://", b"<bnode>")
    return ox.parse_query_results(data, _RESULTS[media])


def _constructed(triples: Iterable[ox.Triple]) -> ox.QueryTriples:
    """Triples as a :class:`pyoxigraph.QueryTriples` (what an embedded CONSTRUCT returns)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


def with_bindings(text: str, bindings: Mapping[ox.Variable, ox.Term]) -> str:
    """``text`` with a ``VALUES`` row binding each variable at the start of its outermost
    group: what pyoxigraph's ``substitutions`` does, for a server that lacks them."""
    if not bindings:
        return text
    names = " ".join(str(v) for v in bindings)
    row = " ".join(str(t) for t in bindings.values())
    mask = re.sub(r"#[^\n]*|\"[^\"\n]*\"|'[^'\n]*'|<[^>\s]*>", lambda m: " " * len(m[0]), text)
    found = re.search(r"\bWHERE\s*\{", mask, re.IGNORECASE) or re.search(r"\{", mask)
    if found is None:
        raise ValueError("cannot bind parameters: the query has no WHERE group")
    return f"{text[: found.end()]} VALUES ({names}) {{ ({row}) }} {text[found.end() :]}"


class RemoteStore:
    """A SPARQL 1.1 server behind :class:`pyoxigraph.Store`'s interface (module notes)."""

    def __init__(self, where: Endpoints, timeout: float = 300.0) -> None:
        self.endpoints = where
        headers = {"Authorization": f"Bearer {where.token}"} if where.token else {}
        self._http = httpx.Client(auth=where.auth(), headers=headers, timeout=timeout)
        self._graph_list: list[str] | None = None
        self._listed_at = 0.0

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoints.base}, {self.endpoints.kind})"

    @property
    def union_graph(self) -> str | None:
        return self.endpoints.union_graph

    # -- HTTP -----------------------------------------------------------------------------
    def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        """One request; :class:`StoreError` naming the URL and the server's answer. A
        ``form`` (pairs, a name may repeat) is sent URL-encoded."""
        form = kwargs.pop("form", None)
        if form is not None:
            kwargs["content"] = urlencode(form).encode("ascii")
            headers = dict(kwargs.pop("headers", None) or {})  # type: ignore[call-overload]
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            kwargs["headers"] = headers
        try:
            response = self._http.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException as error:
            raise StoreTimeout(f"store {url}: no answer in time ({type(error).__name__})") from None
        except httpx.HTTPError as error:
            raise StoreError(f"store {url}: {type(error).__name__}: {error}") from None
        if response.status_code >= 400:
            body = response.text.strip().replace("\n", " ")[:400]
            raise StoreError(f"store {url}: HTTP {response.status_code}: {body}")
        return response

    def close(self) -> None:
        self._http.close()

    # -- reading --------------------------------------------------------------------------
    def query(
        self,
        text: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        substitutions: Mapping[ox.Variable, ox.Term] | None = None,
        default_graph: Sequence[ox.NamedNode] | ox.NamedNode | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
        base_iri: str | None = None,
        timeout: float | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """A SPARQL query with the union as its default graph (or ``default_graph``, and
        ``named_graphs`` as its named graphs: both given, the dataset is exactly those)."""
        head = f"BASE <{ox.NamedNode(base_iri).value}>\n" if base_iri else ""
        head += "".join(f"PREFIX {k}: <{v}>\n" for k, v in (prefixes or {}).items())
        body = head + with_bindings(text, substitutions or {})
        form: list[tuple[str, str]] = [("query", body)]
        if isinstance(default_graph, ox.NamedNode):
            default_graph = [default_graph]
        if default_graph:
            form += [("default-graph-uri", g.value) for g in default_graph]
        elif self.union_graph is not None and named_graphs is None:
            form.append(("default-graph-uri", self.union_graph))
        named: set[str] | None = None
        if named_graphs is not None:
            named = {g.value for g in named_graphs}
        elif self.union_graph is not None and _USES_GRAPHS.search(text):
            # the graphs named in the query too: Virtuoso answers ASK { GRAPH <g> … } true,
            # and COUNT 1, for a <g> that the list lacks
            named = {*self.graph_names(), *_NAMED.findall(text)}
        if named is not None:
            # an empty list is no list: Virtuoso's GRAPH ?g would then range over all its
            # graphs, its system graphs too (2,496 triples on an empty store); a graph never
            # written keeps the dataset empty
            form += [("named-graph-uri", g) for g in sorted(named or {NO_GRAPH})]
        response = self.request(
            "POST",
            self.endpoints.query,
            form=form,
            headers={"Accept": _ACCEPT},
            timeout=timeout or self._http.timeout,
        )
        media = _media(response)
        if media in _RESULTS:
            return _results(response.content, media)
        if media in _GRAPHS:
            return _constructed(ox.parse(response.content, _GRAPHS[media]))
        raise StoreError(f"store {self.endpoints.query}: unexpected answer type {media!r}")

    def raw_rows(self, text: str) -> list[dict[str, ox.Term]]:
        """A SELECT query on the server's own dataset (no union, no graph list): the rows,
        unbound variables left out. For the store's own bookkeeping."""
        response = self.request(
            "POST", self.endpoints.query, form=[("query", text)], headers={"Accept": _ACCEPT}
        )
        rows = _results(response.content, _media(response))
        assert isinstance(rows, ox.QuerySolutions)
        names = [v.value for v in rows.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in rows]

    def graph_names(self) -> list[str]:
        """The jixiao named graphs (documents, reports, ontology), cached until this
        process writes or :data:`GRAPH_LIST_SECONDS` pass (another writer's graphs)."""
        if self._graph_list is None or time.monotonic() - self._listed_at > GRAPH_LIST_SECONDS:
            self._listed_at = time.monotonic()
            rows = self.raw_rows(
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}")) }}'
            )
            self._graph_list = sorted(r["g"].value for r in rows)  # type: ignore[union-attr]
        return list(self._graph_list)

    def forget_graphs(self) -> None:
        self._graph_list = None

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return iter([ox.NamedNode(g) for g in self.graph_names()])

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        # not ASK: Virtuoso 7.2 answers it true for an empty graph given as named graph
        return bool(list(self.query(f"SELECT ?s WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT 1")))

    def quads_for_pattern(
        self,
        subject: ox.Term | None,
        predicate: ox.Term | None,
        obj: ox.Term | None,
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> list[ox.Quad]:
        """Quads matching the pattern; ``graph`` None: any jixiao named graph."""
        terms = [subject, predicate, obj]
        names = ["?s", "?p", "?o"]
        pattern = " ".join(
            str(t) if t is not None else n for t, n in zip(terms, names, strict=True)
        )
        if isinstance(graph, ox.DefaultGraph):
            where = f"{{ {pattern} }}"
        elif isinstance(graph, ox.NamedNode):
            where = f"{{ GRAPH {graph} {{ {pattern} }} }}"
        else:
            where = f'{{ GRAPH ?g {{ {pattern} }} FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}")) }}'
        if all(t is not None for t in terms) and graph is not None:
            rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {where}")  # not ASK: see above
            found = int(next(iter(rows))["n"].value) > 0  # type: ignore[index, union-attr, arg-type]
            return [ox.Quad(subject, predicate, obj, graph)] if found else []  # type: ignore[arg-type]
        found = self.query(f"SELECT * WHERE {where}")
        out = []
        for row in found:  # type: ignore[union-attr]
            s, p, o = (
                t if t is not None else row[n[1:]] for t, n in zip(terms, names, strict=True)
            )
            g = graph if graph is not None else row["g"]
            out.append(ox.Quad(s, p, o, g))  # type: ignore[arg-type]
        return out

    def dump(
        self, *, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES, from_graph: ox.NamedNode
    ) -> bytes:
        """The triples of one named graph, through the Graph Store Protocol (or a
        CONSTRUCT query when the server has none), in ``format``."""
        triples: Iterable[ox.Triple]
        if self.endpoints.kind == "generic":
            where = f"WHERE {{ GRAPH {from_graph} {{ ?s ?p ?o }} }}"
            result = self.query(f"CONSTRUCT {{ ?s ?p ?o }} {where}")
            triples = list(result)  # type: ignore[arg-type]
        else:
            response = self._graph_get(from_graph.value)
            if response is None:
                return b""
            media = _media(response)
            if media not in _GRAPHS:
                raise StoreError(f"store {self.endpoints.gsp}: unexpected answer type {media!r}")
            triples = [q.triple for q in ox.parse(response.content, _GRAPHS[media])]
        return ox.serialize(triples, format=format) or b""

    def _graph_get(self, graph: str) -> httpx.Response | None:
        key = "graph-uri" if self.endpoints.kind == "virtuoso" else "graph"
        try:
            response = self._http.get(
                self.endpoints.gsp,
                params={key: graph},
                headers={"Accept": "application/n-triples, text/turtle;q=0.9"},
            )
        except httpx.HTTPError as error:
            raise StoreError(f"store {self.endpoints.gsp}: {type(error).__name__}") from None
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            body = response.text.strip()[:400]
            raise StoreError(f"store {self.endpoints.gsp}: HTTP {response.status_code}: {body}")
        return response

    def __len__(self) -> int:
        """Quads in the jixiao named graphs and the union."""
        text = (
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}")) }}'
        )
        named = int(next(iter(self.query(text)))["n"].value)  # type: ignore[index, union-attr, arg-type]
        union = int(next(iter(self.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value)  # type: ignore[index, union-attr, arg-type]
        return named + union

    def flush(self) -> None:
        """Nothing to do: the server commits each request."""

    # -- writing (graph.remote_write) -----------------------------------------------------
    def update(self, text: str) -> None:
        """One SPARQL update request, sent as is (the union is not kept: see
        :meth:`replace_graphs`)."""
        self.request("POST", self.endpoints.update, form=[("update", text)])
        self.forget_graphs()

    def replace_graphs(self, graphs: Mapping[str, str | bytes]) -> None:
        """Make each named graph hold exactly its N-Triples (empty: removed), keeping the
        union; all or nothing (:mod:`graph.remote_write`)."""
        from jixiao.graph.remote_write import replace_graphs

        replace_graphs(self, graphs)
        self.forget_graphs()


def open_remote(
    spec: str, env: Mapping[str, str] | None = None, write: bool = False
) -> RemoteStore:
    """The server at ``spec``, checked to answer a query; for a writer (``write``), with
    any swap a killed writer left finished or cleared (:func:`graph.remote_write.recover`)."""
    from jixiao.graph.remote_write import recover

    store = RemoteStore(endpoints(spec, env))
    store.query("ASK { ?s ?p ?o }")
    if write:
        recover(store)
    return store
