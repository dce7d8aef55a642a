"""Helpers shared by the trust tests (constants, a settable clock, account creation)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vetline.auth.accounts import NewUser, create_user
from vetline.auth.models import User
from vetline.auth.roles import Role
from vetline.db import Actor, Database, UnitOfWork

PASSWORD = "correct horse battery staple"
PEPPER = b"test-pepper-0123456789abcdef0123456789"
ORI = "CA0194200"
OTHER_ORI = "TX0570000"
AOR = "LOS"

#: Bindings each role needs to exist.
BINDINGS: dict[Role, dict[str, str]] = {
    Role.REQUESTING_AGENCY: {"ori": ORI},
    Role.FIELD_OFFICER: {"aor": AOR},
    Role.PARTNER_OFFICER: {"ori": ORI},
}


class Clock:
    """A settable clock for units of work (idle timeouts, lockout windows)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def add_user(
    db: Database, username: str, role: Role, *, totp: bool = False, **bindings: str
) -> tuple[User, str | None]:
    """Create and commit an account (as a console operator)."""
    new = NewUser.parse(
        username=username,
        role=str(role),
        password=PASSWORD,
        totp=totp,
        **{**BINDINGS.get(role, {}), **bindings},
    )
    with UnitOfWork(db, Actor(user_id=None, username="cli:test", via="cli"), write=True) as uow:
        user, uri = create_user(uow, new)
        uow.commit()
    return user, uri


def api_client(app: object, username: str | None = None) -> object:
    """A TestClient over HTTPS (secure cookies), logged in as ``username`` when given.

    A logged-in client sends the session's CSRF token on every request, as the web app will.
    """
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)  # type: ignore[arg-type]
    if username is not None:
        response = client.post("/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client
