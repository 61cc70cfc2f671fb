"""Conditional GET: an ``ETag`` on read answers, and ``304 Not Modified`` on a match.

An answer of ``/sparql``, the REST API and the pages is a function of the store and of the
request. The store is named by its current checkpoint (a new one is written after each
committed ingest), so the tag is a hash of that checkpoint's name and of what in the request
can change the answer: method, path, query string, and the ``Accept*`` headers. A client
sending the tag back in ``If-None-Match`` gets ``304`` without the query being run again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

# Not tagged: static files (Starlette tags those itself), the API docs, and the upload page.
UNTAGGED_PREFIXES = ("/static/", "/docs", "/openapi.json", "/upload")
VARYING_HEADERS = (b"accept", b"accept-language", b"accept-encoding")


def request_tag(generation: str, scope: dict[str, Any]) -> str:
    """The strong entity tag (quoted) of a GET/HEAD request against ``generation``."""
    digest = hashlib.sha256()
    digest.update(generation.encode("utf-8") + b"\0")
    digest.update(scope.get("raw_path") or scope["path"].encode("utf-8"))
    digest.update(b"\0" + scope.get("query_string", b"") + b"\0")
    headers = dict(scope.get("headers") or ())
    for name in VARYING_HEADERS:
        digest.update(name + b":" + headers.get(name, b"") + b"\0")
    return '"' + digest.hexdigest()[:32] + '"'


def tag_matches(header: str, tag: str) -> bool:
    """Whether ``If-None-Match: header`` names ``tag`` (weak comparison, RFC 9110 13.1.2)."""
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def taggable(scope: dict[str, Any]) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] in ("GET", "HEAD")
        and not scope["path"].startswith(UNTAGGED_PREFIXES)
    )


class ConditionalGet:
    """ASGI middleware; ``generation()`` names the store's current checkpoint (None: no tag)."""

    def __init__(self, app: Any, generation: Callable[[], str | None]) -> None:
        self.app = app
        self.generation = generation

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        generation = self.generation() if taggable(scope) else None
        if generation is None:
            await self.app(scope, receive, send)
            return
        tag = request_tag(generation, scope)
        asked = dict(scope.get("headers") or ()).get(b"if-none-match")
        if asked is not None and tag_matches(asked.decode("latin-1"), tag):
            headers = [(b"etag", tag.encode("ascii"))]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def tagged(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"etag"]
                message = {**message, "headers": [*headers, (b"etag", tag.encode("ascii"))]}
            await send(message)

        await self.app(scope, receive, tagged)
