"""The query worker process: limits itself, then answers jobs from the service one by one.

At start, before any query: stderr goes to a file the service reads when the worker dies
(Rust's "memory allocation … failed" tells a memory death from a crash), ``RLIMIT_AS`` caps
its memory (:func:`api.sandbox.limit_memory`), a seccomp filter forbids network sockets
(:func:`api.sandbox.forbid_network`), and queries run on a thread with a
:data:`QUERY_STACK`-byte stack: pyoxigraph's parser and evaluator recurse once per nested
element or chained operator, and overflowed the default 8 MiB at a few thousand
(``1+1+…``, ``{} UNION {} …``), which killed the process with SIGSEGV.

Replies: the answer, serialised by pyoxigraph's own serialisers and streamed in chunks
(:class:`Sink`: ``("ok", Answer)`` for a short one; ``("start", …)``, ``("chunk", …)``…,
``("end",)`` for a long one), or ``("error", status, code, message)`` for the client,
``("internal", detail)`` and ``("memory", detail)`` for the service to log and answer
without the detail. An error after ``"start"`` means the answer is broken off.
"""

from __future__ import annotations

import faulthandler
import itertools
import os
import threading
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from jixiao.api.jobs import GRAPH_FORMATS, RESULT_FORMATS, Answer, Job, QueryError
from jixiao.api.sandbox import forbid_network, limit_memory

QUERY_STACK = 256 * 2**20
CHUNK = 256 * 1024  # bytes per message of a streamed answer; a smaller answer is one message


class Sink:
    """What pyoxigraph's serialisers write to: the bytes go to ``send`` in messages of
    :data:`CHUNK` bytes. An answer that ends within its first chunk is one ``("ok", Answer)``
    message (the service may cache it); a longer one is ``("start", kind, fmt, bytes)``, then
    ``("chunk", bytes)``… and ``("end",)``."""

    def __init__(self, send: Callable[[tuple[Any, ...]], None], kind: str, fmt: str) -> None:
        self.send, self.kind, self.fmt = send, kind, fmt
        self.started = False
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= CHUNK:
            self._pass_on()
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes when it is done; chunks go when they are full."""

    def _pass_on(self) -> None:
        data = bytes(self._buffer)
        self._buffer.clear()
        self.send(("chunk", data) if self.started else ("start", self.kind, self.fmt, data))
        self.started = True

    def finish(self) -> None:
        if not self.started:
            self.send(("ok", Answer(self.kind, self.fmt, bytes(self._buffer))))
            return
        if self._buffer:
            self._pass_on()
        self.send(("end",))


def execute(store: ox.Store, job: Job, send: Callable[[tuple[Any, ...]], None]) -> None:
    """Run ``job`` on ``store`` (in a worker, or in-process for tests), its answer serialised
    by pyoxigraph into ``send`` (see :class:`Sink`). The query's own mistakes become
    :class:`QueryError` (400), and an answer over ``job.row_cap`` rows or triples a
    :class:`QueryError` (422) before any of it is sent; store and system errors propagate
    (after a ``"start"`` message too: the service then breaks the stream off)."""
    if job.default_graphs is None and job.named_graphs is None:
        for iri in job.from_iris:
            if not store.contains_named_graph(ox.NamedNode(iri)):
                raise QueryError(
                    400,
                    "unknown_graph",
                    f"FROM <{iri}> names no graph of this store; the endpoint never fetches URLs",
                )
    kwargs: dict[str, Any] = {"prefixes": dict(job.prefixes) or None, "base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    if job.bindings:
        kwargs["substitutions"] = {ox.Variable(n): t.to_ox() for n, t in job.bindings}
    try:  # pyoxigraph evaluates lazily: errors may come while the rows are read
        _answer(lambda: store.query(job.query, **kwargs), job, send)
    except SyntaxError as error:
        raise QueryError(400, "query_syntax", _public(str(error), job)) from None
    except (ValueError, RuntimeError) as error:
        raise QueryError(400, "query_invalid", _public(str(error), job)) from None


def _public(message: str, job: Job) -> str:
    """A message for the client: the checkpoint's path (the store's location) removed."""
    return message.replace(job.checkpoint, "<store>") if job.checkpoint else message


def over_cap(cap: int, what: str) -> QueryError:
    return QueryError(
        422,
        "row_cap",
        f"the answer has more than {cap} {what}, the most this service gives in one answer "
        "(JIXIAO_ROW_CAP): narrow the query, or page it with LIMIT and OFFSET",
    )


def _answer(
    run: Callable[[], ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples],
    job: Job,
    send: Callable[[tuple[Any, ...]], None],
) -> None:
    result = run()
    if isinstance(result, ox.QueryBoolean):
        fmt = job.fmt if job.fmt in ("json", "xml") else "json"
        sink = Sink(send, "boolean", fmt)
        result.serialize(sink, format=RESULT_FORMATS[fmt])
    elif isinstance(result, ox.QuerySolutions):
        fmt = job.fmt if job.fmt in RESULT_FORMATS else "json"
        if job.row_cap is not None:  # counted first, then run again to be serialised
            if sum(1 for _ in itertools.islice(result, job.row_cap + 1)) > job.row_cap:
                raise over_cap(job.row_cap, "rows")
            result = run()
            assert isinstance(result, ox.QuerySolutions)
        sink = Sink(send, "solutions", fmt)
        result.serialize(sink, format=RESULT_FORMATS[fmt])
    else:
        fmt = job.fmt if job.fmt in GRAPH_FORMATS else "ttl"
        triples: Iterable[ox.Triple] = result
        if job.row_cap is not None:
            triples = list(itertools.islice(result, job.row_cap + 1))
            if len(triples) > job.row_cap:  # type: ignore[arg-type]
                raise over_cap(job.row_cap, "triples")
        sink = Sink(send, "graph", fmt)
        prefixes = dict(job.prefixes) or None
        ox.serialize(triples, sink, format=GRAPH_FORMATS[fmt], prefixes=prefixes)
    sink.finish()


def worker_main(conn: Connection, log_path: str, memory_mb: int) -> None:  # pragma: no cover
    """Entry point of a worker process (``spawn``): limits first, then the job loop."""
    with open(log_path, "ab", buffering=0) as log:
        os.dup2(log.fileno(), 2)
    faulthandler.enable()  # a crash leaves the Python stack in the log
    limit_memory(memory_mb)
    problem = forbid_network()
    threading.stack_size(QUERY_STACK)
    serving = threading.Thread(target=_serve, args=(conn, problem), name="jixiao-query")
    serving.start()
    serving.join()


def _serve(conn: Connection, sandbox_problem: str | None) -> None:  # pragma: no cover
    opened: tuple[str, ox.Store] | None = None
    conn.send(("ready", sandbox_problem))
    while True:
        try:
            job: Job | None = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            if opened is None or opened[0] != job.checkpoint:
                opened = None
                opened = (job.checkpoint, ox.Store.read_only(job.checkpoint))
            execute(opened[1], job, conn.send)
        except QueryError as error:
            conn.send(("error", error.status, error.code, error.message))
        except MemoryError as error:
            conn.send(("memory", f"MemoryError: {error}"))
            return  # the service replaces this worker
        except Exception as error:  # the service logs it; the client gets an error id
            conn.send(("internal", f"{type(error).__name__}: {error}"))
