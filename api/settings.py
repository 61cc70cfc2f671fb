"""Settings of the HTTP service, read from the environment (and overridden by ``jixiao serve``).

Every setting is listed in :data:`DOCUMENTED` with its variable and meaning; a test checks that
each field of :class:`Settings` is documented there.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from jixiao.graph.remote import is_url
from jixiao.graph.store import DEFAULT_STORE, store_path

DOCUMENTED: dict[str, tuple[str, str]] = {
    "store": (
        "JIXIAO_STORE",
        f"directory of the primary pyoxigraph store (default ./{DEFAULT_STORE}), or the URL "
        "of a SPARQL 1.1 server (http…): queries are then sent to the server",
    ),
    "checkpoints": (
        "JIXIAO_CHECKPOINTS",
        "directory for the read-only checkpoints the query workers open "
        "(default: <store>.checkpoints next to the store, same file system for hard links)",
    ),
    "host": ("JIXIAO_HOST", "address to listen on (default 127.0.0.1)"),
    "port": ("JIXIAO_PORT", "TCP port (default 8000)"),
    "query_timeout": (
        "JIXIAO_QUERY_TIMEOUT",
        "seconds a query may run before its worker process is killed (default 30)",
    ),
    "sparql_row_cap": (
        "JIXIAO_ROW_CAP",
        "most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in one /sparql answer; a longer "
        "answer is refused with 422 row_cap before any of it is sent, never cut short "
        "(default: no cap)",
    ),
    "workers": ("JIXIAO_WORKERS", "number of query worker processes (default 2)"),
    "api_token": (
        "JIXIAO_API_TOKEN",
        "bearer token that allows POST /api/documents; ingest over HTTP is off when unset",
    ),
    "upload_limit": (
        "JIXIAO_UPLOAD_LIMIT",
        "largest accepted upload or request body in bytes (default 20 MiB); a hard limit "
        "on the body as it is read (chunked included), plus 64 KiB for the upload form",
    ),
    "query_size_limit": (
        "JIXIAO_QUERY_SIZE_LIMIT",
        "largest accepted SPARQL query text in bytes (default 256 KiB)",
    ),
    "cache_mb": (
        "JIXIAO_CACHE_MB",
        "megabytes of recent query answers kept to answer repeated queries at once; "
        "emptied by every ingest (default 64; 0 turns the cache off)",
    ),
    "worker_memory_mb": (
        "JIXIAO_WORKER_MEMORY_MB",
        "address space each query worker may use, in MB (default 2048, at least 1024; "
        "0: no cap); a query that needs more is answered 503 query_memory and its worker "
        "replaced",
    ),
    "client_queries": (
        "JIXIAO_CLIENT_QUERIES",
        "uncached queries one client (remote address) may run at once "
        "(default 0: one fewer than the workers, at least 1)",
    ),
    "client_queue": (
        "JIXIAO_CLIENT_QUEUE",
        "queries one client may have waiting for a worker; more are answered 429 (default 16)",
    ),
    "cors_origins": (
        "JIXIAO_CORS_ORIGINS",
        "comma-separated origins allowed by CORS (default *)",
    ),
}


PAGE_ROWS = 10_000


class SettingsError(ValueError):
    """A ``JIXIAO_*`` variable (or option) that cannot be used; the message is one line
    naming the variable, its value and what is expected."""


_EXPECTED = {
    int: "a whole number",
    float: "a number",
}


@dataclass(frozen=True, slots=True)
class Settings:
    store: Path | str  # a directory, or a SPARQL server's URL (str)
    checkpoints: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = 30.0
    sparql_row_cap: int | None = None
    workers: int = 2
    api_token: str | None = None
    upload_limit: int = 20 * 1024 * 1024
    query_size_limit: int = 256 * 1024
    cache_mb: float = 64.0
    worker_memory_mb: int = 2048
    client_queries: int = 0
    client_queue: int = 16
    cors_origins: tuple[str, ...] = ("*",)

    def __post_init__(self) -> None:
        problems = {
            "query_timeout": (self.query_timeout <= 0, "a positive number of seconds"),
            "cache_mb": (self.cache_mb < 0, "a number of megabytes, 0 or more"),
            "sparql_row_cap": (
                self.sparql_row_cap is not None and self.sparql_row_cap < 1,
                "a whole number, at least 1 (unset: no cap)",
            ),
            "workers": (self.workers < 1, "a whole number, at least 1"),
            "port": (not 0 <= self.port <= 65535, "a TCP port, 0 to 65535"),
            "upload_limit": (self.upload_limit < 1, "a number of bytes, at least 1"),
            "query_size_limit": (self.query_size_limit < 1, "a number of bytes, at least 1"),
            "worker_memory_mb": (
                self.worker_memory_mb != 0 and self.worker_memory_mb < 1024,
                "0 (no cap) or a number of megabytes, at least 1024",
            ),
            "client_queries": (self.client_queries < 0, "a whole number, 0 or more"),
            "client_queue": (self.client_queue < 1, "a whole number, at least 1"),
        }
        for name, (bad, expected) in problems.items():
            if bad:
                value = getattr(self, name)
                variable = DOCUMENTED[name][0]
                raise SettingsError(f"{name} {value!r} ({variable} or option): expected {expected}")

    @property
    def row_cap(self) -> int:
        """Rows the web pages show or read at once: the /sparql cap when one is set, else
        :data:`PAGE_ROWS` (an HTML table of a million rows helps nobody)."""
        return self.sparql_row_cap or PAGE_ROWS

    @property
    def remote(self) -> bool:
        """Whether the store is a SPARQL server (a URL) rather than a directory."""
        return isinstance(self.store, str)

    def _local(self, suffix: str) -> Path:
        """``<store><suffix>`` next to the store; for a server, a folder per URL under the
        system's temporary directory."""
        if isinstance(self.store, str):
            digest = hashlib.sha256(self.store.encode("utf-8")).hexdigest()[:12]
            return Path(tempfile.gettempdir()) / f"jixiao-{digest}{suffix}"
        resolved = self.store.resolve()
        return resolved.with_name(resolved.name + suffix)

    @property
    def checkpoint_root(self) -> Path:
        if self.checkpoints is not None:
            return self.checkpoints
        return self._local(".checkpoints")

    @property
    def upload_root(self) -> Path:
        """The private folder (mode 0700) uploads are written to before their ingest:
        ``<store>.uploads`` next to the store; emptied when the service starts."""
        return self._local(".uploads")

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given fields replaced; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``JIXIAO_*`` variables (see :data:`DOCUMENTED`); :class:`SettingsError`
    names the first variable that cannot be used."""
    env = os.environ if env is None else env

    def get(name: str) -> str | None:
        value = env.get(DOCUMENTED[name][0])
        return value if value not in (None, "") else None

    raw_store = get("store")
    values: dict[str, object] = {"store": raw_store if is_url(raw_store) else store_path(raw_store)}
    converters = {
        "checkpoints": Path,
        "host": str,
        "port": int,
        "query_timeout": float,
        "sparql_row_cap": int,
        "workers": int,
        "api_token": str,
        "upload_limit": int,
        "query_size_limit": int,
        "cache_mb": float,
        "worker_memory_mb": int,
        "client_queries": int,
        "client_queue": int,
        "cors_origins": lambda v: tuple(o.strip() for o in v.split(",") if o.strip()),
    }
    for name, convert in converters.items():
        raw = get(name)
        if raw is None:
            continue
        try:
            values[name] = convert(raw)
        except ValueError:
            expected = _EXPECTED.get(convert, "a value")  # type: ignore[call-overload]
            raise SettingsError(f"{DOCUMENTED[name][0]}={raw!r}: expected {expected}") from None
    return Settings(**values)  # type: ignore[arg-type]


def field_names() -> list[str]:
    return [f.name for f in fields(Settings)]
