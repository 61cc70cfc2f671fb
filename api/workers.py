"""Queries run in worker processes that are killed and replaced when their time limit passes.

pyoxigraph cannot cancel a running query from Python, so each query is sent to one of a
small pool of processes (``spawn``: no inherited RocksDB threads). A worker opens the newest
checkpoint of the primary store read-only (:meth:`pyoxigraph.Store.read_only`), runs the
query and answers with bytes already serialised in the requested format, at most
``row_cap`` rows or triples. When the deadline passes the parent kills that worker, starts
a replacement in the background and answers 503; the other workers keep serving.

Checkpoints (:class:`Checkpoints`) are RocksDB checkpoints written by the process that owns
the primary store; a job names the checkpoint it must read, so workers move to a new one
with their next job, and old checkpoints are removed when no running job uses them.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import queue
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from jixiao.api.cache import AnswerCache, job_key

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class QueryError(Exception):
    """A query that could not be answered: HTTP ``status``, stable ``code``, ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True, slots=True)
class Term:
    """A typed RDF term to bind to a variable (never formatted into the query text)."""

    kind: str  # "iri" | "literal"
    value: str
    datatype: str | None = None
    language: str | None = None

    def to_ox(self) -> ox.NamedNode | ox.Literal:
        if self.kind == "iri":
            return ox.NamedNode(self.value)
        if self.language:
            return ox.Literal(self.value, language=self.language)
        if self.datatype:
            return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype))
        return ox.Literal(self.value)


@dataclass(frozen=True, slots=True)
class Job:
    query: str
    fmt: str  # a key of RESULT_FORMATS or GRAPH_FORMATS
    row_cap: int
    media: str = ""  # the negotiated media type (the parent labels the answer with it)
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    from_iris: tuple[str, ...] = ()
    bindings: tuple[tuple[str, Term], ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    base_iri: str | None = None
    checkpoint: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str  # "boolean" | "solutions" | "graph"
    fmt: str
    body: bytes
    truncated: bool


# --------------------------------------------------------------------------- worker side


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {  # an RDF-star triple term
        "type": "triple",
        "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        },
    }


def _solutions(result: ox.QuerySolutions, fmt: str, cap: int) -> tuple[bytes, bool]:
    names = [v.value for v in result.variables]
    rows: list[dict[str, Any]] = []
    truncated = False
    for solution in result:
        if len(rows) == cap:
            truncated = True
            break
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = _term_json(term)
        rows.append(row)
    doc = json.dumps(
        {"head": {"vars": names}, "results": {"bindings": rows}},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    if fmt == "json":
        return doc, truncated
    parsed = ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_FORMATS[fmt]) or b"", truncated


def execute(store: ox.Store, job: Job) -> Answer:
    """Run ``job`` on ``store`` (in a worker, or in-process for tests)."""
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
    try:
        result = store.query(job.query, **kwargs)
    except SyntaxError as error:
        raise QueryError(400, "query_syntax", str(error)) from None
    except (ValueError, RuntimeError) as error:
        raise QueryError(400, "query_invalid", str(error)) from None
    if isinstance(result, ox.QueryBoolean):
        fmt = job.fmt if job.fmt in ("json", "xml") else "json"
        return Answer("boolean", fmt, result.serialize(format=RESULT_FORMATS[fmt]) or b"", False)
    if isinstance(result, ox.QuerySolutions):
        fmt = job.fmt if job.fmt in RESULT_FORMATS else "json"
        body, truncated = _solutions(result, fmt, job.row_cap)
        return Answer("solutions", fmt, body, truncated)
    fmt = job.fmt if job.fmt in GRAPH_FORMATS else "ttl"
    triples = []
    truncated = False
    for triple in result:
        if len(triples) == job.row_cap:
            truncated = True
            break
        triples.append(triple)
    body = ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=dict(job.prefixes) or None)
    return Answer("graph", fmt, body or b"", truncated)


def _worker_main(conn: Connection) -> None:  # pragma: no cover - runs in a child process
    opened: tuple[str, ox.Store] | None = None
    conn.send(("ready",))
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
            conn.send(("ok", execute(opened[1], job)))
        except QueryError as error:
            conn.send(("error", error.status, error.code, error.message))
        except OSError as error:
            conn.send(("error", 500, "store_error", str(error)))
        except Exception as error:  # reported to the client, the worker goes on
            conn.send(("error", 500, "internal", f"{type(error).__name__}: {error}"))


# --------------------------------------------------------------------------- parent side


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
class _Worker:
    process: Any
    conn: Connection
    jobs: int = field(default=0)


class QueryPool:
    """``size`` worker processes; :meth:`run` is blocking and thread-safe."""

    def __init__(
        self,
        size: int,
        checkpoints: Checkpoints,
        start_timeout: float = 60.0,
        cache: AnswerCache | None = None,
    ) -> None:
        self.cache = cache
        self._ctx = mp.get_context("spawn")
        self._checkpoints = checkpoints
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._start_timeout = start_timeout
        self._closed = False
        self._all: dict[int, _Worker] = {}
        self._lock = threading.Lock()
        self.replaced = 0
        starters = [threading.Thread(target=self._add_worker) for _ in range(size)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()

    def _add_worker(self) -> None:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child,), daemon=True)
        process.start()
        child.close()
        if not parent.poll(self._start_timeout):
            process.kill()
            return
        parent.recv()
        worker = _Worker(process, parent)
        with self._lock:
            if self._closed:
                self._stop(worker)
                return
            self._all[id(worker)] = worker
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._all.pop(id(worker), None)
            self.replaced += 1
            closed = self._closed
        if not closed:
            threading.Thread(target=self._add_worker, daemon=True).start()

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

    def run(self, job: Job, timeout: float) -> Answer:
        """Answer ``job`` within ``timeout`` seconds, else kill its worker and raise 503."""
        key = self._key(job)
        if key is not None:
            hit = self.cache.get(key[1])  # type: ignore[union-attr]
            if hit is not None:
                return hit
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryError(503, "busy", "all query workers are busy; try again") from None
        path = self._checkpoints.acquire()
        try:
            try:
                worker.conn.send(_with_checkpoint(job, path))
                ready = worker.conn.poll(max(0.0, deadline - time.monotonic()))
                reply = worker.conn.recv() if ready else None
            except (EOFError, OSError):
                self._replace(worker)
                raise QueryError(500, "worker_died", "the query worker stopped") from None
            if reply is None:
                self._replace(worker)
                raise QueryError(
                    503, "query_timeout", f"the query did not finish within {timeout:g} s"
                )
            worker.jobs += 1
            self._idle.put(worker)
        finally:
            self._checkpoints.release(path)
        if reply[0] == "ok":
            if key is not None and key[0] == path:  # computed on the data the key names
                self.cache.put(key[1], reply[1])  # type: ignore[union-attr]
            return reply[1]
        raise QueryError(reply[1], reply[2], reply[3])

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
        idle = set()
        while True:
            try:
                idle.add(id(self._idle.get_nowait()))
            except queue.Empty:
                break
        for worker in workers:
            if id(worker) in idle:
                self._stop(worker)
            else:
                worker.process.kill()
                worker.process.join(2)

    def size(self) -> int:
        with self._lock:
            return len(self._all)


def _with_checkpoint(job: Job, path: str) -> Job:
    return replace(job, checkpoint=path)
