"""The query worker process: limits itself, then answers jobs from the service one by one.

At start, before any query: stderr goes to a file the service reads when the worker dies
(Rust's "memory allocation … failed" tells a memory death from a crash), ``RLIMIT_AS`` caps
its memory (:func:`api.sandbox.limit_memory`), a seccomp filter forbids network sockets
(:func:`api.sandbox.forbid_network`), and queries run on a thread with a
:data:`QUERY_STACK`-byte stack: pyoxigraph's parser and evaluator recurse once per nested
element or chained operator, and overflowed the default 8 MiB at a few thousand
(``1+1+…``, ``{} UNION {} …``), which killed the process with SIGSEGV.

Replies: ``("ok", Answer)``, ``("error", status, code, message)`` for the client,
``("internal", detail)`` and ``("memory", detail)`` for the service to log and answer
without the detail.
"""

from __future__ import annotations

import faulthandler
import json
import os
import threading
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from jixiao.api.jobs import GRAPH_FORMATS, RESULT_FORMATS, Answer, Job, QueryError
from jixiao.api.sandbox import forbid_network, limit_memory

QUERY_STACK = 256 * 2**20
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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
    """Run ``job`` on ``store`` (in a worker, or in-process for tests). The query's own
    mistakes become :class:`QueryError` (400); store and system errors propagate."""
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
        return _answer(store.query(job.query, **kwargs), job)
    except SyntaxError as error:
        raise QueryError(400, "query_syntax", _public(str(error), job)) from None
    except (ValueError, RuntimeError) as error:
        raise QueryError(400, "query_invalid", _public(str(error), job)) from None


def _public(message: str, job: Job) -> str:
    """A message for the client: the checkpoint's path (the store's location) removed."""
    return message.replace(job.checkpoint, "<store>") if job.checkpoint else message


def _answer(result: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples, job: Job) -> Answer:
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
            conn.send(("ok", execute(opened[1], job)))
        except QueryError as error:
            conn.send(("error", error.status, error.code, error.message))
        except MemoryError as error:
            conn.send(("memory", f"MemoryError: {error}"))
            return  # the service replaces this worker
        except Exception as error:  # the service logs it; the client gets an error id
            conn.send(("internal", f"{type(error).__name__}: {error}"))
