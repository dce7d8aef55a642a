"""Administrator pages: accounts (create, disable, enable, unlock, change role) and
tokens (revoke any). The calls of ``/v1/users`` and ``/v1/tokens``: ``vetline.auth``'s
account and token functions in a unit of work that audits each change.

Separation of duties (AC-5): these pages show accounts, never case data or the audit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from vetline.api.deps import State, require
from vetline.audit.events import EventType
from vetline.auth import accounts
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
    created = request.query_params.get("created")
    return page(request, "admin.html", principal, users=rows, roles=[r.value for r in Role],
                created=created, form={}, error=None)  # fmt: skip


@router.post("/users")
async def post_user(request: Request, principal: Writer, state: State) -> Response:
    """Create an account (the password rules and role bindings of ``NewUser.parse``)."""
    form = await FormData.read(request)
    new = accounts.NewUser.parse(
        username=form.get("username"), role=form.get("role"), password=form.get("password"),
        display_name=form.get("display_name"), ori=form.get("ori") or None,
        aor=form.get("aor") or None, totp=form.flag("totp"),
    )  # fmt: skip
    with state.uow(principal.actor(), write=True) as uow:
        user, _ = accounts.create_user(uow, new)
        uow.commit()
        name = user.username
    return RedirectResponse(f"/web/admin?created={name}", status_code=303)


@router.post("/users/{user_id}/{change}")
async def post_change(
    user_id: str, change: str, request: Request, principal: Writer, state: State
) -> Response:
    """Disable, enable or unlock an account, with a reason; or change its role."""
    form = await FormData.read(request)
    reason = form.required("reason", "give the reason (it goes into the audit trail)")
    with state.uow(principal.actor(), write=True) as uow:
        accounts.get_user(uow, user_id)
        if change == "role":
            accounts.change_role(uow, user_id, form.get("role"), ori=form.get("ori") or None,
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
