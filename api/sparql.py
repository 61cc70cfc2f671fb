"""The SPARQL 1.1 Protocol endpoint (``/sparql``): read-only, bounded, never fetches a URL.

- GET ``?query=``, POST form (``application/x-www-form-urlencoded``), POST direct
  (``application/sparql-query``, UTF-8 only); exactly one ``query``.
- Updates (``update=`` or ``application/sparql-update``) are refused with 403.
- ``default-graph-uri`` / ``named-graph-uri`` select graphs of the store; without them the
  default graph is the union of all document graphs, unless the query has its own FROM.
- ``SERVICE`` is refused before execution wherever it appears (pyoxigraph would fetch the
  URL), found by :mod:`api.sparql_scan`, which also refuses nesting beyond 64 levels; the
  workers cannot open sockets anyway (:mod:`api.sandbox`). FROM / FROM NAMED only name
  graphs of this store: an IRI that is not one is refused.
- A GET query over the size limit is 414 (POST it); a POST body over it is 413.
- Results by content negotiation (:data:`RESULT_MEDIA`, :data:`GRAPH_MEDIA`), 406 otherwise,
  serialised by pyoxigraph in the query worker and streamed in chunks as it writes them:
  every row, unless ``JIXIAO_ROW_CAP`` is set and the answer is longer (then 422 before any
  byte). A failure after the first byte breaks the connection off: never a short 200.
- GET without a query answers the Service Description.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from jixiao.api.sparql_scan import Scan, ScanError, scan_query
from jixiao.api.workers import GRAPH_FORMATS, Job, QueryError, Stream

__all__ = ["Scan", "build_job", "negotiate", "scan_query"]

# Media type -> format key. Canonical types first: a wildcard picks the first that matches,
# and the response is labelled with the media type that was negotiated.
RESULT_MEDIA: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
BOOLEAN_MEDIA = {k: v for k, v in RESULT_MEDIA.items() if v in ("json", "xml")}
GRAPH_MEDIA: dict[str, str] = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/x-turtle": "ttl",
    "text/plain": "nt",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
# Format key -> the media type the response is labelled with.
FORMAT_MEDIA: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# ------------------------------------------------------------------ content negotiation


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``(media range, q)`` pairs of an Accept header (malformed q counts as 0)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    kind = media.split("/")[0]
    best: tuple[int, float] | None = None
    for pattern, q in ranges:
        if pattern == media:
            rank = 3
        elif pattern == f"{kind}/*":
            rank = 2
        elif pattern == "*/*":
            rank = 1
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, q)
    return best[1] if best else 0.0


def negotiate_media(table: dict[str, str], accept: str | None) -> str | None:
    """The media type of ``table`` the client accepts best (table order breaks ties)."""
    ranges = parse_accept(accept)
    chosen, chosen_q = None, 0.0
    for media in table:
        q = _quality(media, ranges)
        if q > chosen_q:
            chosen, chosen_q = media, q
    return chosen


def negotiate(table: dict[str, str], accept: str | None) -> str | None:
    """The format key the client accepts best; None when nothing is acceptable (406)."""
    media = negotiate_media(table, accept)
    return None if media is None else table[media]


def table_for(form: str | None) -> dict[str, str]:
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_MEDIA
    if form == "ASK":
        return BOOLEAN_MEDIA
    return RESULT_MEDIA


# ------------------------------------------------------------------ the protocol


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise QueryError(413, "too_large", f"the request body exceeds {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise QueryError(413, "too_large", f"the request body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(400, "not_utf8", f"{what} is not UTF-8: {error}") from None


def _media(request: Request) -> tuple[str, str | None]:
    raw = request.headers.get("content-type", "")
    pieces = [p.strip() for p in raw.split(";")]
    charset = None
    for param in pieces[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return pieces[0].lower(), charset


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise QueryError(400, "multiple_" + name, f"more than one {name!r} parameter")
    return values[0] if values else None


async def _params(request: Request, limit: int) -> dict[str, list[str]]:
    """All protocol parameters of the request: URL query string plus POST body."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method != "POST":
        if sum(len(v.encode("utf-8")) for v in params.get("query", ())) > limit:
            raise QueryError(
                414, "uri_too_long", f"the query exceeds {limit} bytes; send it with POST"
            )
        return params
    media, charset = _media(request)
    body = await _read_body(request, limit)
    if charset not in (None, "utf-8", "utf8"):
        raise QueryError(415, "charset", f"charset {charset} is not supported; use UTF-8")
    if media == "application/x-www-form-urlencoded":
        form = parse_qs(_utf8(body, "the form"), keep_blank_values=True, errors="strict")
        for key, values in form.items():
            params.setdefault(key, []).extend(values)
    elif media == "application/sparql-query":
        params.setdefault("query", []).append(_utf8(body, "the query"))
    elif media == "application/sparql-update":
        raise QueryError(403, "update_refused", "this endpoint is read-only: updates are refused")
    else:
        raise QueryError(
            415,
            "media_type",
            "POST needs application/x-www-form-urlencoded or application/sparql-query",
        )
    return params


_INLINE_SCAN = 16 * 1024


