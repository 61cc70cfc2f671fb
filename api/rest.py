"""The REST API auditors use (``/api/…``) and ``/id/…`` dereferencing.

Every route parses its parameters, runs a named query (``queries/*.rq``, a checked query
object) on the worker pool (same time limit as ``/sparql``) through :mod:`api.select`, and
renders JSON. Values from the request become typed terms bound where the query declares
them; lists are cut into pages by the query (``offset``, or ``after=`` a keyset cursor).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from jixiao.api.errors import error_response
from jixiao.api.listing import (
    Lacks,
    Mode,
    project_after_cursor,
    project_cursor,
    project_item,
    project_slots,
    project_values,
    projects_query,
)
from jixiao.api.project_extras import commitments, self_evaluation
from jixiao.api.select import (
    JXID,
    SH,
    after_terms,
    cursor,
    iri_term,
    page,
    select,
    typed_term,
    year_term,
)
from jixiao.api.workers import QueryError, Term
from jixiao.graph.categories import category_by_key, severities
from jixiao.queries.prepared import catalog, prepared

Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
After = Annotated[
    str | None,
    Query(max_length=4000, description="cursor of the last row seen (the `next` of a page)"),
]


def build_router() -> APIRouter:
    router = APIRouter(tags=["rest"])

    @router.get("/api/projects", summary="Projects, filtered and paged")
    def projects(
        request: Request,
        response: Response,
        year: int | None = Query(None, ge=1900, le=2200),
        unit: str | None = Query(None, max_length=300, description="unit name or IRI"),
        lacks: Lacks | None = None,  # type: ignore[valid-type]
        mode: Mode = Mode.strict,
        limit: Limit = 100,
        offset: Offset = 0,
        after: After = None,
    ) -> dict[str, Any]:
        name, slots = projects_query(lacks, mode), project_slots(lacks, mode)
        values = project_values(year, unit, lacks, mode)
        exclusive(after, offset)
        found = page(request, name, values, slots, limit, offset,
                     project_after_cursor(lacks, mode, after))  # fmt: skip
        return listed(request, response, found, limit, project_item,
                      partial(project_cursor, lacks, mode))  # fmt: skip

    @router.get("/api/projects/{project_id:path}", summary="One project")
    def project(request: Request, project_id: str) -> dict[str, Any]:
        iri = iri_term(project_id if "://" in project_id else JXID + "project/" + project_id)
        rows = select(request, "projects", {"project": iri})
        if not rows:
            raise QueryError(404, "not_found", f"no project {iri.value}")
        item = project_item(rows[0])
        item["indicators"] = select(request, "project_indicators", {"project": iri})
        evaluated = self_evaluation(request, iri)  # actual and score, only where reported
        for row in item["indicators"]:
            row.update(evaluated.get(row["id"], {}))
        item["commitments"] = commitments(request, iri)
        item["findings"] = finding_items(select(request, "project_findings", {"project": iri}))
        return item

    @router.get("/api/units", summary="Budget units")
    def units(request: Request, year: int | None = Query(None, ge=1900, le=2200)) -> dict:
        rows = select(request, "units", {"year": year_term(year)})
        return {"total": len(rows), "items": rows}

    @router.get("/api/departments", summary="Departments")
    def departments(request: Request) -> dict[str, Any]:
        rows = select(request, "departments")
        return {"total": len(rows), "items": rows}

    @router.get("/api/indicators", summary="Indicators, filtered and paged")
    def indicators(
        request: Request,
        response: Response,
        year: int | None = Query(None, ge=1900, le=2200),
        category: Lacks | None = None,  # type: ignore[valid-type]
        limit: Limit = 100,
        offset: Offset = 0,
        after: After = None,
    ) -> dict[str, Any]:
        cat = None if category is None else Term("iri", category_by_key(category).iri)
        slots = {} if category is None else {"by": "category"}
        exclusive(after, offset)
        found = page(request, "indicators", {"year": year_term(year), "category": cat}, slots,
                     limit, offset, after_terms(after))  # fmt: skip
        return listed(request, response, found, limit, dict, indicator_cursor)

    @router.get("/api/findings", summary="Validation findings")
    def findings(
        request: Request,
        severity: str | None = Query(None, pattern=f"^({'|'.join(severities())})$"),
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        sev = None if severity is None else Term("iri", SH + severity)
        found = page(request, "findings", {"severity": sev}, {}, limit, offset)
        return {"total": found["total"], "items": finding_items(found["items"])}

    @router.get("/api/queries", summary="Named queries")
    def named_queries() -> dict[str, Any]:
        items = [query_item(q.name) for q in catalog().values() if not q.internal]
        return {"total": len(items), "items": items}

    @router.get("/api/queries/{name}", summary="Run a named query (parameters bound as terms)")
    def named_query(request: Request, name: str) -> dict[str, Any]:
        try:
            prepared(name)
        except KeyError as error:
            raise QueryError(404, "not_found", str(error.args[0])) from None
        values, slots = named_arguments(name, request.query_params.items())
        rows = select(request, name, values, slots)
        return {"total": len(rows), "items": rows}

    @router.get("/id/{path:path}", summary="Describe a resource (HTML, Turtle, JSON-LD)")
    def dereference(request: Request, path: str) -> Response:
        from jixiao.api.describe import describe  # (it reads through this module's select)

        return describe(request, iri_term(JXID + path))

    @router.get("/api/export.gexf", summary="A view of the graph as GEXF 1.3, for Gephi")
    def export_gexf(
        request: Request,
        view: Annotated[str, Query(pattern="^(full|categories|shared-indicators|units)$")] = "full",
        year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
    ) -> StreamingResponse:
        from jixiao.graph.export import export_filename, iter_gexf

        # the view is read before the first byte is sent, so errors still get the JSON shape
        chunks = iter_gexf(request.app.state.service.primary, view, year)
        name = export_filename("gexf", view, year)
        return StreamingResponse(
            chunks,
            media_type="application/gexf+xml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # The body is read by the route itself (api/upload.py): a File() parameter would make
    # FastAPI spool it whole before the token and the size were checked.
    @router.post(
        "/api/documents",
        summary="Ingest an uploaded document (bearer token)",
        openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {
            "schema": {"type": "object", "required": ["file"],
                       "properties": {"file": {"type": "string", "format": "binary"}}},
        }}}},
        responses={401: {"description": "no or wrong bearer token"},
                   403: {"description": "ingest over HTTP is off"},
                   413: {"description": "the body exceeds JIXIAO_UPLOAD_LIMIT"},
                   422: {"description": "the document cannot be ingested (nothing stored)"}},
    )  # fmt: skip
    async def upload(
        request: Request, authorization: Annotated[str | None, Header()] = None
    ) -> Response:
        from starlette.concurrency import run_in_threadpool

        from jixiao.api import upload as up

        service = request.app.state.service
        try:
            up.refuse_early(request, service.settings, bearer=True)
            name, data = await up.file_of(await up.read_form(request, service.settings),
                                          service.settings)  # fmt: skip
        except up.Refused as refused:
            response = error_response(refused.status, refused.code, refused.message)
            if refused.close:
                response.headers["Connection"] = "close"
            return response
        documents = await run_in_threadpool(up.ingest_upload, service, name, data)
        reason = up.failure(documents)
        if reason is not None:
            return error_response(422, "unreadable_document", reason, documents=documents)
        return JSONResponse({"documents": documents})

    return router


def exclusive(after: str | None, offset: int) -> None:
    """``after`` and ``offset`` exclude each other (400 when both are given)."""
    if after is not None and offset:
        raise QueryError(400, "bad_parameter", "give after or offset, not both")


def listed(
    request: Request, response: Response, found: dict[str, Any], limit: int,
    item: Callable[[dict[str, Any]], dict[str, Any]],
    key: Callable[[dict[str, Any]], str],
) -> dict[str, Any]:  # fmt: skip
    """A page as the lists give it (``total``, ``items``); when more rows may follow, a
    ``Link: <…&after=CURSOR>; rel="next"`` header, the cursor being the sort key of the last
    row (as the query gave it)."""
    items = [item(row) for row in found["items"]]
    if len(items) == limit and items:
        last = key(found["items"][-1])
        url = request.url.remove_query_params("offset").include_query_params(after=last)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return {"total": found["total"], "items": items}


def indicator_cursor(row: dict[str, Any]) -> str:
    """The keyset cursor of a listed indicator: its year and the query's sort key."""
    return cursor(row["year"], f"{row['project']}\u0001{row['id']}")


