"""The permission table and row scopes (pure), plus property tests of the input parsers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import column, select, table

from vetline.auth.accounts import NewUser
from vetline.auth.roles import (
    PERMISSIONS,
    Permission,
    Role,
    ScopeKind,
    allowed,
    check_aor,
    check_ori,
    row_scope,
    scope_filter,
)
from vetline.auth.tokens import parse_scopes
from vetline.errors import BadInput


def test_every_permission_is_declared() -> None:
    assert set(PERMISSIONS) == set(Permission)


def test_deny_by_default() -> None:
    assert not allowed("no_such_role", Permission.SELF)
    assert not allowed(Role.ADMINISTRATOR, Permission.AUDIT_READ)  # AC-5
    assert not allowed(Role.AUDITOR, Permission.USERS_WRITE)
    assert not allowed(Role.REQUESTING_AGENCY, Permission.RECORD_VIEW)


@pytest.mark.parametrize(
    ("role", "ori", "aor", "kind", "value"),
    [
        (Role.REQUESTING_AGENCY, "CA0194200", None, ScopeKind.OWN_ORI, "CA0194200"),
        (Role.REQUESTING_AGENCY, None, None, ScopeKind.NONE, None),
        (Role.FIELD_OFFICER, None, "LOS", ScopeKind.OWN_AOR, "LOS"),
        (Role.DESK_ANALYST, None, None, ScopeKind.ALL, None),
        (Role.AUDITOR, None, None, ScopeKind.NONE, None),
        (Role.ADMINISTRATOR, None, None, ScopeKind.NONE, None),
        ("unknown", "CA0194200", "LOS", ScopeKind.NONE, None),
    ],
)
def test_row_scopes(
    role: str, ori: str | None, aor: str | None, kind: ScopeKind, value: str | None
) -> None:
    scope = row_scope(role, ori, aor)
    assert (scope.kind, scope.value) == (kind, value)


def test_scope_filter_narrows_a_query() -> None:
    queries = table("queries", column("id"), column("ori"), column("aor"))
    agency = row_scope(Role.REQUESTING_AGENCY, "CA0194200", None)
    stmt = select(queries.c.id).where(
        scope_filter(agency, ori_column=queries.c.ori, aor_column=queries.c.aor)
    )
    assert "queries.ori = :ori_1" in str(stmt)
    nobody = select(queries.c.id).where(scope_filter(row_scope(Role.AUDITOR, None, None)))
    assert "false" in str(
        nobody.compile(compile_kwargs={"literal_binds": True})
    ).lower() or "0 = 1" in str(nobody.compile(compile_kwargs={"literal_binds": True}))
    with pytest.raises(ValueError, match="needs a column"):
        scope_filter(row_scope(Role.FIELD_OFFICER, None, "LOS"), ori_column=queries.c.ori)


@given(st.text(max_size=20))
def test_check_ori_accepts_only_well_formed(value: str) -> None:
    try:
        ori = check_ori(value)
    except BadInput as exc:
        assert exc.field == "ori"
    else:
        assert len(ori) == 9 and ori[:2].isalpha() and ori.isascii() and ori.isupper()


@given(st.text(max_size=8))
def test_check_aor(value: str) -> None:
    try:
        aor = check_aor(value)
    except BadInput:
        return
    assert 2 <= len(aor) <= 4 and aor.isascii() and aor.isalpha()


@given(
    username=st.text(max_size=70),
    role=st.one_of(st.sampled_from([str(r) for r in Role]), st.text(max_size=20)),
    password=st.text(max_size=40),
    ori=st.one_of(st.none(), st.text(max_size=12), st.just("CA0194200")),
    aor=st.one_of(st.none(), st.text(max_size=5), st.just("LOS")),
)
def test_new_user_parser_never_crashes(
    username: str, role: str, password: str, ori: str | None, aor: str | None
) -> None:
    """Whatever arrives, the parser returns a valid request or names the bad field."""
    try:
        new = NewUser.parse(username=username, role=role, password=password, ori=ori, aor=aor)
    except BadInput as exc:
        assert exc.field in {"username", "role", "password", "ori", "aor"}
        return
    assert new.role in set(Role)
    if new.role is Role.REQUESTING_AGENCY:
        assert new.ori is not None
    if new.role is Role.FIELD_OFFICER:
        assert new.aor is not None


@given(st.lists(st.text(max_size=20), max_size=5), st.sampled_from(list(Role)))
def test_scope_parser(scopes: list[str], role: Role) -> None:
    try:
        granted = parse_scopes(role, scopes)
    except BadInput as exc:
        assert exc.field == "scopes"
        return
    assert granted and all(allowed(role, p) for p in granted)
