"""Administrator pages: accounts (ask to create or change role, decide another
administrator's request, disable, enable, unlock) and tokens (revoke any). The calls of
``/v1/users``, ``/v1/account-requests`` and ``/v1/tokens``: the same ``vetline.auth``
functions in a unit of work that audits each change.

Separation of duties (AC-5, issue 13): an account, or a role, that sees case data or the
audit is only asked for here; a second administrator approves it, and the user sets
their own password with the one-time enrolment secret the approval shows (once). These
pages show accounts, never case data or the audit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from vetline.api.deps import State, require
from vetline.audit.events import EventType
from vetline.auth import accounts, requests
from vetline.auth.models import User
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, Role
from vetline.auth.tokens import list_tokens, revoke_token
from vetline.db.uow import UnitOfWork
from vetline.errors import BadInput
from vetline.web.forms import FormData
from vetline.web.render import page

router = APIRouter(prefix="/web/admin", tags=["web"])
Reader = Annotated[Principal, Depends(require(Permission.USERS_READ))]
Writer = Annotated[Principal, Depends(require(Permission.USERS_WRITE))]
Revoker = Annotated[Principal, Depends(require(Permission.TOKENS_REVOKE_ANY))]
Approver = Annotated[Principal, Depends(require(Permission.USERS_APPROVE))]
CHANGES: dict[str, Callable[[UnitOfWork, str, str], User]] = {
    "disable": accounts.disable_user,
    "enable": accounts.enable_user,
    "unlock": accounts.unlock_user,
}


@router.get("")
def get_accounts(request: Request, principal: Reader, state: State) -> Response:
    """Every account, with its state."""
    with state.uow(principal.actor(), write=True) as uow:
        users = list(accounts.list_users(uow))
        uow.audit(EventType.USERS_LISTED, object_type="user",
                  details={"count": len(users), "via": "web"})  # fmt: skip
        uow.commit()
        rows = [
            {"id": u.id, "username": u.username, "role": u.role, "ori": u.ori, "aor": u.aor,
             "locked": u.locked_at is not None, "disabled": u.disabled_at is not None,
             "last_login_at": u.last_login_at}
            for u in users
        ]  # fmt: skip
        pending = [
            {"id": r.id, "kind": r.kind, "payload": r.payload, "by": r.requested_by_name,
             "at": r.requested_at, "mine": r.requested_by == principal.user_id}
            for r in requests.list_requests(uow, "pending")
        ]  # fmt: skip
    created = request.query_params.get("created")
    requested = request.query_params.get("requested")
    return page(request, "admin.html", principal, users=rows, roles=[r.value for r in Role],
                created=created, requested=requested, pending=pending, enrolment=None,
                form={}, error=None)  # fmt: skip


@router.post("/users")
async def post_user(request: Request, principal: Writer, state: State) -> Response:
    """Ask for an account (``NewUser.parse``'s rules): a pending request a second
    administrator decides; no password here, the user enrols."""
    form = await FormData.read(request)
    new = accounts.NewUser.parse(
        username=form.get("username"), role=form.get("role"), password=None,
        display_name=form.get("display_name"), ori=form.get("ori") or None,
        aor=form.get("aor") or None, totp=form.flag("totp"),
    )  # fmt: skip
    with state.uow(principal.actor(), write=True) as uow:
        pending = requests.request_create(uow, new)
        if pending is None:  # a role that needs no second administrator (none today)
            accounts.create_user(uow, new)
        uow.commit()
    key = "requested" if pending is not None else "created"
    return RedirectResponse(f"/web/admin?{key}={new.username}", status_code=303)


@router.post("/requests/{request_id}/{decision}")
async def post_decision(
    request_id: str, decision: str, request: Request, principal: Approver, state: State
) -> Response:
    """Approve or reject another administrator's request, with a reason; an approved new
    account's one-time enrolment secret is shown on this page, once."""
    form = await FormData.read(request)
    reason = form.required("reason", "give the reason (it goes into the audit trail)")
    if decision not in ("approve", "reject"):
        raise BadInput("decision", "approve or reject")
    with state.uow(principal.actor(), write=True) as uow:
        if decision == "reject":
            requests.reject(uow, request_id, reason)
            uow.commit()
            return RedirectResponse("/web/admin", status_code=303)
        decided = requests.approve(uow, state.policy, request_id, reason)
        uow.commit()
        enrolment = {"username": decided.user.username, "secret": decided.enrolment_secret,
                     "totp_uri": decided.totp_uri}  # fmt: skip
    return page(request, "admin.html", principal, users=[], roles=[r.value for r in Role],
                created=None, requested=None, pending=[], enrolment=enrolment, form={},
                error=None)  # fmt: skip


@router.post("/users/{user_id}/{change}")
async def post_change(
    user_id: str, change: str, request: Request, principal: Writer, state: State
) -> Response:
    """Disable, enable or unlock an account, with a reason; or change its role."""
    form = await FormData.read(request)
    reason = form.required("reason", "give the reason (it goes into the audit trail)")
    with state.uow(principal.actor(), write=True) as uow:
        accounts.get_user(uow, user_id)
        if change == "role":  # asked for; a second administrator decides (issue 13)
            requests.request_role_change(uow, user_id, form.get("role") or "",
                                         ori=form.get("ori") or None,
                                         aor=form.get("aor") or None, reason=reason)  # fmt: skip
        elif change in CHANGES:
            CHANGES[change](uow, user_id, reason)
        else:
            raise BadInput("change", f"one of role, {', '.join(CHANGES)}")
        uow.commit()
    return RedirectResponse(f"/web/admin/users/{user_id}", status_code=303)


@router.get("/users/{user_id}")
def get_user(user_id: str, request: Request, principal: Reader, state: State) -> Response:
    """One account and its API tokens."""
    with state.uow(principal.actor(), read_only=True) as uow:
        user = accounts.get_user(uow, user_id)
        tokens = [
            {"id": t.id, "name": t.name, "scopes": t.scopes, "created_at": t.created_at,
             "expires_at": t.expires_at, "revoked_at": t.revoked_at,
             "last_used_at": t.last_used_at}
            for t in list_tokens(uow, user.id)
        ]  # fmt: skip
        row = {"id": user.id, "username": user.username, "role": user.role, "ori": user.ori,
               "aor": user.aor, "locked": user.locked_at is not None,
               "disabled": user.disabled_at is not None,
               "disabled_reason": user.disabled_reason}  # fmt: skip
    return page(request, "user.html", principal, user=row, tokens=tokens,
                roles=[r.value for r in Role])  # fmt: skip


@router.post("/tokens/{token_id}/revoke")
async def post_revoke(
    token_id: str, request: Request, principal: Revoker, state: State
) -> Response:
    """Revoke any account's API token, with a reason."""
    form = await FormData.read(request)
    reason = form.required("reason", "give the reason (it goes into the audit trail)")
    with state.uow(principal.actor(), write=True) as uow:
        token = revoke_token(uow, principal, token_id, reason)
        uow.commit()
        owner = token.user_id
    return RedirectResponse(f"/web/admin/users/{owner}", status_code=303)
