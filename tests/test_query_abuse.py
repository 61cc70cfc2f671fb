"""Abuse of the query side (issue #18), against a real ``jixiao serve`` on 127.0.0.1: every
way a query could make the server fetch a URL is refused (the listener started here sees no
connection), oversized and over-nested requests get structured 4xx answers, a query over
the memory cap gets 503 and the server goes on, one client cannot hold every worker, and
no error body carries internals."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.service_listener import Listener
from tests.test_sparql_protocol import CROSS_PRODUCT, Server, load_test_store, run_server

JSON = "application/sparql-results+json"
SIZE_LIMIT = 30_000


def new_store(factory: pytest.TempPathFactory, name: str) -> Path:
    store = factory.mktemp(name) / "store"
    load_test_store(store)
    return store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"JIXIAO_WORKERS": "2", "JIXIAO_QUERY_SIZE_LIMIT": str(SIZE_LIMIT)}
    with run_server(new_store(tmp_path_factory, "abuse"), timeout=10, env=env) as srv:
        yield srv


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def send(server: Server, how: str, query: str) -> httpx.Response:
    """``query`` to /sparql (GET, POST form, POST direct) or /sparql-ui (GET, POST)."""
    url = server.base + ("/sparql-ui" if how.startswith("ui") else "/sparql")
    headers = {"accept": JSON}
    if how == "get":
        return httpx.get(url, params={"query": query}, headers=headers, timeout=30)
    if how == "form":
        return httpx.post(url, data={"query": query}, headers=headers, timeout=30)
    if how == "direct":
        headers["content-type"] = "application/sparql-query"
        return httpx.post(url, content=query.encode(), headers=headers, timeout=30)
    if how == "ui-get":
        return httpx.get(url, params={"query": query, "run": "1"}, timeout=30)
    return httpx.post(url, data={"query": query}, timeout=30)


WAYS = ["get", "form", "direct", "ui-get", "ui-post"]
ESCAPED = [  # the two queries, then other spellings of SERVICE
    "PREFIX ex: <http://e/> SELECT ?x {{ BIND(ex:a\\# AS ?z) SERVICE <{url}> {{ ?x ?p ?o }} }}",
    "PREFIX ex: <http://e/> SELECT ?x {{ BIND(ex:a\\' AS ?z) SERVICE <{url}> {{ ?x ?p ?o }} "
    "BIND('x' AS ?w) }}",
    "SELECT * {{ ?s ?p ?o # SERVICE\n. sErViCe SILENT <{url}> {{ ?x ?p ?o }} }}",
    "PREFIX : <{url}> SELECT * {{ ?s ?p ?o FILTER(?o<=?o)SERVICE:x#>\n{{ ?x ?b ?c }} }}",
    "SELECT * {{ ?s ?p trueSERVICE<{url}>{{ ?x ?b ?c }} }}",
    "SELECT * {{ \\u0053ERVICE <{url}> {{ ?x ?p ?o }} }}",
]


def assert_refused(response: httpx.Response, how: str) -> None:
    assert response.status_code == 400, (how, response.text[:300])
    if how.startswith("ui"):
        assert "SERVICE" in response.text and "fetched" not in response.text
    else:
        assert response.json()["error"]["code"] == "service_refused"


@pytest.mark.parametrize("how", WAYS)
def test_escaped_service_is_refused_and_nothing_connects(
    server: Server, listener: Listener, how: str
) -> None:
    for template in ESCAPED:
        query = template.replace("{url}", listener.url).replace("{{", "{").replace("}}", "}")
        assert_refused(send(server, how, query), how)
    assert listener.connections == []
    listener.probe()


@pytest.mark.parametrize("how", ["get", "direct", "ui-get"])
def test_the_word_service_in_strings_and_iris_still_works(server: Server, how: str) -> None:
    query = (
        "SELECT ?s ?label WHERE { ?s a <http://xmlns.com/foaf/0.1/Document> "
        "BIND('SERVICE <http://127.0.0.1:9/> {}' AS ?label) "
        "FILTER(?s != <http://example.org/service#x>) } # SERVICE <http://127.0.0.1:9/>"
    )
    response = send(server, how, query)
    assert response.status_code == 200, response.text[:300]
    if how.startswith("ui"):
        assert response.text.count("SERVICE &lt;http://127.0.0.1:9/&gt; {}") >= 3
    else:
        rows = response.json()["results"]["bindings"]
        assert len(rows) == 3 and rows[0]["label"]["value"].startswith("SERVICE")


def test_no_other_way_to_fetch(server: Server, listener: Listener) -> None:
    """LOAD is an update (403); FROM / FROM NAMED / GRAPH / DESCRIBE name graphs of the
    store and are never fetched (pyoxigraph 0.5 does not fetch them either)."""
    url = listener.url
    for query in (f"LOAD <{url}>", f"LOAD SILENT <{url}> INTO GRAPH <http://x/>"):
        for how in ("get", "form", "direct"):
            response = send(server, how, query)
            assert response.status_code == 403, response.text
            assert response.json()["error"]["code"] == "update_refused"
    update = httpx.post(server.base + "/sparql", content=f"LOAD <{url}>".encode(),
                        headers={"content-type": "application/sparql-update"}, timeout=30)  # fmt: skip
    assert update.status_code == 403
    for query in (
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"PREFIX u: <{url}> SELECT * FROM NAMED u:g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ):
        response = send(server, "get", query)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "unknown_graph"
    assert send(server, "get", f"SELECT * {{ GRAPH <{url}> {{ ?s ?p ?o }} }}").status_code == 200
    describe = httpx.get(server.base + "/sparql", params={"query": f"DESCRIBE <{url}>"},
                         headers={"accept": "text/turtle"}, timeout=30)  # fmt: skip
    assert describe.status_code == 200
    assert listener.connections == []
    listener.probe()


# --------------------------------------------------------------------- size and nesting


def raw(server: Server, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as is (httpx refuses URLs over 64 KB) and read the whole answer."""
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def assert_json_error(status: int, headers: dict[str, str], body: bytes, code: str) -> None:
    assert headers["content-type"].startswith("application/json"), body[:200]
    assert json.loads(body)["error"]["code"] == code
    assert json.loads(body)["error"]["status"] == status


