"""What the pages show, read through the same worker pool and time limit as the REST API.

The project lists are ``GET /api/projects``'s own queries (:mod:`api.listing`), so the
audit page and ``GET /api/projects`` cannot disagree (strict lacks lists and the coverage
table are read from the facts prepared at ingest); the findings are those of
:mod:`api.web.findings`. Every other read is a named query (``queries/*.rq``) of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from jixiao.api.listing import (
    Lacks,
    Mode,
    project_after,
    project_item,
    project_slots,
    project_values,
    projects_query,
)
from jixiao.api.project_extras import commitments, self_evaluation
from jixiao.api.select import JX, JXID, iri_term, page, select, year_term
from jixiao.api.web.findings import FindingQuery, finding_counts, findings
from jixiao.api.workers import Term
from jixiao.graph.categories import categories, category_by_iri

CHUNK = 400  # IRIs per VALUES block

# ------------------------------------------------------------------ overview


def counts(request: Request) -> dict[str, Any]:
    rows = select(request, "store_counts")
    out: dict[str, Any] = dict(rows[0]) if rows else {}
    severities = finding_counts(request, FindingQuery())
    out["severity"] = severities
    out["findings"] = sum(severities.values())
    return out


def years(request: Request) -> list[int]:
    return [r["year"] for r in select(request, "fiscal_years") if isinstance(r["year"], int)]


def coverage(request: Request, year: int | None) -> list[dict[str, Any]]:
    """Per unit: projects, with indicators, covering each category and all four (the
    overview's and the units page's table), read from the facts prepared at ingest."""
    return select(request, "prepared_unit_coverage", {"year": year_term(year)})


def units(request: Request, year: int | None = None) -> list[dict[str, Any]]:
    return select(request, "units", {"year": year_term(year)})


# ------------------------------------------------------------------ projects (audit)


@dataclass(slots=True)
class ProjectQuery:
    year: int | None = None
    unit: str | None = None  # a unit's name or IRI, as ``GET /api/projects`` takes it
    lacks: Lacks | None = None  # type: ignore[valid-type]
    mode: Mode = Mode.strict


def _arguments(q: ProjectQuery) -> tuple[str, dict[str, Term | None], dict[str, str]]:
    """The query of ``GET /api/projects`` for ``q``, its values and its slots."""
    values = project_values(q.year, q.unit, q.lacks, q.mode)
    return projects_query(q.lacks, q.mode), values, project_slots(q.lacks, q.mode)


def project_page(request: Request, q: ProjectQuery, limit: int, offset: int) -> dict[str, Any]:
    """One page of ``q``'s projects (cut by the query), each with :func:`add_categories`,
    and ``total``: how many projects ``q`` selects."""
    name, values, slots = _arguments(q)
    found = page(request, name, values, slots, limit, offset)
    items = [project_item(r) for r in found["items"]]
    add_categories(request, items)
    return {"total": found["total"], "items": items}


def project_totals(request: Request, q: ProjectQuery) -> dict[str, Any]:
    """How many projects ``q`` selects and the sum of their amounts (万元)."""
    name, values, slots = _arguments(q)
    (row,) = select(request, name, values, {**slots, "result": "totals"})
    return {"total": int(row["total"]), "amount": row["amounts"] or 0}


def projects(request: Request, q: ProjectQuery) -> list[dict[str, Any]]:
    """Every project ``q`` selects, with :func:`add_categories`: the rows of ``GET
    /api/projects`` (same query), read page after page by keyset (pages of the row cap)."""
    name, values, slots = _arguments(q)
    size = request.app.state.service.settings.row_cap
    items: list[dict[str, Any]] = []
    after: dict[str, Term] = {}
    while True:
        rows = select(request, name, {**values, **after, "limit": size},  # type: ignore[dict-item]
                      {**slots, "page": "after" if after else "offset"})  # fmt: skip
        items += [project_item(r) for r in rows]
        if len(rows) < size:
            break
        after = project_after(q.lacks, q.mode, rows[-1])
    add_categories(request, items)
    return items


def add_categories(request: Request, rows: list[dict[str, Any]]) -> None:
    """Set ``categories`` (the categories a project has indicators in) and ``named`` (those
    only an indicator's name or printed label mentions) on each row."""
    by_iri = category_by_iri()
    cats: dict[str, set[str]] = defaultdict(set)
    named: dict[str, set[str]] = defaultdict(set)
    ids = [r["id"] for r in rows]
    for chunk in (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)):
        terms = [Term("iri", i) for i in chunk]
        for name, found in (("project_categories", cats), ("project_named_categories", named)):
            for r in select(request, name, {"p": terms}):
                if r["cat"] in by_iri:
                    found[r["p"]].add(by_iri[r["cat"]].key)
    keys = [c.key for c in categories()]
    for row in rows:
        row["categories"] = [k for k in keys if k in cats[row["id"]]]
        row["named"] = [k for k in keys if k in named[row["id"]] - cats[row["id"]]]


