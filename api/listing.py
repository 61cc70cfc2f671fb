"""The project lists behind ``GET /api/projects``, the audit page, the unit page and
``jixiao query projects_without_<category>``: one named query per question.

Without ``lacks`` the list is ``queries/projects.rq``; with ``lacks=<category>`` it is
``queries/projects_without_<category>.rq`` (``mode`` is that file's slot: strict, by
``jx:coversCategory``; lenient, also by the category's search word in an indicator's name or
printed level). The categories are the ontology's (:mod:`graph.categories`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from jixiao.api.select import cursor, unit_values, year_term
from jixiao.api.workers import Term
from jixiao.graph.categories import categories

Lacks = StrEnum("Lacks", [(c.key, c.key) for c in categories()])  # type: ignore[misc]


class Mode(StrEnum):
    strict = "strict"
    lenient = "lenient"


def projects_query(lacks: str | None) -> str:
    """The name of the query that lists the projects lacking ``lacks`` (all without)."""
    return "projects" if lacks is None else f"projects_without_{Lacks(lacks).value}"


def project_slots(lacks: str | None, mode: Mode = Mode.strict) -> dict[str, str]:
    return {} if lacks is None else {"mode": Mode(mode).value}


def project_values(year: int | None = None, unit: str | None = None) -> dict[str, Term | None]:
    """The parameters of the project lists: a fiscal year, a unit by IRI or by name."""
    return {"year": year_term(year), **unit_values(unit)}


def project_item(row: dict[str, Any]) -> dict[str, Any]:
    """A row of the project lists as ``GET /api/projects`` gives it."""
    return {
        "id": row["project"], "name": row["name"], "unit": row["unit"], "unit_id": row["unitId"],
        "year": row["fiscalYear"], "amount": row["amount"], "indicators": row["indicators"],
    }  # fmt: skip


def project_key(item: dict[str, Any]) -> tuple[int, str]:
    """A listed project's place in the lists' order: its year and the query's sort key."""
    return item["year"], f"{item['unit']}\u0001{item['name']}\u0001{item['id']}"


def project_cursor(item: dict[str, Any]) -> str:
    """The keyset cursor of a listed project (``after=``)."""
    return cursor(*project_key(item))
