"""Abusive uploads against a real ``jixiao serve`` on 127.0.0.1 (issue #18, items 6 and 9).

Requests are written on raw sockets where it matters *when* the server answers: a server
that refuses before reading the body answers although the body was never sent; a server
that read (or spooled) it first would wait for it. Chunked bodies prove that the hard
limit does not depend on a declared Content-Length.
"""

from __future__ import annotations

import shutil
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html

from tests.conftest import SAMPLES
from tests.test_sparql_protocol import Server, run_server
from tests.web_fixtures import pristine_store, serve_copy

TOKEN = "abuse-test-token-0123456789"
LIMIT = 200_000  # JIXIAO_UPLOAD_LIMIT of the test server; the samples are below 100 kB
BODY_LIMIT = LIMIT + 64 * 1024
GIB = 1 << 30
SAMPLE = sorted(SAMPLES.glob("*.txt"))[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Upload on, a small limit; a stale upload folder (as a killed service leaves it)
    waits in ``<store>.uploads`` when the server starts."""
    store = tmp_path_factory.mktemp("abuse") / "store"
    shutil.copytree(pristine_store(tmp_path_factory), store)
    stale = store.with_name("store.uploads") / "upload-stale"
    stale.mkdir(parents=True)
    (stale / "half-written.txt").write_bytes(b"x" * 1000)
    env = {"JIXIAO_API_TOKEN": TOKEN, "JIXIAO_UPLOAD_LIMIT": str(LIMIT)}
    with run_server(store, timeout=30, env=env) as srv:
        yield srv


@pytest.fixture(scope="module")
def disabled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_copy(tmp_path_factory, "abuse-off", token=None) as srv:
        yield srv


def uploads_of(server: Server) -> Path:
    return Path(server.store).resolve().with_name(Path(server.store).name + ".uploads")


def multipart(name: str, data: bytes, token: str | None = None) -> tuple[str, bytes]:
    """(content type, body) of an upload form."""
    boundary = uuid.uuid4().hex
    parts = []
    if token is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n{token}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def chunked(body: bytes, size: int = 16 * 1024) -> Iterator[bytes]:
    for i in range(0, len(body), size):
        piece = body[i : i + size]
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


def raw(
    server: Server, path: str, headers: dict[str, str], body: Iterable[bytes] = (),
    wait: float = 20.0,
) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    """POST ``path`` on a raw socket: the head, then ``body`` piece by piece (as far as the
    server takes it), then read the answer; (status, headers, body)."""
    host, port = urlsplit(server.base).hostname, urlsplit(server.base).port
    assert host == "127.0.0.1" and port
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    with socket.create_connection((host, port), timeout=wait) as sock:
        sock.sendall(head.encode("latin-1"))
        try:
            for piece in body:
                sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its answer is waiting
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    head_bytes, _, rest = data.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 "), data[:200]
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in fields.items()}, rest


def api_headers(content_type: str, length: int | None, token: str | None) -> dict[str, str]:
    out = {"Content-Type": content_type}
    out.update({"Content-Length": str(length)} if length is not None else
               {"Transfer-Encoding": "chunked"})  # fmt: skip
    if token is not None:
        out["Authorization"] = f"Bearer {token}"
    return out


FORM = "multipart/form-data; boundary=x"


@pytest.mark.parametrize("length", [GIB, None], ids=["content-length-1GiB", "chunked"])
def test_upload_off_is_refused_before_the_body(disabled: Server, length: int | None) -> None:
    start = time.monotonic()
    status, headers, body = raw(disabled, "/api/documents", api_headers(FORM, length, "x"))
    assert status == 403 and b"ingest_disabled" in body
    assert headers.get("connection") == "close"  # the body it did not read is not swallowed
    status, _, page = raw(disabled, "/upload", api_headers(FORM, length, None))
    assert status == 403 and b'id="upload-error"' in page
    assert time.monotonic() - start < 15  # no body was ever sent: nothing was waited for


@pytest.mark.parametrize("token", [None, "wrong", TOKEN + "x", "é" * 20, ""])
def test_a_wrong_token_is_refused_before_the_body(server: Server, token: str | None) -> None:
    headers = api_headers(FORM, GIB, None)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    status, _, body = raw(server, "/api/documents", headers)
    assert status == 401 and b"unauthorized" in body


def test_a_declared_size_above_the_limit_is_refused_before_the_body(server: Server) -> None:
    for path, token in (("/api/documents", TOKEN), ("/upload", None)):
        status, headers, _ = raw(server, path, api_headers(FORM, BODY_LIMIT + 1, token))
        assert status == 413 and headers.get("connection") == "close"


@pytest.mark.parametrize("path", ["/api/documents", "/upload"])
def test_a_chunked_body_is_cut_at_the_limit(server: Server, path: str) -> None:
    kind, body = multipart("big.txt", b"x" * (2 * BODY_LIMIT), TOKEN)
    token = TOKEN if path == "/api/documents" else None
    status, headers, _ = raw(server, path, api_headers(kind, None, token), chunked(body))
    assert status == 413 and headers.get("connection") == "close"
    assert list(uploads_of(server).iterdir()) == []


def test_a_chunked_upload_within_the_limit_is_ingested(server: Server) -> None:
    kind, body = multipart(SAMPLE.name, SAMPLE.read_bytes())
    status, _, answer = raw(server, "/api/documents", api_headers(kind, None, TOKEN), chunked(body))
    assert status == 200, answer[:300]
    assert b'"status":"unchanged"' in answer


def test_stale_upload_folders_are_removed_at_start_and_none_are_left(server: Server) -> None:
    root = uploads_of(server)
    assert root.is_dir() and root.stat().st_mode & 0o777 == 0o700
    files = {"file": ("../../escape.txt", SAMPLE.read_bytes(), "text/plain")}
    auth = {"authorization": f"Bearer {TOKEN}"}
    ok = httpx.post(server.base + "/api/documents", files=files, headers=auth, timeout=120)
    assert ok.status_code == 200, ok.text
    (doc,) = ok.json()["documents"]
    assert doc["path"] == "escape.txt"  # inside its folder, and the folder is not shown
    assert list(root.iterdir()) == []  # the stale folder went at start, this one after use


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("latin.txt", b"no Chinese text here\n", "expected a budget document"),
        ("binary.txt", b"\x00\x01\x02", "binary data"),
        ("gbk.txt", "部门预算".encode("gbk"), "expected a budget"),
        ("cut.txt", SAMPLE.read_bytes()[:20000], "file ends inside a character"),
        ("empty.txt", b"", "expected a budget document"),
    ],
)
def test_a_document_that_cannot_be_ingested_answers_422(
    server: Server, name: str, data: bytes, expected: str
) -> None:
    auth = {"authorization": f"Bearer {TOKEN}"}
    files = {"file": (name, data, "text/plain")}
    response = httpx.post(server.base + "/api/documents", files=files, headers=auth, timeout=60)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "unreadable_document"
    assert error["message"].startswith(name) and expected in error["message"]
    assert [d["status"] for d in error["documents"]] == ["error"]
    page = httpx.post(server.base + "/upload", data={"token": TOKEN}, files=files, timeout=60)
    assert page.status_code == 422
    doc = html.fromstring(page.text)
    assert doc.get_element_by_id("upload-error") is not None
    assert doc.xpath("//table[@id='upload-result']//tr/@data-status") == ["error"]


def test_requests_that_are_no_upload_form_answer_4xx(server: Server) -> None:
    url = server.base + "/api/documents"
    auth = {"authorization": f"Bearer {TOKEN}"}
    assert httpx.post(url, content=b"plain", headers=auth, timeout=30).status_code == 415
    broken = {**auth, "content-type": "multipart/form-data"}  # no boundary
    assert httpx.post(url, content=b"--x\r\n", headers=broken, timeout=30).status_code == 400
    no_file = httpx.post(url, data={"other": "1"}, files={"x": ("a", b"b")}, headers=auth,
                         timeout=30)  # fmt: skip
    assert no_file.status_code == 400 and no_file.json()["error"]["code"] == "no_file"


SAMPLE_BYTES = SAMPLE.read_bytes()
CONTENT = st.one_of(
    st.binary(max_size=3000),
    st.integers(0, len(SAMPLE_BYTES)).map(lambda n: SAMPLE_BYTES[:n]),  # cut anywhere
    st.tuples(
        st.integers(0, len(SAMPLE_BYTES)), st.sampled_from(["①、", "²", "\x00", "＝", "\ufeff"])
    ).map(lambda t: SAMPLE_BYTES[: t[0]] + t[1].encode() + SAMPLE_BYTES[t[0] :]),
)
NAMES = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(content=CONTENT, name=NAMES, token=st.sampled_from([TOKEN, TOKEN, "wrong", TOKEN[:-1]]))
def test_fuzzed_uploads_never_fail_the_server(
    server: Server, content: bytes, name: str, token: str
) -> None:
    files = {"file": (name or "x.txt", content, "text/plain")}
    auth = {"authorization": f"Bearer {token}"}
    response = httpx.post(server.base + "/api/documents", files=files, headers=auth, timeout=120)
    assert response.status_code in (200, 400, 401, 413, 422), response.text[:300]
    body = response.json()
    if token != TOKEN:
        assert response.status_code == 401
    elif response.status_code == 200:
        assert all(d["status"] != "error" for d in body["documents"])
    else:
        assert set(body) == {"error"} and body["error"]["message"]
    assert list(uploads_of(server).iterdir()) == []  # nothing left behind either way


@pytest.mark.parametrize("odd", ["٩٠", "𝟗𝟎", "²", "9٠"])
def test_query_parameters_take_ascii_numbers_only(server: Server, odd: str) -> None:
    url = server.base + "/api/queries/satisfaction_targets_below"
    assert httpx.get(url, params={"threshold": "90"}, timeout=60).status_code == 200
    refused = httpx.get(url, params={"threshold": odd}, timeout=60)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_parameter"
