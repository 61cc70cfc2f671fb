"""The service's queries over a SPARQL server (``jixiao serve --store http://…``, issue #17).

:class:`RemotePool` stands where :class:`api.workers.QueryPool` stands for a directory:
``/sparql``, the REST lists and the web pages hand it the same :class:`~api.jobs.Job`, and
it answers with the same bytes, serialised by pyoxigraph from what the server returned
(:func:`api.worker_process.execute` runs unchanged on a :class:`graph.remote.RemoteStore`).
What holds for the embedded store holds here, in this order, before anything is sent:

- the endpoint's refusals (updates, ``SERVICE``, graph IRIs) are made by
  :func:`api.sparql.build_job` as for a directory;
- the text must be standard SPARQL 1.1 Query: it is parsed by pyoxigraph on an empty
  in-memory store first (so no server dialect, such as Virtuoso's ``DEFINE`` pragmas that
  fetch URLs, reaches the server), on a thread with the query workers' large stack;
- a ``FROM`` must name a graph of the store.

The time limit is the HTTP call's (the whole job, its row-cap count included); a server that
does not answer in time is answered 503 ``query_timeout`` as a killed worker is. There is no
answer cache and no ETag: another writer may change the server's data at any moment.
A server's refusal or failure is 502 ``store_error`` for the client, the details (never the
credentials, see :mod:`graph.remote`) in the log under an error id.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from jixiao.api.jobs import Answer, Job, QueryError, internal_error
from jixiao.api.worker_process import QUERY_STACK, execute
from jixiao.graph.remote import RemoteStore, StoreError, StoreTimeout

__all__ = ["RemoteCheckpoints", "RemotePool"]


class RemoteCheckpoints:
    """A server has no checkpoints: no generation (so no ETag), nothing to write or prune."""

    current = None

    def create(self, primary: object) -> None:
        """Nothing to do: the server commits each write itself."""

    def prune(self) -> None:
        """Nothing to remove."""


class _Deadline:
    """The server, with every query given what is left of the job's time limit."""

    def __init__(self, store: RemoteStore, timeout: float) -> None:
        self.store, self.timeout = store, timeout
        self.deadline = time.monotonic() + timeout

    def left(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise StoreTimeout("the job's time limit passed")
        return remaining

    def query(self, text: str, **kwargs: Any) -> Any:
        return self.store.query(text, timeout=self.left(), **kwargs)

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        from jixiao.queries.prepared import prepared

        rows = self.query(prepared("graph_has_triples").bind({"g": graph})[0])
        return bool(list(rows))


def check_syntax(job: Job) -> None:
    """:class:`QueryError` (400) unless ``job.query`` parses as SPARQL 1.1 Query."""
    try:
        ox.Store().query(job.query, prefixes=dict(job.prefixes) or None, base_iri=job.base_iri)
    except SyntaxError as error:
        raise QueryError(400, "query_syntax", str(error)) from None
    except (ValueError, RuntimeError) as error:
        raise QueryError(400, "query_invalid", str(error)) from None


def _on_large_stack(work: Callable[[], None]) -> None:
    """Run ``work`` on a new thread with :data:`QUERY_STACK` bytes of stack: pyoxigraph's
    parser recurses once per chained operator, and a few thousand overflowed 8 MiB."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    previous = threading.stack_size(QUERY_STACK)
    try:
        thread = threading.Thread(target=run, name="jixiao-remote-query")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if failure:
        raise failure[0]


class RemotePool:
    """At most ``size`` queries at once against ``store``; :meth:`run` is blocking and
    thread-safe (module notes)."""

    def __init__(self, store: RemoteStore, size: int) -> None:
        self.store = store
        self.cache = None
        self.memory_mb = 0
        self.replaced = 0
        self.sandbox_problem: str | None = None
        self._size = size
        self._slots = threading.BoundedSemaphore(size)

    def cached(self, job: Job) -> Answer | None:
        return None

    def run(self, job: Job, timeout: float, client: str | None = None) -> Answer:
        """``job``'s answer, whole, within ``timeout`` seconds (waiting included)."""
        started = time.monotonic()
        if not self._slots.acquire(timeout=timeout):
            raise QueryError(503, "query_timeout", f"no query slot within {timeout:g} s")
        try:
            messages: list[tuple[Any, ...]] = []
            left = timeout - (time.monotonic() - started)

            def work() -> None:
                check_syntax(job)
                execute(_Deadline(self.store, left), job, messages.append)  # type: ignore[arg-type]

            _on_large_stack(work)
        except StoreTimeout:
            raise QueryError(
                503, "query_timeout", f"the query did not finish within {timeout:g} s"
            ) from None
        except StoreError as error:
            failed = internal_error(f"the SPARQL server failed a query: {error}", "store_error")
            failed.status = 502  # the server's failure, not ours
            raise failed from None
        finally:
            self._slots.release()
        return _whole(messages)

    stream = run  # a server's answer is read whole by the HTTP client anyway

    def close(self) -> None:
        self.store.close()

    def size(self) -> int:
        return self._size


def _whole(messages: list[tuple[Any, ...]]) -> Answer:
    """The one answer :class:`api.worker_process.Sink` sent, its chunks joined."""
    if messages[0][0] == "ok":
        return messages[0][1]
    _, kind, fmt, first = messages[0]
    body = first + b"".join(m[1] for m in messages[1:] if m[0] == "chunk")
    return Answer(kind, fmt, body)
