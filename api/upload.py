"""Receiving an uploaded document: ``POST /api/documents`` and the ``/upload`` page.

What can be refused without the body is refused before a byte of it is read: ingest off
(403), a missing or wrong bearer token (401, compared in constant time), a declared
``Content-Length`` above the limit (413). The body is then read as a stream with a hard
limit, ``upload_limit`` plus :data:`FORM_OVERHEAD` for the form around the file, which
holds for chunked transfer encoding too (413 as soon as it is passed). When the client
may still be sending a body that will not be read (its size unknown or above the limit),
the answer closes the connection.

Multipart parts are spooled by Starlette (memory, then an anonymous temporary file); the
document itself is written only into the service's private upload folder
(``Settings.upload_root``, mode 0700) and removed after its ingest; the folder is emptied
when the service starts, so a kill leaves nothing behind for long.

A document that cannot be ingested answers 422 with the reason (file, line, what was
expected) and the per-document results; nothing of it is stored.
"""

from __future__ import annotations

import hmac
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from jixiao.api.settings import Settings

FORM_OVERHEAD = 64 * 1024
"""Bytes of a multipart body beyond the file: boundaries, part headers, the token field."""


class Refused(Exception):
    """An upload refused with HTTP ``status``, error ``code`` and English ``message``;
    ``key`` is the page's i18n text. ``close``: close the connection after the answer."""

    def __init__(self, status: int, code: str, message: str, key: str, close: bool) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.key, self.close = key, close


def _declared(request: Request) -> int | None:
    raw = request.headers.get("content-length", "").strip()
    return int(raw) if raw.isascii() and raw.isdecimal() else None


def body_limit(settings: Settings) -> int:
    return settings.upload_limit + FORM_OVERHEAD


def _unread_is_large(request: Request, settings: Settings) -> bool:
    """True when the body not yet read may be large: no declared length (chunked) or one
    above the limit. Such a refusal closes the connection instead of swallowing it."""
    declared = _declared(request)
    return declared is None or declared > body_limit(settings)


def refuse_early(request: Request, settings: Settings, *, bearer: bool) -> None:
    """The checks that need no byte of the body, in order: ingest enabled (403), the bearer
    token of the ``Authorization`` header when ``bearer`` (401), the declared size (413)."""
    close = _unread_is_large(request, settings)
    token = settings.api_token
    if not token:
        raise Refused(403, "ingest_disabled", "ingest over HTTP is off (no API token)",
                      "upload.disabled", close)  # fmt: skip
    if bearer:
        given = request.headers.get("authorization", "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, f"Bearer {token}".encode()):
            raise Refused(401, "unauthorized", "a valid bearer token is required",
                          "upload.bad_token", close)  # fmt: skip
    declared = _declared(request)
    if declared is not None and declared > body_limit(settings):
        raise Refused(413, "too_large", "the upload exceeds the size limit", "upload.too_large",
                      True)  # fmt: skip


def token_matches(given: object, settings: Settings) -> bool:
    """The token of the upload form, compared in constant time."""
    token = settings.api_token or ""
    return (
        bool(token)
        and isinstance(given, str)
        and hmac.compare_digest(given.encode("utf-8", "surrogateescape"), token.encode("utf-8"))
    )


async def _limited(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The request body, chunk by chunk; :class:`Refused` (413) once more than ``limit``
    bytes came, whatever the framing (Content-Length or chunked)."""
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise Refused(413, "too_large", "the upload exceeds the size limit",
                          "upload.too_large", True)  # fmt: skip
        yield chunk


async def read_form(request: Request, settings: Settings) -> FormData:
    """The multipart form of the request, read with the hard limit (module notes)."""
    kind = request.headers.get("content-type", "")
    if not kind.lower().startswith("multipart/form-data"):
        raise Refused(415, "media_type", "expected a multipart/form-data body with a file",
                      "upload.no_file", _unread_is_large(request, settings))  # fmt: skip
    stream = _limited(request, body_limit(settings))
    parser = MultiPartParser(request.headers, stream, max_files=1, max_fields=5)
    try:
        return await parser.parse()
    except MultiPartException as error:
        raise Refused(400, "bad_request", f"invalid multipart body: {error.message}",
                      "upload.no_file", False) from None  # fmt: skip


async def file_of(form: FormData, settings: Settings) -> tuple[str, bytes]:
    """(safe file name, content) of the form's ``file`` field; :class:`Refused` if absent
    or larger than the limit."""
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise Refused(400, "no_file", "the form has no file field", "upload.no_file", False)
    data = await file.read(settings.upload_limit + 1)
    if len(data) > settings.upload_limit:
        raise Refused(413, "too_large", "the upload exceeds the size limit", "upload.too_large",
                      False)  # fmt: skip
    return safe_name(file.filename), data


def safe_name(filename: str) -> str:
    """A file name that stays inside its folder: word characters, dots and dashes, no
    leading dot, at most 100 characters."""
    name = re.sub(r"[^\w.\-]", "_", Path(filename.replace("\\", "/")).name)[:100]
    return name.lstrip(".") or "upload.txt"


def prepare_upload_root(root: Path) -> Path:
    """Create the private upload folder (mode 0700) and remove what a killed service left
    in it. Called at start, when this process owns the store (nobody else uses it)."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    for entry in root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    return root


def ingest_upload(service: Any, name: str, data: bytes) -> list[dict[str, Any]]:
    """Ingest one uploaded document (under the service's write lock); its results."""
    from jixiao.graph.ingest import ingest_paths

    root = service.settings.upload_root
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=root))
    try:
        path = folder / name
        path.write_bytes(data)
        with service.write_lock:
            results = ingest_paths([path], service.primary)
            service.committed()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    private = f"{folder}{os.sep}"  # the client named the file; the folder is ours
    return [
        {k: v.replace(private, "") if isinstance(v, str) else v for k, v in r.as_dict().items()}
        for r in results
    ]


def failure(documents: list[dict[str, Any]]) -> str | None:
    """The reason the upload was not stored (the first document in error), or None."""
    for doc in documents:
        if doc.get("status") == "error":
            return str(doc.get("error") or "the document could not be ingested")
    return None
