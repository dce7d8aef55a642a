"""Outer ASGI guard: request size limit, security headers, and JSON 500s without leaks.

Pure ASGI (not ``BaseHTTPMiddleware``) so streaming bodies are counted as they arrive and
responses stream through untouched. Every body is bounded by ``max_body_bytes`` but a list
uploaded for vetting (:data:`LIST_PATHS`), bounded by ``list_bytes``: the batch routes
stream it to disk (``vetline.batch.upload``), so its size costs no memory.

Edit here: which routes take a list (:data:`LIST_PATHS`).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("vetline.api")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"cache-control", b"no-store"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


#: ``POST`` paths whose body is a list for vetting (multipart, streamed to disk): the API's
#: and the web app's forms.
LIST_PATHS: frozenset[str] = frozenset(
    {"/v1/batch-jobs", "/v1/rosters", "/web/leads/batch", "/web/rosters"}
)


class BodyTooLarge(HTTPException):
    """The request body passed the configured limit.

    An ``HTTPException`` so FastAPI's body reader re-raises it (instead of turning it into
    a 400) and the JSON error handlers answer 413.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit} bytes")


class Guard:
    """Wraps the app: every response gets the security headers and a request id."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, list_bytes: int | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.list_bytes = max_body_bytes if list_bytes is None else list_bytes

    def limit(self, scope: Scope) -> int:
        """The largest body this request may have (bytes)."""
        if scope.get("method") == "POST" and scope.get("path") in LIST_PATHS:
            return self.list_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                own = message.get("headers", [])
                # A route may narrow the policy for its own page (the /docs UI loads its
                # scripts from this server): its CSP is kept, every other header is ours.
                csp = [h for h in own if h[0] == _CSP]
                headers = [h for h in own if h[0] not in _OURS]
                ours = [h for h in SECURITY_HEADERS if not (csp and h[0] == _CSP)]
                message = {
                    **message,
                    "headers": [*headers, *csp[:1], *ours, (b"x-request-id", request_id.encode())],
                }
            await send(message)

        limit = self.limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _json_error(
                send_with_headers, 413, "payload_too_large", f"request body over {limit} bytes"
            )
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _json_error(
                    send_with_headers, 413, "payload_too_large", f"request body over {limit} bytes"
                )
        except Exception as exc:
            # Type and request id only: messages and paths may carry personal data.
            log.error("unhandled %s (request %s)", type(exc).__name__, request_id)
            if not started:
                await _json_error(
                    send_with_headers,
                    500,
                    "internal_error",
                    f"internal error; quote request id {request_id}",
                )


_OURS = frozenset(name for name, _ in SECURITY_HEADERS) | {b"x-request-id"}
_CSP = b"content-security-policy"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _json_error(send: Any, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