def test_an_over_long_get_is_414_json(server: Server) -> None:
    target = "/sparql?query=" + quote("ASK {} #" + "x" * 70_000)
    request = f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    status, headers, body = raw(server, request)
    assert status == 414
    assert_json_error(status, headers, body, "uri_too_long")
    assert "POST" in json.loads(body)["error"]["message"]
    # under the URI limit but over the query size limit: 414 too (POST gets 413)
    query = "ASK {} #" + "x" * (SIZE_LIMIT + 10)
    response = httpx.get(server.base + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 414 and response.json()["error"]["code"] == "uri_too_long"
    response = httpx.post(server.base + "/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 413
    status, headers, body = raw(server, b"NOT HTTP AT ALL\r\n\r\n")
    assert status == 400
    assert_json_error(status, headers, body, "bad_request")
    assert httpx.get(server.base + "/sparql", params={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * " + "{" * 10_000 + "}" * 10_000,
        "ASK { FILTER(" + "(" * 10_000 + "true" + ")" * 10_000 + ") }",
        "SELECT * { ?s ?p " + "[ ?q " * 3_000 + "1" + " ]" * 3_000 + " }",
    ],
    ids=["braces", "parentheses", "brackets"],
)
def test_deep_nesting_is_400_and_no_worker_dies(server: Server, query: str) -> None:
    for how in ("direct", "get"):
        response = send(server, how, query)
        assert response.status_code == 400, response.text[:300]
        error = response.json()["error"]
        assert error["code"] == "too_deep" and "line 1, column " in error["message"]
    assert send(server, "get", "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_an_error_500_says_nothing_of_the_server(tmp_path_factory: pytest.TempPathFactory) -> None:
    store = new_store(tmp_path_factory, "broken")
    with run_server(store, timeout=10) as srv:
        checkpoints = store.with_name(store.name + ".checkpoints")
        shutil.rmtree(checkpoints)  # the workers have not opened it yet: they will fail to
        response = send(srv, "get", "ASK { ?s ?p ?o }")
        page = send(srv, "ui-get", "ASK { ?s ?p ?o }")
    assert response.status_code == 500
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "id"} and error["id"] in error["message"]
    for text in (response.text, page.text):
        assert str(checkpoints) not in text and "/tmp" not in text
        assert "Error" not in text.replace("error", "")
    assert page.status_code == 500 and error["code"] == "internal"


# --------------------------------------------------------------------- memory and fairness


def doubling(levels: int) -> str:
    """A string of 10 × 2^levels characters built by nested CONCAT."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(levels))
    return f"SELECT (STRLEN(?x{levels}) AS ?n) {{ BIND('abcdefghij' AS ?x0) {binds} }}"


def test_a_query_over_the_memory_cap_is_503_and_the_server_goes_on(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    env = {"JIXIAO_WORKER_MEMORY_MB": "1024", "JIXIAO_WORKERS": "1"}
    with run_server(new_store(tmp_path_factory, "memory"), timeout=60, env=env) as srv:
        small = send(srv, "get", doubling(10))
        assert small.json()["results"]["bindings"][0]["n"]["value"] == "10240"
        response = send(srv, "direct", doubling(26))  # 671 MB, and copies of it
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "query_memory" and "1024 MB" in error["message"]
        answers = [send(srv, "get", f"ASK {{ ?s ?p ?o{i} }}").status_code for i in range(4)]
        assert answers == [200] * 4


def test_one_client_cannot_hold_every_worker(tmp_path_factory: pytest.TempPathFactory) -> None:
    limit = 6.0
    env = {"JIXIAO_WORKERS": "2", "JIXIAO_CLIENT_QUEUE": "2"}
    outcome: dict[str, int] = {}

    def slow(query: str) -> None:
        response = httpx.post(srv.base + "/sparql", data={"query": query}, timeout=60)
        outcome[query] = response.status_code

    with run_server(new_store(tmp_path_factory, "fair"), timeout=limit, env=env) as srv:
        threads = [threading.Thread(target=slow, args=(CROSS_PRODUCT + f" #{i}",)) for i in (1, 2)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        start = time.monotonic()
        quick = other.get(srv.base + "/sparql", params={"query": "ASK { ?s ?p ?fair }"},
                          headers={"accept": JSON}, timeout=60)  # fmt: skip
        seconds = time.monotonic() - start
        third = threading.Thread(target=slow, args=("ASK { ?s ?p ?third }",))
        third.start()
        time.sleep(0.3)
        fourth = httpx.post(srv.base + "/sparql", data={"query": "ASK { ?s ?p ?fourth }"})
        for thread in (*threads, third):
            thread.join(60)
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert seconds < limit / 3, seconds
    assert fourth.status_code == 429 and fourth.headers["retry-after"]
    assert fourth.json()["error"]["code"] == "too_many_queries"
    # the slow ones ran out of time; the third waited behind them (answered if time was left)
    assert [outcome[CROSS_PRODUCT + f" #{i}"] for i in (1, 2)] == [503, 503]
    assert outcome["ASK { ?s ?p ?third }"] in (200, 503)
