"""Authentication limits, with CJIS defaults (domain reference §10.2-10.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from vetline.auth.roles import TOTP_ROLES, Role

if TYPE_CHECKING:
    from vetline.settings import Settings


@dataclass(frozen=True)
class AuthPolicy:
    """Lockout, session and token limits plus the key bearer secrets are digested under.

    Defaults: AC-7 locks after 5 consecutive failures within 15 minutes until an
    administrator unlocks; AC-11/IA-5 end a session after 30 idle minutes and re-authenticate
    at least every 12 hours.
    """

    pepper: bytes
    lockout_threshold: int = 5
    lockout_window: timedelta = timedelta(minutes=15)
    session_idle: timedelta = timedelta(minutes=30)
    session_max: timedelta = timedelta(hours=12)
    token_max_days: int = 365
    totp_required_roles: frozenset[Role] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthPolicy:
        """The limits a server's (or a console command's) settings describe; the server
        secret peppers password and token digests."""
        return cls(
            pepper=settings.secret_key.get_secret_value().encode("utf-8"),
            lockout_threshold=settings.lockout_threshold,
            lockout_window=timedelta(minutes=settings.lockout_window_minutes),
            session_idle=timedelta(minutes=settings.session_idle_minutes),
            session_max=timedelta(hours=settings.session_max_hours),
            token_max_days=settings.token_max_days,
            totp_required_roles=TOTP_ROLES if settings.totp_required else frozenset(),
        )
