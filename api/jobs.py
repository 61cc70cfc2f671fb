"""What the service and its query workers exchange: jobs, answers, errors, typed terms."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import pyoxigraph as ox

LOG = logging.getLogger("jixiao.api")

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


class QueryError(Exception):
    """A query that could not be answered: HTTP ``status``, stable ``code``, ``message``
    (said to the client: never internals), extra response ``headers``."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})
        self.error_id: str | None = None


def internal_error(
    detail: str, code: str = "internal", exc: BaseException | None = None
) -> QueryError:
    """A 500 for the client that says nothing of ``detail``: ``detail`` (and the traceback
    of ``exc``) is logged here under a short random error id, which the client gets."""
    error_id = secrets.token_hex(4)
    LOG.error("error %s (%s): %s", error_id, code, detail, exc_info=exc)
    error = QueryError(500, code, f"internal error {error_id}: the server log has the details")
    error.error_id = error_id
    return error


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
    row_cap: int | None = None  # more rows or triples than this: an error (None: no cap)
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
