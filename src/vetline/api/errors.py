"""Every error as ``{"error": {"code": ..., "message": ...}}`` with the right status.

Messages never echo request bodies: they may hold personal data, which belongs in the audit
trail only.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from vetline.api.denials import Summarised, audit_not_found, audit_refusal
from vetline.api.ratelimit import RateLimited
from vetline.audit.events import EventType
from vetline.auth.errors import Forbidden, NotFound, Unauthenticated
from vetline.db.storage import storage_full
from vetline.errors import BadInput
from vetline.statemachine import IllegalTransition

#: Longest message an error repeats (ids and values inside are cut before this).
MAX_MESSAGE = 200


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The one error shape."""
    return {"error": {"code": code, "message": message, **extra}}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A JSON error response."""
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


def _code(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else _code(exc.status_code)
    return error_response(
        exc.status_code, _code(exc.status_code), message, headers=getattr(exc, "headers", None)
    )


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {"loc": [str(part) for part in err.get("loc", ())], "problem": str(err.get("msg", ""))}
        for err in exc.errors()[:20]
    ]
    first = fields[0] if fields else {"loc": [], "problem": "invalid request"}
    message = f"{'.'.join(first['loc']) or 'request'}: {first['problem']}"
    return error_response(422, "invalid_request", message, fields=fields)


async def _bad_input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadInput)
    return error_response(422, "bad_input", str(exc), field=exc.field)


async def _illegal(_: Request, exc: Exception) -> JSONResponse:
    """A move the state machine refuses: 409, with the states and the rule's reason."""
    assert isinstance(exc, IllegalTransition)
    return error_response(
        409, "illegal_transition", str(exc), current=exc.current, wanted=exc.wanted, reason=exc.why
    )


async def _unauthenticated(_: Request, exc: Exception) -> JSONResponse:
    return error_response(
        401,
        "unauthenticated",
        str(exc) or "authentication required",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def _forbidden(_: Request, exc: Exception) -> JSONResponse:
    return error_response(403, "forbidden", str(exc) or "not allowed")


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFound)
    await audit_not_found(request, exc)  # the requested id, for the auditor (item 4)
    return error_response(404, "not_found", (str(exc) or "not found")[:MAX_MESSAGE])


_REFUSALS = Summarised()


async def _rate_limited(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RateLimited)
    retry = max(1, int(exc.retry_after + 0.999))
    await audit_refusal(request, _REFUSALS, EventType.RATE_LIMITED, exc.key or "unknown")
    return error_response(
        429, "rate_limited", "too many requests", headers={"Retry-After": str(retry)}
    )


async def _storage(_: Request, exc: Exception) -> JSONResponse:
    """A full disk is 503 (nothing was written, retry later); any other database or OS
    failure stays a 500 (re-raised to the guard, which answers without leaking it)."""
    if not storage_full(exc):
        raise exc
    return error_response(
        503, "storage_full", "storage is full: nothing was written; retry later",
        headers={"Retry-After": "30"},
    )  # fmt: skip


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers (500s are handled by the guard middleware)."""
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(BadInput, _bad_input)
    app.add_exception_handler(IllegalTransition, _illegal)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(RateLimited, _rate_limited)
    app.add_exception_handler(SQLAlchemyError, _storage)
    app.add_exception_handler(OSError, _storage)
