"""Account administration: create, list, disable/enable, unlock, change role.

Every change writes its audit event in the caller's unit of work (CJIS AU-2: account and
permission changes, all actions of privileged accounts). Nothing here commits.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update

from vetline.audit.events import EventType
from vetline.auth.errors import Forbidden
from vetline.auth.models import ApiToken, User, WebSession
from vetline.auth.roles import TOTP_ROLES, Role, check_aor, check_ori, check_role
from vetline.auth.secrets import hash_password, new_totp_secret, password_problem, totp_uri
from vetline.db.base import utc_iso
from vetline.db.uow import UnitOfWork
from vetline.errors import BadInput
from vetline.text import check_text

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,63}$")
#: The password hash of an account whose user has not yet redeemed the enrolment secret:
#: not an argon2 hash, so no password verifies against it.
ENROLMENT_PENDING = "!enrolment-pending"


@dataclass(frozen=True)
class NewUser:
    """A validated account request (the CLI and the API both build one)."""

    username: str
    role: Role
    password: str | None  # None: the user sets it by redeeming an enrolment secret
    display_name: str = ""
    ori: str | None = None
    aor: str | None = None
    totp: bool = False

    @classmethod
    def parse(
        cls,
        *,
        username: str,
        role: str,
        password: str | None,
        display_name: str = "",
        ori: str | None = None,
        aor: str | None = None,
        totp: bool = False,
    ) -> NewUser:
        """Validate every field, naming the first bad one."""
        name = username.strip().lower()
        if not USERNAME.match(name):
            raise BadInput("username", "3-64 of a-z 0-9 . _ - starting with a letter")
        parsed_role = check_role(role)
        if password is not None:
            problem = password_problem(password, name)
            if problem:
                raise BadInput("password", problem)
        return cls(
            username=name,
            role=parsed_role,
            password=password,
            display_name=check_text(display_name, "display_name", 128) or name,
            totp=totp,
            **bindings(parsed_role, ori, aor),
        )


def bindings(role: Role, ori: str | None, aor: str | None) -> dict[str, str | None]:
    """ORI and AOR as the role needs them: an agency needs its ORI, a field officer its AOR."""
    clean_ori = check_ori(ori) if ori else None
    clean_aor = check_aor(aor) if aor else None
    if role is Role.REQUESTING_AGENCY and clean_ori is None:
        raise BadInput("ori", "a requesting-agency account needs its agency's ORI")
    if role is Role.PARTNER_OFFICER and clean_ori is None:
        raise BadInput("ori", "a 287(g) partner officer's account needs its agency's ORI")
    if role is Role.FIELD_OFFICER and clean_aor is None:
        raise BadInput("aor", "a field-officer account needs its area of responsibility")
    return {"ori": clean_ori, "aor": clean_aor}


def create_user(uow: UnitOfWork, new: NewUser) -> tuple[User, str | None]:
    """Insert the account; returns it and the TOTP provisioning URI when one was set up."""
    if new.totp and new.role not in TOTP_ROLES:
        raise BadInput("totp", f"a second factor is for analyst roles, not {new.role}")
    if find_user(uow, new.username) is not None:
        raise BadInput("username", f"{new.username!r} already exists")
    now = utc_iso(uow.now())
    secret = new_totp_secret() if new.totp else None
    user = User(
        id=str(uuid.uuid4()),
        username=new.username,
        display_name=new.display_name or new.username,
        role=str(new.role),
        ori=new.ori,
        aor=new.aor,
        password_hash=hash_password(new.password) if new.password else ENROLMENT_PENDING,
        password_changed_at=now,
        totp_secret=secret,
        failed_logins=0,
        created_at=now,
    )
    uow.session.add(user)
    uow.session.flush()
    uow.audit(
        EventType.USER_CREATED,
        object_type="user",
        object_id=user.id,
        details={
            "username": user.username,
            "role": user.role,
            "ori": user.ori,
            "aor": user.aor,
            "totp": secret is not None,
        },
    )
    return user, totp_uri(secret, user.username) if secret else None


def find_user(uow: UnitOfWork, username_or_id: str) -> User | None:
    """By username (case-insensitive) or id."""
    key = username_or_id.strip()
    return uow.session.scalars(
        select(User).where((User.username == key.lower()) | (User.id == key))
    ).first()


def get_user(uow: UnitOfWork, username_or_id: str) -> User:
    """Like :func:`find_user`, but a missing account is bad input."""
    user = find_user(uow, username_or_id)
    if user is None:
        raise BadInput("user", f"no account {username_or_id!r}")
    return user


def list_users(uow: UnitOfWork) -> Sequence[User]:
    """Every account, by username."""
    return uow.session.scalars(select(User).order_by(User.username)).all()


def disable_user(uow: UnitOfWork, username_or_id: str, reason: str) -> User:
    """Disable an account and end its sessions and tokens (AC-2(3)); a reason is required."""
    if not reason.strip():
        raise BadInput("reason", "say why the account is disabled")
    reason = check_text(reason, "reason", 2000, multiline=True)
    user = get_user(uow, username_or_id)
    now = utc_iso(uow.now())
    user.disabled_at = user.disabled_at or now
    user.disabled_reason = reason.strip()
    ended = end_all_credentials(uow, user.id, "disabled")
    uow.audit(
        EventType.USER_DISABLED,
        object_type="user",
        object_id=user.id,
        reason=reason.strip(),
        details={"username": user.username, "credentials_ended": ended},
    )
    return user


def enable_user(uow: UnitOfWork, username_or_id: str, reason: str) -> User:
    """Re-enable a disabled account."""
    reason = check_text(reason, "reason", 2000, multiline=True)
    user = get_user(uow, username_or_id)
    user.disabled_at = None
    user.disabled_reason = None
    uow.audit(EventType.USER_ENABLED, object_type="user", object_id=user.id, reason=reason)
    return user


def unlock_user(uow: UnitOfWork, username_or_id: str, reason: str) -> User:
    """Release a lockout (AC-7: locked accounts stay locked until an administrator acts)."""
    reason = check_text(reason, "reason", 2000, multiline=True)
    user = get_user(uow, username_or_id)
    user.locked_at = None
    user.failed_logins = 0
    user.first_failed_at = None
    uow.audit(EventType.USER_UNLOCKED, object_type="user", object_id=user.id, reason=reason)
    return user


def change_role(
    uow: UnitOfWork,
    username_or_id: str,
    role: str,
    *,
    ori: str | None,
    aor: str | None,
    reason: str,
) -> User:
    """Change an account's role and bindings; its sessions and tokens end (least privilege)."""
    user = get_user(uow, username_or_id)
    if uow.actor.user_id is not None and user.id == uow.actor.user_id:
        raise Forbidden("nobody changes their own role (separation of duties)")
    new_role = check_role(role)
    bound = bindings(new_role, ori, aor)
    before = {"role": user.role, "ori": user.ori, "aor": user.aor}
    user.role, user.ori, user.aor = str(new_role), bound["ori"], bound["aor"]
    if new_role not in TOTP_ROLES:
        user.totp_secret = None
    end_all_credentials(uow, user.id, "role_changed")
    uow.audit(
        EventType.USER_ROLE_CHANGED,
        object_type="user",
        object_id=user.id,
        reason=reason,
        details={"before": before, "after": {"role": user.role, "ori": user.ori, "aor": user.aor}},
    )
    return user


