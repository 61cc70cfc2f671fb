"""The HTTP service: :func:`create_app` builds the FastAPI application from :class:`Settings`.

This process owns the primary store (read-write, the only writer). At start-up, and after
each committed ingest, it writes a checkpoint; query workers read the newest checkpoint.
Every error has one JSON shape: ``{"error": {"status": int, "code": str, "message": str}}``
(plus ``"id"`` on a 500: the message never carries internals, the server log has them under
that id).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jixiao.api import docs, rest, sparql, web
from jixiao.api.cache import AnswerCache
from jixiao.api.conditional import ConditionalGet
from jixiao.api.errors import error_response
from jixiao.api.fair import CLIENT
from jixiao.api.jobs import internal_error
from jixiao.api.remote_pool import RemoteCheckpoints, RemotePool
from jixiao.api.settings import Settings, from_env
from jixiao.api.upload import prepare_upload_root
from jixiao.api.web import concepts
from jixiao.api.workers import Checkpoints, QueryError, QueryPool
from jixiao.graph.remote import open_remote
from jixiao.graph.store import ONTOLOGY_GRAPH, PREFIXES, ensure_ontology, open_store, stored_sha256

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    414: "uri_too_long",
    415: "media_type",
    422: "invalid_parameters",
}


@dataclass
class Service:
    """What the request handlers share (``app.state.service``)."""

    settings: Settings
    primary: ox.Store
    checkpoints: Checkpoints
    pool: QueryPool
    prefixes: dict[str, str] = field(default_factory=lambda: dict(PREFIXES))
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    def committed(self) -> None:
        """Call after each committed write to the primary store: workers move to it."""
        self.checkpoints.create(self.primary)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError) -> JSONResponse:
        extra = {"id": exc.error_id} if exc.error_id else {}
        response = error_response(exc.status, exc.code, exc.message, **extra)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = ERROR_CODES.get(exc.status_code, "error")
        response = error_response(exc.status_code, code, str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"at": ".".join(str(x) for x in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return error_response(422, "invalid_parameters", "invalid parameters", details=problems)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        error = internal_error(f"{request.method} {request.url.path}", exc=exc)
        return error_response(500, error.code, error.message, id=error.error_id)


class ClientAddress:
    """ASGI middleware: the remote address of each request in :data:`api.fair.CLIENT`, so
    that the query pool can share its workers fairly between clients."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = CLIENT.set(str(client[0]) if client else "")
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT.reset(token)


def refresh_ontology(store: ox.Store) -> None:
    """A store ingested under an older ontology gets the current one before the first
    checkpoint: the queries read it (the categories' search words, the frameworks). A store
    with no ontology yet (nothing ingested) is left as it is."""
    if isinstance(store, ox.Store) and stored_sha256(store, ONTOLOGY_GRAPH) is not None:
        ensure_ontology(store)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application; the store and the worker pool open when it starts serving."""
    settings = settings or from_env()
    from jixiao.queries.prepared import catalog

    catalog()  # every named query parsed and checked once, before the first request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.remote:  # read: another writer's unfinished swap is not ours to recover
            primary: Any = open_remote(str(settings.store))
        else:
            primary = open_store(settings.store)
            refresh_ontology(primary)
        prepare_upload_root(settings.upload_root)  # what a killed service left goes
        if settings.remote:  # a SPARQL server: queries go to it (api/remote_pool.py)
            checkpoints: Any = RemoteCheckpoints()
            pool: Any = RemotePool(primary, settings.workers)  # type: ignore[arg-type]
        else:
            checkpoints = Checkpoints(settings.checkpoint_root)
            checkpoints.create(primary)
            cache = AnswerCache(int(settings.cache_mb * 2**20)) if settings.cache_mb > 0 else None
            pool = QueryPool(
                settings.workers,
                checkpoints,
                cache=cache,
                memory_mb=settings.worker_memory_mb,
                per_client=settings.client_queries or None,
                queue_per_client=settings.client_queue,
            )
        app.state.service = Service(settings, primary, checkpoints, pool)
        try:
            yield
        finally:
            pool.close()
            checkpoints.current = None
            checkpoints.prune()
            primary.flush()
            del app.state.service

    app = FastAPI(
        title="jixiao",
        summary="Budget performance-indicator knowledge graph: SPARQL 1.1 endpoint and REST API",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # /docs with packaged assets: api/docs.py; no /redoc (CDN logo)
        redoc_url=None,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["X-Total-Count"],
    )
    app.add_middleware(ClientAddress)

    def generation() -> str | None:
        service = getattr(app.state, "service", None)
        current = service.checkpoints.current if service is not None else None
        return current.name if current is not None else None

    app.add_middleware(ConditionalGet, generation=generation)
    # Outermost: answers of 1 KB and more are compressed when the client accepts gzip, long
    # /sparql answers chunk by chunk as they stream. Level 1: on a 23 MiB JSON answer level 9
    # held the stream to 38k rows/s against 84k plain (benchmarks/sparql_full.py); on 16 MB
    # of results JSON level 1 is 5.5x faster than 9 for a 7 % larger body.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    _install_error_handlers(app)
    app.include_router(sparql.build_router())
    app.include_router(rest.build_router())
    app.include_router(concepts.api_router())
    app.include_router(web.build_router())
    app.mount("/static", web.static_files(), name="static")
    docs.install(app)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory api.app:app_from_env``."""
    return create_app(from_env())
