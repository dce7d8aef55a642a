"""Errors on pages: a browser gets a page (or the log-in form), an API client JSON.

The API's JSON handlers stay in charge of everything else: a page request is one under
``/web/`` whose ``Accept`` asks for HTML (what browsers send). So the route-permission
walk, which calls pages like an API client, still sees plain 401/403 answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from vetline.api.ratelimit import RateLimited
from vetline.auth.errors import Forbidden, NotFound, Unauthenticated
from vetline.errors import BadInput
from vetline.web.render import page

Handler = Callable[[Request, Exception], Awaitable[Response]]


def wants_page(request: Request) -> bool:
    """A browser asking for a page of the web app."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/web") and "text/html" in accept


def _describe(exc: Exception) -> tuple[int, str, str | None]:
    """Status, message and field of an error, as a page shows them."""
    if isinstance(exc, Forbidden):
        return 403, str(exc) or "not allowed", None
    if isinstance(exc, NotFound):
        return 404, str(exc) or "not found", None
    if isinstance(exc, BadInput):
        return 422, exc.problem, exc.field
    if isinstance(exc, RateLimited):
        return 429, "too many requests: wait a moment", None
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        return 422, str(first.get("msg", "invalid request")), field
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, str(exc.detail), None
    return 500, "internal error", None


def _page_handler(api: Handler) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        if not wants_page(request):
            return await api(request, exc)
        if isinstance(exc, Unauthenticated):
            target = request.url.path if request.method == "GET" else "/web/"
            return RedirectResponse(f"/web/login?next={quote(target)}", status_code=303)
        status, message, field = _describe(exc)
        return page(
            request, "error.html", None, status_code=status, status=status,
            message=message, field=field,
        )  # fmt: skip

    return handler


def install_page_errors(app: FastAPI) -> None:
    """Wrap each JSON error handler so page requests get a page instead."""
    kinds: tuple[type[Exception], ...] = (
        Unauthenticated, Forbidden, NotFound, BadInput, RateLimited,
        RequestValidationError, StarletteHTTPException,
    )  # fmt: skip
    for kind in kinds:
        api = app.exception_handlers.get(kind)
        if api is not None:
            app.add_exception_handler(kind, _page_handler(api))  # type: ignore[arg-type]
