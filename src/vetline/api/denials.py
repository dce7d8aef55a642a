"""Every refusal the routes cannot audit themselves becomes an audit event (issue 13 item 4).

A 404 for an authenticated caller (a probe for another agency's IAR looks exactly like a
typo, and only the requested id tells them apart) is written as ``NOT_FOUND`` with the
requested object's type and id and outcome ``denied``. A 429 (``RATE_LIMITED``) or a 503
under overload (``OVERLOADED``) is written too, but at most once per key every
:data:`SUMMARY_SECONDS`, carrying how many were refused since the last one: a flood must
not turn each refused request into a write, which would defeat the limit it hit.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from vetline.api.state import AppState, client_address
from vetline.audit.events import EventType, Outcome
from vetline.auth.errors import NotFound
from vetline.auth.principal import Principal
from vetline.db.uow import Actor

SUMMARY_SECONDS = 10.0
PRINCIPAL_KEY = "vetline_principal"


def remember_principal(request: Request, principal: Principal) -> None:
    """Called by the gate: who the caller is, for refusals raised later in the request."""
    setattr(request.state, PRINCIPAL_KEY, principal)


def _actor(request: Request) -> Actor:
    principal = getattr(request.state, PRINCIPAL_KEY, None)
    if isinstance(principal, Principal):
        return principal.actor()
    return Actor.anonymous(client_address(request), via="api")


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "")) or "unmatched"


def _write(state: AppState, actor: Actor, event_type: str, **fields: Any) -> None:
    with state.uow(actor, write=True) as uow:
        uow.audit(event_type, outcome=Outcome.DENIED, **fields)
        uow.commit()


async def audit_not_found(request: Request, exc: NotFound) -> None:
    """``NOT_FOUND`` with the requested id, when an authenticated caller got a 404."""
    state = request.app.state.vetline
    if not isinstance(state, AppState) or not hasattr(request.state, PRINCIPAL_KEY):
        return
    await run_in_threadpool(
        _write, state, _actor(request), EventType.NOT_FOUND,
        object_type=exc.object_type, object_id=exc.object_id,
        details={"method": request.method, "route": _route(request)},
    )  # fmt: skip


class Summarised:
    """At most one audit event per key every :data:`SUMMARY_SECONDS`, with the count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: dict[str, tuple[float, int]] = {}

    def due(self, key: str) -> int:
        """How many were refused for ``key`` since the last event (this one included), if an
        event is due now; else 0 (and this one is counted for the next)."""
        now = time.monotonic()
        with self._lock:
            last, count = self._since.get(key, (-SUMMARY_SECONDS, 0))
            count += 1
            if now - last < SUMMARY_SECONDS:
                self._since[key] = (last, count)
                return 0
            if len(self._since) > 10_000:
                self._since.clear()
            self._since[key] = (now, 0)
            return count


async def audit_refusal(
    request: Request, summary: Summarised, event_type: str, key: str, **details: Any
) -> None:
    """A summarised refusal event (429, 503) for ``key``."""
    state = request.app.state.vetline
    refused = summary.due(f"{event_type}:{key}")
    if refused == 0 or not isinstance(state, AppState):
        return
    await run_in_threadpool(
        _write, state, _actor(request), event_type,
        details={"method": request.method, "path_route": _route(request), "key": key,
                 "refused_since_last_event": refused, **details},
    )  # fmt: skip
