"""Password (+TOTP) login with lockout, and server-side web sessions with idle timeout.

Functions return outcomes instead of raising on a failed login because the failure itself
must be committed: the failed-attempt counter, the lockout and the LOGIN_FAILED audit event
are written even though the caller answers 401 (CJIS AU-2 "unsuccessful logon attempts",
AC-7). The caller commits in both cases.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from vetline.audit.events import EventType, Outcome
from vetline.auth.accounts import find_user
from vetline.auth.models import User, WebSession
from vetline.auth.policy import AuthPolicy
from vetline.auth.principal import Principal
from vetline.auth.roles import Role
from vetline.auth.secrets import (
    digest,
    hash_password,
    new_secret,
    password_problem,
    totp_step,
    verify_password,
)
from vetline.db.base import parse_utc_iso, utc_iso
from vetline.db.uow import Actor, UnitOfWork

GENERIC_FAILURE = "invalid username, password or second factor, or account not active"


@dataclass(frozen=True)
class LoginOutcome:
    """A successful login (principal, cookie value, CSRF token) or the refusal."""

    principal: Principal | None
    session_token: str | None = None
    failure: str | None = None


def login(
    uow: UnitOfWork,
    policy: AuthPolicy,
    username: str,
    password: str,
    totp_code: str | None = None,
    client: str | None = None,
) -> LoginOutcome:
    """Check the credentials, count failures, lock after too many, open a session."""
    anonymous = Actor.anonymous(client)
    user = find_user(uow, username) if username else None
    if user is None:
        verify_password(None, password)  # same cost as a real account
        return _refuse(uow, anonymous, None, "unknown username", username[:64])
    if user.disabled_at is not None or user.locked_at is not None:
        verify_password(None, password)
        why = "account disabled" if user.disabled_at else "account locked"
        return _refuse(uow, anonymous, user, why, user.username)
    needs_totp = user.totp_secret is not None or Role(user.role) in policy.totp_required_roles
    password_ok = verify_password(user.password_hash, password)
    step: int | None = None
    if password_ok and needs_totp:
        if user.totp_secret is None:
            return _refuse(
                uow, anonymous, user, "second factor required, none set up", user.username
            )
        step = totp_step(
            user.totp_secret, totp_code or "", uow.now().timestamp(), user.totp_last_step
        )
    if not password_ok or (needs_totp and step is None):
        _count_failure(uow, policy, user)
        why = "wrong password" if not password_ok else "wrong or reused second factor"
        return _refuse(uow, anonymous, user, why, user.username)
    return _open_session(uow, policy, user, step, client)


def _refuse(
    uow: UnitOfWork, actor: Actor, user: User | None, why: str, attempted: str
) -> LoginOutcome:
    uow.audit(
        EventType.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        actor=actor,
        object_type="user",
        object_id=user.id if user else None,
        reason=why,
        details={"username_attempted": attempted},
    )
    return LoginOutcome(principal=None, failure=GENERIC_FAILURE)


def _count_failure(uow: UnitOfWork, policy: AuthPolicy, user: User) -> None:
    now = uow.now()
    window_open = user.first_failed_at is not None and (
        now - parse_utc_iso(user.first_failed_at) <= policy.lockout_window
    )
    if window_open:
        user.failed_logins += 1
    else:
        user.failed_logins, user.first_failed_at = 1, utc_iso(now)
    if user.failed_logins >= policy.lockout_threshold:
        user.locked_at = utc_iso(now)
        uow.audit(
            EventType.ACCOUNT_LOCKED,
            outcome=Outcome.FAILURE,
            actor=Actor.system(),
            object_type="user",
            object_id=user.id,
            reason=f"{user.failed_logins} failed logins within {policy.lockout_window}",
        )


def _open_session(
    uow: UnitOfWork, policy: AuthPolicy, user: User, step: int | None, client: str | None
) -> LoginOutcome:
    now = uow.now()
    user.failed_logins, user.first_failed_at = 0, None
    user.last_login_at = utc_iso(now)
    if step is not None:
        user.totp_last_step = step
    token = new_secret()
    session = WebSession(
        id=str(uuid.uuid4()),
        token_hash=digest(policy.pepper, token),
        user_id=user.id,
        csrf_token=new_secret(),
        created_at=utc_iso(now),
        last_seen_at=utc_iso(now),
        expires_at=utc_iso(now + policy.session_max),
        client=(client or "")[:64] or None,
    )
    uow.session.add(session)
    principal = _principal(user, session, client)
    uow.audit(
        EventType.LOGIN_SUCCEEDED,
        actor=principal.actor(),
        object_type="session",
        object_id=session.id,
        details={"second_factor": step is not None},
    )
    return LoginOutcome(principal=principal, session_token=token)


def _principal(user: User, session: WebSession, client: str | None) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        ori=user.ori,
        aor=user.aor,
        via="session",
        credential_id=session.id,
        client=client,
        csrf_token=session.csrf_token,
    )


def authenticate_session(
    uow: UnitOfWork, policy: AuthPolicy, token: str, client: str | None = None
) -> Principal | None:
    """The principal of a live session cookie, sliding its idle timer; ``None`` otherwise.

    A session past its idle or absolute limit is ended here and the expiry audited, so the
    next request with the same cookie finds no session at all (AC-11/AC-12).
    """
    found = uow.session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == digest(policy.pepper, token))
    ).first()
    if found is None:
        return None
    session, user = found
    if session.ended_at is not None:
        return None
    now = uow.now()
    reason = _expiry(session, user, now, policy)
    if reason is not None:
        session.ended_at, session.end_reason = utc_iso(now), reason
        uow.audit(
            EventType.SESSION_EXPIRED,
            actor=Actor.system(),
            object_type="session",
            object_id=session.id,
            reason=reason,
            details={"user_id": user.id},
        )
        return None
    session.last_seen_at = utc_iso(now)
    return _principal(user, session, client)


def _expiry(session: WebSession, user: User, now: datetime, policy: AuthPolicy) -> str | None:
    if not user.active:
        return "account_inactive"
    if now >= parse_utc_iso(session.expires_at):
        return "max_lifetime"
    if now - parse_utc_iso(session.last_seen_at) > policy.session_idle:
        return "idle_timeout"
    return None


def logout(uow: UnitOfWork, principal: Principal) -> None:
    """End the caller's web session."""
    session = uow.session.get(WebSession, principal.credential_id)
    if session is not None and session.ended_at is None:
        session.ended_at, session.end_reason = utc_iso(uow.now()), "logout"
    uow.audit(EventType.LOGOUT, object_type="session", object_id=principal.credential_id)


