"""The indicator library on the web: ``/concepts``, ``/concepts/{id}`` and their REST twins
``/api/concepts``, ``/api/concepts/{id}``.

The data come from :mod:`api.web.concept_data` (named queries only). A concept's page shows
its spellings, its level-2 categories, a chart of its targets over years and units
(:mod:`api.web.chart`) and the table of those targets.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from jixiao.api.web import i18n
from jixiao.api.web.chart import charts
from jixiao.api.web.concept_data import concept, concept_list
from jixiao.api.web.pages import guarded
from jixiao.api.web.render import error_page, lang_of, render
from jixiao.api.workers import QueryError


def word(lang: str, key: str) -> str:
    """A word of the indicator library's pages (``concepts.<key>`` in :mod:`api.web.i18n`)."""
    return i18n.text(lang, "concepts." + key)


def page_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/concepts")
    @guarded
    def concepts_page(request: Request) -> Response:
        lang = lang_of(request)
        return render(
            request, "concepts.html", title=word(lang, "title"), w=partial(word, lang),
            rows=concept_list(request),
        )  # fmt: skip

    @router.get("/concepts/{local}")
    @guarded
    def concept_page(request: Request, local: str) -> Response:
        lang = lang_of(request)
        item = concept(request, local)
        if item is None:
            return error_page(request, 404, i18n.text(lang, "error.404"))
        # chart.py escapes every text it writes: the SVG goes into the page as markup
        svgs = [(unit, Markup(svg)) for unit, svg in charts(item["targets"], item["label"])]
        return render(
            request, "concept.html", title=item["label"], w=partial(word, lang), c=item,
            charts=svgs, api_url="/api/concepts/" + local,
        )  # fmt: skip

    return router


def api_router() -> APIRouter:
    router = APIRouter(tags=["rest"])

    @router.get("/api/concepts", summary="Concepts of the indicator library, with counts")
    def concepts_api(request: Request) -> dict[str, Any]:
        rows = concept_list(request)
        return {"total": len(rows), "items": rows}

    @router.get("/api/concepts/{local}", summary="One concept: spellings, categories, targets")
    def concept_api(request: Request, local: str) -> dict[str, Any]:
        item = concept(request, local)
        if item is None:
            raise QueryError(404, "not_found", f"no concept {local!r}")
        return item

    return router
