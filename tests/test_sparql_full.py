"""``/sparql`` answers in full (issue #16), against a real uvicorn server on 127.0.0.1 over
the five samples: every row of ``SELECT * { ?s ?p ?o }`` (as many as its ``COUNT(*)``)
through SPARQLWrapper (JSON, CSV) and through rdflib's own ``SERVICE`` (the client side);
long answers stream (chunked), keep gzip and the checkpoint's ETag; a failure after the first
byte breaks the response off instead of ending a short 200."""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

from tests.conftest import ingest_samples_in_child
from tests.test_sparql_protocol import Server, run_server

ALL = "SELECT * { ?s ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("full") / "store"
    ingest_samples_in_child(store)
    return store


@pytest.fixture(scope="module")
def server(samples: Path) -> Iterator[Server]:
    with run_server(samples, timeout=60) as srv:
        yield srv


@pytest.fixture(scope="module")
def total(server: Server) -> int:
    """The store's own count of its union's triples, asked of the same endpoint."""
    response = httpx.get(
        server.base + "/sparql",
        params={"query": COUNT},
        headers={"accept": "application/sparql-results+json"},
        timeout=60,
    )
    n = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert n > 10_000  # more than the old silent cap, or the test proves nothing
    return n


def test_sparqlwrapper_json_and_csv_get_every_row(server: Server, total: int) -> None:
    from SPARQLWrapper import CSV, JSON, SPARQLWrapper

    client = SPARQLWrapper(server.base + "/sparql", returnFormat=JSON)
    client.setQuery(ALL)
    bindings = client.query().convert()["results"]["bindings"]
    assert len(bindings) == total
    assert len({(b["s"]["value"], b["p"]["value"], str(b["o"])) for b in bindings}) == total
    client = SPARQLWrapper(server.base + "/sparql", returnFormat=CSV)
    client.setQuery(ALL)
    text = client.query().convert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted(rows[0]) == ["o", "p", "s"] and len(rows) - 1 == total


def test_rdflib_service_gets_every_row(server: Server, total: int) -> None:
    """rdflib evaluates SERVICE itself (the client side) and asks our endpoint."""
    query = f"SELECT ?s ?p ?o WHERE {{ SERVICE <{server.base}/sparql> {{ {ALL[9:]} }} }}"
    rows = list(Graph().query(query))
    assert len(rows) == total


def test_long_answers_stream_gzipped_with_the_checkpoint_etag(server: Server, total: int) -> None:
    headers = {"accept": "text/csv", "accept-encoding": "gzip"}
    with httpx.stream(
        "GET", server.base + "/sparql", params={"query": ALL}, headers=headers, timeout=60
    ) as response:
        assert response.status_code == 200
        assert response.headers["transfer-encoding"] == "chunked"
        assert "content-length" not in response.headers
        assert response.headers["content-encoding"] == "gzip"
        tag = response.headers["etag"]
        raw = b"".join(response.iter_raw())
    text = gzip.decompress(raw).decode("utf-8")
    assert len(list(csv.reader(io.StringIO(text)))) == total + 1
    again = httpx.get(
        server.base + "/sparql",
        params={"query": ALL},
        headers={**headers, "if-none-match": tag},
        timeout=60,
    )
    assert again.status_code == 304 and again.content == b""


def test_a_stream_over_the_time_limit_is_broken_off(samples: Path, tmp_path: Path) -> None:
    """An endless answer (the union joined with itself: 10⁸ rows) starts streaming and is
    cut by the time limit: the client gets a broken chunked body, never a complete 200."""
    copy = tmp_path / "store"
    shutil.copytree(samples, copy)
    with run_server(copy, timeout=3) as srv:
        endless = "SELECT * { ?a ?b ?c . ?d ?e ?f }"
        received = 0
        with (
            pytest.raises(httpx.RemoteProtocolError),
            httpx.stream(
                "GET",
                srv.base + "/sparql",
                params={"query": endless},
                headers={"accept": "text/tab-separated-values"},
                timeout=60,
            ) as response,
        ):
            assert response.status_code == 200
            for chunk in response.iter_bytes():
                received += len(chunk)
        assert received > 0  # it did start: the break came mid-stream
        ok = httpx.get(srv.base + "/sparql", params={"query": "ASK {}"}, timeout=60)
        assert ok.status_code == 200  # a fresh worker answers the next query
