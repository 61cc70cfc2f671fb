"""The REST API auditors use (``/api/…``) and ``/id/…`` dereferencing.

Every route is a SPARQL query run by the worker pool (same time limit as ``/sparql``)
through :mod:`api.select`. Values from the request become typed terms and reach the query
either through ``substitutions`` (named queries: projected variables) or as a ``VALUES``
block serialised by pyoxigraph from those terms (our own queries, where the variable sits
in a sub-query). Request text is never formatted into a query; other fragments come from
fixed whitelists.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from jixiao import queries
from jixiao.api.listing import CATEGORY, Lacks, Mode, projects_query
from jixiao.api.project_extras import commitments, self_evaluation
from jixiao.api.select import (
    JX,
    JXID,
    SH,
    declared_parameters,
    iri_term,
    page,
    select,
    typed_term,
    unit_term,
    year_term,
)
from jixiao.api.workers import QueryError, Term

Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def build_router() -> APIRouter:
    router = APIRouter(tags=["rest"])

    @router.get("/api/projects", summary="Projects, filtered and paged")
    def projects(
        request: Request,
        year: int | None = Query(None, ge=1900, le=2200),
        unit: str | None = Query(None, max_length=300, description="unit name or IRI"),
        lacks: Lacks | None = None,
        mode: Mode = Mode.strict,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        text, count = projects_query(unit, lacks, mode, limit, offset)
        values = {"year": year_term(year), "unitParam": unit_term(unit)}
        return page(request, text, values, limit, offset, count)

    @router.get("/api/projects/{project_id:path}", summary="One project")
    def project(request: Request, project_id: str) -> dict[str, Any]:
        iri = iri_term(project_id if "://" in project_id else JXID + "project/" + project_id)
        rows = select(request, projects_query()[0], {"p": iri})
        if not rows:
            raise QueryError(404, "not_found", f"no project {iri.value}")
        item = rows[0]
        item["indicators"] = select(request, _INDICATORS, {"project": iri})
        evaluated = self_evaluation(request, iri)  # actual and score, only where reported
        for row in item["indicators"]:
            row.update(evaluated.get(row["id"], {}))
        item["commitments"] = commitments(request, iri)
        item["findings"] = finding_items(select(request, _FINDINGS_OF, {"project": iri}))
        return item

    @router.get("/api/units", summary="Budget units")
    def units(request: Request, year: int | None = Query(None, ge=1900, le=2200)) -> dict:
        rows = select(request, UNITS_QUERY, {"year": year_term(year)})
        return {"total": len(rows), "items": rows}

    @router.get("/api/departments", summary="Departments")
    def departments(request: Request) -> dict[str, Any]:
        rows = select(request, _DEPARTMENTS)
        return {"total": len(rows), "items": rows}

    @router.get("/api/indicators", summary="Indicators, filtered and paged")
    def indicators(
        request: Request,
        year: int | None = Query(None, ge=1900, le=2200),
        category: Lacks | None = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        cat = None if category is None else Term("iri", JX + CATEGORY[category][0])
        text, count = indicators_query(category is not None, limit, offset)
        return page(request, text, {"year": year_term(year), "category": cat}, limit, offset, count)

    @router.get("/api/findings", summary="Validation findings")
    def findings(
        request: Request,
        severity: str | None = Query(None, pattern="^(Violation|Warning|Info)$"),
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        sev = None if severity is None else Term("iri", SH + severity)
        text, count = findings_query(limit, offset)
        found = page(request, text, {"severity": sev}, limit, offset, count)
        return {"total": found["total"], "items": finding_items(found["items"])}

    @router.get("/api/queries", summary="Named queries")
    def named_queries() -> dict[str, Any]:
        items = []
        for name in queries.list_queries():
            meta = queries.metadata(queries.load_query(name))
            items.append({"name": name, **meta, "params": declared_parameters(meta)})
        return {"total": len(items), "items": items}

    @router.get("/api/queries/{name}", summary="Run a named query (parameters bound as terms)")
    def named_query(request: Request, name: str) -> dict[str, Any]:
        try:
            text = queries.load_query(name)
        except KeyError as error:
            raise QueryError(404, "not_found", str(error.args[0])) from None
        declared = declared_parameters(queries.metadata(text))
        bindings: dict[str, Term | None] = {}
        for key, value in request.query_params.items():
            if key not in declared:
                raise QueryError(400, "unknown_parameter", f"{name} takes no parameter {key!r}")
            bindings[key] = typed_term(value, declared[key])
        rows = select(request, text, substitute=bindings)
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
        from jixiao.api.app import error_response

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


_INDICATORS = """
SELECT ?id (MIN(?n) AS ?name) (MIN(?pos) AS ?position) (MIN(?l1) AS ?level1)
       (MIN(?l2) AS ?level2) (MIN(?c) AS ?category) (MIN(?ar) AS ?annual_target)
       (MIN(?pr) AS ?period_target) WHERE {
  {values} ?project jx:hasIndicator ?id . ?id jx:name ?n .
  OPTIONAL { ?id jx:position ?pos } OPTIONAL { ?id jx:level1Text ?l1 }
  OPTIONAL { ?id jx:level2Text ?l2 }
  OPTIONAL { ?id (jx:level1|jx:level2)/jx:category ?c }
  OPTIONAL { ?id jx:annualTarget/jx:rawText ?ar } OPTIONAL { ?id jx:periodTarget/jx:rawText ?pr }
} GROUP BY ?id ORDER BY ?position
"""
_INDICATOR_MATCH = "{values} ?p jx:hasIndicator ?id ; jx:fiscalYear ?year . {category}"
# Sorted and cut on (year, project, indicator) as one key bound per row, details looked up
# for the page only: at 10^5 indicators a page took 39 s when every row got its details first.
_ALL_INDICATORS = """
SELECT ?id (MIN(?n) AS ?name) ?project ?year (MIN(?c) AS ?category)
       (MIN(?ar) AS ?annual_target) WHERE {
  { SELECT ?id ?project ?year ?sortKey WHERE {
      { SELECT DISTINCT ?id ?p ?year WHERE { {match} } }
      BIND(?p AS ?project)
      BIND(CONCAT(STR(?p), "\\u0001", STR(?id)) AS ?sortKey)
    } ORDER BY ?year ?sortKey {page} }
  ?id jx:name ?n .
  OPTIONAL { ?id (jx:level1|jx:level2)/jx:category ?c }
  OPTIONAL { ?id jx:annualTarget/jx:rawText ?ar }
} GROUP BY ?id ?project ?year ?sortKey ORDER BY ?year ?sortKey
""".replace("{match}", _INDICATOR_MATCH)
_CATEGORY_PATTERN = "?id (jx:level1|jx:level2)/jx:category ?category ."
UNITS_QUERY = """
SELECT ?id (MIN(?l) AS ?name) (COUNT(DISTINCT ?p) AS ?projects) WHERE {
  {values} ?p a jx:Project ; jx:unit ?id ; jx:fiscalYear ?year . ?id skos:prefLabel ?l .
} GROUP BY ?id ORDER BY ?name
"""
_DEPARTMENTS = """
SELECT ?id (MIN(?l) AS ?name) (COUNT(DISTINCT ?d) AS ?documents) WHERE {
  ?d a jx:SourceDocument ; jx:organization ?id . OPTIONAL { ?id skos:prefLabel ?l }
} GROUP BY ?id ORDER BY ?name
"""


# pySHACL fills the templates of SHACL-SPARQL messages into plain literals: a plain message
# in Chinese script is the zh one, any other plain message the en one
def message_filter(var: str, lang: str) -> str:
    cjk = f'REGEX(STR({var}), "[\u4e00-\u9fff]")'
    plain = f'LANG({var}) = "" && {"" if lang == "zh" else "!"}{cjk}'
    return f'LANGMATCHES(LANG({var}), "{lang}") || ({plain})'


_FINDING_COLUMNS = """
  ?report sh:result ?result .  # top-level results; nested ones (sh:detail) explain them
  ?result sh:resultSeverity ?severity ; sh:focusNode ?focus .
  OPTIONAL { ?result sh:sourceShape ?shape }
  OPTIONAL { ?result sh:resultMessage ?zh FILTER(ZH_FILTER) }
  OPTIONAL { ?result sh:resultMessage ?en FILTER(EN_FILTER) }
} GROUP BY ?result ?severity ?focus ?shape""".replace(
    "ZH_FILTER", message_filter("?zh", "zh")
).replace("EN_FILTER", message_filter("?en", "en"))
_FINDING_MATCH = """{values} ?report sh:result ?result .
      ?result sh:resultSeverity ?severity ; sh:focusNode ?focus ."""
# Sorted and cut on (severity, focus) as one key bound per row, then ?result; messages looked
# up for the page only: at 10^5 indicators (48,356 findings) a page took 24 s, its count 17 s.
_FINDINGS = (
    """
