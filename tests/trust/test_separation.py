"""Separation of duties (issue 13 item 1) and least data in token/lockout handling (item 3).

Each test is a path the outside tester walked: an administrator changing their own role,
creating a privileged account alone, knowing a new user's password.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from trusthelpers import ORI, PASSWORD, add_user, api_client

from vetline.api import Settings, create_app
from vetline.audit.models import AuditEvent
from vetline.auth.roles import Role, needs_second_administrator
from vetline.db import Actor, Database, UnitOfWork

NEW_PASSWORD = "a long passphrase only I know 7"


@pytest.fixture
def app(database: Database) -> FastAPI:
    settings = Settings(demo_mode=True, rate_limit_per_minute=100_000)
    return create_app(settings, database=database)


def _admins(app: FastAPI, database: Database) -> tuple[Any, Any]:
    add_user(database, "admin.one", Role.ADMINISTRATOR)
    add_user(database, "admin.two", Role.ADMINISTRATOR)
    return api_client(app, "admin.one"), api_client(app, "admin.two")


def _events(database: Database, event_type: str) -> list[dict[str, Any]]:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        rows = uow.session.scalars(select(AuditEvent).where(AuditEvent.event_type == event_type))
        return [row.as_dict() for row in rows]


def test_every_role_needs_a_second_administrator() -> None:
    # Every role sees case data, the audit trail or administers accounts.
    assert all(needs_second_administrator(role) for role in Role)


def test_nobody_changes_their_own_role(app: FastAPI, database: Database) -> None:
    one, _ = _admins(app, database)
    me = one.get("/v1/auth/me").json()["user_id"]
    response = one.put(f"/v1/users/{me}/role", json={"role": "auditor", "reason": "curious"})
    assert response.status_code == 403, response.text
    assert "own role" in response.json()["error"]["message"]
    assert one.get("/v1/auth/me").json()["role"] == "administrator"


def test_a_privileged_account_needs_a_second_administrator_and_its_user_enrols(
    app: FastAPI, database: Database
) -> None:
    one, two = _admins(app, database)
    # The administrator may not choose the password (they could log in as the user).
    chosen = one.post(
        "/v1/users", json={"username": "sup.new", "role": "supervisor", "password": PASSWORD}
    )
    assert chosen.status_code == 422 and chosen.json()["error"]["field"] == "password"
    asked = one.post("/v1/users", json={"username": "sup.new", "role": "supervisor"})
    assert asked.status_code == 202, asked.text
    request_id = asked.json()["request"]["id"]
    # Nothing exists yet: no account to log in as.
    assert "sup.new" not in {u["username"] for u in one.get("/v1/users").json()}
    # The requester cannot approve their own request.
    self_approval = one.post(f"/v1/account-requests/{request_id}/approve", json={"reason": "me"})
    assert self_approval.status_code == 403
    pending = two.get("/v1/account-requests?state=pending").json()
    assert [r["id"] for r in pending] == [request_id]
    approved = two.post(f"/v1/account-requests/{request_id}/approve", json={"reason": "ok"})
    assert approved.status_code == 200, approved.text
    secret = approved.json()["enrolment_secret"]
    assert secret and approved.json()["user"]["role"] == "supervisor"
    # Approved twice: refused (the state machine), not a second account.
    again = two.post(f"/v1/account-requests/{request_id}/approve", json={"reason": "ok"})
    assert again.status_code == 409  # an illegal move of the request's state machine
    # No password works before enrolment, the one the first administrator tried included.
    login = api_client(app).post(
        "/v1/auth/login", json={"username": "sup.new", "password": PASSWORD}
    )
    assert login.status_code == 401
    anonymous = api_client(app)
    wrong = anonymous.post(
        "/v1/auth/enrol",
        json={"username": "sup.new", "enrolment_secret": "vle_guess", "password": NEW_PASSWORD},
    )
    assert wrong.status_code == 401
    weak = anonymous.post(
        "/v1/auth/enrol",
        json={"username": "sup.new", "enrolment_secret": secret, "password": "password1234"},
    )
    assert weak.status_code == 422 and weak.json()["error"]["field"] == "password"
    done = anonymous.post(
        "/v1/auth/enrol",
        json={"username": "sup.new", "enrolment_secret": secret, "password": NEW_PASSWORD},
    )
    assert done.status_code == 204, done.text
    reused = anonymous.post(
        "/v1/auth/enrol",
        json={"username": "sup.new", "enrolment_secret": secret, "password": NEW_PASSWORD + "x"},
    )
    assert reused.status_code == 401
    ok = anonymous.post("/v1/auth/login", json={"username": "sup.new", "password": NEW_PASSWORD})
    assert ok.status_code == 200
    assert [e["outcome"] for e in _events(database, "ENROLMENT_FAILED")] == ["failure", "failure"]
    assert len(_events(database, "ACCOUNT_REQUEST_APPROVED")) == 1


def test_a_role_change_waits_for_the_second_administrator(app: FastAPI, database: Database) -> None:
    one, two = _admins(app, database)
    user, _ = add_user(database, "agency.ops", Role.REQUESTING_AGENCY)
    asked = one.put(f"/v1/users/{user.id}/role", json={"role": "supervisor", "reason": "promoted"})
    assert asked.status_code == 202, asked.text
    assert one.get(f"/v1/users/{user.id}").json()["role"] == "requesting_agency"
    request_id = asked.json()["request"]["id"]
    rejected = two.post(f"/v1/account-requests/{request_id}/reject", json={"reason": "no memo"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert one.get(f"/v1/users/{user.id}").json()["role"] == "requesting_agency"
    asked = one.put(
        f"/v1/users/{user.id}/role", json={"role": "supervisor", "reason": "memo attached"}
    )
    second = asked.json()["request"]["id"]
    assert (
        two.post(f"/v1/account-requests/{second}/approve", json={"reason": "ok"}).status_code == 200
    )
    assert one.get(f"/v1/users/{user.id}").json()["role"] == "supervisor"


def test_an_administrator_cannot_decide_about_their_own_account(
    app: FastAPI, database: Database
) -> None:
    one, two = _admins(app, database)
    me_two = two.get("/v1/auth/me").json()["user_id"]
    asked = one.put(f"/v1/users/{me_two}/role", json={"role": "auditor", "reason": "moves"})
    assert asked.status_code == 202
    request_id = asked.json()["request"]["id"]
    decided = two.post(f"/v1/account-requests/{request_id}/approve", json={"reason": "yes"})
    assert decided.status_code == 403
    assert two.get("/v1/auth/me").json()["role"] == "administrator"


def test_a_lockout_stops_log_in_but_not_the_agencys_tokens(
    app: FastAPI, database: Database
) -> None:
    add_user(database, "agency.sys", Role.REQUESTING_AGENCY, ori=ORI)
    session = api_client(app, "agency.sys")
    issued = session.post("/v1/tokens", json={"name": "cad", "scopes": ["iar.read"]})
    token = issued.json()["token"]
    attacker = api_client(app)
    for _ in range(6):
        attacker.post("/v1/auth/login", json={"username": "agency.sys", "password": "x" * 12})
    assert (
        api_client(app)
        .post("/v1/auth/login", json={"username": "agency.sys", "password": PASSWORD})
        .status_code
        == 401
    )  # AC-7: interactive log-in is locked
    system = api_client(app)
    response = system.get("/v1/iar", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text  # the system's token still works
