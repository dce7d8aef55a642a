"""Authentication and permission dependencies: the only gate in front of every route.

``require(Permission.X)`` authenticates the caller (API token or session cookie), enforces
CSRF for cookie-authenticated writes, applies the per-credential rate limit, checks the
permission against the one table in ``vetline.auth.roles`` and writes the audit event —
``API_CALL`` when allowed, ``ACCESS_DENIED`` or ``AUTH_FAILED`` when not — in one committed
transaction before the route runs. Route bodies never decide access; the route-walking test
finds each route's permission through the ``vetline_permission`` attribute set here.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from vetline.api.denials import remember_principal
from vetline.api.state import AppState, app_state, client_address
from vetline.audit.events import EventType, Outcome
from vetline.audit.writer import CarriedEvents, EventDraft, draft_event
from vetline.auth.errors import Forbidden, Unauthenticated
from vetline.auth.login import authenticate_session
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.auth.secrets import digest
from vetline.auth.tokens import authenticate_token, note_token_use, token_use_due
from vetline.db.base import utcnow
from vetline.db.uow import Actor, UnitOfWork

SESSION_COOKIE = "vetline_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _state(request: Request) -> AppState:
    """``app_state`` as a coroutine: FastAPI runs a plain ``def`` dependency in its thread
    pool, and that hand-over (a thread wake-up and back, per request) cost more CPU than
    the desk's whole gate (issue 18; bench/README.md)."""
    return app_state(request)


