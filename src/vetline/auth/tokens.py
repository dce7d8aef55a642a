"""Scoped API tokens for agency systems: issued once in clear, stored as a keyed digest."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import bindparam, or_, select, update

from vetline.audit.events import EventType
from vetline.auth.errors import Forbidden, NotFound
from vetline.auth.models import ApiToken, User
from vetline.auth.policy import AuthPolicy
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, Role, permissions_of
from vetline.auth.secrets import digest, new_secret
from vetline.db.base import parse_utc_iso, utc_iso
from vetline.db.prebuilt import Prebuilt
from vetline.db.uow import UnitOfWork
from vetline.errors import BadInput
from vetline.text import check_text

TOKEN_PREFIX = "vlt_"
#: ``last_used_at`` is kept to the minute: rewriting the token row on every call would make
#: each authenticated request a write to the same row (an agency system sending bursts
#: serialises on it). Every call is in the audit log anyway, to the millisecond.
LAST_USED_STEP = timedelta(minutes=1)


def parse_scopes(role: Role, scopes: Sequence[str]) -> frozenset[Permission]:
    """Requested scopes as permissions; each must exist and be held by ``role``."""
    if not scopes:
        raise BadInput("scopes", "name at least one permission the token may use")
    held = permissions_of(role)
    parsed: set[Permission] = set()
    for scope in scopes:
        try:
            permission = Permission(scope)
        except ValueError:
            raise BadInput("scopes", f"unknown permission {scope!r}") from None
        if permission not in held:
            raise BadInput("scopes", f"role {role} does not hold {scope!r}")
        parsed.add(permission)
    return frozenset(parsed)


def issue_token(
    uow: UnitOfWork,
    policy: AuthPolicy,
    principal: Principal,
    name: str,
    scopes: Sequence[str],
    expires_days: int | None,
) -> tuple[str, ApiToken]:
    """A new token for the caller's own account; the clear value is returned only here.

    A token cannot mint tokens: issuing needs an interactive (session or console) login, so
    a leaked token cannot extend its own life.
    """
    if principal.via == "token":
        raise Forbidden("API tokens are issued from an interactive session, not by a token")
    if not name.strip() or len(name) > 100:
        raise BadInput("name", "1-100 characters naming the system that will use the token")
    name = check_text(name, "name", 100, required=True)
    days = expires_days if expires_days is not None else policy.token_max_days
    if not 1 <= days <= policy.token_max_days:
        raise BadInput("expires_days", f"must be between 1 and {policy.token_max_days}")
    granted = parse_scopes(principal.role, scopes)
    clear = TOKEN_PREFIX + new_secret()
    now = uow.now()
    token = ApiToken(
        id=str(uuid.uuid4()),
        token_hash=digest(policy.pepper, clear),
        user_id=principal.user_id,
        name=name.strip(),
        scopes=" ".join(sorted(granted)),
        created_at=utc_iso(now),
        expires_at=utc_iso(now + timedelta(days=days)),
    )
    uow.session.add(token)
    uow.audit(
        EventType.TOKEN_ISSUED,
        object_type="api_token",
        object_id=token.id,
        details={"name": token.name, "scopes": sorted(granted), "expires_at": token.expires_at},
    )
    return clear, token


# The columns a request's authentication needs, by token hash: a Core statement built
# once (every agency request runs it; ORM entity loading was most of its cost). An
# account is active when neither disabled nor locked out (``User.active``).
_COLUMNS = (
    ApiToken.id.label("token_id"),
    ApiToken.revoked_at,
    ApiToken.expires_at,
    ApiToken.scopes,
    ApiToken.last_used_at,
    User.id.label("user_id"),
    User.username,
    User.role,
    User.ori,
    User.aor,
    User.disabled_at,
)
_BY_HASH = (
    select(*_COLUMNS)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)
# The desk's writer re-checks its token callers in every transaction (issue 18): one
# token per statement, compiled once and run on the DBAPI cursor (``vetline.db.prebuilt``;
# an expanding ``IN`` through Core cost several times the read itself).
_ONE_BY_ID = Prebuilt(
    select(*_COLUMNS)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.id == bindparam("token_id"))
)


class _TokenRow(NamedTuple):
    """A row of ``_COLUMNS``, by name, as ``_principal`` reads it (same order)."""

    token_id: str
    revoked_at: str | None
    expires_at: str | None
    scopes: str
    last_used_at: str | None
    user_id: str
    username: str
    role: str
    ori: str | None
    aor: str | None
    disabled_at: str | None


_PERMISSION_NAMES = frozenset(p.value for p in Permission)


def authenticate_token(
    uow: UnitOfWork, policy: AuthPolicy, clear: str, client: str | None = None
) -> Principal | None:
    """The principal of a live token (not revoked, not expired, account not disabled —
    a locked-out account's tokens keep working); reads only.

    The caller records the use with :func:`note_token_use` in its writing unit.
    """
    if not clear.startswith(TOKEN_PREFIX):
        return None
    row = (
        uow.session.connection()
        .execute(_BY_HASH, {"token_hash": digest(policy.pepper, clear)})
        .first()
    )
    return None if row is None else _principal(row, uow.now(), client)


def _principal(row: Any, now: datetime, client: str | None) -> Principal | None:
    """The caller a token's row authenticates ``now``, or None."""
    # A lockout (AC-7) stops interactive log-in only: five wrong password guesses on an
    # agency's username must not cut off its systems' tokens (issue 13 item 3). A
    # disabled account ends everything.
    if row.revoked_at is not None or row.disabled_at is not None:
        return None
    if row.expires_at is not None and now >= parse_utc_iso(row.expires_at):
        return None
    role = Role(row.role)
    scopes = frozenset(Permission(s) for s in row.scopes.split() if s in _PERMISSION_NAMES)
    return Principal(
        user_id=row.user_id,
        username=row.username,
        role=role,
        ori=row.ori,
        aor=row.aor,
        via="token",
        credential_id=row.token_id,
        scopes=scopes & permissions_of(role),  # a later role change narrows old tokens
        client=client,
        last_used_at=row.last_used_at,
    )


def still_authenticated(uow: UnitOfWork, callers: Iterable[Principal]) -> set[str]:
    """The credential ids of token ``callers`` whose token still authenticates the very
    same caller now: not revoked, not expired, the account not disabled, the same user,
    role, scopes, ORI and AOR. One indexed read per distinct token.

    Why: the API gate may authenticate a token from its per-process cache
    (``vetline.api.tokencache``); the desk's writer asks this in the transaction that
    stores the query, so a revocation (or a disabled account, a role change) made
    anywhere — another worker, the web app, the CLI — stops every query not yet
    committed, and nothing is stored for a caller the database no longer knows.
    """
    wanted = {c.credential_id: c for c in callers if c.via == "token"}
    if not wanted:
        return set()
    connection = uow.session.connection()
    now = uow.now()
    live: set[str] = set()
    for token_id in sorted(wanted):  # a batch's callers: nearly always one token
        rows = _ONE_BY_ID.returning(connection, {"token_id": token_id})
        if not rows:
            continue
        row = _TokenRow(*rows[0])
        fresh, seen = _principal(row, now, None), wanted[str(row.token_id)]
        if fresh is not None and _same_caller(fresh, seen):
            live.add(fresh.credential_id)
    return live


def _same_caller(a: Principal, b: Principal) -> bool:
    return (a.user_id, a.username, a.role, a.ori, a.aor, a.scopes) == (
        b.user_id, b.username, b.role, b.ori, b.aor, b.scopes,
    )  # fmt: skip


def token_use_due(principal: Principal, now: datetime) -> bool:
    """Whether :func:`note_token_use` would change the token's row ``now``."""
    last = principal.last_used_at
    return last is None or last <= utc_iso(now - LAST_USED_STEP)


def note_token_use(uow: UnitOfWork, token_id: str) -> None:
    """Record that the token was used now, to the minute (see ``LAST_USED_STEP``).

    A conditional UPDATE, so a busy token's row is rewritten once a minute, not per call;
    separate from ``authenticate_token`` so authentication can run in a read-only unit.
    """
    now = uow.now()
    stale = utc_iso(now - LAST_USED_STEP)
    uow.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= stale),
        )
        .values(last_used_at=utc_iso(now))
        .execution_options(synchronize_session=False)
    )


def list_tokens(uow: UnitOfWork, user_id: str) -> Sequence[ApiToken]:
    """The account's tokens, newest first (digests stay inside)."""
    return uow.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc())
    ).all()


def revoke_token(uow: UnitOfWork, principal: Principal, token_id: str, reason: str) -> ApiToken:
    """Revoke one's own token, or anyone's with ``tokens.revoke_any``."""
    token = uow.session.get(ApiToken, token_id)
    mine = token is not None and token.user_id == principal.user_id
    if token is None or not (mine or principal.can(Permission.TOKENS_REVOKE_ANY)):
        raise NotFound.of("api_token", token_id)
    reason = check_text(reason, "reason", 2000, multiline=True)
    token.revoked_at = token.revoked_at or utc_iso(uow.now())
    uow.audit(EventType.TOKEN_REVOKED, object_type="api_token", object_id=token.id, reason=reason)
    return token
