"""Admission control: a bounded amount of work per worker; past it, 503 at once.

Why (issue 13 item 7): past capacity the server accepted everything and queued it, so
every request — urgent IAQs included — waited 15–20 s and none was refused. Here each
worker admits at most ``max_in_flight`` requests at a time; the next one is answered 503
with ``Retry-After`` straight away, which costs microseconds, so the requests admitted keep
the latency of a server below capacity and clients learn to back off. The readiness check
(``/healthz``) is never refused: the supervisor must see a busy worker as alive. Refusals
are audited, summarised (``vetline.api.denials``).

Edit here: what is exempt (:data:`EXEMPT`); the bound itself is the setting
``VETLINE_MAX_IN_FLIGHT``.
"""

from __future__ import annotations

import json
from typing import Final

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from vetline.api.denials import Summarised, audit_refusal
from vetline.audit.events import EventType

EXEMPT: Final = frozenset({"/healthz"})
RETRY_AFTER_SECONDS = 1


class Admission:
    """Pure ASGI: counts requests in flight on this worker's event loop (one thread: no lock)."""

    def __init__(self, app: ASGIApp, max_in_flight: int) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.in_flight = 0
        self.refused = 0
        self._summary = Summarised()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in EXEMPT:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            self.refused += 1
            await _overloaded(send)
            await audit_refusal(
                Request(scope), self._summary, EventType.OVERLOADED, "worker",
                in_flight=self.in_flight,
            )  # fmt: skip
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


async def _overloaded(send: Send) -> None:
    body = json.dumps(
        {"error": {"code": "overloaded", "message": "server at capacity; retry shortly"}}
    ).encode()
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"retry-after", str(RETRY_AFTER_SECONDS).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