State = Annotated[AppState, Depends(_state)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _authenticate(uow: UnitOfWork, state: AppState, request: Request) -> Principal | None:
    """The caller of a session cookie (its idle clock is moved, so this unit writes)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return authenticate_session(uow, state.policy, cookie, client_address(request))
    return None


def _token_principal(
    state: AppState, request: Request, token: str, *, cached: bool = False
) -> tuple[Principal | None, bool]:
    """The caller of an API token, and whether its last use must be recorded now.

    Read in a read-only unit: agency systems send bursts of IAQs with one token, and
    reading it outside the write transaction leaves the gate nothing to write but its
    audit event (bench/README.md). ``cached``: from the gate's token cache when there
    (``vetline.api.tokencache``), for a caller whose authentication the route has
    re-checked where it writes (``POST /v1/iaq``: ``gate_credential``).
    """
    client = client_address(request)
    key = digest(state.policy.pepper, token) if cached else ""
    if cached and (hit := state.tokens.get(key)) is not None:
        caller = hit if hit.client == client else replace(hit, client=client)
        return caller, token_use_due(caller, utcnow())
    with state.uow(Actor.anonymous(client, via="token"), read_only=True) as uow:
        principal = authenticate_token(uow, state.policy, token, client)
        due = principal is not None and token_use_due(principal, uow.now())
    if cached and principal is not None and not due:  # a due use is recorded, then read
        state.tokens.put(key, principal)
    return principal, due


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CSRF_FIELD = "csrf_token"


async def csrf_sent(request: Request) -> str:
    """The CSRF token a request carries: the header (API clients, scripts) or, for an HTML
    form post, the hidden ``csrf_token`` field (Starlette caches the parsed form)."""
    header = request.headers.get(CSRF_HEADER)
    if header is not None or request.method in SAFE_METHODS or _bearer(request):
        return header or ""  # a token's call needs no CSRF token: no form to parse
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        # The body is read (and kept) first: parsing the form alone consumed the stream,
        # and a route reading the raw body after it failed with a 500 (``curl -d @iaq.json``
        # sends curl's default form type; issue 14).
        # A route with form parameters (a multipart upload) has had its form parsed, and the
        # stream consumed, before this runs: then the cached form is what there is to read.
        with contextlib.suppress(RuntimeError):
            await request.body()
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def _csrf_ok(principal: Principal, request: Request, sent: str) -> bool:
    if principal.via != "session" or request.method in SAFE_METHODS:
        return True
    return bool(principal.csrf_token) and hmac.compare_digest(sent, principal.csrf_token or "")


def require(
    permission: Permission, *, audit_in_route: bool = False
) -> Callable[..., Awaitable[Principal]] | Callable[..., AsyncIterator[Principal]]:
    """A dependency granting access only to callers holding ``permission``.

    ``audit_in_route``: for a route whose own transaction can carry the gate's
    ``API_CALL`` event (``POST /v1/iaq``). An allowed token call then gets its event
    drafted, not committed, and the route passes it on (:func:`gate_events`) to its unit
    of work; if no unit committed it by the time the route returns or fails, the gate
    writes it itself, before the response is sent. Refusals are written at once as
    always.
    """
    if not audit_in_route:

        async def dependency(request: Request, state: State) -> Principal:
            sent = await csrf_sent(request)
            principal = await run_in_threadpool(_gate, request, state, permission, sent)
            remember_principal(request, principal)
            return principal

        dependency.vetline_permission = permission  # type: ignore[attr-defined]
        return dependency

    async def carrying(request: Request, state: State) -> AsyncIterator[Principal]:
        sent = await csrf_sent(request)
        inline = await gate_carrying(request, state, permission, sent)
        carried: CarriedEvents | None
        if inline is not None:
            principal, carried = inline
        else:  # something to write now (a refusal, a session, a token use): the full gate
            principal = await run_in_threadpool(_gate, request, state, permission, sent)
            carried = None
            request.state.vetline_gate_events = None
            remember_principal(request, principal)
        try:
            yield principal
        finally:
            await release_carried(request, state, principal, carried)

    carrying.vetline_permission = permission  # type: ignore[attr-defined]
    return carrying


async def gate_carrying(
    request: Request, state: AppState, permission: Permission, sent: str
) -> tuple[Principal, CarriedEvents] | None:
    """The gate of ``require(permission, audit_in_route=True)`` for an allowed API-token
    call: the caller and its drafted ``API_CALL`` event (for the route's unit of work to
    carry), nothing written; None when the full gate must run (something to write now:
    a refusal, a session, a token use). Shared by the dependency and the dedicated route
    of ``POST /v1/iaq`` (``vetline.api.fastiaq``), so the two cannot drift apart.
    """
    sent = await csrf_sent(request)
    if state.database.dialect == "sqlite":  # a local read: microseconds, on the loop
        inline = _gate_inline(request, state, permission, sent)
    else:  # network round trips: the loop serves other requests meanwhile
        inline = await run_in_threadpool(_gate_inline, request, state, permission, sent)
    if inline is not None:
        request.state.vetline_gate_events = inline[1]
        remember_principal(request, inline[0])
    return inline


async def release_carried(
    request: Request, state: AppState, principal: Principal, carried: CarriedEvents | None
) -> None:
    """After the route (returned or failed, before the response is sent): the gate's
    drafted event is written in a transaction of its own if no unit of work carried it.

    ``regate`` drops the event of a call found not allowed after all.
    """
    kept = getattr(request.state, "vetline_gate_events", None) is carried
    if carried is not None and kept and not carried.written:
        await run_in_threadpool(_write_carried, state, principal, carried)


def gate_events(request: Request) -> CarriedEvents | None:
    """The gate's drafted event for the route's unit of work to include (or None)."""
    carried = getattr(request.state, "vetline_gate_events", None)
    return carried if isinstance(carried, CarriedEvents) else None


def gate_credential(request: Request) -> Principal | None:
    """The token caller the gate let through on the loop (possibly from its cache), for
    the route's writing transaction to check again (``still_authenticated``); else None."""
    principal = getattr(request.state, "vetline_gate_credential", None)
    return principal if isinstance(principal, Principal) else None


async def regate(request: Request, state: AppState, permission: Permission) -> Principal:
    """The full gate again, after the route's transaction found the gate's caller no longer
    authenticated (a token revoked, an account disabled, a role changed meanwhile).

    The cached caller is dropped and the gate's drafted ``API_CALL`` event with it (the
    call was not allowed after all); the full gate reads the token afresh and refuses
    and audits as always (``Unauthenticated``, ``Forbidden``), or returns the caller as
    the database has it now, its allowed call audited in its own transaction.
    """
    token = _bearer(request)
    if token is not None:
        state.tokens.forget(digest(state.policy.pepper, token))
    request.state.vetline_gate_events = None
    request.state.vetline_gate_credential = None
    principal = await run_in_threadpool(_gate, request, state, permission, "")
    remember_principal(request, principal)
    return principal


def _write_carried(state: AppState, principal: Principal, carried: CarriedEvents) -> None:
    with state.uow(principal.actor(), write=True) as uow:
        uow.include(carried)
        uow.commit()


def _gate_inline(
    request: Request, state: AppState, permission: Permission, csrf_sent: str
) -> tuple[Principal, CarriedEvents] | None:
    """The gate of an allowed API-token call, decided on the event loop; else None.

    The common case of ``POST /v1/iaq`` reads the token (one indexed read, no writer
    lock) and drafts its event: cheaper done here than handed to a thread and back
    (bench/README.md). Anything that must write now — a refusal, a session, a token
    use to record — returns None and takes the full gate in a thread.
    """
    token = _bearer(request)
    if token is None:
        return None
    principal, use_due = _token_principal(state, request, token, cached=True)
    if principal is None or use_due or _refusal(principal, permission, request, csrf_sent):
        state.tokens.forget(digest(state.policy.pepper, token))
        return None
    remember_principal(request, principal)
    state.limiter.hit(f"{principal.via}:{principal.credential_id}")
    request.state.vetline_gate_credential = principal
    return principal, CarriedEvents([_api_call(principal, request, permission)])


def _api_call(principal: Principal, request: Request, permission: Permission) -> EventDraft:
    """The drafted ``API_CALL`` event of an allowed call."""
    details = {"method": request.method, "route": _route_path(request),
               "permission": str(permission)}  # fmt: skip
    return draft_event(
        actor=principal.actor(), at=utcnow(), event_type=EventType.API_CALL,
        outcome=Outcome.SUCCESS, object_type=None, object_id=None, reason=None,
        requesting_ori=None, purpose=None, details=details,
    )  # fmt: skip


def _gate(request: Request, state: AppState, permission: Permission, csrf_sent: str
          ) -> Principal:  # fmt: skip
    """Authenticate, rate-limit, check, audit in one committed unit (blocking: runs in
    the thread pool)."""
    token = _bearer(request)
    principal = _token_principal(state, request, token)[0] if token is not None else None
    return _gate_unit(request, state, permission, csrf_sent, principal)


def _gate_unit(
    request: Request,
    state: AppState,
    permission: Permission,
    csrf_sent: str,
    token_principal: Principal | None,
) -> Principal:
    """The gate's own transaction: authenticate a session, record token use, audit."""
    client = client_address(request)
    what = {"method": request.method, "route": _route_path(request)}
    token = _bearer(request)
    with state.uow(Actor.anonymous(client), write=True) as uow:
        principal = token_principal if token is not None else _authenticate(uow, state, request)
        if principal is None:
            state.limiter.hit(f"ip:{client}")
            uow.audit(EventType.AUTH_FAILED, outcome=Outcome.FAILURE, details=what)
            uow.commit()
            raise Unauthenticated("authentication required")
        if token is not None:
            note_token_use(uow, principal.credential_id)
        remember_principal(request, principal)  # a 429 below is audited under its name
        state.limiter.hit(f"{principal.via}:{principal.credential_id}")
        refusal = _refusal(principal, permission, request, csrf_sent)
        uow.audit(
            EventType.ACCESS_DENIED if refusal else EventType.API_CALL,
            outcome=Outcome.DENIED if refusal else Outcome.SUCCESS,
            actor=principal.actor(),
            reason=refusal,
            details={**what, "permission": str(permission)},
        )
        uow.commit()
    if refusal:
        raise Forbidden(refusal)
    return principal


def _refusal(
    principal: Principal, permission: Permission, request: Request, csrf_sent: str
) -> str | None:
    if not principal.can(permission):
        return f"{permission} not granted to this {principal.via}"
    if not _csrf_ok(principal, request, csrf_sent):
        return "CSRF token missing or wrong (send the X-CSRF-Token header)"
    return None


def _route_path(request: Request) -> str:
    """The route template (``/v1/users/{user_id}``), not the concrete path with its ids."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "")) or "unmatched"


def public() -> None:
    """Marks a route as deliberately open (health check, login); the walker checks it."""


public.vetline_public = True  # type: ignore[attr-defined]
