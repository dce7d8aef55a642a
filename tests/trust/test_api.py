"""The HTTP API end to end: sessions and CSRF, tokens, errors, limits, headers, audit access."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trusthelpers import PASSWORD, add_user, api_client

from vetline.api import Settings, create_app
from vetline.api.deps import SESSION_COOKIE
from vetline.audit.chain import event_hash
from vetline.auth.roles import Role
from vetline.db import Database
from vetline.errors import BadInput

STRONG_SECRET = "s" * 48


def _app(database: Database, **overrides: Any) -> FastAPI:
    values: dict[str, Any] = {"demo_mode": True, "rate_limit_per_minute": 100_000, **overrides}
    return create_app(Settings(**values), database=database)


@pytest.fixture
def app(database: Database) -> FastAPI:
    return _app(database)


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str)
    return body["error"]  # type: ignore[no-any-return]


def test_session_cookie_csrf_and_logout(app: FastAPI, database: Database) -> None:
    add_user(database, "analyst.web", Role.DESK_ANALYST)
    client = api_client(app)
    response = client.post("/v1/auth/login", json={"username": "analyst.web", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    csrf = response.json()["csrf_token"]
    me = client.get("/v1/auth/me").json()
    assert me["role"] == "desk_analyst" and me["via"] == "session"
    assert "record.view" in me["permissions"] and "users.read" not in me["permissions"]
    _error(client.post("/v1/auth/logout"), 403, "forbidden")  # no CSRF header
    _error(client.post("/v1/auth/logout", headers={"X-CSRF-Token": "guess"}), 403, "forbidden")
    assert client.post("/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    _error(client.get("/v1/auth/me"), 401, "unauthenticated")


def test_password_change_and_form_csrf(app: FastAPI, database: Database) -> None:
    add_user(database, "changer", Role.LEAD_ANALYST)
    first, second = api_client(app, "changer"), api_client(app, "changer")
    new = "a brand new passphrase 42"
    bad = first.post(
        "/v1/auth/password", json={"current_password": "wrong" * 3, "new_password": new}
    )
    assert _error(bad, 422, "bad_input")["field"] == "password"
    ok = first.post("/v1/auth/password", json={"current_password": PASSWORD, "new_password": new})
    assert ok.status_code == 204
    assert first.get("/v1/auth/me").status_code == 200  # this session lives on
    _error(second.get("/v1/auth/me"), 401, "unauthenticated")  # the other one ended
    relogin = api_client(app).post("/v1/auth/login", json={"username": "changer", "password": new})
    assert relogin.status_code == 200
    # an HTML form post carries the CSRF token as a hidden field instead of a header
    csrf = first.headers.pop("X-CSRF-Token")
    _error(first.post("/v1/auth/logout", data={"csrf_token": "forged"}), 403, "forbidden")
    assert first.post("/v1/auth/logout", data={"csrf_token": csrf}).status_code == 204


def test_login_failures_lock_the_account_over_http(app: FastAPI, database: Database) -> None:
    add_user(database, "locked.one", Role.DESK_ANALYST)
    add_user(database, "admin.one", Role.ADMINISTRATOR)
    client = api_client(app)
    for _ in range(5):
        _error(
            client.post("/v1/auth/login", json={"username": "locked.one", "password": "x" * 12}),
            401,
            "unauthenticated",
        )
    _error(
        client.post("/v1/auth/login", json={"username": "locked.one", "password": PASSWORD}),
        401,
        "unauthenticated",
    )
    admin = api_client(app, "admin.one")
    users = {u["username"]: u for u in admin.get("/v1/users").json()}
    assert users["locked.one"]["locked"]
    unlocked = admin.post(
        f"/v1/users/{users['locked.one']['id']}/unlock", json={"reason": "called the help desk"}
    )
    assert unlocked.status_code == 200 and not unlocked.json()["locked"]
    assert api_client(app, "locked.one").get("/v1/auth/me").status_code == 200


def test_tokens_are_scoped_and_cannot_mint_tokens(app: FastAPI, database: Database) -> None:
    add_user(database, "agency.sys", Role.REQUESTING_AGENCY)
    web = api_client(app, "agency.sys")
    _error(web.post("/v1/tokens", json={"name": "cad", "scopes": ["users.read"]}), 422, "bad_input")
    narrow = web.post(
        "/v1/tokens", json={"name": "cad", "scopes": ["iaq.submit"], "expires_days": 30}
    )
    assert narrow.status_code == 201
    wide = web.post("/v1/tokens", json={"name": "ops", "scopes": ["tokens.own", "self"]})
    assert wide.status_code == 201
    bearer = api_client(app)
    bearer.headers["Authorization"] = f"Bearer {narrow.json()['token']}"
    _error(bearer.get("/v1/tokens"), 403, "forbidden")  # role may, token may not
    _error(bearer.get("/v1/auth/me"), 403, "forbidden")
    ops = api_client(app)
    ops.headers["Authorization"] = f"Bearer {wide.json()['token']}"
    listed = ops.get("/v1/tokens")  # no CSRF needed for bearer tokens
    assert listed.status_code == 200 and len(listed.json()) == 2
    assert all("token" not in t for t in listed.json())
    _error(ops.post("/v1/tokens", json={"name": "x", "scopes": ["self"]}), 403, "forbidden")
    revoked = web.post(
        f"/v1/tokens/{narrow.json()['info']['id']}/revoke", json={"reason": "rotated"}
    )
    assert revoked.status_code == 200 and revoked.json()["revoked"]
    _error(bearer.get("/v1/tokens"), 401, "unauthenticated")


def test_error_shapes(database: Database) -> None:
    app = _app(database, max_body_bytes=2048)

    @app.get("/v1/boom", dependencies=[])
    def boom() -> None:
        raise RuntimeError("secret personal data must not leak")

    add_user(database, "admin.err", Role.ADMINISTRATOR)
    client = api_client(app, "admin.err")
    _error(client.get("/v1/nothing-here"), 404, "not_found")
    _error(client.delete("/healthz"), 405, "method_not_allowed")
    err = _error(client.post("/v1/users", json={"username": "x"}), 422, "invalid_request")
    assert err["fields"]
    _error(
        client.post(
            "/v1/users", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
        "invalid_request",
    )
    bad = client.post(
        "/v1/users", json={"username": "new.user", "role": "emperor", "password": PASSWORD}
    )
    assert _error(bad, 422, "invalid_request")["fields"][0]["loc"] == ["body", "role"]
    weak = client.post(
        "/v1/users", json={"username": "new.user", "role": "auditor", "password": "short"}
    )
    assert _error(weak, 422, "bad_input")["field"] == "password"
    _error(
        client.post("/v1/users", content=b"x" * 5000, headers={"content-type": "application/json"}),
        413,
        "payload_too_large",
    )
    crash = client.get("/v1/boom")
    err = _error(crash, 500, "internal_error")
    assert "personal" not in crash.text and crash.headers["x-content-type-options"] == "nosniff"


def test_security_headers_on_every_response(app: FastAPI) -> None:
    client = api_client(app)
    for response in (client.get("/healthz"), client.get("/v1/users"), client.get("/nope")):
        headers = response.headers
        assert headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["cache-control"] == "no-store"
        assert "max-age" in headers["strict-transport-security"]
        assert headers["x-request-id"]


def test_rate_limit_per_credential(database: Database) -> None:
    app = _app(database, rate_limit_per_minute=5)
    add_user(database, "busy.agency", Role.REQUESTING_AGENCY)
    client = api_client(app, "busy.agency")
    statuses = [client.get("/v1/auth/me").status_code for _ in range(8)]
    assert statuses[:4] == [200] * 4 and statuses[-1] == 429
    limited = client.get("/v1/auth/me")
    _error(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) >= 1


def test_default_or_short_secret_refused_outside_demo(database: Database) -> None:
    with pytest.raises(BadInput, match="SECRET_KEY"):
        create_app(Settings(demo_mode=False), database=database)
    with pytest.raises(BadInput, match="SECRET_KEY"):
        create_app(Settings(demo_mode=False, secret_key="short"), database=database)
    assert create_app(Settings(demo_mode=False, secret_key=STRONG_SECRET), database=database)


def test_auditor_search_export_verify(app: FastAPI, database: Database) -> None:
    add_user(database, "auditor.one", Role.AUDITOR)
    add_user(database, "admin.two", Role.ADMINISTRATOR)
    admin = api_client(app, "admin.two")
    admin.get("/v1/users")
    auditor = api_client(app, "auditor.one")
    page = auditor.get(
        "/v1/audit/events", params={"actor_username": "admin.two", "event_type": "API_CALL"}
    ).json()
    assert page["events"] and all(e["actor_username"] == "admin.two" for e in page["events"])
    assert json.loads(page["events"][0]["details"])["route"] == "/v1/users"
    first = auditor.get("/v1/audit/events", params={"limit": 2}).json()
    second = auditor.get(
        "/v1/audit/events", params={"limit": 2, "after_seq": first["next_after_seq"]}
    )
    assert second.json()["events"][0]["seq"] == first["events"][-1]["seq"] + 1
    exported = auditor.get("/v1/audit/export", params={"format": "jsonl"})
    assert exported.status_code == 200
    rows = [json.loads(line) for line in exported.text.splitlines()]
    assert rows and all(
        event_hash({k: v for k, v in r.items() if k != "hash"}) == r["hash"] for r in rows
    )
    csv_export = auditor.get("/v1/audit/export", params={"format": "csv"})
    assert csv_export.text.startswith("seq,event_id,ts,")
    verify = auditor.get("/v1/audit/verify").json()
    assert verify["ok"] and verify["checked"] >= len(rows)
    _error(
        auditor.get("/v1/audit/events", params={"since": "2026-11-24T00:00:00"}), 422, "bad_input"
    )
    exports = auditor.get("/v1/audit/events", params={"event_type": "AUDIT_EXPORTED"}).json()
    assert len(exports["events"]) == 2


def test_injection_and_traversal_attempts_are_inert(app: FastAPI, database: Database) -> None:
    add_user(database, "auditor.two", Role.AUDITOR)
    add_user(database, "admin.three", Role.ADMINISTRATOR)
    auditor = api_client(app, "auditor.two")
    for attack in ("' OR '1'='1", "x'; DROP TABLE audit_events; --", "%' OR 1=1 --"):
        page = auditor.get("/v1/audit/events", params={"event_type": attack})
        assert page.status_code == 200 and page.json()["events"] == []
        _error(
            api_client(app).post("/v1/auth/login", json={"username": attack, "password": attack}),
            401,
            "unauthenticated",
        )
    admin = api_client(app, "admin.three")
    for path in (
        "/v1/users/..%2F..%2Fetc%2Fpasswd",
        "/v1/users/%2e%2e/%2e%2e/etc/passwd",
        "/../../etc/passwd",
    ):
        response = admin.get(path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert auditor.get("/v1/audit/verify").json()["ok"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.dictionaries(
            st.sampled_from(["username", "password", "totp", "extra"]),
            st.one_of(st.text(max_size=30), st.integers(), st.none()),
            max_size=4,
        ),
        st.lists(st.integers(), max_size=3),
        st.text(max_size=20),
    )
)
def test_login_never_errors_on_any_body(app: FastAPI, body: Any) -> None:
    response = api_client(app).post("/v1/auth/login", json=body)
    assert response.status_code in (401, 422, 429)
    assert "error" in response.json()


def test_session_cookie_name_is_stable() -> None:
    assert SESSION_COOKIE == "vetline_session"  # the web app and proxies rely on it
