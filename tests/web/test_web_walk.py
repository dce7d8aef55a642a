"""Every web route × every role: the expected allow/deny table, over HTTP, audited.

Pages are called as an API client would (JSON ``Accept``), so refusals are plain 401/403;
a browser gets the log-in form or an error page for the same refusals. Routes are found
from the app, so a page added later fails here until its line is added.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from webhelpers import ACCOUNTS, PASSWORD

from vetline.audit.models import AuditEvent
from vetline.auth.roles import PERMISSIONS, Permission, Role
from vetline.db import Actor, Database, UnitOfWork

A, D, V, S, L, F, AU, AD, CR = (
    Role.REQUESTING_AGENCY, Role.DESK_ANALYST, Role.VETTING_OFFICER, Role.SUPERVISOR,
    Role.LEAD_ANALYST, Role.FIELD_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR,
    Role.CITIZENSHIP_REVIEWER,
)  # fmt: skip
EVERYONE = frozenset(Role)
PUBLIC = None
DESK = frozenset({D, S})
READERS = frozenset({A, D, V, S, L, F})

EXPECTED: dict[tuple[str, str], frozenset[Role] | None] = {
    ("GET", "/web/login"): PUBLIC,
    ("POST", "/web/login"): PUBLIC,
    ("POST", "/web/logout"): EVERYONE,
    ("GET", "/web/"): EVERYONE,
    ("GET", "/web/account"): EVERYONE,
    ("GET", "/web/desk"): DESK,
    ("GET", "/web/desk/asks"): DESK,
    ("POST", "/web/desk/asks/{ask_id}/answer"): DESK,
    ("GET", "/web/desk/{query_id}"): DESK,
    ("POST", "/web/desk/{query_id}/claim"): DESK,
    ("POST", "/web/desk/{query_id}/release"): DESK,
    ("POST", "/web/desk/{query_id}/preview"): DESK,
    ("POST", "/web/desk/{query_id}/answer"): DESK,
    ("POST", "/web/desk/{query_id}/source-error"): DESK,
    ("GET", "/web/agency"): READERS,
    ("GET", "/web/agency/new"): frozenset({A, D}),
    ("POST", "/web/agency/new"): frozenset({A, D}),
    ("GET", "/web/agency/iar/{iar_id}"): READERS,
    ("POST", "/web/agency/iar/{iar_id}/expedite"): frozenset({A}),
    ("POST", "/web/agency/iar/{iar_id}/explain"): frozenset({A}),
    ("GET", "/web/ops"): DESK,
    ("GET", "/web/audit"): frozenset({AU}),
    ("GET", "/web/audit/verify"): frozenset({AU}),
    ("GET", "/web/admin"): frozenset({AD}),
    ("POST", "/web/admin/users"): frozenset({AD}),
    ("POST", "/web/admin/requests/{request_id}/{decision}"): frozenset({AD}),
    ("GET", "/web/admin/users/{user_id}"): frozenset({AD}),
    ("POST", "/web/admin/users/{user_id}/{change}"): frozenset({AD}),
    ("POST", "/web/admin/tokens/{token_id}/revoke"): frozenset({AD}),
    ("GET", "/web/vetting"): frozenset({V, S, CR}),
    ("GET", "/web/vetting/approvals"): frozenset({S}),
    ("GET", "/web/vetting/claims"): frozenset({V, S, CR}),
    ("GET", "/web/vetting/cases/{case_id}"): frozenset({V, S, CR}),
    ("GET", "/web/vetting/requests/{request_id}/document"): frozenset({A, F, V, S, CR}),
    ("POST", "/web/vetting/revet"): frozenset({V, S}),
    ("POST", "/web/vetting/cases/{case_id}/review"): frozenset({V, S}),
    ("POST", "/web/vetting/cases/{case_id}/mark"): frozenset({V, S}),
    ("POST", "/web/vetting/cases/{case_id}/wrong"): frozenset({V, S}),
    ("POST", "/web/vetting/cases/{case_id}/checklist/{item}"): frozenset({V, S}),
    ("POST", "/web/vetting/cases/{case_id}/requests"): frozenset({V, S}),
    ("POST", "/web/vetting/cases/{case_id}/close"): frozenset({V, S}),
    ("POST", "/web/vetting/cases/{case_id}/claims"): frozenset({A, V, S, CR}),
    ("POST", "/web/vetting/claims/{claim_id}/assign"): frozenset({CR}),
    ("POST", "/web/vetting/claims/{claim_id}/determine"): frozenset({CR}),
    ("POST", "/web/vetting/requests/{request_id}/approve"): frozenset({S}),
    ("POST", "/web/vetting/requests/{request_id}/return"): frozenset({S}),
    ("POST", "/web/vetting/requests/{request_id}/issue"): frozenset({V, S}),
    ("POST", "/web/vetting/requests/{request_id}/serve"): frozenset({A, V, S}),
    ("POST", "/web/vetting/requests/{request_id}/cancel"): frozenset({V, S}),
    ("POST", "/web/vetting/requests/{request_id}/custody-assumed"): frozenset({V, S}),
    ("POST", "/web/vetting/requests/{request_id}/lapse"): frozenset({V, S}),
    ("GET", "/web/leads"): frozenset({L, F, S}),
    ("GET", "/web/leads/batch"): frozenset({L}),
    ("POST", "/web/leads/batch"): frozenset({L}),
    ("POST", "/web/leads/batch/{job_id}/import"): frozenset({L, S}),
    ("GET", "/web/leads/jobs/{job_id}"): frozenset({L, S}),
    ("POST", "/web/leads/jobs/{job_id}/sample/{item_id}"): frozenset({L, S}),
    ("GET", "/web/leads/{lead_id}"): frozenset({L, F, S}),
    ("POST", "/web/leads/{lead_id}/confirm"): frozenset({L, S}),
    ("POST", "/web/leads/{lead_id}/reject"): frozenset({L, S}),
    ("POST", "/web/leads/{lead_id}/assign"): frozenset({L, S}),
    ("POST", "/web/leads/{lead_id}/outcome"): frozenset({F}),
    # Jail rosters: 287(g) partner officers (own ORI) and lead analysts.
    ("GET", "/web/rosters"): frozenset({Role.PARTNER_OFFICER, L}),
    ("POST", "/web/rosters"): frozenset({Role.PARTNER_OFFICER, L}),
    ("GET", "/web/rosters/{job_id}"): frozenset({Role.PARTNER_OFFICER, L}),
}


def _web_routes(app: Any) -> list[tuple[str, str, Any]]:
    try:
        from fastapi.routing import iter_route_contexts

        routes = list(iter_route_contexts(app.routes))
    except ImportError:
        routes = list(app.routes)
    found = [
        (method, str(route.path), route)
        for route in routes
        if str(getattr(route, "path", "")).startswith("/web")
        for method in sorted(getattr(route, "methods", None) or ())
        if method != "HEAD"
    ]
    return sorted(found, key=lambda r: (r[1] == "/web/logout", r[1], r[0]))


def _gate(route: Any) -> Permission | str | None:
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


def test_every_web_route_is_in_the_table_and_declares_its_gate(app: Any) -> None:
    seen = set()
    for method, path, route in _web_routes(app):
        seen.add((method, path))
        assert (method, path) in EXPECTED, f"web route {method} {path} missing from EXPECTED"
        assert isinstance(getattr(route, "original_route", route), APIRoute)
        gate = _gate(route)
        assert gate is not None, f"{method} {path} has neither require(...) nor public"
        expected = EXPECTED[(method, path)]
        if expected is PUBLIC:
            assert gate == "public", (method, path)
        else:
            assert isinstance(gate, Permission)
            assert PERMISSIONS[gate] == expected, f"{method} {path}: table says {expected}"
    assert seen == set(EXPECTED)


def _audits(database: Database) -> int:
    with UnitOfWork(database, Actor.system()) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _client(app: Any, username: str | None) -> TestClient:
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    if username:
        response = client.post("/v1/auth/login", json={"username": username,
                                                        "password": PASSWORD})  # fmt: skip
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def test_web_allow_deny_table_over_http(app: Any, sqlite_database: Database) -> None:
    by_role = {Role(role): name for name, (role, _) in reversed(list(ACCOUNTS.items()))}
    clients = {role: _client(app, name) for role, name in by_role.items()}
    anonymous = _client(app, None)
    failures = []
    for method, path, _ in _web_routes(app):
        expected = EXPECTED[(method, path)]
        if expected is PUBLIC:
            continue
        concrete = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
        if anonymous.request(method, concrete).status_code != 401:
            failures.append(f"anonymous {method} {path} not 401")
        for role, client in clients.items():
            before = _audits(sqlite_database)
            status = client.request(method, concrete).status_code
            if role in expected and status in (401, 403, 500):
                failures.append(f"{role} {method} {path}: {status}, expected allowed")
            if role not in expected and status != 403:
                failures.append(f"{role} {method} {path}: {status}, expected 403")
            if _audits(sqlite_database) <= before:
                failures.append(f"{role} {method} {path}: not audited")
    assert failures == []
