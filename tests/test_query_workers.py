"""The query workers' own limits (api/worker_process.py, api/sandbox.py), on a
real pool of worker processes over a real on-disk store."""

from __future__ import annotations

import logging
import platform
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.api.workers import Checkpoints, Job, QueryError, QueryPool
from jixiao.graph.store import open_store, replace_graph
from tests.service_listener import Listener, oracle_store, reaches

SANDBOXED = platform.system() == "Linux" and platform.machine() in ("x86_64", "aarch64")


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[QueryPool, Checkpoints]]:
    root = tmp_path_factory.mktemp("workers")
    store = open_store(root / "store")
    replace_graph(
        store, "https://example.org/g", "<https://example.org/s> <https://example.org/p> 1 .\n"
    )
    checkpoints = Checkpoints(root / "checkpoints")
    checkpoints.create(store)
    pool = QueryPool(1, checkpoints)
    yield pool, checkpoints
    pool.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


@pytest.mark.skipif(not SANDBOXED, reason="the seccomp filter is for Linux x86-64 and AArch64")
def test_a_worker_cannot_connect_even_when_a_service_gets_through(
    pool: tuple[QueryPool, Checkpoints], listener: Listener, caplog: pytest.LogCaptureFixture
) -> None:
    """Defence in depth: the job skips the endpoint's scan (the pool runs what it is given);
    the worker's seccomp filter still stops the connection."""
    query = f"SELECT * {{ ?s ?p ?o SERVICE <{listener.url}> {{ ?x ?b ?c }} }}"
    assert reaches(listener, oracle_store(), query, {})  # unconfined, it connects
    listener.connections.clear()
    qpool, _ = pool
    assert qpool.sandbox_problem is None
    with caplog.at_level(logging.ERROR, logger="jixiao.api"), pytest.raises(QueryError) as raised:
        qpool.run(Job(query=query, fmt="json", row_cap=10), 30)
    assert raised.value.status == 500 and raised.value.error_id
    assert "ermission" not in raised.value.message  # the detail is in the log only
    assert raised.value.error_id in caplog.text and "Permission denied" in caplog.text
    silent = query.replace("SERVICE", "SERVICE SILENT")
    answer = qpool.run(Job(query=silent, fmt="json", row_cap=10), 30)
    assert b"fetched" not in answer.body
    assert listener.connections == []
    listener.probe()


def test_store_errors_reach_the_client_without_paths(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(tmp_path / "store")
    checkpoints = Checkpoints(tmp_path / "checkpoints")
    broken = checkpoints.create(store)
    shutil.rmtree(broken)  # the worker will fail to open it (an OSError naming the path)
    qpool = QueryPool(1, checkpoints)
    try:
        with (
            caplog.at_level(logging.ERROR, logger="jixiao.api"),
            pytest.raises(QueryError) as raised,
        ):
            qpool.run(Job(query="ASK {}", fmt="json", row_cap=1), 30)
        error = raised.value
        assert error.status == 500 and error.code == "internal"
        assert str(tmp_path) not in error.message and "Error" not in error.message
        assert error.error_id and error.error_id in error.message
        assert error.error_id in caplog.text and str(broken) in caplog.text
    finally:
        qpool.close()


def test_a_chain_that_overflowed_the_default_stack_is_answered(
    pool: tuple[QueryPool, Checkpoints],
) -> None:
    """8,000 chained additions overflowed pyoxigraph's recursion on an 8 MiB stack (the
    worker died with SIGSEGV); on the query thread's stack they are answered."""
    qpool, _ = pool
    replaced = qpool.replaced
    query = "ASK { FILTER(" + "+".join(["1"] * 8000) + " = 8000) }"
    answer = qpool.run(Job(query=query, fmt="json", row_cap=1), 60)
    assert b"true" in answer.body and qpool.replaced == replaced


def test_oracle_store_is_in_memory() -> None:
    assert len(oracle_store()) == 3 and isinstance(oracle_store(), ox.Store)
