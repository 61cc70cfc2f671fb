"""Running SPARQL for the HTTP routes (:mod:`api.rest`, :mod:`api.describe`, :mod:`api.web`).

Values from a request become typed terms (:class:`api.workers.Term`, validated here and by
pyoxigraph) and reach a query either as ``substitutions`` of projected variables or as a
``VALUES`` block that pyoxigraph serialises from those terms; request text is never
formatted into a query. :func:`select` runs a SELECT on the worker pool (same time limit as
``/sparql``) and returns plain Python values; :func:`page` cuts and counts a page.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox
from fastapi import Request

from jixiao import queries
from jixiao.api.workers import Job, QueryError, Term

JX = "https://w3id.org/jixiao/ontology#"
JXID = "https://w3id.org/jixiao/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"


def cell_value(cell: dict[str, Any] | None) -> Any:
    if cell is None:
        return None
    value, datatype = cell["value"], cell.get("datatype", "")
    if datatype in (XSD + "integer", XSD + "gYear", XSD + "int", XSD + "long"):
        try:
            return int(value)
        except ValueError:
            return value
    if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
        return float(value)
    if datatype == XSD + "boolean":
        return value == "true"
    return value


def values_block(values: dict[str, Term | None]) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` from typed terms (pyoxigraph writes each term)."""
    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        return ""
    for name in given:
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"bad variable name {name!r}")
    names = " ".join(f"?{k}" for k in given)
    terms = " ".join(str(t.to_ox()) for t in given.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def make_job(request: Request, text: str, fmt: str, bindings: dict[str, Term | None]) -> Job:
    service = request.app.state.service
    return Job(
        query=text,
        fmt=fmt,
        row_cap=None,  # pages are cut by the queries themselves; JIXIAO_ROW_CAP is /sparql's
        prefixes=(*service.prefixes.items(), ("sh", SH)),
        bindings=tuple((k, v) for k, v in bindings.items() if v is not None),
    )


def select(
    request: Request,
    text: str,
    values: dict[str, Term | None] | None = None,
    substitute: dict[str, Term | None] | None = None,
) -> list[dict[str, Any]]:
    """Rows of a SELECT as plain Python values. ``values`` fill the ``{values}`` slot of
    ``text`` with a VALUES block; ``substitute`` binds projected variables."""
    service = request.app.state.service
    text = text.replace("{values}", values_block(values or {}))
    job = make_job(request, text, "json", substitute or {})
    answer = service.pool.run(job, service.settings.query_timeout)
    doc = json.loads(answer.body)
    names = doc["head"]["vars"]
    return [{k: cell_value(row.get(k)) for k in names} for row in doc["results"]["bindings"]]


def page(
    request: Request,
    text: str,
    values: dict[str, Term | None],
    limit: int,
    offset: int,
    count: str | None = None,
) -> dict[str, Any]:
    """``{"total", "items"}`` for a SELECT ending in ORDER BY: the page is cut by the query
    (LIMIT/OFFSET appended, unless ``count`` is given: then ``text`` cuts its page itself and
    ``count`` counts its rows), and the total counted by a second query when the page does
    not show it, so neither depends on the row cap."""
    if count is None:
        text, count = (
            f"{text}\nLIMIT {int(limit)} OFFSET {int(offset)}",
            (f"SELECT (COUNT(*) AS ?total) WHERE {{\n{text}\n}}"),
        )
    items = select(request, text, values)
    if len(items) < limit and (items or offset == 0):
        return {"total": offset + len(items), "items": items}
    counted = select(request, count, values)
    return {"total": int(counted[0]["total"]), "items": items}


def year_term(year: int | None) -> Term | None:
    return None if year is None else Term("literal", str(year), XSD + "gYear")


def text_term(value: str | None) -> Term | None:
    return None if value is None else Term("literal", value)


def iri_term(value: str) -> Term:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
        raise QueryError(400, "bad_iri", f"not an IRI: {value!r}")
    try:
        ox.NamedNode(value)  # the store's own IRI check (code points the regex lets through)
    except ValueError:
        raise QueryError(400, "bad_iri", f"not an IRI: {value!r}") from None
    return Term("iri", value)


def unit_term(unit: str | None) -> Term | None:
    if unit is None:
        return None
    return iri_term(unit) if unit.startswith(("http://", "https://")) else text_term(unit)


def declared_parameters(meta: dict[str, str]) -> dict[str, str]:
    """The declared parameters of a query's header (see :func:`queries.parameters`)."""
    return queries.parameters("".join(f"#+ {k}: {v}\n" for k, v in meta.items()))


def typed_term(value: str, kind: str) -> Term:
    if kind == "iri":
        return iri_term(value)
    problem = queries.check_parameter(value, kind)
    if problem:
        raise QueryError(400, "bad_parameter", problem)
    if kind == "string":
        return Term("literal", value)
    return Term("literal", value, XSD + kind)
