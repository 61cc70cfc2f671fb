"""The query workers' own limits (api/worker_process.py, api/sandbox.py, api/fair.py), on a
real pool of worker processes over a real on-disk store."""

from __future__ import annotations

import logging
import platform
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.api.fair import FairGate
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


# --------------------------------------------------------------------- the fair gate


def _take_in_thread(gate: FairGate, client: str, out: list, timeout: float = 5) -> threading.Thread:
    def run() -> None:
        try:
            out.append((client, gate.take(client, timeout)))
        except QueryError as error:
            out.append((client, error))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_for(condition, seconds: float = 5) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_gate_keeps_a_worker_for_other_clients() -> None:
    gate = FairGate(per_client=1, queue_per_client=4)
    gate.put("w1")
    gate.put("w2")
    first = gate.take("a", 1)
    got: list = []
    waiting = _take_in_thread(gate, "a", got)  # a's second query waits: a has its share
    time.sleep(0.2)
    assert got == []
    other = gate.take("b", 1)  # b is served at once from the worker a may not take
    assert {first, other} == {"w1", "w2"}
    gate.put(first)
    gate.release("a")
    waiting.join(5)
    assert got == [("a", first)] and gate.running("a") == 1


def test_gate_serves_waiting_clients_in_turn() -> None:
    gate = FairGate(per_client=2, queue_per_client=8)
    order: list = []
    threads = []
    for client in ("a", "a", "a", "b", "c"):  # a queues three, then b and c one each
        threads.append(_take_in_thread(gate, client, order))
        expected = len(threads)
        _wait_for(lambda: sum(len(q) for q in gate._waiting.values()) == expected)  # noqa: B023
    for worker in range(5):
        gate.put(f"w{worker}")
        _wait_for(lambda n=worker + 1: len(order) == n)
        if worker >= 1:
            gate.release(order[-1][0])
    for thread in threads:
        thread.join(5)
    assert [client for client, _ in order] == ["a", "b", "c", "a", "a"]


def test_gate_answers_429_beyond_the_queue_and_503_when_nothing_frees() -> None:
    gate = FairGate(per_client=1, queue_per_client=2)
    gate.put("w")
    gate.take("a", 1)
    got: list = []
    threads = [_take_in_thread(gate, "a", got, timeout=0.5) for _ in range(2)]
    _wait_for(lambda: len(gate._waiting.get("a", ())) == 2)
    with pytest.raises(QueryError) as raised:
        gate.take("a", 1)
    assert raised.value.status == 429 and raised.value.headers["Retry-After"]
    for thread in threads:
        thread.join(5)
    assert [error.status for _, error in got] == [503, 503]
    assert gate.running("a") == 1 and "a" not in gate._waiting


def test_oracle_store_is_in_memory() -> None:
    assert len(oracle_store()) == 3 and isinstance(oracle_store(), ox.Store)
