"""``POST /v1/iaq`` as a dedicated ASGI route inside the app's own middlewares (issue 18).

Why: an automatic IAQ's own work (the person core, the IAR, the write) is a few
milliseconds of CPU, and FastAPI's machinery around the route — the router's match over
every route, the dependency solver with its exit stack, the request and exception
middlewares, the per-request ``Request`` bookkeeping — was about a millisecond more per
IAQ (bench/README.md, "Desk CPU per IAQ"). Agency systems send nearly all IAQs with an
API token the gate already knows, so that common case is answered here, innermost of the
app's middlewares (the size guard, admission and body-type checks run first, as for
every request), by the same functions the FastAPI route calls:

* the gate is ``gate_carrying`` — the inline half of ``require(IAQ_SUBMIT,
  audit_in_route=True)``: token from the cache or one read, permission, CSRF, rate
  limit, the ``API_CALL`` event drafted for the desk's transaction — and
  ``release_carried`` after it (the event written alone when no unit carried it);
* the body is ``answer_iaq``, the route's own body (submit, the full gate again when the
  credential changed meanwhile, the IAR or the error);
* an exception goes to the handler the app registered for it (``install_error_handlers``),
  as FastAPI's exception middleware would send it; one without a handler goes on to the
  guard (a JSON 500).

Whatever is not that common case goes to FastAPI untouched, before anything is read or
written: another path or method, no bearer token, a body type other than JSON or Nlets
text, a gate with something to write now (a refusal, a token's once-a-minute use, a
cache miss that the full gate handles), a desk not built yet. The FastAPI route stays
registered, so ``/openapi.json``, the route walk and every other caller see the same
contract; the responses are the same bytes (``tests/desk_service/test_fastiaq.py``).

Edit here: what the dedicated route takes (:meth:`FastIAQ._takes`); the route's behaviour
itself is ``answer_iaq`` in ``api/routers/desk.py``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from vetline.api.deps import csrf_sent, gate_carrying, release_carried
from vetline.api.routers.desk import answer_iaq
from vetline.api.routers.desk import router as desk_router
from vetline.api.state import AppState
from vetline.auth.roles import Permission
from vetline.desk.service import DeskService

PATH = "/v1/iaq"
#: Body types the desk reads (``BodyTypes`` has refused any other already).
TYPES = (b"application/json", b"text/plain")


class FastIAQ:
    """Pure ASGI, innermost of the app's middlewares: the common ``POST /v1/iaq``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._route: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._takes(scope):
            await self.app(scope, receive, send)
            return
        api = scope["app"]
        desk = getattr(api.state, "desk", None)
        state = getattr(api.state, "vetline", None)
        if not (isinstance(desk, DeskService) and desk.loaded and isinstance(state, AppState)):
            # first use builds the desk or loads its index: the route does that
            await self.app(scope, receive, send)
            return
        scope["route"] = self._route or self._find_route()
        request = Request(scope, receive)
        try:
            gated = await gate_carrying(
                request, state, Permission.IAQ_SUBMIT, await csrf_sent(request)
            )
        except Exception as exc:  # the rate limit: the handler answers 429 and audits
            await _handled(request, exc, scope, receive, send)
            return
        if gated is None:  # something to write now: FastAPI's route takes the full gate
            await self.app(scope, receive, send)
            return
        principal, carried = gated
        try:
            try:
                body = await request.body()
                response = await answer_iaq(request, state, desk, principal, body)
            finally:
                await release_carried(request, state, principal, carried)
        except Exception as exc:
            await _handled(request, exc, scope, receive, send)
            return
        await response(scope, receive, send)

    @staticmethod
    def _takes(scope: Scope) -> bool:
        """``POST /v1/iaq`` with a bearer token and a JSON or Nlets body."""
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            return False
        bearer = kind = False
        for name, value in scope["headers"]:
            if name == b"authorization":
                bearer = value[:7].lower() == b"bearer "
            elif name == b"content-type":
                kind = value.split(b";")[0].strip().lower() in TYPES
        return bearer and kind and not scope.get("root_path")

    def _find_route(self) -> Any:
        """The FastAPI route of the same path: the audit events name its template."""
        for route in desk_router.routes:
            if getattr(route, "path", None) == PATH and "POST" in getattr(route, "methods", ()):
                self._route = route
                return route
        raise RuntimeError(f"no FastAPI route for POST {PATH}")  # pragma: no cover


async def _handled(
    request: Request, exc: Exception, scope: Scope, receive: Receive, send: Send
) -> None:
    """Answer ``exc`` with the app's handler for it (as FastAPI's exception middleware
    does), or raise it on to the guard when there is none."""
    handlers = scope["app"].exception_handlers
    for kind in type(exc).__mro__:
        handler = handlers.get(kind)
        if handler is not None:
            response = await handler(request, exc)
            await response(scope, receive, send)
            return
    raise exc
