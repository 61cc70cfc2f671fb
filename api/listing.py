"""The project lists behind ``GET /api/projects``, the audit page, the unit page and
``jixiao query``: one named query per question.

Without ``lacks`` the list is ``queries/projects.rq``. With ``lacks=<category>`` and
``mode=strict`` (the default) it is ``queries/projects_lacking_list.rq``, read from the facts
prepared at ingest (the lacks sets of :mod:`graph.prepared`: a page does not grow with the
list). ``mode=lenient`` (an indicator whose name or printed level mentions the category's
search word counts too) depends on every indicator's text, which the prepared facts do not
hold: it stays ``queries/projects_without_<category>.rq`` (``mode`` is that file's slot),
which scans. The categories are the ontology's (:mod:`graph.categories`).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from jixiao.api.select import XSD, cursor, cursor_parts, unit_values, year_term
from jixiao.api.workers import QueryError, Term
from jixiao.graph.categories import categories, category_by_key

Lacks = StrEnum("Lacks", [(c.key, c.key) for c in categories()])  # type: ignore[misc]
PREPARED_LIST = "projects_lacking_list"


class Mode(StrEnum):
    strict = "strict"
    lenient = "lenient"


def prepared_list(lacks: str | None, mode: Mode | str = Mode.strict) -> bool:
    """Whether the list is read from the prepared facts (strict lacks lists)."""
    return lacks is not None and Mode(mode) is Mode.strict


def projects_query(lacks: str | None, mode: Mode | str = Mode.strict) -> str:
    """The name of the query that lists the projects lacking ``lacks`` (all without)."""
    if lacks is None:
        return "projects"
    return PREPARED_LIST if prepared_list(lacks, mode) else f"projects_without_{Lacks(lacks).value}"


def project_slots(lacks: str | None, mode: Mode | str = Mode.strict) -> dict[str, str]:
    if lacks is None or prepared_list(lacks, mode):
        return {}
    return {"mode": Mode(mode).value}


def project_values(
    year: int | None = None, unit: str | None = None, lacks: str | None = None,
    mode: Mode | str = Mode.strict,
) -> dict[str, Term | None]:  # fmt: skip
    """The parameters of the project lists: a fiscal year, a unit by IRI or by name, and the
    category of a prepared lacks list."""
    values: dict[str, Term | None] = {"year": year_term(year), **unit_values(unit)}
    if prepared_list(lacks, mode):
        values["category"] = Term("iri", category_by_key(str(lacks)).iri)
    return values


def project_item(row: dict[str, Any]) -> dict[str, Any]:
    """A row of the project lists as ``GET /api/projects`` gives it."""
    return {
        "id": row["project"], "name": row["name"], "unit": row["unit"], "unit_id": row["unitId"],
        "year": row["fiscalYear"], "amount": row["amount"], "indicators": row["indicators"],
    }  # fmt: skip


def project_after(lacks: str | None, mode: Mode | str, row: dict[str, Any]) -> dict[str, Term]:
    """The keyset values that start a list strictly after ``row`` (a row of its query)."""
    year = Term("literal", str(row["fiscalYear"]), XSD + "gYear")
    if prepared_list(lacks, mode):
        return {"afterYear": year, "afterUnit": Term("literal", str(row["unit"])),
                "afterRank": Term("literal", str(row["rank"]), XSD + "decimal")}  # fmt: skip
    key = f"{row['unit']}\u0001{row['name']}\u0001{row['project']}"
    return {"afterYear": year, "afterKey": Term("literal", key)}


def project_cursor(lacks: str | None, mode: Mode | str, row: dict[str, Any]) -> str:
    """The keyset cursor (``after=``) of a row of the list: its sort key, opaque."""
    values = project_after(lacks, mode, row)
    return cursor(*(t.value for t in values.values()))


def project_after_cursor(
    lacks: str | None, mode: Mode | str, value: str | None
) -> dict[str, Term] | None:
    """The keyset values of a cursor made by :func:`project_cursor` for the same list; a 400
    error for anything else."""
    if value is None:
        return None
    names = ["afterYear", "afterUnit", "afterRank"] if prepared_list(lacks, mode) else [
        "afterYear", "afterKey"]  # fmt: skip
    parts = cursor_parts(value, len(names))
    if len(names) == 3 and not re.fullmatch(r"[0-9]{1,21}(\.[0-9]{1,18})?", parts[2]):
        raise QueryError(400, "bad_cursor", "after: not a cursor of this list")
    kinds = {"afterYear": XSD + "gYear", "afterRank": XSD + "decimal"}
    return {n: Term("literal", v, kinds.get(n)) for n, v in zip(names, parts, strict=True)}
