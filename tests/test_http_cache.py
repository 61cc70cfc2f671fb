"""gzip and conditional GET on a real server: ``ETag`` follows the store's checkpoint."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import SAMPLES
from tests.test_sparql_protocol import Server
from tests.web_fixtures import TOKEN, get, serve_copy

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
TAGGED = ["/sparql?query=" + QUERY, "/api/projects?limit=5", "/", "/units", "/sparql-ui"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_copy(tmp_path_factory, "http-cache") as srv:
        yield srv


def test_large_answers_are_gzipped_when_asked(server: Server) -> None:
    with httpx.Client(timeout=60) as client:
        for path in ("/api/projects?limit=50", "/"):
            plain = client.get(server.base + path, headers={"accept-encoding": "identity"})
            assert plain.status_code == 200 and len(plain.content) > 1024
            assert "content-encoding" not in plain.headers
            with client.stream(
                "GET", server.base + path, headers={"accept-encoding": "gzip"}
            ) as zipped:
                assert zipped.headers["content-encoding"] == "gzip"
                raw = b"".join(zipped.iter_raw())
            assert len(raw) < len(plain.content)
            assert gzip.decompress(raw) == plain.content
    small = get(server, "/sparql", params={"query": "ASK {}"}, headers={"accept-encoding": "gzip"})
    assert small.status_code == 200 and "content-encoding" not in small.headers


def test_etag_and_not_modified(server: Server) -> None:
    tags = {}
    for path in TAGGED:
        first = get(server, path)
        assert first.status_code == 200, (path, first.text)
        tag = first.headers["etag"]
        assert get(server, path).headers["etag"] == tag  # same store, same request
        again = get(server, path, headers={"if-none-match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
        other = get(server, path, headers={"if-none-match": '"something-else"'})
        assert other.status_code == 200 and other.content == first.content
        tags[path] = tag
    assert len(set(tags.values())) == len(TAGGED)
    english = get(server, "/units", params={"lang": "en"})
    assert english.headers["etag"] != tags["/units"]  # the query string counts
    html = get(server, "/units", headers={"accept": "text/html"})
    assert html.headers["etag"] != tags["/units"]  # and so does Accept
    assert get(server, "/no/such/page").headers.get("etag") is None  # errors carry none

    # a committed upload writes a new checkpoint: every tag changes, old ones give 200
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    files = {"file": (sample.name, sample.read_bytes(), "text/plain")}
    auth = {"authorization": f"Bearer {TOKEN}"}
    posted = httpx.post(server.base + "/api/documents", files=files, headers=auth, timeout=120)
    assert posted.status_code == 200, posted.text
    for path in TAGGED:
        fresh = get(server, path, headers={"if-none-match": tags[path]})
        assert fresh.status_code == 200, path
        assert fresh.headers["etag"] != tags[path]
