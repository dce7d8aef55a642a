"""Typed server settings (``VETLINE_*`` environment variables), built by the caller.

Why a factory and not a module-level settings object: tests and ``vetline serve`` build
different settings, and nothing may read the environment at import time.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from vetline.audit.anchor import AnchorLog
from vetline.auth.policy import AuthPolicy
from vetline.auth.roles import TOTP_ROLES
from vetline.db.engine import database_url
from vetline.errors import BadInput
from vetline.settings import DEFAULT_DATA_DIR, DEFAULT_SECRET

__all__ = ["DEFAULT_SECRET", "Settings"]
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Server configuration; CJIS limits are the defaults and also the ceilings."""

    model_config = SettingsConfigDict(env_prefix="VETLINE_", extra="ignore")

    data: Path = Path(DEFAULT_DATA_DIR)
    database_url: str | None = None
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    demo_mode: bool = False
    cookie_secure: bool = True
    session_idle_minutes: Annotated[int, Field(ge=1, le=30)] = 30
    session_max_hours: Annotated[int, Field(ge=1, le=12)] = 12
    lockout_threshold: Annotated[int, Field(ge=1, le=100)] = 5
    lockout_window_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    totp_required: bool = False
    token_max_days: Annotated[int, Field(ge=1, le=3650)] = 365
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1_048_576
    rate_limit_per_minute: Annotated[int, Field(ge=1)] = 600
    #: Buckets shared by every worker (``vetline serve`` sets it); None: in this process.
    rate_limit_file: Path | None = None
    #: Requests one worker admits at a time; past it, 503 at once (admission control).
    max_in_flight: Annotated[int, Field(ge=1, le=10_000)] = 64
    #: ``/healthz`` reports not ready below this much free disk in the data folder.
    min_free_bytes: Annotated[int, Field(ge=0)] = 64 * 1024 * 1024
    migrate_on_start: bool = True
    #: Second location for the audit checkpoints (the first is ``<data>/audit-anchor.jsonl``).
    audit_anchor_copy: Path | None = None

    def check_secret(self) -> None:
        """Refuse the shipped default or a short secret unless in demo mode."""
        secret = self.secret_key.get_secret_value()
        if self.demo_mode:
            return
        if secret == DEFAULT_SECRET or len(secret) < MIN_SECRET_LENGTH:
            raise BadInput(
                "VETLINE_SECRET_KEY",
                f"set a random secret of at least {MIN_SECRET_LENGTH} characters "
                "(the default is only allowed with VETLINE_DEMO_MODE=1)",
            )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data folder."""
        return database_url(self.data, self.database_url)

    def audit_anchor(self) -> AnchorLog:
        """The audit checkpoints of this server's data folder, keyed by its secret."""
        return AnchorLog.for_data(
            self.data, self.secret_key.get_secret_value(), self.audit_anchor_copy
        )

    def auth_policy(self) -> AuthPolicy:
        """The authentication limits these settings describe."""
        return AuthPolicy(
            pepper=self.secret_key.get_secret_value().encode("utf-8"),
            lockout_threshold=self.lockout_threshold,
            lockout_window=timedelta(minutes=self.lockout_window_minutes),
            session_idle=timedelta(minutes=self.session_idle_minutes),
            session_max=timedelta(hours=self.session_max_hours),
            token_max_days=self.token_max_days,
            totp_required_roles=TOTP_ROLES if self.totp_required else frozenset(),
        )