def query_item(name: str) -> dict[str, Any]:
    """A named query as ``GET /api/queries`` lists it: its header and its parameters."""
    from jixiao.queries import load_query, metadata

    query = prepared(name)
    params = {p.name: p.kind for p in query.params.values()}
    return {"name": name, **metadata(load_query(name)), "params": params,
            "slots": {k: list(v) for k, v in query.slots.items()}}  # fmt: skip


def named_arguments(name: str, pairs: Any) -> tuple[dict[str, Term | int], dict[str, str]]:
    """Request parameters of a named query: its declared parameters as typed terms (``limit``
    and ``offset`` as whole numbers) and its slots' alternatives; 400 for anything else."""
    query = prepared(name)
    values: dict[str, Term | int] = {}
    slots: dict[str, str] = {}
    for key, value in pairs:
        if key in query.slots:
            if value not in query.slots[key]:
                choices = " | ".join(query.slots[key])
                raise QueryError(400, "bad_parameter", f"{key}: expected {choices}")
            slots[key] = value
        elif key not in query.params:
            raise QueryError(400, "unknown_parameter", f"{name} takes no parameter {key!r}")
        elif key in ("limit", "offset"):
            term = typed_term(value, "integer")
            values[key] = int(term.value)
            if values[key] < 0:  # type: ignore[operator]
                raise QueryError(400, "bad_parameter", f"{key}: 0 or more")
        else:
            values[key] = typed_term(value, query.params[key].kind)
    return values, slots


def finding_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per ``sh:ValidationResult`` with its message in both languages."""
    return [
        {
            "result": row["result"],
            "severity": row["severity"],
            "focus": row["focus"],
            "shape": row["shape"],
            "message": {"zh": row["message_zh"], "en": row["message_en"]},
        }
        for row in rows
    ]
