"""Every registered route × every role: the expected allow/deny table, and every call audited.

Routes are discovered from the app, so a route added later (the query desk, vetting, web)
fails here until its line is added to ``EXPECTED`` and its permission is declared.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from trusthelpers import add_user, api_client

from vetline.api import Settings, create_app
from vetline.audit.models import AuditEvent
from vetline.auth.roles import PERMISSIONS, Permission, Role
from vetline.db import Actor, Database, UnitOfWork

A, D, V, S, L, F, AU, AD = (
    Role.REQUESTING_AGENCY,
    Role.DESK_ANALYST,
    Role.VETTING_OFFICER,
    Role.SUPERVISOR,
    Role.LEAD_ANALYST,
    Role.FIELD_OFFICER,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
)
CR = Role.CITIZENSHIP_REVIEWER
P = Role.PARTNER_OFFICER
EVERYONE = frozenset(Role)
PUBLIC = None

#: (method, route path) → roles allowed, or PUBLIC. The expected table, written by hand.
EXPECTED: dict[tuple[str, str], frozenset[Role] | None] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,  # Swagger UI page and its shipped assets (no data)
    ("GET", "/docs/{name}"): PUBLIC,
    ("POST", "/v1/auth/login"): PUBLIC,
    ("POST", "/v1/auth/enrol"): PUBLIC,
    ("POST", "/v1/auth/logout"): EVERYONE,
    ("GET", "/v1/auth/me"): EVERYONE,
    ("POST", "/v1/auth/password"): EVERYONE,
    ("POST", "/v1/tokens"): frozenset({A, AD}),
    ("GET", "/v1/tokens"): frozenset({A, AD}),
    ("POST", "/v1/tokens/{token_id}/revoke"): frozenset({A, AD}),
    ("GET", "/v1/users"): frozenset({AD}),
    ("POST", "/v1/users"): frozenset({AD}),
    ("GET", "/v1/users/{user_id}"): frozenset({AD}),
    ("POST", "/v1/users/{user_id}/disable"): frozenset({AD}),
    ("POST", "/v1/users/{user_id}/enable"): frozenset({AD}),
    ("POST", "/v1/users/{user_id}/unlock"): frozenset({AD}),
    ("PUT", "/v1/users/{user_id}/role"): frozenset({AD}),
    # Two-person control over accounts (issue 13 item 1):
    ("GET", "/v1/account-requests"): frozenset({AD}),
    ("POST", "/v1/account-requests/{request_id}/approve"): frozenset({AD}),
    ("POST", "/v1/account-requests/{request_id}/reject"): frozenset({AD}),
    ("GET", "/v1/audit/events"): frozenset({AU}),
    ("GET", "/v1/audit/export"): frozenset({AU}),
    ("GET", "/v1/audit/verify"): frozenset({AU}),
    # The query desk (vetline.desk.service):
    ("POST", "/v1/iaq"): frozenset({A, D}),
    ("GET", "/v1/iar"): frozenset({A, D, V, S, L, F}),
    ("GET", "/v1/iar/{iar_id}"): frozenset({A, D, V, S, L, F}),
    ("GET", "/v1/queue/iaq"): frozenset({D, S}),
    ("GET", "/v1/queue/iaq/{query_id}"): frozenset({D, S}),
    ("POST", "/v1/queue/iaq/{query_id}/claim"): frozenset({D, S}),
    ("POST", "/v1/queue/iaq/{query_id}/release"): frozenset({D, S}),
    ("POST", "/v1/queue/iaq/{query_id}/answer"): frozenset({D, S}),
    ("GET", "/v1/ops/desk"): frozenset({D, S}),
    # Batch vetting (vetline.batch):
    ("POST", "/v1/batch-jobs"): frozenset({L}),
    ("GET", "/v1/batch-jobs"): frozenset({L}),
    ("GET", "/v1/batch-jobs/{job_id}"): frozenset({L}),
    ("GET", "/v1/batch-jobs/{job_id}/results"): frozenset({L}),
    # Leads (vetline.leads): review = lead analysts and supervisors, work = field officers.
    ("POST", "/v1/leads/imports"): frozenset({L, S}),
    ("GET", "/v1/leads/jobs"): frozenset({L, S}),
    ("GET", "/v1/leads/jobs/{job_id}"): frozenset({L, S}),
    ("GET", "/v1/leads/jobs/{job_id}/sample"): frozenset({L, S}),
    ("GET", "/v1/leads/jobs/{job_id}/sample/{item_id}"): frozenset({L, S}),
    ("POST", "/v1/leads/jobs/{job_id}/sample/{item_id}"): frozenset({L, S}),
    ("GET", "/v1/leads/diversions"): frozenset({L, S}),
    ("GET", "/v1/leads/corrections"): frozenset({L, S}),
    ("POST", "/v1/leads/expire"): frozenset({L, S}),
    ("GET", "/v1/leads"): frozenset({L, F, S}),
    ("GET", "/v1/leads/{lead_id}"): frozenset({L, F, S}),
    ("GET", "/v1/leads/{lead_id}/package"): frozenset({L, F, S}),
    ("GET", "/v1/leads/{lead_id}/package.pdf"): frozenset({L, F, S}),
    ("POST", "/v1/leads/{lead_id}/confirm"): frozenset({L, S}),
    ("POST", "/v1/leads/{lead_id}/reject"): frozenset({L, S}),
    ("POST", "/v1/leads/{lead_id}/assign"): frozenset({L, S}),
    ("POST", "/v1/leads/{lead_id}/outcome"): frozenset({F}),
    ("GET", "/v1/ops/leads"): frozenset({L, S}),
    # The vetting centre (vetline.vetting):
    ("GET", "/v1/cases"): frozenset({V, S, CR}),
    ("POST", "/v1/cases"): frozenset({V, S}),
    ("GET", "/v1/cases/{case_id}"): frozenset({V, S, CR}),
    ("GET", "/v1/cases/{case_id}/changes"): frozenset({V, S, CR}),
    ("POST", "/v1/cases/{case_id}/review"): frozenset({V, S}),
    ("POST", "/v1/cases/{case_id}/records/mark"): frozenset({V, S}),
    ("POST", "/v1/cases/{case_id}/records/wrong"): frozenset({V, S}),
    ("POST", "/v1/cases/{case_id}/checklist/{item}"): frozenset({V, S}),
    ("POST", "/v1/cases/{case_id}/close"): frozenset({V, S}),
    ("POST", "/v1/cases/{case_id}/requests"): frozenset({V, S}),
    ("GET", "/v1/requests"): frozenset({A, F, V, S, CR}),
    ("GET", "/v1/requests/{request_id}"): frozenset({A, F, V, S, CR}),
    ("GET", "/v1/requests/{request_id}/document"): frozenset({A, F, V, S, CR}),
    ("POST", "/v1/requests/{request_id}/approve"): frozenset({S}),
    ("POST", "/v1/requests/{request_id}/return"): frozenset({S}),
    ("POST", "/v1/requests/{request_id}/issue"): frozenset({V, S}),
    ("POST", "/v1/requests/{request_id}/serve"): frozenset({A, V, S}),
    ("POST", "/v1/requests/{request_id}/acknowledge"): frozenset({A}),
    ("POST", "/v1/requests/{request_id}/decline"): frozenset({A}),
    ("POST", "/v1/requests/{request_id}/custody-assumed"): frozenset({V, S}),
    ("POST", "/v1/requests/{request_id}/lapse"): frozenset({V, S}),
    ("POST", "/v1/requests/{request_id}/cancel"): frozenset({V, S}),
    ("GET", "/v1/citizenship-claims"): frozenset({V, S, CR}),
    ("POST", "/v1/citizenship-claims"): frozenset({A, V, S, CR}),
    ("POST", "/v1/citizenship-claims/{claim_id}/assign"): frozenset({CR}),
    ("POST", "/v1/citizenship-claims/{claim_id}/determine"): frozenset({CR}),
    ("GET", "/v1/corrections"): frozenset({V, S, CR}),
    ("GET", "/v1/ops/vetting"): frozenset({V, S}),
    ("GET", "/v1/vetting/notices"): frozenset({V, S, CR}),
    ("POST", "/v1/vetting/notices/{notice_id}/acknowledge"): frozenset({V, S, CR}),
    # Agencies' asks on their own queries (vetline.desk.service.asks):
    ("POST", "/v1/iaq/{iar_id}/expedite"): frozenset({A}),
    ("POST", "/v1/iaq/{iar_id}/explain"): frozenset({A}),
    ("GET", "/v1/iaq/{iar_id}/asks"): frozenset({A}),
    # Jail rosters (vetline.batch.rosters): 287(g) partner officers for their own agency's
    # facilities and bookings (row scope in the service), lead analysts for any:
    ("POST", "/v1/rosters"): frozenset({P, L}),
    ("GET", "/v1/rosters"): frozenset({P, L}),
    ("GET", "/v1/rosters/{job_id}"): frozenset({P, L}),
    ("GET", "/v1/rosters/{job_id}/results"): frozenset({P, L}),
}
NOT_API_ROUTES = {"/openapi.json"}  # FastAPI's own schema route: structure only, no data


def _all_routes(app: FastAPI) -> list[Any]:
    """Effective routes, including those of included routers (FastAPI ≥ 0.16x is lazy)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI flattens routers into app.routes
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def _routes(app: FastAPI) -> list[tuple[str, str, Any]]:
    found = []
    for route in _all_routes(app):
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                found.append((method, str(getattr(route, "path", "")), route))
    # logout last: it ends the session the walk uses
    return sorted(found, key=lambda r: (r[1] == "/v1/auth/logout", r[1], r[0]))


