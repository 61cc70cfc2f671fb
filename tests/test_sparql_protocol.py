"""The SPARQL 1.1 Protocol endpoint, against a real uvicorn server on 127.0.0.1.

The W3C protocol manifest (``tests/specs/w3c-sparql11-protocol``, a copy of ``../shared/specs``) is run by our own
runner: query cases as the manifest says, update cases must be refused (the endpoint is
read-only). Then content negotiation, the Service Description, SPARQLWrapper and rdflib's
SPARQLStore as clients, the row cap, the time limit, and a loopback listener proving that
SERVICE and FROM never make the server open a connection.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.query import Result

from jixiao.api.sparql import GRAPH_MEDIA, RESULT_MEDIA, negotiate, scan_query

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "tests" / "specs"
PROTOCOL = SPECS / "w3c-sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
KASEI = "http://kasei.us/2009/09/sparql/data/"
CAP_GRAPH = "http://example.org/cap"
ROW_CAP = 40
TIMEOUT = 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    store: Path


@contextlib.contextmanager
def run_server(
    store: Path,
    *,
    timeout: float = TIMEOUT,
    env: dict[str, str] | None = None,
    ready_seconds: float = 60.0,
) -> Iterator[Server]:
    """``jixiao serve`` (as ``python -m api.cmd_serve``) on a free loopback port."""
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    command = [
        sys.executable,
        "-m",
        "jixiao.api.cmd_serve",
        "--store",
        str(store),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--query-timeout",
        str(timeout),
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_seconds
        while True:
            if process.poll() is not None:
                out = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"server exited with {process.returncode}: {out}")
            try:
                if httpx.get(base + "/sparql", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in time")
            time.sleep(0.2)
        yield Server(base, process, store)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def load_test_store(path: Path) -> None:
    store = ox.Store(str(path))
    for i in (1, 2, 3):
        store.load(
            path=str(PROTOCOL / f"data{i}.nt"),
            format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode(f"{KASEI}data{i}.rdf"),
        )
    cap = ox.NamedNode(CAP_GRAPH)
    for n in range(ROW_CAP + 10):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://example.org/s{n}"),
                ox.NamedNode("http://example.org/n"),
                ox.Literal(n),
                cap,
            )
        )
    store.add(
        ox.Quad(
            ox.NamedNode("http://example.org/s0"),
            ox.NamedNode("http://example.org/label"),
            ox.Literal("零", language="zh"),
            cap,
        )
    )
    store.flush()
    del store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = tmp_path_factory.mktemp("protocol") / "store"
    load_test_store(store)
    with run_server(store, env={"JIXIAO_ROW_CAP": str(ROW_CAP), "JIXIAO_WORKERS": "2"}) as srv:
        yield srv


# --------------------------------------------------------------------- the W3C manifest


@dataclass
class Step:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    statuses: set[str]
    boolean: bool | None
    fmt: str | None


def manifest_cases() -> list[tuple[str, list[Step]]]:
    g = Graph().parse(PROTOCOL / "manifest.ttl", format="turtle", publicID=str(PROTOCOL) + "/")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    cases = []
    for entry in g.items(g.value(manifest, MF.entries)):
        steps = []
        for request in g.items(g.value(g.value(entry, MF.action), HT.requests)):
            body_node = g.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(body_node, CNT.chars)).encode(encoding)
            headers = {}
            header_list = g.value(request, HT.headers)
            if header_list is not None:
                for h in g.items(header_list):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            resp = g.value(request, HT.resp)
            boolean = g.value(resp, MF.expectedBoolean)
            fmt = g.value(resp, MF.expectedFormat)
            steps.append(
                Step(
                    method=str(g.value(request, HT.methodName)),
                    path=str(g.value(request, HT.absolutePath)),
                    body=body,
                    headers=headers,
                    statuses={str(s).rsplit("#", 1)[1] for s in g.objects(resp, MF.expectedStatus)},
                    boolean=None if boolean is None else bool(boolean.toPython()),
                    fmt=None if fmt is None else str(fmt),
                )
            )
        cases.append((str(entry).rsplit("#", 1)[1], steps))
    return cases


CASES = manifest_cases()


def test_manifest_has_every_case() -> None:
    names = [name for name, _ in CASES]
    assert len(names) == 34
    assert sum(n.startswith("query_") for n in names) == 13
    assert sum(n.startswith("update_") for n in names) == 7
    assert sum(n.startswith("bad_") for n in names) == 14


def send(server: Server, step: Step) -> httpx.Response:
    assert step.path.startswith("/sparql/")
    return httpx.request(
        step.method, server.base + step.path, content=step.body, headers=step.headers, timeout=30
    )


def status_class(code: int) -> str:
    return f"StatusCode{code // 100}xx"


def check_format(response: httpx.Response, step: Step) -> None:
    media = response.headers["content-type"].split(";")[0]
    if step.fmt == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml")
        fmt = "json" if media.endswith("json") else "xml"
        result = Result.parse(io.BytesIO(response.content), format=fmt)
        assert result.type == "ASK"
        if step.boolean is not None:
            assert result.askAnswer is step.boolean
    elif step.fmt == "tabular":
        assert media in set(RESULT_MEDIA) - {"application/json", "application/xml", "text/xml"}
    elif step.fmt == "RDF":
        formats = {
            "text/turtle": "turtle",
            "application/n-triples": "nt",
            "application/rdf+xml": "xml",
            "application/ld+json": "json-ld",
        }
        Graph().parse(data=response.content, format=formats[media])


def store_intact(server: Server) -> None:
    r = httpx.get(
        server.base + "/sparql",
        params={
            "query": f"SELECT (COUNT(*) AS ?n) {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{KASEI}')) }}"
        },
        headers={"accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "3"


@pytest.mark.parametrize("steps", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_w3c_protocol_case(
    server: Server, steps: list[Step], request: pytest.FixtureRequest
) -> None:
    name = request.node.callspec.id
    if name.startswith("update_"):
        # The endpoint is read-only: the update is refused, nothing changes.
        response = send(server, steps[0])
        assert 400 <= response.status_code < 500, response.text
        assert response.json()["error"]["code"] == "update_refused"
        store_intact(server)
        return
    for step in steps:
        response = send(server, step)
        assert status_class(response.status_code) in step.statuses, (
            response.status_code,
            response.text,
        )
        if response.status_code < 300:
            check_format(response, step)
        else:
            body = response.json()
            assert set(body) == {"error"}
            assert body["error"]["status"] == response.status_code
    store_intact(server)


# --------------------------------------------------------------------- beyond the manifest

SELECT_ALL = (
    "SELECT ?s ?o WHERE { ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?o } ORDER BY ?s"
)
CONSTRUCT_ALL = (
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'http://kasei')) }"
)
JSON_MEDIA = "application/sparql-results+json"


def sparql(
    server: Server, query: str, accept: str = JSON_MEDIA, **params: object
) -> httpx.Response:
    return httpx.get(
        server.base + "/sparql",
        params={"query": query, **params},
        headers={"accept": accept},
        timeout=30,
    )


def reference(server: Server, query: str) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
    """What ``jixiao query`` computes (graph.store.query), on the server's checkpoint."""
    from jixiao.graph.store import query as store_query

    root = server.store.with_name(server.store.name + ".checkpoints")
    checkpoint = max(root.glob("ckpt-*"))
    return store_query(ox.Store.read_only(str(checkpoint)), query)


