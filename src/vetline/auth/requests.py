"""Two-person control over accounts (CJIS AC-5/AC-6, issue 13 item 1).

An administrator alone may not give anyone case data, the audit trail or account
administration: creating such an account, or moving an account to such a role, is stored
as a pending request (``POST /v1/users`` and ``PUT /v1/users/{id}/role`` answer 202), and a
different administrator approves or rejects it (``/v1/account-requests/{id}/approve``).
Nobody changes their own role, nobody approves their own request or a request about their
own account. An approved creation makes the account with no password and returns a
one-time enrolment secret to the approver (``vetline.auth.enrolment``): neither
administrator ever knows the user's password. Which roles need approval is derived from
the permission table (``roles.needs_second_administrator``).

Requests move through an explicit state machine (pending → approved | rejected), with
the compare-and-set update, so two administrators deciding at once cannot both win.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from vetline.audit.events import EventType
from vetline.auth import accounts
from vetline.auth.enrolment import issue_enrolment
from vetline.auth.errors import Forbidden, NotFound
from vetline.auth.models import AccountRequest, User
from vetline.auth.policy import AuthPolicy
from vetline.auth.roles import TOTP_ROLES, Role, check_role, needs_second_administrator
from vetline.db.base import utc_iso
from vetline.db.uow import UnitOfWork
from vetline.errors import BadInput
from vetline.statemachine import StateMachine
from vetline.text import check_text


class RequestKind(StrEnum):
    """What the request asks for."""

    CREATE = "create"
    ROLE_CHANGE = "role_change"


class RequestState(StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


REQUESTS: StateMachine[RequestState] = StateMachine(
    "account request",
    RequestState,
    {
        RequestState.PENDING: frozenset({RequestState.APPROVED, RequestState.REJECTED}),
        RequestState.APPROVED: frozenset(),
        RequestState.REJECTED: frozenset(),
    },
)


@dataclass(frozen=True)
class Decided:
    """An approved request: the account as it now is and, for a creation, the enrolment
    secret (shown once, to the approver) and the TOTP provisioning URI."""

    request: AccountRequest
    user: User
    enrolment_secret: str | None = None
    totp_uri: str | None = None


def request_create(uow: UnitOfWork, new: accounts.NewUser) -> AccountRequest | None:
    """Store a creation request; ``None`` when the role needs no second administrator
    (the caller then creates the account directly)."""
    if new.password is not None:
        raise BadInput("password", "administrators do not set passwords; the user enrols")
    if new.totp and new.role not in TOTP_ROLES:
        raise BadInput("totp", f"a second factor is for analyst roles, not {new.role}")
    if accounts.find_user(uow, new.username) is not None or _pending_username(uow, new.username):
        raise BadInput("username", f"{new.username!r} already exists or is requested")
    if not needs_second_administrator(new.role):
        return None
    payload = {
        "username": new.username,
        "role": str(new.role),
        "display_name": new.display_name,
        "ori": new.ori,
        "aor": new.aor,
        "totp": new.totp,
    }
    return _store(uow, RequestKind.CREATE, None, payload, reason=None)


def _pending_username(uow: UnitOfWork, username: str) -> bool:
    for payload in uow.session.scalars(
        select(AccountRequest.payload).where(
            AccountRequest.kind == RequestKind.CREATE.value,
            AccountRequest.state == RequestState.PENDING.value,
        )
    ):
        if json.loads(payload).get("username") == username:
            return True
    return False


def request_role_change(
    uow: UnitOfWork,
    username_or_id: str,
    role: str,
    *,
    ori: str | None,
    aor: str | None,
    reason: str,
) -> AccountRequest | User:
    """A role change: refused on one's own account; a pending request when the new role
    needs a second administrator, else applied at once (the changed ``User``)."""
    user = accounts.get_user(uow, username_or_id)
    if uow.actor.user_id is not None and user.id == uow.actor.user_id:
        raise Forbidden("nobody changes their own role (separation of duties)")
    new_role = check_role(role)
    reason = check_text(reason, "reason", 2000, required=True)
    bindings = accounts.bindings(new_role, ori, aor)
    if not needs_second_administrator(new_role):
        return accounts.change_role(uow, user.id, str(new_role), **bindings, reason=reason)
    payload = {"role": str(new_role), **bindings, "username": user.username}
    return _store(uow, RequestKind.ROLE_CHANGE, user.id, payload, reason=reason)


def _store(
    uow: UnitOfWork,
    kind: RequestKind,
    target: str | None,
    payload: Mapping[str, object],
    reason: str | None,
) -> AccountRequest:
    actor = uow.actor
    request = AccountRequest(
        id=str(uuid.uuid4()),
        kind=kind.value,
        state=RequestState.PENDING.value,
        target_user_id=target,
        payload=json.dumps(payload, sort_keys=True),
        reason=reason,
        requested_by=actor.user_id,
        requested_by_name=actor.username,
        requested_at=utc_iso(uow.now()),
    )
    uow.session.add(request)
    uow.audit(
        EventType.ACCOUNT_REQUESTED,
        object_type="account_request",
        object_id=request.id,
        reason=reason,
        details={"kind": kind.value, "target_user_id": target, **payload},
    )
    return request


def list_requests(uow: UnitOfWork, state: str | None = None) -> Sequence[AccountRequest]:
    """Requests, newest first (``state`` narrows to one state)."""
    stmt = select(AccountRequest).order_by(AccountRequest.requested_at.desc())
    if state is not None:
        try:
            stmt = stmt.where(AccountRequest.state == RequestState(state).value)
        except ValueError:
            raise BadInput("state", f"one of {', '.join(RequestState)}") from None
    return uow.session.scalars(stmt.limit(500)).all()


def _decidable(uow: UnitOfWork, request_id: str) -> AccountRequest:
    request = uow.session.get(AccountRequest, request_id)
    if request is None:
        raise NotFound.of("account_request", request_id)
    me = uow.actor.user_id
    if me is None:
        raise Forbidden("a request is decided by a named administrator, not the console")
    if request.requested_by == me:
        raise Forbidden("the administrator who asked cannot approve or reject (two-person rule)")
    if request.target_user_id == me:
        raise Forbidden("nobody decides a request about their own account")
    return request


def _move(uow: UnitOfWork, request: AccountRequest, to: RequestState, reason: str) -> None:
    now = utc_iso(uow.now())
    won = REQUESTS.move(
        uow.session, AccountRequest.id, AccountRequest.state, request.id, request.state, to,
        decided_by=uow.actor.user_id, decided_by_name=uow.actor.username, decided_at=now,
        decision_reason=reason,
    )  # fmt: skip
    if not won:
        raise BadInput("state", "the request was decided meanwhile by another administrator")
    uow.session.expire(request)


def approve(uow: UnitOfWork, policy: AuthPolicy, request_id: str, reason: str) -> Decided:
    """Carry out a pending request as a second administrator."""
    request = _decidable(uow, request_id)
    reason = check_text(reason, "reason", 2000, required=True)
    _move(uow, request, RequestState.APPROVED, reason)
    payload = json.loads(request.payload)
    secret = uri = None
    if request.kind == RequestKind.CREATE.value:
        new = accounts.NewUser.parse(
            username=payload["username"],
            role=payload["role"],
            password=None,
            display_name=payload["display_name"],
            ori=payload["ori"],
            aor=payload["aor"],
            totp=payload["totp"],
        )
        user, uri = accounts.create_user(uow, new)
        secret = issue_enrolment(uow, policy, user)
        request.user_id = user.id
    else:
        assert request.target_user_id is not None
        user = accounts.change_role(
            uow,
            request.target_user_id,
            payload["role"],
            ori=payload["ori"],
            aor=payload["aor"],
            reason=request.reason or reason,
        )
    uow.audit(
        EventType.ACCOUNT_REQUEST_APPROVED,
        object_type="account_request",
        object_id=request.id,
        reason=reason,
        details={"kind": request.kind, "user_id": user.id, "requested_by": request.requested_by},
    )
    return Decided(request, user, secret, uri)


def reject(uow: UnitOfWork, request_id: str, reason: str) -> AccountRequest:
    """Refuse a pending request as a second administrator."""
    request = _decidable(uow, request_id)
    reason = check_text(reason, "reason", 2000, required=True)
    _move(uow, request, RequestState.REJECTED, reason)
    uow.audit(
        EventType.ACCOUNT_REQUEST_REJECTED,
        object_type="account_request",
        object_id=request.id,
        reason=reason,
        details={"kind": request.kind},
    )
    return request


__all__ = [
    "REQUESTS",
    "Decided",
    "RequestKind",
    "RequestState",
    "Role",
    "approve",
    "list_requests",
    "reject",
    "request_create",
    "request_role_change",
]