def end_all_credentials(uow: UnitOfWork, user_id: str, reason: str) -> int:
    """End every open session and revoke every token of an account; returns how many."""
    now = utc_iso(uow.now())
    sessions = uow.session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason[:32])
    )
    tokens = uow.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(sessions.rowcount) + int(tokens.rowcount)  # type: ignore[attr-defined]


def disable_inactive(uow: UnitOfWork, days: int = 90) -> list[User]:
    """Disable accounts with no login and no token use for ``days`` (CJIS AC-2(3): 90).

    Activity is the newest of: account creation, last password login, last use of any of
    its API tokens (agency systems never log in with a password).
    """
    if days < 1:
        raise BadInput("days", "must be at least 1")
    cutoff = utc_iso(uow.now() - timedelta(days=days))
    rows = uow.session.execute(
        select(ApiToken.user_id, func.max(ApiToken.last_used_at)).group_by(ApiToken.user_id)
    )
    token_use: dict[str, str | None] = {user_id: last for user_id, last in rows}
    disabled = []
    for user in list_users(uow):
        if user.disabled_at is not None:
            continue
        seen = [user.created_at, user.last_login_at, token_use.get(user.id)]
        if max(s for s in seen if s) < cutoff:
            disabled.append(disable_user(uow, user.id, f"inactive for {days} days"))
    return disabled