def reference_rows(server: Server, query: str) -> list[tuple[str, ...]]:
    result = reference(server, query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(row[n].value for n in names) for row in result]


@pytest.mark.parametrize(
    "accept,fmt",
    [
        (JSON_MEDIA, "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_select_formats_agree_with_the_store(server: Server, accept: str, fmt: str) -> None:
    response = sparql(server, SELECT_ALL, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    result = Result.parse(io.BytesIO(response.content), format=fmt)
    rows = [tuple(str(t) for t in row) for row in result]
    expected = reference_rows(server, SELECT_ALL)
    assert len(expected) == 3
    if fmt == "tsv":  # TSV writes IRIs as <…>
        rows = [tuple(str(t).strip("<>") for t in row) for row in rows]
    assert rows == expected


@pytest.mark.parametrize(
    "accept,fmt",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_formats_agree_with_the_store(server: Server, accept: str, fmt: str) -> None:
    response = sparql(server, CONSTRUCT_ALL, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    got = Graph().parse(data=response.content, format=fmt)
    expected = Graph().parse(
        data=ox.serialize(reference(server, CONSTRUCT_ALL), format=ox.RdfFormat.N_TRIPLES),
        format="nt",
    )
    assert len(expected) == 3
    assert isomorphic(got, expected)


@pytest.mark.parametrize(
    "accept,media",
    [
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("*/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
        ("text/*", "text/csv"),
        ("*/*", JSON_MEDIA),
        ("application/*;q=0.2, text/csv;q=0.9", "text/csv"),
        ("application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),
    ],
)
def test_negotiation_with_q_values(server: Server, accept: str, media: str) -> None:
    response = sparql(server, SELECT_ALL, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize(
    "query,accept",
    [
        (SELECT_ALL, "image/png"),
        (SELECT_ALL, "text/turtle"),
        ("ASK {}", "text/csv"),
        (CONSTRUCT_ALL, JSON_MEDIA),
        (SELECT_ALL, "application/sparql-results+json;q=0"),
    ],
)
def test_406_when_no_format_is_acceptable(server: Server, query: str, accept: str) -> None:
    response = sparql(server, query, accept)
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"


def test_negotiate_table() -> None:
    assert negotiate(RESULT_MEDIA, None) == "json"
    assert negotiate(GRAPH_MEDIA, "") == "ttl"
    assert negotiate(GRAPH_MEDIA, "application/json") == "jsonld"
    assert negotiate(RESULT_MEDIA, "text/html") is None


def test_bad_syntax_is_400_with_the_parser_message(server: Server) -> None:
    response = sparql(server, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error == {"status": 400, "code": "query_syntax", "message": error["message"]}
    assert error["message"].startswith("error at 1:")


def test_service_description(server: Server) -> None:
    for accept, fmt in (
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        (None, "turtle"),
    ):
        headers = {"accept": accept} if accept else {}
        response = httpx.get(server.base + "/sparql", headers=headers, timeout=30)
        assert response.status_code == 200
        g = Graph().parse(data=response.content, format=fmt)
        service = g.value(None, SD.endpoint, URIRef(server.base + "/sparql"))
        assert service is not None
        assert (service, RDF.type, SD.Service) in g
        assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
        assert (service, SD.feature, SD.UnionDefaultGraph) in g


def test_union_default_graph_and_protocol_dataset(server: Server) -> None:
    count = "SELECT (COUNT(*) AS ?n) { ?s a <http://xmlns.com/foaf/0.1/Document> }"
    assert sparql(server, count).json()["results"]["bindings"][0]["n"]["value"] == "3"
    only = sparql(server, count, **{"default-graph-uri": f"{KASEI}data2.rdf"})
    assert only.json()["results"]["bindings"][0]["n"]["value"] == "1"
    from_one = sparql(server, count.replace("{", f"FROM <{KASEI}data1.rdf> {{", 1))
    assert from_one.json()["results"]["bindings"][0]["n"]["value"] == "1"


@pytest.mark.parametrize(
    "method,kwargs",
    [
        ("GET", {"params": {"update": "CLEAR ALL"}}),
        ("POST", {"data": {"update": "DROP ALL"}}),
        (
            "POST",
            {"content": b"CLEAR ALL", "headers": {"content-type": "application/sparql-update"}},
        ),
        ("GET", {"params": {"query": "CLEAR ALL"}}),
        ("POST", {"data": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}),
        ("GET", {"params": {"query": "ASK {}", "using-graph-uri": "http://x/"}}),
    ],
)
def test_updates_are_refused(server: Server, method: str, kwargs: dict) -> None:
    response = httpx.request(method, server.base + "/sparql", timeout=30, **kwargs)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "update_refused"
    store_intact(server)


def test_row_cap_is_an_error_never_a_short_answer(server: Server) -> None:
    """With JIXIAO_ROW_CAP set, an answer over it is refused before any of it is sent (the
    client cannot take it for a whole one); an answer at the cap is given whole."""
    over = f"SELECT ?s ?n {{ GRAPH <{CAP_GRAPH}> {{ ?s <http://example.org/n> ?n }} }}"
    for accept in (JSON_MEDIA, "text/csv"):
        response = sparql(server, over, accept)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "row_cap"
        assert str(ROW_CAP) in response.json()["error"]["message"]
    at_cap = over.replace("?n }", f"?n }} FILTER(?n < {ROW_CAP})")
    rows = Result.parse(io.BytesIO(sparql(server, at_cap, "text/csv").content), format="csv")
    assert len(list(rows)) == ROW_CAP
    graph = sparql(
        server,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{CAP_GRAPH}> {{ ?s ?p ?o }} }}",
        "application/n-triples",
    )
    assert graph.status_code == 422 and graph.json()["error"]["code"] == "row_cap"
    assert "x-jixiao-truncated" not in graph.headers


def test_language_tags_survive_every_format(server: Server) -> None:
    query = f"SELECT ?l {{ GRAPH <{CAP_GRAPH}> {{ ?s <http://example.org/label> ?l }} }}"
    for accept, fmt in ((JSON_MEDIA, "json"), ("application/sparql-results+xml", "xml")):
        result = Result.parse(io.BytesIO(sparql(server, query, accept).content), format=fmt)
        [(label,)] = list(result)
        assert (str(label), label.language) == ("零", "zh")


def test_cors(server: Server) -> None:
    response = httpx.get(
        server.base + "/sparql",
        params={"query": "ASK {}"},
        headers={"origin": "https://example.org"},
        timeout=30,
    )
    assert response.headers["access-control-allow-origin"] in ("*", "https://example.org")
    # /sparql answers in full or with an error: no header tells of a cut answer any more
    exposed = response.headers["access-control-expose-headers"].lower().split(", ")
    assert "x-total-count" in exposed and "x-jixiao-truncated" not in exposed
    preflight = httpx.options(
        server.base + "/sparql",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
        timeout=30,
    )
    assert preflight.status_code == 200


# --------------------------------------------------------------------- clients


def test_sparqlwrapper_client(server: Server) -> None:
    from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

    expected = reference_rows(server, SELECT_ALL)
    for fmt in (JSON, XML):
        client = SPARQLWrapper(server.base + "/sparql", returnFormat=fmt)
        client.setQuery(SELECT_ALL)
        converted = client.query().convert()
        if fmt == JSON:
            rows = [(b["s"]["value"], b["o"]["value"]) for b in converted["results"]["bindings"]]
        else:
            rows = [
                tuple(str(t) for t in row)
                for row in Result.parse(io.BytesIO(converted.toxml().encode()), format="xml")
            ]
        assert rows == expected
    for fmt, name in ((CSV, "csv"), (TSV, "tsv")):
        client = SPARQLWrapper(server.base + "/sparql", returnFormat=fmt)
        client.setQuery(SELECT_ALL)
        assert len(client.query().convert().decode().strip().splitlines()) == 4, name
    client = SPARQLWrapper(server.base + "/sparql", returnFormat=TURTLE)
    client.setQuery(CONSTRUCT_ALL)
    got = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(got) == 3
    client = SPARQLWrapper(server.base + "/sparql", returnFormat=JSON)
    client.setMethod("POST")
    client.setQuery("ASK { ?s ?p ?o }")
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_client(server: Server) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(server.base + "/sparql", returnFormat="json"))
    rows = [(str(s), str(o)) for s, o in graph.query(SELECT_ALL)]
    assert rows == reference_rows(server, SELECT_ALL)
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    # rdflib asks for results media types only with "json": CONSTRUCT needs "xml" (RDF/XML)
    rdf = Graph(store=SPARQLStore(server.base + "/sparql", returnFormat="xml"))
    assert len(rdf.query(CONSTRUCT_ALL).graph) == 3


# --------------------------------------------------------------------- no outbound fetch


class Listener:
    """A plain loopback socket server that records every connection it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        deadline = time.monotonic() + 120
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(4096))
                except OSError:
                    self.connections.append(b"")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def test_no_outbound_fetch(server: Server, listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/"
    refused_service = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c . {{ SELECT ?s {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <{url}>\nSELECT * WHERE {{ #comment\nSERVICE r: {{ ?s ?p ?o }} }}",
        f"ASK {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"CONSTRUCT WHERE {{ SERVICE<{url}>{{ ?s ?p ?o }} }}",
    ]
    for query in refused_service:
        for method in ("GET", "POST"):
            if method == "GET":
                response = sparql(server, query)
            else:
                response = httpx.post(
                    server.base + "/sparql",
                    content=query.encode(),
                    timeout=30,
                    headers={"content-type": "application/sparql-query"},
                )
            assert response.status_code == 400, query
            assert response.json()["error"]["code"] == "service_refused"
    for query in (
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ):
        response = sparql(server, query)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "unknown_graph"
    # protocol graphs are names in the store too: answered (empty), never fetched
    response = sparql(server, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": url})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    time.sleep(0.5)
    assert listener.connections == []
    # the listener does record connections (so the assertion above can fail)
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2) as probe:
        probe.sendall(b"ping")
    deadline = time.monotonic() + 5
    while not listener.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections == [b"ping"]


@pytest.mark.parametrize(
    "text,service",
    [
        ("SELECT * { ?s ?p 'SERVICE' }", False),
        ("SELECT * { ?s ?p <http://x/SERVICE> }", False),
        ("SELECT * { ?s ?p ?o } # SERVICE <http://x/>", False),
        ("SELECT ?service { ?service ?p ?o }", False),
        ("SELECT * { ?s ex:SERVICE ?o }", False),
        ('SELECT * { ?s ?p """x\nSERVICE""" }', False),
        ("SELECT * { SeRvIcE <http://x/> { } }", True),
        ('SELECT * { ?s ?p "a\\"" . SERVICE <http://x/> {} }', True),
        ("SELECT * { \\U00000053ERVICE <http://x/> {} }", True),
    ],
)
def test_scan_finds_service_outside_strings_iris_and_comments(text: str, service: bool) -> None:
    assert scan_query(text).service is service


def test_scan_query_forms() -> None:
    assert scan_query("PREFIX a: <http://a/> ASK {}").form == "ASK"
    assert scan_query("# SELECT\nCONSTRUCT WHERE {}").form == "CONSTRUCT"
    assert scan_query("CLEAR ALL").update is True
    assert scan_query("SELECT ?insert {}").update is False
    scan = scan_query("SELECT * FROM <http://a/> FROM NAMED <http://b/> {}")
    assert scan.from_iris == ("http://a/", "http://b/")


# --------------------------------------------------------------------- time limit


CROSS_PRODUCT = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(12)) + " }"
)


def test_time_limit_kills_the_query_and_others_are_answered(server: Server) -> None:
    outcome: dict[str, object] = {}

    def heavy() -> None:
        start = time.monotonic()
        response = sparql(server, CROSS_PRODUCT)
        outcome["status"] = response.status_code
        outcome["body"] = response.json()
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.5)
    quick = []
    # another client (another loopback address): one client's own queries wait for its
    # running one (api/fair.py), another client's are answered at once
    other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    for i in range(3):
        start = time.monotonic()
        response = other.get(server.base + "/sparql", params={"query": f"ASK {{ ?s ?p ?q{i} }}"},
                             headers={"accept": JSON_MEDIA}, timeout=30)  # fmt: skip
        quick.append(time.monotonic() - start)
        assert response.status_code == 200 and response.json()["boolean"] is True
    thread.join(30)
    assert not thread.is_alive()
    assert outcome["status"] == 503
    assert outcome["body"]["error"]["code"] == "query_timeout"
    assert TIMEOUT - 0.1 <= outcome["seconds"] < TIMEOUT + 3
    assert max(quick) < 1.0
    # the killed worker is replaced: the pool answers again, repeatedly
    deadline = time.monotonic() + 30
    answered = 0
    while answered < 6 and time.monotonic() < deadline:
        answered += sparql(server, "ASK {}").status_code == 200
    assert answered == 6
