"""The SPARQL page (editor, named queries, results, downloads) and the upload page.

Both go through the service's own code paths: queries are checked and turned into jobs by
:func:`api.sparql.build_job` (read-only, no ``SERVICE``, same row cap and time limit as
``/sparql``); uploads are ingested by the same function as ``POST /api/documents``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from jixiao import queries
from jixiao.api import sparql, upload
from jixiao.api.select import JXID
from jixiao.api.web import i18n
from jixiao.api.web.pages import guarded
from jixiao.api.web.render import error_page, lang_of, link_for, render
from jixiao.api.workers import QueryError
from jixiao.queries.prepared import catalog

SHOW_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
EXTENSIONS = {"json": "srj.json", "xml": "srx.xml", "csv": "csv", "tsv": "tsv", "ttl": "ttl",
              "nt": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}  # fmt: skip


def _split_summary(summary: str) -> tuple[str, str]:
    """``中文 / English`` → both halves (the first slash before a Latin capital splits them)."""
    parts = re.split(r"\s*/\s*(?=[A-Z])", summary, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (summary, summary)


def for_auditors(text: str) -> str:
    """A named query as the page shows it: without its whole-line comments (the ``#+``
    header and the engineers' ``#`` notes; the summary is shown beside it), PREFIX and the
    query kept. A ``#`` inside a line (``<…ontology#>``) is never touched."""
    kept = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    out: list[str] = []
    for line in kept:
        if line.strip() or (out and out[-1].strip()):  # no leading or doubled blank lines
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def default_query() -> str:
    """The editor's starting text (``queries/editor_example.rq``, without its header)."""
    return for_auditors(queries.load_query("editor_example"))


def examples(lang: str) -> list[dict[str, Any]]:
    """The named queries meant for auditors (not those tagged ``internal``)."""
    out = []
    for query in catalog().values():
        if query.internal:
            continue
        zh, en = _split_summary(query.summary)
        out.append({
            "name": query.name, "summary": query.summary,
            "summary_lang": en if lang == "en" else zh, "params": ", ".join(query.params),
        })  # fmt: skip
    return out


def _job(request: Request, query: str, accept: str) -> Any:
    service = request.app.state.service
    if len(query.encode("utf-8")) > service.settings.query_size_limit:
        raise QueryError(413, "too_large", "the query text exceeds the size limit")
    endpoint = str(request.url_for("sparql_get"))
    job = sparql.build_job({"query": [query]}, accept, service.settings.row_cap,
                           service.prefixes, endpoint)  # fmt: skip
    if job is None:
        raise QueryError(400, "missing_query", "no query")
    return job


def run_for_page(request: Request, query: str) -> dict[str, Any]:
    """Run ``query`` as ``/sparql`` would and shape the answer for the results table."""
    service = request.app.state.service
    job = _job(request, query, SHOW_ACCEPT)
    answer = service.pool.run(job, service.settings.query_timeout)
    if answer.kind == "graph":
        return {"kind": "graph", "text": answer.body.decode("utf-8", "replace")}
    doc = json.loads(answer.body)
    if answer.kind == "boolean":
        return {"kind": "boolean", "boolean": "true" if doc.get("boolean") else "false"}
    lang = lang_of(request)
    names = doc["head"]["vars"]
    rows = []
    for binding in doc["results"]["bindings"]:
        row = []
        for name in names:
            cell = binding.get(name)
            value = "" if cell is None else str(cell.get("value", ""))
            uri = bool(cell and cell.get("type") == "uri")
            href = link_for(value, lang) if uri else None
            short = value[len(JXID) :] if uri and value.startswith(JXID) else value
            row.append({"text": short, "href": href, "title": value})
        rows.append(row)
    return {"kind": "solutions", "vars": names, "rows": rows}


def _page(request: Request, query: str, *, result: Any = None, error: str = "",
          status: int = 200, current: str = "") -> Response:  # fmt: skip
    lang = lang_of(request)
    items = examples(lang)
    texts = {e["name"]: for_auditors(queries.load_query(e["name"])) for e in items}
    summary = next((e["summary_lang"] for e in items if e["name"] == current), "")
    return render(
        request, "sparql.html", status=status, title=i18n.text(lang, "sparql.title"),
        query=query, examples=items, example_texts=texts, result=result, error=error,
        current=current, summary=summary,
    )  # fmt: skip


def _mib(request: Request) -> str:
    return f"{request.app.state.service.settings.upload_limit / 2**20:g}"


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/sparql-ui")
    @guarded
    def sparql_page(request: Request) -> Response:
        params = request.query_params
        name = params.get("example", "")
        query = params.get("query", "") or default_query()
        if name:
            try:
                query = for_auditors(queries.load_query(name))
            except KeyError:
                return error_page(request, 404, i18n.text(lang_of(request), "error.404"))
        if params.get("run") in ("1", "true") or params.get("query"):
            try:
                result = run_for_page(request, query)
            except QueryError as error:
                return _page(request, query, error=error.message, status=error.status, current=name)
            return _page(request, query, result=result, current=name)
        return _page(request, query, current=name)

    @router.post("/sparql-ui")
    async def sparql_run(request: Request) -> Response:
        async with request.form(max_files=0, max_fields=10) as form:
            query = str(form.get("query") or "")
        try:
            result = await run_in_threadpool(run_for_page, request, query)
        except QueryError as error:
            return _page(request, query, error=error.message, status=error.status)
        return _page(request, query, result=result)

    @router.post("/sparql-ui/download")
    async def sparql_download(request: Request) -> Response:
        async with request.form(max_files=0, max_fields=10) as form:
            query = str(form.get("query") or "")
            fmt = str(form.get("format") or "json")
        if fmt not in sparql.FORMAT_MEDIA:
            return error_page(request, 400, i18n.text(lang_of(request), "bad_param", p="format"))
        service = request.app.state.service
        try:
            job = _job(request, query, sparql.FORMAT_MEDIA[fmt])
            answer = await run_in_threadpool(service.pool.run, job, service.settings.query_timeout)
        except QueryError as error:
            return error_page(request, error.status, error.message)
        headers = {"Content-Disposition": f'attachment; filename="jixiao-query.{EXTENSIONS[fmt]}"'}
        return Response(answer.body, media_type=sparql.FORMAT_MEDIA[answer.fmt], headers=headers)

    @router.get("/upload")
    def upload_page(request: Request) -> Response:
        return render(request, "upload.html", title=i18n.text(lang_of(request), "upload.title"),
                      error="", documents=[], limit_mib=_mib(request))  # fmt: skip

    @router.post("/upload")
    async def upload_form(request: Request) -> Response:
        lang = lang_of(request)
        service = request.app.state.service
        settings = service.settings

        def answer(status: int, key: str = "", documents: list | None = None) -> Response:
            error = i18n.text(lang, key) if key else ""
            return render(request, "upload.html", status=status, documents=documents or [],
                          title=i18n.text(lang, "upload.title"), error=error,
                          limit_mib=_mib(request))  # fmt: skip

        try:  # (api/upload.py) refused before reading the body where possible
            upload.refuse_early(request, settings, bearer=False)
            form = await upload.read_form(request, settings)
            try:
                if not upload.token_matches(form.get("token"), settings):
                    return answer(401, "upload.bad_token")
                name, data = await upload.file_of(form, settings)
            finally:
                await form.close()
        except upload.Refused as refused:
            response = answer(refused.status, refused.key)
            if refused.close:
                response.headers["Connection"] = "close"
            return response
        try:
            documents = await run_in_threadpool(upload.ingest_upload, service, name, data)
        except QueryError as error:
            return error_page(request, error.status, error.message)
        if upload.failure(documents) is not None:  # the reason is in the table's row
            return answer(422, "upload.failed", documents)
        return answer(200, documents=documents)

    return router
