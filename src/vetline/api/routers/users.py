"""Account administration for administrators (CJIS AC-2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from vetline.api.deps import State, require
from vetline.api.schemas import (
    AccountRequestOut,
    PendingOut,
    ReasonIn,
    RoleIn,
    UserCreatedOut,
    UserIn,
    UserOut,
)
from vetline.api.state import AppState
from vetline.audit.events import EventType
from vetline.auth import accounts, requests
from vetline.auth.errors import NotFound
from vetline.auth.models import User
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.db.uow import UnitOfWork

router = APIRouter(prefix="/v1/users", tags=["users"])
Reader = Annotated[Principal, Depends(require(Permission.USERS_READ))]
Writer = Annotated[Principal, Depends(require(Permission.USERS_WRITE))]


def _user(uow: UnitOfWork, user_id: str) -> UserOut:
    user = accounts.find_user(uow, user_id)
    if user is None:
        raise NotFound.of("user", user_id)
    return UserOut.of(user)


@router.get("")
def get_users(principal: Reader, state: State) -> list[UserOut]:
    """Every account."""
    with state.uow(principal.actor(), write=True) as uow:
        users = [UserOut.of(u) for u in accounts.list_users(uow)]
        uow.audit(EventType.USERS_LISTED, object_type="user", details={"count": len(users)})
        uow.commit()
        return users


@router.post("", status_code=202, responses={201: {"model": UserCreatedOut}})
def post_user(body: UserIn, principal: Writer, state: State) -> Any:
    """Ask for an account: 202 with the pending request a second administrator approves
    (``/v1/account-requests/{id}/approve``, which returns the user's one-time enrolment
    secret). A role that needs no second administrator would be created at once (201);
    today every role holds case data, the audit trail or administration, so none does."""
    new = accounts.NewUser.parse(**{**body.model_dump(), "role": str(body.role)})
    with state.uow(principal.actor(), write=True) as uow:
        pending = requests.request_create(uow, new)
        if pending is not None:
            uow.commit()
            return JSONResponse(
                PendingOut(request=AccountRequestOut.of(pending)).model_dump(), status_code=202
            )
        user, uri = accounts.create_user(uow, new)
        uow.commit()
        created = UserCreatedOut(user=UserOut.of(user), totp_uri=uri)
        return JSONResponse(created.model_dump(), status_code=201)


def _account_change(
    state: AppState,
    principal: Principal,
    user_id: str,
    change: Callable[[UnitOfWork, str, str], User],
    reason: str,
) -> UserOut:
    """Disable, enable or unlock: the same checked, audited, committed account change."""
    with state.uow(principal.actor(), write=True) as uow:
        _user(uow, user_id)
        user = change(uow, user_id, reason)
        uow.commit()
        return UserOut.of(user)


@router.get("/{user_id}")
def get_user(user_id: str, principal: Reader, state: State) -> UserOut:
    """One account."""
    with state.uow(principal.actor()) as uow:
        return _user(uow, user_id)


@router.post("/{user_id}/disable")
def post_disable(user_id: str, body: ReasonIn, principal: Writer, state: State) -> UserOut:
    """Disable an account and end its sessions and tokens."""
    return _account_change(state, principal, user_id, accounts.disable_user, body.reason)


@router.post("/{user_id}/enable")
def post_enable(user_id: str, body: ReasonIn, principal: Writer, state: State) -> UserOut:
    """Re-enable a disabled account."""
    return _account_change(state, principal, user_id, accounts.enable_user, body.reason)


@router.post("/{user_id}/unlock")
def post_unlock(user_id: str, body: ReasonIn, principal: Writer, state: State) -> UserOut:
    """Release a lockout."""
    return _account_change(state, principal, user_id, accounts.unlock_user, body.reason)


@router.put("/{user_id}/role", status_code=202, responses={200: {"model": UserOut}})
def put_role(user_id: str, body: RoleIn, principal: Writer, state: State) -> Any:
    """Ask to change role and ORI/AOR bindings: 202 with the pending request; on approval
    the account's sessions and tokens end. Nobody changes their own role (403)."""
    with state.uow(principal.actor(), write=True) as uow:
        _user(uow, user_id)
        outcome = requests.request_role_change(
            uow, user_id, str(body.role), ori=body.ori, aor=body.aor, reason=body.reason
        )
        uow.commit()
        if isinstance(outcome, User):
            return JSONResponse(UserOut.of(outcome).model_dump(), status_code=200)
        return JSONResponse(
            PendingOut(request=AccountRequestOut.of(outcome)).model_dump(), status_code=202
        )
