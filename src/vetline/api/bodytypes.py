"""What a request body may be, checked before any route or dependency reads it.

Why a middleware (issue 13 item 6): a form-encoded ``POST /v1/iaq`` with a session cookie
made the CSRF check parse the body as a form and the route then failed reading it (a
500); a body with no content type, or XML, was parsed as JSON; a JSON object with the same
key twice kept the last value silently. Here, before anything reads the body:

* a request with a body must say what it is; JSON routes take ``application/json``,
  ``POST /v1/iaq`` also ``text/plain`` (Nlets text), and only the paths in
  :data:`FORM_PATHS` (or under :data:`FORM_PREFIXES`: the web app's forms) take HTML form
  encodings; anything else is 415 naming what is accepted;
* a JSON body is parsed once here with duplicate keys refused (422 naming the key) and
  handed on unchanged;
* no NUL character, anywhere: in a JSON string, a query parameter or the path (422 naming
  where). PostgreSQL cannot store or even compare text holding one, so a NUL that reached a
  query was a 500 there (found by schemathesis on PostgreSQL: an enrolment's user name, a
  claim's case id), while SQLite took it.

Edit here: a web form route is allowed by adding its path to :data:`FORM_PATHS` or its
prefix to :data:`FORM_PREFIXES`; a route taking another type goes in :data:`EXTRA_TYPES`.
"""

from __future__ import annotations

import json
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON: Final = "application/json"
FORM_TYPES: Final = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
#: Paths whose POST may be an HTML form (the CSRF token then rides as a hidden field).
FORM_PATHS: frozenset[str] = frozenset({"/v1/auth/logout"})
#: Path prefixes of the server-rendered web app, whose pages post forms.
FORM_PREFIXES: tuple[str, ...] = ("/web/",)
#: Paths that take a body type besides JSON.
EXTRA_TYPES: dict[str, frozenset[str]] = {
    "/v1/iaq": frozenset({"text/plain"}),
    "/v1/batch-jobs": frozenset({"multipart/form-data"}),  # the list file and its fields
    "/v1/rosters": frozenset({"multipart/form-data"}),  # a facility's jail roster
}
BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DuplicateKey(ValueError):
    """A JSON object names the same key twice."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class NulCharacter(ValueError):
    """A JSON string (a key, or the value under ``key``) holds U+0000."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


def _no_nul(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``_no_duplicates``, and no NUL in a key or a string value (or a list's strings)."""
    for key, value in pairs:
        items = value if isinstance(value, list) else (value,)
        if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in items):
            raise NulCharacter(key.replace("\x00", ""))
    return _no_duplicates(pairs)


def _nul_in_target(scope: Scope) -> str | None:
    """Where the request's target holds a NUL (``path``, ``query``), if it does."""
    if "\x00" in str(scope.get("path", "")):
        return "path"
    query = bytes(scope.get("query_string", b""))
    if b"%00" in query or b"\x00" in query:
        return "query"
    return None


def accepted(path: str) -> frozenset[str]:
    """The body types ``path`` takes."""
    types = {JSON, *EXTRA_TYPES.get(path, ())}
    if path in FORM_PATHS or path.startswith(FORM_PREFIXES):
        types |= FORM_TYPES
    return frozenset(types)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class BodyTypes:
    """The pure-ASGI check (inside the size guard, outside the routes)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = _nul_in_target(scope)
        if where is not None:
            await _refuse(send, 422, "invalid_request", f"{where}: a NUL character (U+0000) "
                          "is not allowed", field=where)  # fmt: skip
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        kind = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        length = _header(scope, b"content-length")
        path = str(scope.get("path", ""))
        if not kind:
            if length in (None, "0") and _header(scope, b"transfer-encoding") is None:
                await self.app(scope, receive, send)  # no body at all (logout, claim)
                return
            await _refuse(send, 415, "unsupported_media_type",
                          f"say what the body is (Content-Type); this route takes "
                          f"{', '.join(sorted(accepted(path)))}")  # fmt: skip
            return
        if kind not in accepted(path):
            await _refuse(send, 415, "unsupported_media_type",
                          f"{kind[:60]} not accepted here; send "
                          f"{', '.join(sorted(accepted(path)))}")  # fmt: skip
            return
        if kind != JSON:
            await self.app(scope, receive, send)
            return
        body, messages = await _read_all(receive)
        if body.strip():
            # the NUL check only when the body could hold one (an escaped U+0000): the
            # desk's every IAQ passes here, and a second hook per key is not free
            hook = _no_nul if b"\\u0000" in body else _no_duplicates
            try:
                json.loads(body, object_pairs_hook=hook)
            except DuplicateKey as dup:
                key = dup.key[:40]
                await _refuse(send, 422, "invalid_request", f"body: key {key!r} appears twice",
                              field=key)  # fmt: skip
                return
            except NulCharacter as nul:
                key = nul.key[:40]
                await _refuse(send, 422, "invalid_request", f"body: {key!r} holds a NUL "
                              "character (U+0000), which is not allowed", field=key)  # fmt: skip
                return
            except ValueError:
                pass  # not JSON at all: the route's own parser names the problem
        await self.app(scope, _replay(messages, receive), send)


async def _read_all(receive: Receive) -> tuple[bytes, list[Message]]:
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def again() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return again


async def _refuse(send: Send, status: int, code: str, message: str, **extra: Any) -> None:
    body = json.dumps({"error": {"code": code, "message": message, **extra}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
