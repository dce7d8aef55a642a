"""Accounts, login, lockout, TOTP, sessions and scoped tokens through the services."""

from __future__ import annotations

from collections.abc import Callable

import pyotp
import pytest
from sqlalchemy import select
from trusthelpers import ORI, PASSWORD, Clock, add_user

from vetline.audit.models import AuditEvent
from vetline.auth import accounts
from vetline.auth.errors import Forbidden, NotFound
from vetline.auth.login import authenticate_session, login, logout
from vetline.auth.policy import AuthPolicy
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, Role
from vetline.auth.tokens import authenticate_token, issue_token, note_token_use, revoke_token
from vetline.db import Actor, Database, UnitOfWork
from vetline.errors import BadInput

Factory = Callable[..., UnitOfWork]


def _login(
    make: Factory, policy: AuthPolicy, name: str, password: str = PASSWORD, totp: str | None = None
) -> Principal | None:
    with make() as uow:
        outcome = login(uow, policy, name, password, totp, "10.1.1.1")
        uow.commit()
    return outcome.principal


def _events(database: Database, event_type: str) -> list[AuditEvent]:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        events = list(
            uow.session.scalars(select(AuditEvent).where(AuditEvent.event_type == event_type))
        )
        uow.session.expunge_all()  # keep them readable after the read-only unit rolls back
        return events


def test_login_success_and_failure_are_audited(
    database: Database, uow_factory: Factory, policy: AuthPolicy
) -> None:
    add_user(database, "agency1", Role.REQUESTING_AGENCY)
    principal = _login(uow_factory, policy, "agency1")
    assert principal is not None and principal.ori == ORI and principal.via == "session"
    assert _login(uow_factory, policy, "agency1", "wrong password!!") is None
    assert _login(uow_factory, policy, "nobody") is None
    assert len(_events(database, "LOGIN_SUCCEEDED")) == 1
    failed = _events(database, "LOGIN_FAILED")
    assert [e.reason for e in failed] == ["wrong password", "unknown username"]
    assert all(e.client == "10.1.1.1" for e in failed)


def test_lockout_after_five_failures_until_unlocked(
    database: Database, uow_factory: Factory, policy: AuthPolicy, clock: Clock
) -> None:
    add_user(database, "analyst1", Role.DESK_ANALYST)
    for _ in range(policy.lockout_threshold):
        clock.advance(minutes=1)
        assert _login(uow_factory, policy, "analyst1", "not the password") is None
    assert _login(uow_factory, policy, "analyst1") is None  # right password, still locked
    assert len(_events(database, "ACCOUNT_LOCKED")) == 1
    with uow_factory() as uow:
        accounts.unlock_user(uow, "analyst1", "identity confirmed by phone")
        uow.commit()
    assert _login(uow_factory, policy, "analyst1") is not None


def test_failures_outside_the_window_do_not_lock(
    database: Database, uow_factory: Factory, policy: AuthPolicy, clock: Clock
) -> None:
    add_user(database, "analyst2", Role.DESK_ANALYST)
    for _ in range(policy.lockout_threshold * 2):
        clock.advance(minutes=8)  # two failures per 15-minute window at most
        assert _login(uow_factory, policy, "analyst2", "not the password") is None
    assert _login(uow_factory, policy, "analyst2") is not None


def test_totp_is_required_once_set_up_and_not_replayable(
    database: Database, uow_factory: Factory, policy: AuthPolicy, clock: Clock
) -> None:
    _, uri = add_user(database, "officer1", Role.VETTING_OFFICER, totp=True)
    assert uri is not None
    totp = pyotp.parse_uri(uri)
    code = totp.at(clock.now)
    assert _login(uow_factory, policy, "officer1") is None  # no code
    assert (
        _login(uow_factory, policy, "officer1", totp="000000" if code != "000000" else "111111")
        is None
    )
    assert _login(uow_factory, policy, "officer1", totp=code) is not None
    assert _login(uow_factory, policy, "officer1", totp=code) is None  # replay


def test_totp_only_for_analyst_roles(database: Database) -> None:
    with pytest.raises(BadInput, match="totp"):
        add_user(database, "admin1", Role.ADMINISTRATOR, totp=True)


def test_session_idle_timeout_and_logout(
    database: Database, uow_factory: Factory, policy: AuthPolicy, clock: Clock
) -> None:
    add_user(database, "super1", Role.SUPERVISOR)
    with uow_factory() as uow:
        outcome = login(uow, policy, "super1", PASSWORD)
        uow.commit()
    cookie = outcome.session_token
    assert cookie is not None
    for _ in range(3):  # activity keeps it alive past 30 minutes in total
        clock.advance(minutes=20)
        with uow_factory() as uow:
            assert authenticate_session(uow, policy, cookie) is not None
            uow.commit()
    clock.advance(minutes=31)
    with uow_factory() as uow:
        assert authenticate_session(uow, policy, cookie) is None
        uow.commit()
    assert [e.reason for e in _events(database, "SESSION_EXPIRED")] == ["idle_timeout"]
    with uow_factory() as uow:
        second = login(uow, policy, "super1", PASSWORD)
        uow.commit()
    assert second.principal is not None and second.session_token is not None
    with uow_factory(second.principal.actor()) as uow:
        logout(uow, second.principal)
        uow.commit()
    with uow_factory() as uow:
        assert authenticate_session(uow, policy, second.session_token) is None