SELECT ?result ?severity ?focus ?shape (SAMPLE(?zh) AS ?message_zh) (SAMPLE(?en) AS ?message_en)
WHERE {
  { SELECT ?result ?severity ?focus ?sortKey WHERE {
      {match}
      BIND(CONCAT(STR(?severity), "\\u0001", STR(?focus)) AS ?sortKey)
    } ORDER BY ?sortKey ?result {page} }
  OPTIONAL { ?result sh:sourceShape ?shape }
  OPTIONAL { ?result sh:resultMessage ?zh FILTER(ZH_FILTER) }
  OPTIONAL { ?result sh:resultMessage ?en FILTER(EN_FILTER) }
} GROUP BY ?result ?severity ?focus ?shape ?sortKey ORDER BY ?sortKey ?result
""".replace("{match}", _FINDING_MATCH)
    .replace("ZH_FILTER", message_filter("?zh", "zh"))
    .replace("EN_FILTER", message_filter("?en", "en"))
)
# a project's own findings and those of its indicators (``jx:hasIndicator?``: zero or one step)
_FINDINGS_OF = (
    """
SELECT ?result ?severity ?focus ?shape (SAMPLE(?zh) AS ?message_zh) (SAMPLE(?en) AS ?message_en)
WHERE { {values} ?project jx:hasIndicator? ?focus ."""
    + _FINDING_COLUMNS
    + " ORDER BY ?severity ?focus ?result\n"
)


def indicators_query(by_category: bool, limit: int, offset: int) -> tuple[str, str]:
    """A page of ``GET /api/indicators`` and the query counting all its rows (``{values}``
    slot: ``year``, and ``category`` when ``by_category``)."""
    pattern = _CATEGORY_PATTERN if by_category else ""
    cut = f"LIMIT {int(limit)} OFFSET {int(offset)}"
    count = f"SELECT (COUNT(DISTINCT ?id) AS ?total) WHERE {{ {_INDICATOR_MATCH} }}"
    return (
        _ALL_INDICATORS.replace("{page}", cut).replace("{category}", pattern),
        count.replace("{category}", pattern),
    )


def findings_query(limit: int, offset: int) -> tuple[str, str]:
    """A page of ``GET /api/findings`` and the query counting all its rows (``{values}``
    slot: ``severity``)."""
    cut = f"LIMIT {int(limit)} OFFSET {int(offset)}"
    count = f"SELECT (COUNT(*) AS ?total) WHERE {{ {_FINDING_MATCH} }}"
    return _FINDINGS.replace("{page}", cut), count


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
