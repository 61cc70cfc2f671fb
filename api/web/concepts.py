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

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("指标库", "Indicator library"),
    "lead": (
        "同一指标在不同项目、单位和年度中的各种写法归为一个概念（满意度、满意率、群众满意度……）；"
        "反向指标（不满意率、投诉率）从不与相反的指标归为一类。",
        "The spellings of one indicator across projects, units and years are one concept "
        "(满意度, 满意率, 群众满意度 …); an inverse indicator (不满意率, 投诉率) never shares "
        "a concept with its opposite.",
    ),
    "label": ("概念（最常见写法）", "Concept (most frequent spelling)"),
    "spellings": ("写法", "Spellings"),
    "indicators": ("指标", "Indicators"),
    "projects": ("项目", "Projects"),
    "units": ("单位", "Units"),
    "years": ("年度", "Years"),
    "key": ("键", "Key"),
    "inverse": ("反向指标（越低越好）", "lower is better"),
    "broader": ("所属二级指标", "Level-2 categories"),
    "chart": ("指标值变化", "Targets over the years"),
    "targets": ("各单位、各年度的指标值", "Targets across units and years"),
    "none": ("—", "—"),
    "no_target": ("该年度未设此指标", "no indicator of this concept that year"),
    "col.year": ("年度", "Year"),
    "col.unit": ("单位", "Unit"),
    "col.project": ("项目", "Project"),
    "col.name": ("指标名称", "Indicator"),
    "col.raw": ("原文", "As printed"),
    "col.cmp": ("比较符", "Comparator"),
    "col.number": ("数值", "Number"),
    "col.measure": ("计量单位", "Unit of measure"),
    "no_chart": ("没有数值型指标值可作图。", "No numeric target to chart."),
    "api": ("JSON", "JSON"),
}


def word(lang: str, key: str) -> str:
    pair = _WORDS[key]
    return pair[1] if lang == "en" else pair[0]


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