def test_session_absolute_limit(
    database: Database, uow_factory: Factory, policy: AuthPolicy, clock: Clock
) -> None:
    add_user(database, "super2", Role.SUPERVISOR)
    with uow_factory() as uow:
        cookie = login(uow, policy, "super2", PASSWORD).session_token
        uow.commit()
    assert cookie is not None
    for _ in range(int(policy.session_max.total_seconds() // 1200) + 1):
        clock.advance(minutes=20)
        with uow_factory() as uow:
            alive = authenticate_session(uow, policy, cookie)
            uow.commit()
    assert alive is None


def test_token_scopes_limit_what_a_token_may_do(
    database: Database, uow_factory: Factory, policy: AuthPolicy
) -> None:
    add_user(database, "agency2", Role.REQUESTING_AGENCY)
    session = _login(uow_factory, policy, "agency2")
    assert session is not None
    with uow_factory(session.actor()) as uow:
        with pytest.raises(BadInput, match="does not hold"):
            issue_token(uow, policy, session, "cad", ["users.read"], 30)
        with pytest.raises(BadInput, match="unknown permission"):
            issue_token(uow, policy, session, "cad", ["iaq.everything"], 30)
        clear, token = issue_token(uow, policy, session, "cad system", ["iaq.submit"], 30)
        uow.commit()
    with uow_factory() as uow:
        principal = authenticate_token(uow, policy, clear)
        uow.commit()
    assert principal is not None and principal.via == "token"
    assert principal.can(Permission.IAQ_SUBMIT)
    assert not principal.can(Permission.IAR_READ)  # the role holds it, the token does not
    assert not principal.can(Permission.USERS_READ)
    with uow_factory(principal.actor()) as uow, pytest.raises(Forbidden):
        issue_token(uow, policy, principal, "child", ["iaq.submit"], 30)
    with uow_factory() as uow:
        assert authenticate_token(uow, policy, clear + "x") is None
        assert authenticate_token(uow, policy, "not-a-token") is None
    add_user(database, "agency3", Role.REQUESTING_AGENCY)
    other = _login(uow_factory, policy, "agency3")
    assert other is not None
    with uow_factory(other.actor()) as uow, pytest.raises(NotFound):
        revoke_token(uow, other, token.id, "not mine")
    with uow_factory(session.actor()) as uow:
        revoke_token(uow, session, token.id, "rotated")
        uow.commit()
    with uow_factory() as uow:
        assert authenticate_token(uow, policy, clear) is None


def test_disable_ends_sessions_and_tokens(
    database: Database, uow_factory: Factory, policy: AuthPolicy
) -> None:
    add_user(database, "agency4", Role.REQUESTING_AGENCY)
    with uow_factory() as uow:
        outcome = login(uow, policy, "agency4", PASSWORD)
        uow.commit()
    assert outcome.principal is not None and outcome.session_token is not None
    with uow_factory(outcome.principal.actor()) as uow:
        clear, _ = issue_token(uow, policy, outcome.principal, "cad", ["iaq.submit"], 30)
        uow.commit()
    with uow_factory() as uow:
        accounts.disable_user(uow, "agency4", "left the agency")
        uow.commit()
    with uow_factory() as uow:
        assert authenticate_session(uow, policy, outcome.session_token) is None
        assert authenticate_token(uow, policy, clear) is None
    assert _login(uow_factory, policy, "agency4") is None


def test_role_change_is_audited_with_before_and_after(
    database: Database, uow_factory: Factory
) -> None:
    add_user(database, "field1", Role.FIELD_OFFICER)
    with uow_factory() as uow, pytest.raises(BadInput, match="ori"):
        accounts.change_role(
            uow, "field1", "requesting_agency", ori=None, aor=None, reason="transfer"
        )
    with uow_factory() as uow:
        accounts.change_role(
            uow, "field1", "requesting_agency", ori="ny0300000", aor=None, reason="transfer"
        )
        uow.commit()
    (event,) = _events(database, "USER_ROLE_CHANGED")
    assert '"before":{"aor":"LOS","ori":null,"role":"field_officer"}' in event.details
    assert '"ori":"NY0300000"' in event.details


def test_duplicate_username_refused(database: Database) -> None:
    add_user(database, "dup.user", Role.AUDITOR)
    with pytest.raises(BadInput, match="already exists"):
        add_user(database, "DUP.USER", Role.AUDITOR)


def test_inactive_accounts_are_disabled(
    database: Database, uow_factory: Factory, policy: AuthPolicy, clock: Clock
) -> None:
    with uow_factory() as uow:  # accounts created "now" by the test clock
        for name, role in (
            ("idle.one", Role.DESK_ANALYST),
            ("busy.one", Role.DESK_ANALYST),
            ("system.one", Role.REQUESTING_AGENCY),
        ):
            new = accounts.NewUser.parse(
                username=name,
                role=str(role),
                password=PASSWORD,
                ori=ORI if role is Role.REQUESTING_AGENCY else None,
            )
            accounts.create_user(uow, new)
        uow.commit()
    system = _login(uow_factory, policy, "system.one")
    assert system is not None
    with uow_factory(system.actor()) as uow:
        clear, _ = issue_token(uow, policy, system, "cad", ["iaq.submit"], 365)
        uow.commit()
    clock.advance(days=80)
    assert _login(uow_factory, policy, "busy.one") is not None
    with uow_factory() as uow:
        used = authenticate_token(uow, policy, clear)  # the system uses its token (the gate
        assert used is not None  # reads it, then records the use in its writing unit)
        note_token_use(uow, used.credential_id)
        uow.commit()
    clock.advance(days=20)
    with uow_factory() as uow:
        disabled = [u.username for u in accounts.disable_inactive(uow, 90)]
        uow.commit()
    assert disabled == ["idle.one"]


def test_the_token_recheck_reads_its_columns_by_name() -> None:
    """The writer's re-check reads the token's row from the cursor as a tuple: its
    names must be the statement's columns, in order."""
    from vetline.auth import tokens

    assert tokens._TokenRow._fields == tuple(c.key for c in tokens._COLUMNS)
