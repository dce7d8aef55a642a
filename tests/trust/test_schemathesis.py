"""Schemathesis against the live OpenAPI schema, in-process (ASGI): no server error, ever.

Each operation is called with a principal that may use it (so generated data reaches the
route bodies, not only the permission gate) and the responses are validated against the
schema. Logout is left out: it would end the session the other cases use.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from trusthelpers import add_user, api_client

from vetline.api import Settings, create_app
from vetline.auth.roles import Role
from vetline.db import Database, upgrade

#: Generated cases per operation; ``VETLINE_FUZZ_EXAMPLES=500`` for a deeper run by hand.
EXAMPLES = int(os.environ.get("VETLINE_FUZZ_EXAMPLES", "25"))
#: Business rules (duplicate username, role needs an ORI, password policy) refuse some
#: schema-valid bodies with 422 by design, so "schema-valid data must be accepted" is off.
EXCLUDED = [positive_data_acceptance]
PRINCIPALS = {
    "/v1/users": "st.admin",
    "/v1/audit": "st.auditor",
    "/v1/tokens": "st.agency",
    "/v1/auth": "st.agency",
    "/v1/leads": "st.lead",
    "/v1/batch-jobs": "st.lead",
    "/v1/rosters": "st.lead",
}


def _database(request: pytest.FixtureRequest, base: Path) -> Database:
    """A migrated database on the fixture's backend (a new one on the session's server)."""
    url = f"sqlite:///{base / 'vetline.db'}"
    if request.param == "postgres":
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(f"st_{uuid.uuid4().hex[:12]}")
    database = Database.from_url(url)
    upgrade(database.engine)
    return database


def _credentials(app: Any, usernames: set[str]) -> dict[str, dict[str, Any]]:
    """Each user's session cookie and CSRF header, logged in once."""
    creds = {}
    for username in usernames:
        client: Any = api_client(app, username)
        creds[username] = {
            "headers": {"X-CSRF-Token": client.headers["X-CSRF-Token"]},
            "cookies": dict(client.cookies),
        }
    return creds


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def st_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The API on each backend: PostgreSQL enforces the columns' widths SQLite ignores, so a
    text the API let through too long is a server error only there."""
    base: Path = tmp_path_factory.mktemp("schemathesis")
    database = _database(request, base)
    add_user(database, "st.admin", Role.ADMINISTRATOR)
    add_user(database, "st.auditor", Role.AUDITOR)
    add_user(database, "st.agency", Role.REQUESTING_AGENCY)
    add_user(database, "st.lead", Role.LEAD_ANALYST)
    settings = Settings(demo_mode=True, rate_limit_per_minute=1_000_000, data=base / "data")
    return create_app(settings, database=database)


@pytest.fixture(scope="module")
def st_credentials(st_app: FastAPI) -> dict[str, dict[str, Any]]:
    return _credentials(st_app, set(PRINCIPALS.values()))


@pytest.fixture(scope="module")
def api_schema(st_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", st_app).exclude(path="/v1/auth/logout")


def _fuzz(operation: Any, extra: dict[str, Any]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: Any) -> None:
        case.call_and_validate(base_url="https://testserver", excluded_checks=EXCLUDED, **extra)

    check()


def test_no_server_error_and_schema_conformance(
    api_schema: Any, st_credentials: dict[str, dict[str, Any]]
) -> None:
    """Every operation, ~25 generated cases each (schemathesis' pytest loader does not
    support this pytest yet, so the operations are driven through Hypothesis directly)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        user = next(
            (u for prefix, u in PRINCIPALS.items() if operation.path.startswith(prefix)), None
        )
        _fuzz(operation, st_credentials[user] if user else {})


#: The desk's and the vetting centre's routes, each with a principal that may call it.
WORKFLOW_PRINCIPALS = {
    "/v1/iaq": "wf.agency",
    "/v1/iar": "wf.agency",
    "/v1/queue": "wf.analyst",
    "/v1/ops": "wf.supervisor",
    "/v1/cases": "wf.officer",
    "/v1/requests": "wf.officer",
    "/v1/vetting": "wf.officer",
    "/v1/corrections": "wf.officer",
    "/v1/citizenship-claims": "wf.reviewer",
    "/v1/account-requests": "wf.admin",
}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def workflow_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, small_store: Path
) -> Any:
    """The API with the desk and the vetting centre on a small built world, on each backend:
    their bodies reach the routes (the app above has no desk, so they only answered 503)."""
    import shutil

    from vetline.api.routers.desk import install_desk
    from vetline.api.routers.vetting import install_vetting
    from vetline.desk.service import DeskService
    from vetline.person import PersonLookup
    from vetline.resolve import build_persons
    from vetline.status import load_policy
    from vetline.vetting import VettingService

    base: Path = tmp_path_factory.mktemp("schemathesis-workflows")
    data = base / "data"
    shutil.copytree(small_store, data)
    build_persons(data)
    database = _database(request, base)
    for name, role in (
        ("wf.agency", Role.REQUESTING_AGENCY), ("wf.analyst", Role.DESK_ANALYST),
        ("wf.supervisor", Role.SUPERVISOR), ("wf.officer", Role.VETTING_OFFICER),
        ("wf.reviewer", Role.CITIZENSHIP_REVIEWER), ("wf.admin", Role.ADMINISTRATOR),
    ):  # fmt: skip
        add_user(database, name, role)
    settings = Settings(demo_mode=True, rate_limit_per_minute=1_000_000, data=data)
    app = create_app(settings, database=database)
    desk = DeskService(database, PersonLookup.open(data), policy=load_policy())
    install_desk(app, desk)
    install_vetting(app, VettingService(desk, data_dir=data))
    yield app
    desk.close()


def test_no_server_error_in_the_desk_and_vetting_routes(workflow_app: Any) -> None:
    """The desk's and the vetting centre's operations with a principal each, both backends."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", workflow_app)
    creds = _credentials(workflow_app, set(WORKFLOW_PRINCIPALS.values()))
    fuzzed = 0
    for operation in (result.ok() for result in schema.get_all_operations()):
        user = next(
            (u for p, u in WORKFLOW_PRINCIPALS.items() if operation.path.startswith(p)), None
        )
        if user is not None:
            _fuzz(operation, creds[user])
            fuzzed += 1
    assert fuzzed >= 40