def change_password(uow: UnitOfWork, principal: Principal, current: str, new: str) -> str | None:
    """Change the caller's password; returns why it was refused, or ``None``.

    A refusal is audited and must be committed by the caller (a wrong current password is
    an unsuccessful authentication). On success every other session of the account ends.
    """
    user = uow.session.get(User, principal.user_id)
    if user is None or not user.active:
        return "account not active"
    problem = None
    if not verify_password(user.password_hash, current):
        problem = "current password is wrong"
    else:
        weakness = password_problem(new, user.username)
        if weakness:
            problem = f"new password {weakness}"
        elif verify_password(user.password_hash, new):
            problem = "new password must differ from the current one"
    if problem is None:
        now = utc_iso(uow.now())
        user.password_hash, user.password_changed_at = hash_password(new), now
        uow.session.execute(
            update(WebSession)
            .where(
                WebSession.user_id == user.id,
                WebSession.ended_at.is_(None),
                WebSession.id != principal.credential_id,
            )
            .values(ended_at=now, end_reason="password_changed")
        )
    uow.audit(
        EventType.PASSWORD_CHANGED,
        outcome=Outcome.FAILURE if problem else Outcome.SUCCESS,
        object_type="user",
        object_id=user.id,
        reason=problem,
    )
    return problem
