"""``jixiao serve``: the HTTP service (SPARQL endpoint and REST API) under uvicorn."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from jixiao.api.settings import from_env


def serve_cmd(args: argparse.Namespace) -> int:
    import os
    import sys

    import uvicorn

    from jixiao.api.app import create_app
    from jixiao.graph.remote import is_url

    if is_url(args.store or os.environ.get("JIXIAO_STORE")):
        print(
            "jixiao serve: a SPARQL server's store cannot be served yet (its own endpoint "
            "answers SPARQL); give a store directory",
            file=sys.stderr,
        )
        return 2

    settings = from_env().with_overrides(
        store=args.store,
        host=args.host,
        port=args.port,
        query_timeout=args.query_timeout,
        workers=args.workers,
        cache_mb=args.cache_mb,
    )
    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=args.log_level)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the SPARQL endpoint and the REST API")
    p.add_argument("--store", type=_path, help="store directory (default $JIXIAO_STORE)")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="TCP port (default 8000)")
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


def _path(value: str) -> object:
    from pathlib import Path

    from jixiao.graph.remote import is_url

    return value if is_url(value) else Path(value)  # a URL is refused in serve_cmd


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m api.cmd_serve …`` is ``jixiao serve …``."""
    parser = argparse.ArgumentParser(prog="jixiao")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["serve", *(argv or [])] if argv is not None else None)
    return int(args.func(args))


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
