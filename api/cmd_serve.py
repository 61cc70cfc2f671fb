"""``jixiao serve``: the HTTP service (SPARQL endpoint and REST API) under uvicorn.

The listening socket is bound here, before the application starts, so that a port in use
is a one-line error (exit 3) and port 0 works; once the store is open and the query
workers run, one line on stderr says where the service listens, before the first request
is accepted::

    jixiao: serving http://127.0.0.1:8000/ (store ./jixiao-data, 5 documents)
"""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from jixiao.api.common import (
    STORE_HELP,
    RuntimeFailure,
    UsageError,
    in_use,
    is_locked,
    run_command,
    warn_outdated,
)
from jixiao.api.settings import Settings, SettingsError, from_env


def url_of(host: str, port: int) -> str:
    """``http://host:port/`` (an IPv6 address in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        raise RuntimeFailure(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.set_inheritable(True)
    return sock


def _check_store(settings: Settings) -> None:
    """Fail now, in one line, if another process holds the store (another serve, an ingest),
    or the SPARQL server cannot be reached (the message never carries credentials)."""
    import gc

    from jixiao.graph.remote import StoreError, open_remote
    from jixiao.graph.store import open_store

    if isinstance(settings.store, str):
        try:
            open_remote(settings.store).close()
        except StoreError as error:
            raise RuntimeFailure(f"cannot use the store: {error}") from None
        return
    try:
        store = open_store(settings.store)
    except OSError as error:
        if is_locked(error):
            raise in_use(settings.store, "stop the other process first") from None
        raise RuntimeFailure(f"cannot open the store at {settings.store}: {error}") from None
    warn_outdated(store, settings.store)
    del store
    gc.collect()  # pyoxigraph releases the lock when the Store is freed


def _documents(app: Any) -> int:
    from jixiao.queries import load_query

    rows = app.state.service.primary.query(load_query("document_count"))
    return int(next(iter(rows))["n"].value)


def announce(app: Any, line: str) -> None:
    """Print ``line`` (formatted with ``documents``) once the application has started."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with inner(application) as state:
            print(line.format(documents=_documents(application)), file=sys.stderr, flush=True)
            yield state

    app.router.lifespan_context = lifespan


def serve_cmd(args: argparse.Namespace) -> int:
    import uvicorn

    from jixiao.api.app import create_app
    from jixiao.graph.remote import is_url

    store: Path | str | None = None
    if args.store:
        store = args.store if is_url(args.store) else Path(args.store)
    try:
        settings = from_env().with_overrides(
            store=store,
            host=args.host,
            port=args.port,
            query_timeout=args.query_timeout,
            workers=args.workers,
            cache_mb=args.cache_mb,
        )
    except SettingsError as error:
        raise UsageError(str(error)) from None
    _check_store(settings)
    sock = bind(settings.host, settings.port)
    port = sock.getsockname()[1]
    app = create_app(settings)
    announce(
        app,
        f"jixiao: serving {url_of(settings.host, port)} "
        f"(store {settings.store}, {{documents}} documents)",
    )
    config = uvicorn.Config(app, log_level=args.log_level, http=_http_protocol())
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the SPARQL endpoint and the REST API")
    p.add_argument("--store", metavar="DIR|URL", help=STORE_HELP)
    p.add_argument("--host", help="address to listen on (default $JIXIAO_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="TCP port, 0 for any free one (default 8000)")
    p.add_argument(
        "--query-timeout",
        type=float,
        metavar="SECONDS",
        help="time limit per query (default $JIXIAO_QUERY_TIMEOUT or 30)",
    )
    p.add_argument("--workers", type=int, help="query worker processes (default 2)")
    p.add_argument(
        "--cache-mb",
        type=float,
        metavar="MB",
        help="answers of repeated queries kept in memory (default $JIXIAO_CACHE_MB or 64; 0: off)",
    )
    p.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    p.set_defaults(func=serve_cmd)


def _http_protocol() -> object:
    """uvicorn's httptools protocol answering its own errors as JSON (414 for a long URI);
    uvicorn's default when httptools is not installed."""
    try:
        from jixiao.api.http_protocol import JsonErrorHttpToolsProtocol
    except ImportError:
        return "auto"
    return JsonErrorHttpToolsProtocol


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m jixiao.api.cmd_serve …`` is ``jixiao serve …`` (without importing
    :mod:`api.cli`, which imports this module)."""
    parser = argparse.ArgumentParser(prog="jixiao")
    register(parser.add_subparsers(dest="command", required=True))
    return run_command(parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    raise SystemExit(main())
