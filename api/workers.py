"""Queries run in worker processes that are killed and replaced when they fail or overrun.

pyoxigraph cannot cancel a running query from Python, so each query is sent to one of a
small pool of processes (``spawn``: no inherited RocksDB threads; what a worker does to
itself first is in :mod:`api.worker_process`). A worker opens the newest checkpoint of the
primary store read-only (:meth:`pyoxigraph.Store.read_only`), runs the query and answers
with bytes serialised by pyoxigraph in the requested format: whole when short, else streamed
in chunks (:meth:`QueryPool.stream`). A job with a ``row_cap`` whose answer is longer gets an
error (422) before any byte, never a shortened answer.
When the deadline passes the parent kills that worker, starts a replacement in the
background and answers 503; when a worker dies (memory cap, crash) it is replaced too and
the client gets 503 (memory) or 500 with an error id, never the details (those are logged).
Which client gets the next free worker is decided by :class:`api.fair.FairGate`.

Checkpoints (:class:`Checkpoints`) are RocksDB checkpoints written by the process that owns
the primary store; a job names the checkpoint it must read, so workers move to a new one
with their next job, and old checkpoints are removed when no running job uses them.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from jixiao.api.cache import AnswerCache, job_key
from jixiao.api.fair import CLIENT, FairGate
from jixiao.api.jobs import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Answer,
    Job,
    QueryError,
    Term,
    internal_error,
)
from jixiao.api.worker_process import worker_main

__all__ = [
    "GRAPH_FORMATS", "RESULT_FORMATS", "Answer", "Checkpoints", "Job", "QueryError",
    "QueryPool", "Stream", "Term",
]  # fmt: skip
LOG = logging.getLogger("jixiao.api.workers")
_LOG_TAIL = 8192


# --------------------------------------------------------------------------- checkpoints


class Checkpoints:
    """Checkpoints of the primary store under ``root``; the newest is :attr:`current`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.current: Path | None = None
        self._users: Counter[str] = Counter()
        self._lock = threading.Lock()

    def create(self, primary: ox.Store) -> Path:
        """Flush ``primary`` and checkpoint it; older unused checkpoints are removed."""
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / f"ckpt-{time.time_ns()}"
        primary.flush()
        primary.backup(str(target))
        with self._lock:
            self.current = target
        self.prune()
        return target

    def acquire(self) -> str:
        with self._lock:
            if self.current is None:
                raise QueryError(503, "no_store", "the store has no checkpoint yet")
            path = str(self.current)
            self._users[path] += 1
            return path

    def release(self, path: str) -> None:
        with self._lock:
            self._users[path] -= 1
            stale = path != str(self.current) and self._users[path] <= 0
        if stale:
            self.prune()

    def prune(self) -> None:
        with self._lock:
            keep = {str(self.current)} | {p for p, n in self._users.items() if n > 0}
        if not self.root.is_dir():
            return
        for child in self.root.iterdir():
            if child.name.startswith("ckpt-") and str(child) not in keep:
                shutil.rmtree(child, ignore_errors=True)


@dataclass
class Stream:
    """A long answer read from its worker while it is sent: iterate ``chunks`` once (the
    worker and ``checkpoint`` are held until it ends or is closed)."""

    kind: str
    fmt: str
    chunks: Iterator[bytes]
    checkpoint: str


@dataclass
class _Worker:
    process: Any
    conn: Connection
    log: Path
    jobs: int = field(default=0)