def local_id(iri: str, kind: str) -> str | None:
    """``2026/92668e…`` for ``…/id/project/2026/92668e…`` (kind ``project``)."""
    prefix = f"{JXID}{kind}/"
    return iri[len(prefix) :] if iri.startswith(prefix) else None


# ------------------------------------------------------------------ one project

AMOUNT_ORDER = ["amountTotal", "amountFiscal", "amountGeneralBudget", "amountGovFund"]


def project(request: Request, iri: str) -> dict[str, Any] | None:
    """Everything the project page shows; None when the store has no such project."""
    term = iri_term(iri)
    rows = select(request, "projects", {"project": term})
    if not rows:
        return None
    item = project_item(rows[0])
    add_categories(request, [item])
    values = {"p": term}
    item["amounts"] = amounts(select(request, "project_amounts", values))
    item["goals"] = [r["goal"] for r in select(request, "project_goals", values)]
    item["sources"] = select(request, "project_sources", values)
    item["other_years"] = select(request, "project_other_years", values)
    item["indicator_groups"] = indicator_groups(
        select(request, "project_indicator_details", {"project": term}),
        select(request, "project_targets", {"project": term}),
    )
    evaluated = self_evaluation(request, term)
    for _, rows in item["indicator_groups"]:
        for row in rows:
            row.update(evaluated.get(row["id"], {}))
    item["self_evaluated"] = bool(evaluated)
    item["commitments"] = commitments(request, term)
    item["findings"] = findings(request, FindingQuery(project=iri))
    return item


def amounts(rows: list[dict[str, Any]]) -> list[tuple[str, list[Any]]]:
    """A project's amounts by property (local name), the usual four first."""
    found: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        found[r["prop"][len(JX) :] if r["prop"].startswith(JX) else r["prop"]].append(r["value"])
    last = len(AMOUNT_ORDER)
    return sorted(found.items(), key=lambda kv: (
        AMOUNT_ORDER.index(kv[0]) if kv[0] in AMOUNT_ORDER else last, kv[0]))  # fmt: skip


def indicator_groups(
    indicators: list[dict[str, Any]], target_rows: list[dict[str, Any]]
) -> list[tuple[str | None, list[dict]]]:
    """Indicators with their parsed targets, grouped by category (the categories in order,
    then uncategorised)."""
    targets = {r["t"]: r for r in target_rows}
    by_iri = category_by_iri()
    groups: dict[str | None, list[dict]] = defaultdict(list)
    for row in indicators:
        row["period"] = targets.get(row["period"]) if row["period"] else None
        row["annual"] = targets.get(row["annual"]) if row["annual"] else None
        cat = by_iri.get(row["category"])
        groups[cat.key if cat else None].append(row)
    keys: list[str | None] = [c.key for c in categories()]
    return [(k, groups[k]) for k in [*keys, None] if groups.get(k)]


# ------------------------------------------------------------------ one unit


def unit(request: Request, iri: str) -> dict[str, Any] | None:
    rows = select(request, "unit_description", {"u": iri_term(iri)})
    if not rows:
        return None
    info: dict[str, Any] = {"id": iri, "names": [], "codes": [], "dept": [], "from": [], "to": []}
    for r in rows:
        if r["rel"] == "name":
            info["names"].append(r["label"])
        elif r["rel"] == "code":
            info["codes"].append(r["label"])
        else:
            info[r["rel"]].append({"id": r["other"], "name": r["label"]})
    info["name"] = info["names"][0] if info["names"] else iri
    return info
