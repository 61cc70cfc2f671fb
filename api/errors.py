"""The JSON shape of every error the HTTP service answers with:
``{"error": {"status", "code", "message", …}}`` (used by the app's handlers and by routes
that answer an error themselves)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


def error_body(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, **extra}}


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, **extra), status_code=status)
