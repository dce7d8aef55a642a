"""What a running app holds: the database, the auth policy, the rate limiter, the settings,
the gate's token cache."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from vetline.api.ratelimit import RateLimiter, SharedRateLimiter
from vetline.api.settings import Settings
from vetline.api.tokencache import TokenCache
from vetline.auth.policy import AuthPolicy
from vetline.db.engine import Database
from vetline.db.uow import Actor, UnitOfWork


@dataclass
class AppState:
    """Built once by ``create_app``; routes reach it through :func:`app_state`."""

    settings: Settings
    database: Database
    policy: AuthPolicy
    limiter: RateLimiter | SharedRateLimiter
    #: Callers of API tokens, for the gate of ``POST /v1/iaq`` (``tokencache``).
    tokens: TokenCache = field(default_factory=TokenCache)

    def uow(
        self, actor: Actor, *, write: bool = False, read_only: bool | None = None
    ) -> UnitOfWork:
        """A new unit of work acting as ``actor``: read-only unless ``write=True``."""
        return UnitOfWork(self.database, actor, write=write, read_only=read_only)


def app_state(request: Request) -> AppState:
    """The app's state (a dependency)."""
    state = request.app.state.vetline
    assert isinstance(state, AppState)
    return state


def client_address(request: Request) -> str | None:
    """The peer address (proxies' X-Forwarded-For is not trusted by default)."""
    return request.client.host if request.client else None
