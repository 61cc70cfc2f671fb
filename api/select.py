"""Running the named queries for the HTTP routes (:mod:`api.rest`, :mod:`api.describe`,
:mod:`api.web`).

Every query is a checked query object of :mod:`queries.prepared` (a ``.rq`` file): values
from a request become typed terms (:class:`api.workers.Term`, validated here and by
pyoxigraph) and are bound where the file declares them; slots choose among the file's own
alternatives. :func:`select` runs a SELECT on the worker pool (same time limit as
``/sparql``) and returns plain Python values; :func:`page` cuts a page in the query (by
offset, or after a cursor) and counts the rows with the same query.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
from fastapi import Request

from jixiao.api.workers import Job, QueryError, Term
from jixiao.queries.prepared import prepared

JX = "https://w3id.org/jixiao/ontology#"
JXID = "https://w3id.org/jixiao/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"

Values = Mapping[str, "Term | list[Term] | int | None"]


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


def make_job(request: Request, text: str, fmt: str, bindings: Mapping[str, Term | None]) -> Job:
    service = request.app.state.service
    return Job(
        query=text,
        fmt=fmt,
        row_cap=None,  # pages are cut by the queries themselves; JIXIAO_ROW_CAP is /sparql's
        prefixes=(*service.prefixes.items(), ("sh", SH)),
        bindings=tuple((k, v) for k, v in bindings.items() if v is not None),
    )


def query_job(
    request: Request, name: str, values: Values | None = None,
    slots: Mapping[str, str] | None = None, fmt: str = "json",
) -> Job:  # fmt: skip
    """The job that runs query ``name`` with ``values`` bound and ``slots`` chosen."""
    given = {k: v for k, v in (values or {}).items() if v is not None}
    terms: dict[str, Any] = {}
    for key, value in given.items():
        if isinstance(value, Term):
            terms[key] = value.to_ox()
        elif isinstance(value, list):
            terms[key] = [t.to_ox() for t in value]
        else:
            terms[key] = value  # limit, offset: whole numbers
    text, substituted = prepared(name).bind(terms, slots)
    bindings = {k: given[k] for k in substituted if isinstance(given[k], Term)}
    return make_job(request, text, fmt, bindings)  # type: ignore[arg-type]


def select(
    request: Request, name: str, values: Values | None = None,
    slots: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Rows of the SELECT query ``name`` as plain Python values."""
    service = request.app.state.service
    answer = service.pool.run(
        query_job(request, name, values, slots), service.settings.query_timeout
    )
    doc = json.loads(answer.body)
    names = doc["head"]["vars"]
    return [{k: cell_value(row.get(k)) for k in names} for row in doc["results"]["bindings"]]


def page(
    request: Request, name: str, values: Values, slots: Mapping[str, str],
    limit: int, offset: int = 0, after: Mapping[str, Term] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """``{"total", "items"}``: a page cut by the query (``LIMIT``/``OFFSET``, or the rows
    strictly after the keyset values ``after``: the query's ``after…`` parameters, from a
    cursor), and the total counted by the same query (``result=count``) when the page does
    not show it, so neither depends on the row cap."""
    cut = {**values, "limit": limit, "offset": offset}
    if after is not None:
        cut.update(after, offset=None)
    items = select(request, name, cut, {**slots, "page": "offset" if after is None else "after"})
    if after is None and len(items) < limit and (items or offset == 0):
        return {"total": offset + len(items), "items": items}
    counted = select(request, name, values, {**slots, "result": "count"})
    return {"total": int(counted[0]["total"]), "items": items}


def cursor(year: int | str, *parts: str) -> str:
    """An opaque keyset cursor: the sort key (year, then the list's own parts) of a page's
    last row."""
    raw = json.dumps([str(year), *parts], ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def cursor_parts(value: str, parts: int) -> list[str]:
    """The year and the other ``parts - 1`` strings of a cursor made by :func:`cursor`; a 400
    error when it is not one of that many parts."""
    bad = QueryError(400, "bad_cursor", "after: not a cursor of this list")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        found = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError, TypeError):
        raise bad from None
    if not (isinstance(found, list) and len(found) == parts):
        raise bad
    if not all(isinstance(x, str) for x in found) or not re.fullmatch(r"[0-9]{4}", found[0]):
        raise bad
    return found


def after_terms(value: str | None) -> dict[str, Term] | None:
    """The keyset values (``afterYear``, ``afterKey``) of a two-part cursor (year and sort
    key, as the scanning lists take them)."""
    if value is None:
        return None
    year, key = cursor_parts(value, 2)
    return {"afterYear": Term("literal", year, XSD + "gYear"), "afterKey": Term("literal", key)}


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


def unit_values(unit: str | None) -> dict[str, Term | None]:
    """A unit given by IRI or by name, as the ``unitIri`` or ``unitName`` parameter."""
    if unit is None:
        return {}
    if unit.startswith(("http://", "https://")):
        return {"unitIri": iri_term(unit)}
    return {"unitName": text_term(unit)}


def typed_term(value: str, kind: str) -> Term:
    """A request value as a term of a declared parameter kind (400 when it is not one)."""
    if kind == "iri":
        return iri_term(value)
    from jixiao.queries import check_parameter

    problem = check_parameter(value, kind)
    if problem:
        raise QueryError(400, "bad_parameter", problem)
    if kind == "string":
        return Term("literal", value)
    return Term("literal", value, XSD + kind)
