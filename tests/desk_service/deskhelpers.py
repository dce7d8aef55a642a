"""Query builders over the world's ground truth (tests only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ORI = "CA0194200"  # Los Angeles County Sheriff in the shipped directory
OTHER_ORI = "TX0570000"


def subject_of(fact: dict[str, str], *, a_number: bool = True) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "last_name": fact["true_last_name"],
        "first_name": fact["true_first_name"],
        "dob": fact["true_dob"],
        "sex": fact["sex"],
    }
    if a_number and fact["a_number"]:
        subject["a_number"] = fact["a_number"]
    return subject


def iaq(fact: dict[str, str], *, iaq_id: str, ori: str = ORI, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "iaq_id": iaq_id,
        "query_type": "IAQ",
        "ori": ori,
        "subject": subject_of(fact),
        "encounter": {"state": "CA", "county_fips": "06037", "date": "2026-11-01"},
    }
    body.update(extra)
    return body


def dumps(body: dict[str, Any]) -> str:
    return json.dumps(body)


def first(facts: list[dict[str, str]], **where: str) -> dict[str, str]:
    for fact in facts:
        if all(fact.get(k) == v for k, v in where.items()) and fact["true_last_name"]:
            return fact
    raise LookupError(f"no person with {where}")


PASSWORD = "correct horse battery staple"


def add_user(db: Any, username: str, role: Any, **bindings: str) -> None:
    """Create and commit an account (as a console operator)."""
    from vetline.auth.accounts import NewUser, create_user
    from vetline.db import Actor, UnitOfWork

    new = NewUser.parse(username=username, role=str(role), password=PASSWORD, **bindings)
    with UnitOfWork(db, Actor(user_id=None, username="cli:test", via="cli"), write=True) as uow:
        create_user(uow, new)
        uow.commit()


def client_for(app: Any, username: str) -> Any:
    """A logged-in TestClient sending the session's CSRF token."""
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    response = client.post("/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def token_client(app: Any, database: Any, username: str = "agency.cad") -> Any:
    """A TestClient sending an ``iaq.submit`` API token of a new agency account at ``ORI``
    (the token issued from the account's session, as an agency's system gets it)."""
    from fastapi.testclient import TestClient

    from vetline.auth.roles import Role

    add_user(database, username, Role.REQUESTING_AGENCY, ori=ORI)
    session = client_for(app, username)
    issued = session.post("/v1/tokens", json={"name": "cad", "scopes": ["iaq.submit"]})
    assert issued.status_code in (200, 201), issued.text
    return TestClient(
        app,
        base_url="https://testserver",
        raise_server_exceptions=False,
        headers={"Authorization": f"Bearer {issued.json()['token']}"},
    )


@dataclass(frozen=True)
class DeskWorld:
    data: Path
    facts: list[dict[str, str]]


class Clock:
    """A fixed clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now
