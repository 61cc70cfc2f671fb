"""The API documentation page, ``/docs`` (Swagger UI), with its script and styles served by
this service, so that it renders without internet.

FastAPI's own pages load Swagger UI and ReDoc from a CDN: on an offline machine ``/docs``
stayed blank. The assets come from the installed ``fastapi-offline`` package (Swagger UI 5,
which reads OpenAPI 3.1), mounted at ``/docs-assets``. Swagger UI's online validator badge
is switched off: it would fetch a remote URL. ReDoc (``/redoc``) is not offered: even from
local assets it fetches its logo from its CDN.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

ASSETS = "/docs-assets"
ASSET_PACKAGE = ("fastapi_offline", "static")
DOCS, OAUTH2_REDIRECT = "/docs", "/docs/oauth2-redirect"


def install(app: FastAPI) -> None:
    """Serve the documentation page of ``app`` (created with ``docs_url=None`` and
    ``redoc_url=None``) and its assets."""
    app.mount(ASSETS, StaticFiles(packages=[ASSET_PACKAGE]), name="docs-assets")
    openapi = app.openapi_url or "/openapi.json"

    @app.get(DOCS, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi,
            title=f"{app.title} – API",
            oauth2_redirect_url=root + OAUTH2_REDIRECT,
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
