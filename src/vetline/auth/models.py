"""Account tables: roles, users, web sessions and API tokens.

Secrets never sit in plain text: passwords are argon2 hashes, session and token values are
stored as keyed SHA-256 digests (``vetline.auth.secrets``), so a copy of the database does
not let anyone log in.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vetline.db.base import TS_WIDTH, Base


class RoleRow(Base):
    """The role vocabulary as a table, so ``users.role`` is a foreign key and not free text."""

    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    description: Mapped[str] = mapped_column(String(200))


class User(Base):
    """One person's account: unique identification (CJIS IA-2), never shared."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32), ForeignKey("roles.name"))
    ori: Mapped[str | None] = mapped_column(String(9))
    aor: Mapped[str | None] = mapped_column(String(8))
    password_hash: Mapped[str] = mapped_column(String(255))
    password_changed_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    locked_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    disabled_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    last_login_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))

    @property
    def active(self) -> bool:
        """Neither disabled nor locked out."""
        return self.disabled_at is None and self.locked_at is None


class WebSession(Base):
    """A server-side web session: idle and absolute limits are checked on every request."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    last_seen_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    expires_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    ended_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    end_reason: Mapped[str | None] = mapped_column(String(32))
    client: Mapped[str | None] = mapped_column(String(64))


class ApiToken(Base):
    """A scoped bearer token for an agency system; ``scopes`` is a space-separated list."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    expires_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    revoked_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    last_used_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))


class AccountRequest(Base):
    """An account creation or role change waiting for a second administrator (CJIS AC-5).

    ``payload`` is the validated request as canonical JSON (username, role, bindings); the
    requester can never be the approver, and nobody is the approver of their own role.
    """

    __tablename__ = "account_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # create | role_change
    state: Mapped[str] = mapped_column(String(16), index=True)  # pending | approved | rejected
    target_user_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(String(36))
    requested_by_name: Mapped[str] = mapped_column(String(128))
    requested_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    decided_by: Mapped[str | None] = mapped_column(String(36))
    decided_by_name: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(String(36))  # the account created, if any


class Enrolment(Base):
    """A one-time enrolment secret (as a keyed digest) that lets a new user set a password.

    The administrator who approved the account hands the secret over; only the user, by
    redeeming it, ever knows the password (IA-5: the administrator never sets it).
    """

    __tablename__ = "enrolments"

    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    expires_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    redeemed_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
