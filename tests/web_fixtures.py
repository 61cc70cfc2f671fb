"""Shared set-up of the web page tests: the samples ingested once, a server per test module.

The samples are ingested once per session into a pristine store (in a child process, so the
store's lock is surely released); each module serves its own copy, since the upload tests
write to the store.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ingest_samples_in_child
from tests.test_sparql_protocol import ROOT, Server, run_server

TOKEN = "web-test-token-1234567890"
PROJECT_12345 = "广州12345政务服务便民热线平台运营项目"
JXID = "https://w3id.org/jixiao/id/"
ARTIFACTS = ROOT / "test-artifacts"
_PRISTINE: list[Path] = []


def pristine_store(factory: pytest.TempPathFactory) -> Path:
    if not _PRISTINE:
        store = factory.mktemp("web-pristine") / "store"
        ingest_samples_in_child(store)
        _PRISTINE.append(store)
    return _PRISTINE[0]


@contextlib.contextmanager
def serve_copy(
    factory: pytest.TempPathFactory, name: str, token: str | None = TOKEN, **settings: str
) -> Iterator[Server]:
    """A server on a fresh copy of the ingested samples (with the upload token, by default;
    ``settings``: more environment variables, e.g. ``JIXIAO_ROW_CAP``)."""
    store = factory.mktemp(name) / "store"
    shutil.copytree(pristine_store(factory), store)
    env = {"JIXIAO_API_TOKEN": token or "", **settings}
    with run_server(store, timeout=30, env=env) as server:
        yield server


def get(server: Server, path: str, **kwargs: object) -> httpx.Response:
    return httpx.get(server.base + path, timeout=60, **kwargs)  # type: ignore[arg-type]


def api_projects(server: Server, **params: object) -> dict:
    response = get(server, "/api/projects", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()


def local(iri: str, kind: str) -> str:
    prefix = f"{JXID}{kind}/"
    assert iri.startswith(prefix), iri
    return iri[len(prefix) :]


def project_12345(server: Server) -> dict:
    items = [i for i in api_projects(server, year=2026)["items"] if i["name"] == PROJECT_12345]
    assert len(items) == 1, items
    return items[0]


def sparql_count(server: Server, query: str) -> int:
    """One integer from a SELECT through the protocol endpoint (independent of the pages)."""
    response = httpx.post(
        server.base + "/sparql", data={"query": query}, timeout=60,
        headers={"Accept": "application/sparql-results+json"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    (row,) = response.json()["results"]["bindings"]
    (cell,) = row.values()
    return int(cell["value"])


def safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-")
