"""``/id/…``: a resource IRI dereferenced by content negotiation — HTML (a table of its
statements, linked: ``queries/resource_statements.rq``), Turtle, JSON-LD or N-Triples
(``queries/describe_resource.rq``, a CONSTRUCT of its triples)."""

from __future__ import annotations

import html
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from jixiao.api.select import JXID, query_job, select
from jixiao.api.sparql import negotiate_media
from jixiao.api.workers import QueryError, Term

DESCRIBE_MEDIA = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/json": "jsonld",
}


def describe(request: Request, iri: Term) -> Response:
    media = negotiate_media(DESCRIBE_MEDIA, request.headers.get("accept"))
    if media is None:
        raise QueryError(406, "not_acceptable", "HTML, Turtle, JSON-LD or N-Triples only")
    fmt = DESCRIBE_MEDIA[media]
    service = request.app.state.service
    job = query_job(request, "describe_resource", {"s": iri}, fmt="nt" if fmt == "html" else fmt)
    answer = service.pool.run(job, service.settings.query_timeout)
    if not answer.body.strip():
        raise QueryError(404, "not_found", f"nothing is known about {iri.value}")
    if fmt != "html":
        return Response(answer.body, media_type=media, headers={"Vary": "Accept"})
    rows = select(request, "resource_statements", {"s": iri})
    cells = "".join(
        f"<tr><td>{html.escape(str(r['p']))}</td><td>{_html_value(r['o'])}</td></tr>" for r in rows
    )
    title = html.escape(iri.value)
    page = ""
    if iri.value.startswith(JXID + "project/"):  # the auditors' page of a project
        local = html.escape(iri.value.removeprefix(JXID + "project/"))
        page = f"<p><a href='/projects/{local}'>→ /projects/{local}</a></p>"
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{page}<table>{cells}</table></body></html>"
    )
    return HTMLResponse(body, headers={"Vary": "Accept"})


def _html_value(value: Any) -> str:
    text = str(value)
    if text.startswith(JXID):
        link = "/id/" + text[len(JXID) :]
        return f"<a href='{html.escape(link)}'>{html.escape(text)}</a>"
    return html.escape(text)