def build_job(
    params: dict[str, list[str]],
    accept: str | None,
    row_cap: int | None,
    prefixes: dict[str, str],
    base_iri: str | None = None,
) -> Job | None:
    """The job for a request's parameters; None when there is no query (Service Description)."""
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise QueryError(403, "update_refused", "this endpoint is read-only: updates are refused")
    query = _single(params, "query")
    if query is None:
        return None
    try:
        scan = scan_query(query, prefixes)
    except ScanError as error:
        raise QueryError(400, error.code, f"the query is refused before it runs: {error}") from None
    if scan.update:
        raise QueryError(403, "update_refused", "this endpoint is read-only: updates are refused")
    if scan.service_at is not None:
        line, column = scan.service_at
        raise QueryError(
            400,
            "service_refused",
            f"line {line}, column {column}: SERVICE is not allowed: "
            "this endpoint never fetches URLs",
        )
    table = table_for(scan.form)
    media = negotiate_media(table, accept)
    if media is None:
        raise QueryError(406, "not_acceptable", "no acceptable format for this query's results")
    default = params.get("default-graph-uri")
    named = params.get("named-graph-uri")
    for iri in [*(default or ()), *(named or ()), *scan.from_iris]:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise QueryError(400, "bad_iri", f"not a valid graph IRI: {iri!r}") from None
    explicit = default is not None or named is not None
    return Job(
        query=query,
        fmt=table[media],
        media=media,
        row_cap=row_cap,
        default_graphs=tuple(default or ()) if explicit else None,
        named_graphs=tuple(named or ()) if explicit else None,
        from_iris=scan.from_iris,
        prefixes=tuple(prefixes.items()),
        base_iri=base_iri,
    )


def service_description(endpoint: str, fmt: str) -> bytes:
    """The Service Description of the endpoint at ``endpoint``."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = ox.BlankNode()
    dataset = ox.BlankNode()
    default_graph = ox.BlankNode()

    def t(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode) -> ox.Triple:
        return ox.Triple(s, rdf_type if p == "a" else ox.NamedNode(sd + p), o)

    node = ox.NamedNode(endpoint)
    triples = [
        t(service, "a", ox.NamedNode(sd + "Service")),
        t(service, "endpoint", node),
        t(service, "supportedLanguage", ox.NamedNode(sd + "SPARQL11Query")),
        t(service, "feature", ox.NamedNode(sd + "UnionDefaultGraph")),
        t(service, "defaultDataset", dataset),
        t(dataset, "a", ox.NamedNode(sd + "Dataset")),
        t(dataset, "defaultGraph", default_graph),
        t(default_graph, "a", ox.NamedNode(sd + "Graph")),
    ]
    for fmt_iri in (
        "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
        "http://www.w3.org/ns/formats/SPARQL_Results_XML",
        "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
        "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        "http://www.w3.org/ns/formats/Turtle",
        "http://www.w3.org/ns/formats/N-Triples",
        "http://www.w3.org/ns/formats/JSON-LD",
        "http://www.w3.org/ns/formats/RDF_XML",
    ):
        triples.append(t(service, "resultFormat", ox.NamedNode(fmt_iri)))
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes={"sd": sd}) or b""


def _endpoint(request: Request) -> str:
    """The endpoint's own IRI (base IRI of queries, ``sd:endpoint``)."""
    url = str(request.url.replace(query=None, fragment=None))
    try:
        return ox.NamedNode(url).value
    except ValueError:
        return "http://localhost/sparql"


def _respond(body: bytes, media: str) -> Response:
    return Response(content=body, media_type=media, headers={"Vary": "Accept"})


def _streamed(stream: Stream, media: str) -> StreamingResponse:
    """A long answer sent as its worker writes it (chunked); a failure after the first byte
    breaks the connection off, so a client never takes a cut answer for a whole one."""
    return StreamingResponse(stream.chunks, media_type=media, headers={"Vary": "Accept"})


_DOC_PARAMS = [
    {"name": "query", "in": "query", "schema": {"type": "string"},
     "description": "SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)"},
    {"name": "default-graph-uri", "in": "query",
     "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "named-graph-uri", "in": "query",
     "schema": {"type": "array", "items": {"type": "string"}}},
]  # fmt: skip


def build_router() -> APIRouter:
    router = APIRouter(tags=["sparql"])

    async def handle(request: Request) -> Response:
        service = request.app.state.service
        settings = service.settings
        limit = min(settings.upload_limit, settings.query_size_limit)
        params = await _params(request, limit)
        accept = request.headers.get("accept")
        endpoint = _endpoint(request)
        size = sum(len(v) for v in params.get("query", ()))
        arguments = (params, accept, settings.sparql_row_cap, service.prefixes, endpoint)
        if size > _INLINE_SCAN:  # scanning takes ~2 µs a token: off the event loop
            job = await run_in_threadpool(build_job, *arguments)
        else:
            job = build_job(*arguments)
        if job is None:
            if request.method == "POST":
                raise QueryError(400, "missing_query", "no 'query' parameter")
            media = negotiate_media(GRAPH_MEDIA, accept)
            if media is None:
                raise QueryError(406, "not_acceptable", "the Service Description is RDF")
            return _respond(service_description(endpoint, GRAPH_MEDIA[media]), media)
        answer = service.pool.cached(job) or await run_in_threadpool(
            service.pool.stream, job, settings.query_timeout
        )
        media = job.media if answer.fmt == job.fmt else FORMAT_MEDIA[answer.fmt]
        if isinstance(answer, Stream):
            return _streamed(answer, media)
        return _respond(answer.body, media)

    for path in ("/sparql", "/sparql/"):
        for method in ("GET", "POST"):
            router.add_api_route(
                path,
                handle,
                methods=[method],
                name=f"sparql_{method.lower()}",
                include_in_schema=path == "/sparql",
                summary=f"SPARQL 1.1 Protocol query ({method}; read-only)",
                openapi_extra={"parameters": _DOC_PARAMS},
                response_class=Response,
            )
    return router