class QueryPool:
    """``size`` worker processes; :meth:`run` is blocking and thread-safe.

    ``memory_mb`` caps each worker's address space (0: no cap); ``per_client`` (default one
    fewer than ``size``, at least 1) and ``queue_per_client`` bound each client's share.
    """

    def __init__(
        self,
        size: int,
        checkpoints: Checkpoints,
        start_timeout: float = 60.0,
        cache: AnswerCache | None = None,
        memory_mb: int = 0,
        per_client: int | None = None,
        queue_per_client: int = 16,
    ) -> None:
        self.cache = cache
        self.memory_mb = memory_mb
        self._ctx = mp.get_context("spawn")
        self._checkpoints = checkpoints
        self._gate = FairGate(per_client or max(1, size - 1), queue_per_client)
        self._start_timeout = start_timeout
        self._closed = False
        self._all: dict[int, _Worker] = {}
        self._lock = threading.Lock()
        self._logs = Path(tempfile.mkdtemp(prefix="jixiao-workers-"))
        self._started = 0
        self.replaced = 0
        self.sandbox_problem: str | None = None
        starters = [threading.Thread(target=self._add_worker) for _ in range(size)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()

    def _add_worker(self) -> None:
        with self._lock:
            self._started += 1
            log = self._logs / f"worker-{self._started}.log"
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=worker_main, args=(child, str(log), self.memory_mb), daemon=True
        )
        process.start()
        child.close()
        if not parent.poll(self._start_timeout):
            process.kill()
            LOG.error("a query worker did not start within %g s", self._start_timeout)
            return
        try:
            _, problem = parent.recv()
        except (EOFError, OSError):
            LOG.error("a query worker died at start: %s", _tail(log))
            return
        if problem and problem != self.sandbox_problem:
            self.sandbox_problem = problem
            LOG.warning("query workers may open network connections: %s", problem)
        worker = _Worker(process, parent, log)
        with self._lock:
            if self._closed:
                self._stop(worker)
                return
            self._all[id(worker)] = worker
        self._gate.put(worker)

    def _replace(self, worker: _Worker) -> str:
        """Kill ``worker``, start another; what the dead one wrote to stderr."""
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        tail = _tail(worker.log)
        worker.log.unlink(missing_ok=True)
        with self._lock:
            self._all.pop(id(worker), None)
            self.replaced += 1
            closed = self._closed
        if not closed:
            threading.Thread(target=self._add_worker, daemon=True).start()
        return f"exit code {worker.process.exitcode}; stderr: {tail}"

    def _key(self, job: Job) -> tuple[str, bytes] | None:
        """The checkpoint ``job`` would read now, and its cache key there."""
        current = self._checkpoints.current
        if self.cache is None or current is None:
            return None
        return str(current), job_key(str(current), job)

    def cached(self, job: Job) -> Answer | None:
        """The kept answer of ``job`` on the current checkpoint, if any (never blocks on a
        worker: the event loop may call it)."""
        key = self._key(job)
        return None if key is None else self.cache.get(key[1])  # type: ignore[union-attr]

    def run(self, job: Job, timeout: float, client: str | None = None) -> Answer:
        """Answer ``job`` whole within ``timeout`` seconds (waiting for a worker included),
        else kill its worker and raise 503. ``client`` defaults to :data:`api.fair.CLIENT`."""
        answer = self.stream(job, timeout, client)
        if isinstance(answer, Answer):
            return answer
        whole = Answer(answer.kind, answer.fmt, b"".join(answer.chunks))
        key = self._key(job)
        if key is not None and key[0] == answer.checkpoint:
            self.cache.put(key[1], whole)  # type: ignore[union-attr]
        return whole

    def stream(self, job: Job, timeout: float, client: str | None = None) -> Answer | Stream:
        """``job``'s answer: whole (:class:`Answer`) when it is short, else a
        :class:`Stream` of its chunks, read from the worker as the caller iterates it. Errors
        known before the first byte raise here; a stream that fails later (time limit,
        worker death) raises from its iteration. The time limit covers the whole answer."""
        key = self._key(job)
        if key is not None:
            hit = self.cache.get(key[1])  # type: ignore[union-attr]
            if hit is not None:
                return hit
        deadline = time.monotonic() + timeout
        who = CLIENT.get() if client is None else client
        worker = self._gate.take(who, timeout)
        try:
            path = self._checkpoints.acquire()
        except QueryError:
            self._gate.put(worker)
            self._gate.release(who)
            raise
        streaming = False
        try:
            first = self._first(worker, _with_checkpoint(job, path), deadline, timeout)
            if first[0] == "start":
                chunks = self._rest(worker, first[3], deadline, timeout, path, who)
                next(chunks)  # inside its try: closing it now releases the worker
                streaming = True
                return Stream(first[1], first[2], chunks, path)
        finally:
            if not streaming:
                self._checkpoints.release(path)
                self._gate.release(who)
        answer: Answer = first[1]
        if key is not None and key[0] == path:  # computed on the data the key names
            self.cache.put(key[1], answer)  # type: ignore[union-attr]
        return answer

    def _first(self, worker: _Worker, job: Job, deadline: float, timeout: float) -> tuple:
        """Send ``job`` to ``worker`` and read its first reply: ``("ok", Answer)`` (the
        worker goes back to the gate) or ``("start", …)`` (the worker stays with the
        stream); an error is raised, the worker back at the gate or replaced."""
        try:
            worker.conn.send(job)
            ready = worker.conn.poll(max(0.0, deadline - time.monotonic()))
            reply = worker.conn.recv() if ready else None
        except (EOFError, OSError):
            raise self._died(worker) from None
        if reply is None:
            self._replace(worker)
            raise QueryError(503, "query_timeout", f"the query did not finish within {timeout:g} s")
        if reply[0] == "start":
            return reply
        if reply[0] == "memory":
            raise self._memory_error(self._replace(worker) + f"; {reply[1]}")
        worker.jobs += 1
        self._gate.put(worker)
        if reply[0] == "ok":
            return reply
        if reply[0] == "internal":
            raise internal_error(f"query failed in its worker: {reply[1]}")
        raise QueryError(reply[1], reply[2], reply[3])

    def _died(self, worker: _Worker) -> QueryError:
        detail = self._replace(worker)
        if "memory allocation of" in detail or "MemoryError" in detail:
            return self._memory_error(detail)
        return internal_error(f"query worker died: {detail}", code="worker_died")

    def _rest(
        self, worker: _Worker, first: bytes, deadline: float, timeout: float, path: str, who: str
    ) -> Iterator[bytes]:
        """The chunks of a streamed answer (after one empty priming item). The worker goes
        back to the gate after ``("end",)``; a stream left early (the client went away) or
        broken off (time limit, error, death) has its worker replaced, since the rest of the
        answer is still in its pipe."""
        done = False
        failure: QueryError | None = None
        try:
            yield b""
            yield first
            while True:
                if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                    failure = QueryError(
                        503, "query_timeout", f"the answer was not sent within {timeout:g} s"
                    )
                    break
                reply = worker.conn.recv()
                if reply[0] == "chunk":
                    yield reply[1]
                elif reply[0] == "end":
                    done = True
                    break
                else:
                    failure = self._broken(reply)
                    break
        except (EOFError, OSError):
            failure = internal_error("query worker died while streaming", code="worker_died")
        finally:
            if done:
                worker.jobs += 1
                self._gate.put(worker)
            else:
                self._replace(worker)
            self._checkpoints.release(path)
            self._gate.release(who)
        if failure is not None:
            LOG.warning("a streamed answer was broken off: %s", failure.message)
            raise failure

    def _broken(self, reply: tuple) -> QueryError:
        if reply[0] == "memory":
            return self._memory_error(reply[1])
        if reply[0] == "internal":
            return internal_error(f"query failed in its worker while streaming: {reply[1]}")
        return QueryError(reply[1], reply[2], reply[3])

    def _memory_error(self, detail: str) -> QueryError:
        LOG.warning("a query went over the worker memory cap (%d MB): %s", self.memory_mb, detail)
        return QueryError(
            503,
            "query_memory",
            f"the query needed more memory than a query may use ({self.memory_mb} MB); "
            "the server keeps serving: narrow the query",
        )

    @staticmethod
    def _stop(worker: _Worker) -> None:
        with contextlib.suppress(OSError):
            worker.conn.send(None)
        worker.process.join(2)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(2)

    def close(self) -> None:
        """Stop idle workers politely and kill busy ones."""
        with self._lock:
            self._closed = True
            workers = list(self._all.values())
            self._all.clear()
        idle = {id(w) for w in self._gate.drain()}
        for worker in workers:
            if id(worker) in idle:
                self._stop(worker)
            else:
                worker.process.kill()
                worker.process.join(2)
        shutil.rmtree(self._logs, ignore_errors=True)

    def size(self) -> int:
        with self._lock:
            return len(self._all)


def _tail(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - _LOG_TAIL))
            return handle.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _with_checkpoint(job: Job, path: str) -> Job:
    return replace(job, checkpoint=path)
