"""Server-rendered pages for auditors (Chinese by default, ``?lang=en`` for English).

``/`` overview · ``/audit`` (+ ``/audit.csv``, ``/audit.xlsx``) · ``/projects/{year}/{id}`` ·
``/units`` · ``/units/{id}`` · ``/findings`` (+ ``/findings.csv``, ``/findings.xlsx``) ·
``/sparql-ui`` · ``/upload`` · ``/concepts`` (+ ``/concepts/{id}``); static files (CSS, a
little plain JavaScript) under ``/static``.
The pages read through the same worker pool, queries and limits as the REST API
(:mod:`api.rest`) and the SPARQL endpoint.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.staticfiles import StaticFiles

from jixiao.api.web import concepts, findings_export, pages, tools


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.include_router(pages.build_router())
    router.include_router(findings_export.build_router())
    router.include_router(tools.build_router())
    router.include_router(concepts.page_router())
    return router


def static_files() -> StaticFiles:
    return StaticFiles(packages=[("jixiao.api.web", "static")])
