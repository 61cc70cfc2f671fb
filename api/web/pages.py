"""The read-only pages: overview, audit (with CSV/XLSX), project, units, unit, findings."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams

from jixiao.api.listing import Lacks, Mode
from jixiao.api.select import JXID
from jixiao.api.web import data, export, i18n
from jixiao.api.web.concept_data import indicator_concepts
from jixiao.api.web.findings import FindingQuery, finding_counts, findings_by_shape
from jixiao.api.web.findings import findings as list_findings
from jixiao.api.web.render import BadParam, error_page, lang_of, render
from jixiao.api.workers import QueryError

AUDIT_PAGE = 500
FINDINGS_PAGE = 200


def guarded(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Bad parameters and failed queries become an HTML error page in the page's language."""

    @functools.wraps(handler)
    def wrapper(request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return handler(request, *args, **kwargs)
        except BadParam as error:
            return error_page(request, 400, i18n.text(lang_of(request), "bad_param", p=error.name))
        except QueryError as error:
            return error_page(request, error.status, error.message)

    return wrapper


def param_year(params: QueryParams) -> int | None:
    raw = params.get("year", "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{4}", raw) or not 1900 <= int(raw) <= 2200:
        raise BadParam("year")
    return int(raw)


def param_choice(params: QueryParams, name: str, allowed: tuple[str, ...]) -> str | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if raw not in allowed:
        raise BadParam(name)
    return raw


def param_text(params: QueryParams, name: str, limit: int = 300) -> str | None:
    raw = params.get(name, "").strip()
    if len(raw) > limit:
        raise BadParam(name)
    return raw or None


def param_page(params: QueryParams) -> int:
    raw = params.get("page", "").strip() or "1"
    # ASCII digits only: "²".isdigit() is True but int("²") raises
    if not (raw.isascii() and raw.isdecimal()) or not 1 <= int(raw) <= 100_000:
        raise BadParam("page")
    return int(raw)


def audit_query(params: QueryParams) -> data.ProjectQuery:
    lacks = param_choice(params, "lacks", tuple(c.key for c in i18n.CATEGORIES))
    mode = param_choice(params, "mode", ("strict", "lenient")) or "strict"
    return data.ProjectQuery(
        year=param_year(params),
        unit=param_text(params, "unit"),
        lacks=Lacks(lacks) if lacks else None,
        mode=Mode(mode),
    )


def findings_query(params: QueryParams) -> FindingQuery:
    """``severity`` and ``shape`` of ``/findings`` (and its CSV/XLSX downloads)."""
    q = FindingQuery(
        severity=param_choice(params, "severity", i18n.SEVERITIES),
        shape=param_text(params, "shape", 200),
    )
    if q.shape and not re.fullmatch(r"(anon:)?\w+|https?://\S+", q.shape):
        raise BadParam("shape")
    return q


def audit_params(q: data.ProjectQuery) -> dict[str, Any]:
    """The query as URL parameters (the default mode left out)."""
    return {
        "lacks": q.lacks.value if q.lacks else None,
        "year": q.year,
        "unit": q.unit,
        "mode": q.mode.value if q.mode is Mode.lenient else None,
    }


def api_url(params: dict[str, Any]) -> str:
    """The ``GET /api/projects`` address of the same list."""
    return "/api/projects?" + urlencode({**{k: v for k, v in params.items() if v is not None},
                                         "limit": 1000})  # fmt: skip


def coverage_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The overview's bottom line: projects, projects with indicators, with all four."""
    return {k: sum(r[k] or 0 for r in rows) for k in ("projects", "indicated", "all4")}


def audit_filename(q: data.ProjectQuery, extension: str) -> str:
    parts = ["jixiao-audit"]
    if q.lacks:
        parts.append("lacks-" + q.lacks.value)
    if q.year:
        parts.append(str(q.year))
    if q.mode is Mode.lenient:
        parts.append("lenient")
    return "-".join(parts) + "." + extension


def flagged(findings: list[dict[str, Any]]) -> dict[str, str]:
    """The most severe finding's severity per indicator (or other focus node) of a project
    (``findings`` come most severe first)."""
    out: dict[str, str] = {}
    for finding in findings:
        out.setdefault(finding["indicator"] or finding["focus"], finding["severity"])
    return out


def latest_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a unit's page: the latest year first, the list's order within a year."""
    return sorted(rows, key=lambda r: -r["year"] if isinstance(r["year"], int) else 0)


def coverage_by_year(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per year: projects, how many have each category, how many have all four."""
    years: dict[Any, dict[str, Any]] = {}
    keys = [c.key for c in i18n.CATEGORIES]
    for row in rows:
        empty = {"year": row["year"], "projects": 0, "all4": 0, "indicated": 0}
        entry = years.setdefault(row["year"], {**empty, **dict.fromkeys(keys, 0)})
        entry["projects"] += 1
        entry["indicated"] += bool(row["indicators"])
        for key in row["categories"]:
            entry[key] += 1
        entry["all4"] += all(k in row["categories"] for k in keys)
    return [years[y] for y in sorted(years, key=str, reverse=True)]


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    @guarded
    def overview(request: Request) -> Response:
        year = param_year(request.query_params)
        lang = lang_of(request)
        rows = data.coverage(request, year)
        totals = coverage_totals(rows)
        return render(
            request, "overview.html", title=i18n.text(lang, "overview.title"),
            counts=data.counts(request), shapes=findings_by_shape(request),
            years=data.years(request), year=year, coverage=rows, totals=totals,
        )  # fmt: skip

    @router.get("/audit")
    @guarded
    def audit(request: Request) -> Response:
        q = audit_query(request.query_params)
        page = param_page(request.query_params)
        shown = data.project_page(request, q, AUDIT_PAGE, (page - 1) * AUDIT_PAGE)["items"]
        totals = data.project_totals(request, q)
        units = data.units(request)
        params = audit_params(q)
        return render(
            request, "audit.html", title=i18n.text(lang_of(request), "nav.audit"),
            q=q, rows=shown, total=totals["total"], page=page, size=AUDIT_PAGE,
            pages=max(1, math.ceil(totals["total"] / AUDIT_PAGE)),
            params=params, years=data.years(request), units=units,
            unit_known=any(q.unit in (u["id"], u["name"]) for u in units),
            api_url=api_url(params), amount_total=totals["amount"],
        )  # fmt: skip

    def download(request: Request, extension: str) -> Response:
        q = audit_query(request.query_params)
        rows = data.projects(request, q)
        lang = lang_of(request)
        if extension == "csv":
            body, media = export.to_csv(rows, lang), "text/csv; charset=utf-8"
        else:
            body = export.to_xlsx(rows, lang)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = audit_filename(q, extension)
        headers = {"Content-Disposition": f'attachment; filename="{name}"',
                   "X-Total-Count": str(len(rows))}  # fmt: skip
        return Response(body, media_type=media, headers=headers)

    @router.get("/audit.csv")
    @guarded
    def audit_csv(request: Request) -> Response:
        return download(request, "csv")

    @router.get("/audit.xlsx")
    @guarded
    def audit_xlsx(request: Request) -> Response:
        return download(request, "xlsx")

    @router.get("/projects/{project_id:path}")
    @guarded
    def project(request: Request, project_id: str) -> Response:
        lang = lang_of(request)
        if not re.fullmatch(r"[\w\-]+(/[\w\-]+)*", project_id):
            return error_page(request, 404, i18n.text(lang, "error.404"))
        item = data.project(request, JXID + "project/" + project_id)
        if item is None:
            return error_page(request, 404, i18n.text(lang, "error.404"))
        return render(
            request, "project.html", title=item["name"], p=item, flagged=flagged(item["findings"]),
            rdf_url="/id/project/" + project_id, api_url="/api/projects/" + project_id,
            concept_of=indicator_concepts(request, item["id"]),
        )  # fmt: skip

    @router.get("/units")
    @guarded
    def units(request: Request) -> Response:
        year = param_year(request.query_params)
        return render(
            request, "units.html", title=i18n.text(lang_of(request), "units.title"),
            years=data.years(request), year=year, coverage=data.coverage(request, year),
        )  # fmt: skip

    @router.get("/units/{unit_id}")
    @guarded
    def unit(request: Request, unit_id: str) -> Response:
        lang = lang_of(request)
        if not re.fullmatch(r"[\w\-]+", unit_id):
            return error_page(request, 404, i18n.text(lang, "error.404"))
        iri = JXID + "org/unit/" + unit_id
        info = data.unit(request, iri)
        if info is None:
            return error_page(request, 404, i18n.text(lang, "error.404"))
        rows = latest_first(data.projects(request, data.ProjectQuery(unit=iri)))
        return render(
            request, "unit.html", title=info["name"], u=info, rows=rows,
            by_year=coverage_by_year(rows), rdf_url="/id/org/unit/" + unit_id,
            findings=list_findings(request, FindingQuery(unit=iri)),
        )  # fmt: skip

    @router.get("/findings")
    @guarded
    def findings(request: Request) -> Response:
        params = request.query_params
        q = findings_query(params)
        page = param_page(params)
        by_severity = finding_counts(request, q)
        total = sum(by_severity.values())
        size = min(FINDINGS_PAGE, request.app.state.service.settings.row_cap)
        shown = list_findings(request, q, size, (page - 1) * size)
        shapes = findings_by_shape(request)
        return render(
            request, "findings.html", title=i18n.text(lang_of(request), "findings.title"),
            q=q, rows=shown, total=total, page=page, size=size,
            pages=max(1, math.ceil(total / size)),
            params={"severity": q.severity, "shape": q.shape}, shapes=shapes,
            shape_keys={s["key"] for s in shapes}, by_severity=by_severity,
        )  # fmt: skip

    return router
