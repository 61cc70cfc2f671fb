"""The findings the pages show: counts, lists cut into pages by the query, and for each
listed finding the project, indicator, document and line it concerns.

Lists are read in two steps. The first query (``queries/finding_list.rq``) selects the
findings (``GRAPH ?g`` of the report graphs, filtered by severity, shape, project or unit:
its slots and parameters), sorts them on one key bound per row (severity rank, shape, focus
node) and cuts the page; small queries (``finding_focus_details`` …) then look up
the details of that page's focus nodes, values and documents, each pattern starting from a
``VALUES`` block so that pyoxigraph follows the indexes from the few IRIs given (keys in
chunks below the row cap). Joined in one query, the details were hash-joined over the whole
store: at 10⁵ indicators (48,356 findings) the findings page took 27–36 s and stopped at
the row cap; now ≈ 8 s, most of it the sort of every finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from jixiao.api.select import JX, SH, iri_term, select
from jixiao.api.workers import Term
from jixiao.graph.categories import severities

CHUNK = 400  # keys per VALUES block
SEVERITY_IRI = {SH + s: s for s in severities()}
_SEVERITY_RANK = {s: i for i, s in enumerate(severities())}


@dataclass(slots=True)
class FindingQuery:
    severity: str | None = None  # Violation | Warning | Info
    shape: str | None = None  # a key from :func:`shape_key`
    project: str | None = None  # IRI
    unit: str | None = None  # IRI


def shape_key(key: str, blank: bool) -> str:
    """A short, stable name for a shape: ``RateUnitShape``, or ``anon:OrConstraintComponent``."""
    if blank:
        return "anon:" + key.rsplit("#", 1)[-1]
    return key[len(JX) :] if key.startswith(JX) else key


def findings_by_shape(request: Request) -> list[dict[str, Any]]:
    rows = select(request, "findings_by_shape")
    return [
        {"key": shape_key(r["key"], bool(r["blank"])), "n": r["n"],
         "severity": SEVERITY_IRI.get(r["severity"], "")}
        for r in rows if r["key"] is not None
    ]  # fmt: skip


def shape_filter(key: str) -> tuple[str, dict[str, Term]]:
    """The ``shape`` slot's alternative and the term that select the findings of shape
    ``key`` (a shape of the ontology, any shape IRI, or ``anon:`` and a constraint component)."""
    if key.startswith("anon:") and re.fullmatch(r"\w+", key[5:]):
        return "anonymous", {"anonComponent": Term("iri", SH + key[5:])}
    if re.fullmatch(r"\w+", key):
        return "named", {"s": Term("iri", JX + key)}
    return "named", {"s": iri_term(key)}


def _arguments(q: FindingQuery) -> tuple[dict[str, Term | None], dict[str, str]]:
    """The terms and slots of the finding queries for ``q``."""
    slots = {"scope": "project" if q.project else "unit" if q.unit else "all"}
    values: dict[str, Term | None] = {}
    if q.shape:
        slots["shape"], values = shape_filter(q.shape)  # type: ignore[assignment]
    values["sev"] = Term("iri", SH + q.severity) if q.severity else None
    values["project"] = iri_term(q.project) if q.project else None
    values["unit"] = iri_term(q.unit) if q.unit else None
    return values, slots


def finding_counts(request: Request, q: FindingQuery) -> dict[str, int]:
    """How many findings ``q`` selects, by severity (``Violation``, ``Warning``, ``Info``)."""
    values, slots = _arguments(q)
    rows = select(request, "finding_counts", values, slots)
    return {SEVERITY_IRI.get(r["sev"], r["sev"]): int(r["n"]) for r in rows}


def findings(
    request: Request, q: FindingQuery, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """The findings ``q`` selects, each with the project concerned and where it was read.
    With ``limit``, one page in the query's order (severity, shape, focus node); without,
    all of them, most severe first, then by shape, project name and indicator name."""
    values, slots = _arguments(q)
    if limit is not None:
        values = {**values, "limit": limit, "offset": offset}  # type: ignore[dict-item]
        slots["page"] = "offset"
    rows = select(request, "finding_list", values, slots)
    _add_details(request, rows)
    for row in rows:
        row["severity"] = SEVERITY_IRI.get(row["severity"], row["severity"])
        row["shape_key"] = shape_key(
            (row["component"] if row["anonymous"] else row["shape"]) or "", bool(row["anonymous"])
        )
    if limit is None:
        rows.sort(key=lambda r: (_SEVERITY_RANK.get(r["severity"], 9), r["shape_key"],
                                 r["project_name"] or "", r["indicator_name"] or ""))  # fmt: skip
    return rows


def _iris(values: set[Any]) -> list[str]:
    return sorted(v for v in values if isinstance(v, str) and v.startswith(("http://", "https://")))


def _lookup(
    request: Request, name: str, keys: list[tuple[str, ...]], names: tuple[str, ...]
) -> dict[tuple[str, ...], dict[str, Any]]:
    """Query ``name``'s rows by key (the IRIs bound to ``names``), asked in chunks of keys
    that stay below the row cap (one row per key)."""
    size = max(1, min(CHUNK, request.app.state.service.settings.row_cap))
    found: dict[tuple[str, ...], dict[str, Any]] = {}
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        values = {n: [Term("iri", key[i]) for key in chunk] for i, n in enumerate(names)}
        for row in select(request, name, values):  # type: ignore[arg-type]
            found[tuple(row[n] for n in names)] = row
    return found


def _add_details(request: Request, rows: list[dict[str, Any]]) -> None:
    """Project, indicator, value text, document name and line of each row (in place)."""
    focus = _iris({r["focus"] for r in rows})
    documents = _iris({r["document"] for r in rows})
    of_focus = _lookup(request, "finding_focus_details", [(f,) for f in focus], ("f",))
    texts = _lookup(
        request, "finding_value_texts", [(v,) for v in _iris({r["value"] for r in rows})], ("v",)
    )
    names = _lookup(request, "finding_documents", [(d,) for d in documents], ("d",))
    pairs = sorted({(r["document"], r["focus"]) for r in rows})
    pairs = [(d, f) for d, f in pairs if d in documents and f in focus]
    lines = _lookup(request, "finding_lines", pairs, ("d", "f"))
    for row in rows:
        f, d = row["focus"], row["document"]
        details = of_focus.get((f,), {})
        for key in ("project", "project_name", "year", "indicator", "indicator_name"):
            row[key] = details.get(key)
        row["value"] = texts.get((row["value"],), {}).get("text", row["value"])
        source = names.get((d,), {})
        row["document_name"] = source.get("name")
        for key in ("kind", "year", "department"):
            row["document_" + key] = source.get(key)
        line = lines.get((d, f), {})
        row["line"] = line["line"] if line.get("line") is not None else line.get("indicator_line")


__all__ = [
    "FindingQuery",
    "finding_counts",
    "findings",
    "findings_by_shape",
    "shape_filter",
    "shape_key",
]