def _gate(route: Any) -> Permission | str | None:
    """The permission a route's dependencies require, ``"public"``, or None (undeclared)."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        permission = getattr(dep.call, "vetline_permission", None)
        if permission is not None:
            return permission  # type: ignore[no-any-return]
        if getattr(dep.call, "vetline_public", False):
            return "public"
        stack.extend(dep.dependencies)
    return None


@pytest.fixture
def app(database: Database) -> FastAPI:
    settings = Settings(demo_mode=True, rate_limit_per_minute=100_000)
    return create_app(settings, database=database)


def test_every_route_is_in_the_table_and_declares_its_gate(app: FastAPI) -> None:
    seen = set()
    for method, path, route in _routes(app):
        key = (method, path)
        seen.add(key)
        assert key in EXPECTED, f"route {method} {path} missing from EXPECTED: declare it"
        if path in NOT_API_ROUTES:
            continue
        assert isinstance(getattr(route, "original_route", route), APIRoute), key
        gate = _gate(route)
        assert gate is not None, f"{method} {path} has neither require(...) nor public"
        expected = EXPECTED[key]
        if expected is PUBLIC:
            assert gate == "public", key
        else:
            assert isinstance(gate, Permission)
            assert PERMISSIONS[gate] == expected, f"{key}: table says {sorted(expected)}"
    assert seen == set(EXPECTED), f"EXPECTED lists routes that do not exist: {set(EXPECTED) - seen}"


def _audit_count(database: Database) -> int:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _call(client: TestClient, method: str, path: str) -> int:
    concrete = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    return client.request(method, concrete, json=body).status_code


def test_allow_deny_table_over_http(app: FastAPI, database: Database) -> None:
    clients = {}
    for role in Role:
        add_user(database, f"walk.{role.value.replace('_', '')}", role)
        clients[role] = api_client(app, f"walk.{role.value.replace('_', '')}")
    anonymous = api_client(app)
    failures = []
    for method, path, _ in _routes(app):
        expected = EXPECTED[(method, path)]
        if expected is PUBLIC:
            continue
        before = _audit_count(database)
        if _call(anonymous, method, path) != 401:
            failures.append(f"anonymous {method} {path} not 401")
        for role, client in clients.items():
            count = _audit_count(database)
            status = _call(client, method, path)
            allowed = role in expected
            if allowed and status in (401, 403):
                failures.append(f"{role} {method} {path}: {status}, expected allowed")
            if not allowed and status != 403:
                failures.append(f"{role} {method} {path}: {status}, expected 403")
            if _audit_count(database) <= count:
                failures.append(f"{role} {method} {path}: call not audited")
        assert _audit_count(database) > before
    assert failures == []


def test_separation_of_duties_over_http(app: FastAPI, database: Database) -> None:
    """The walk's separation-of-duties lines (issue 13 item 1): an administrator may call
    the account routes, yet not on their own account and not to decide their own request;
    no account-changing call creates a privileged account by itself."""
    for name in ("sod.one", "sod.two"):
        add_user(database, name, Role.ADMINISTRATOR)
    one, two = api_client(app, "sod.one"), api_client(app, "sod.two")
    me = one.get("/v1/auth/me").json()["user_id"]
    refused = {
        "own role": one.put(f"/v1/users/{me}/role", json={"role": "auditor", "reason": "x"}),
    }
    asked = one.post("/v1/users", json={"username": "sod.new", "role": "auditor"})
    assert asked.status_code == 202 and "user" not in asked.json()
    request_id = asked.json()["request"]["id"]
    refused["own request"] = one.post(
        f"/v1/account-requests/{request_id}/approve", json={"reason": "x"}
    )
    refused["own request, rejected"] = one.post(
        f"/v1/account-requests/{request_id}/reject", json={"reason": "x"}
    )
    assert {k: r.status_code for k, r in refused.items()} == dict.fromkeys(refused, 403)
    for role in Role:  # every role is two-person: a request, never an account
        if role is Role.ADMINISTRATOR:
            continue
        body: dict[str, Any] = {"username": f"sod.{role.value.replace('_', '')}", "role": role}
        body |= {"ori": "CA0194200"} if role in (Role.REQUESTING_AGENCY, P) else {}
        body |= {"aor": "LOS"} if role is Role.FIELD_OFFICER else {}
        assert two.post("/v1/users", json=body).status_code == 202, role
