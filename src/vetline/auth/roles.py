"""Roles, permissions and row scopes: the ONE place that decides who may do what.

Deny by default: a permission not in :data:`PERMISSIONS`, or a role not listed for it, is
refused; a role without a row-scope entry sees no rows. Routes declare the permission they
need (``vetline.api.deps.require``) and the shared query path narrows rows with
:func:`scope_filter`; nothing else in the code base decides access. Adding a feature means
adding its permission row here, and the route-walking test then asks for its expected
allow/deny line.

Separation of duties (CJIS AC-5): the administrator manages accounts and sees no case data
and no audit; the auditor reads the audit and nothing else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.sql.elements import KeyedColumnElement

from vetline.errors import BadInput


class Role(StrEnum):
    """Account roles (issue 6 §2)."""

    REQUESTING_AGENCY = "requesting_agency"
    DESK_ANALYST = "desk_analyst"
    VETTING_OFFICER = "vetting_officer"
    SUPERVISOR = "supervisor"
    LEAD_ANALYST = "lead_analyst"
    FIELD_OFFICER = "field_officer"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"
    #: Designated to determine citizenship claims and reviews (vetline.vetting.claims).
    CITIZENSHIP_REVIEWER = "citizenship_reviewer"
    #: A 287(g) partner agency's officer (INA 287(g), 8 U.S.C. 1357(g)): bound to the agency's
    #: ORI; submits the rosters of its own facilities and reads its own bookings' results.
    PARTNER_OFFICER = "partner_officer"


class Permission(StrEnum):
    """Actions a route or service can require."""

    SELF = "self"  # see one's own account, log out
    TOKENS_OWN = "tokens.own"  # issue, list and revoke one's own API tokens
    TOKENS_REVOKE_ANY = "tokens.revoke_any"
    USERS_READ = "users.read"
    USERS_WRITE = "users.write"  # create, disable, enable, unlock, change role
    AUDIT_READ = "audit.read"
    AUDIT_EXPORT = "audit.export"
    AUDIT_VERIFY = "audit.verify"
    # Declared for the query desk and vetting packages (their routes arrive later):
    IAQ_SUBMIT = "iaq.submit"
    IAR_READ = "iar.read"
    RECORD_VIEW = "record.view"  # a person's full records
    CASE_DECIDE = "case.decide"
    DETAINER_APPROVE = "detainer.approve"
    LEAD_READ = "lead.read"
    BATCH_RUN = "batch.run"
    IAQ_ANSWER = "iaq.answer"  # claim and answer queued IAQs (the desk's analysts)
    OPS_READ = "ops.read"  # the desk's operations numbers
    LEAD_REVIEW = "lead.review"  # import batch results, review the audit sample, confirm,
    # reject, assign leads; the citizenship-review list, corrections, lead metrics
    LEAD_WORK = "lead.work"  # record a field outcome on a lead of one's own AOR
    # The vetting centre (vetline.vetting):
    CASE_READ = "case.read"  # cases, their checklist, records and snapshots
    REQUEST_READ = "request.read"  # requests and their documents (row-scoped)
    REQUEST_SERVE = "request.serve"  # record that a detainer was served on the subject
    REQUEST_RESPOND = "request.respond"  # the addressed agency acknowledges or declines
    CLAIM_FILE = "claim.file"  # citizenship-claim intake (hotline, attorney, agency)
    CLAIM_READ = "claim.read"
    CLAIM_DETERMINE = "claim.determine"  # the written determination
    CORRECTION_READ = "correction.read"  # source-correction items per source system
    VETTING_OPS_READ = "ops.vetting"  # the vetting centre's numbers
    USERS_APPROVE = "users.approve"  # approve or reject another administrator's request
    IAQ_ASK = "iaq.ask"  # an agency asks to expedite or explain one of its own queries
    # Jail rosters (vetline.batch.rosters; row scope: a partner officer's own ORI):
    ROSTER_SUBMIT = "roster.submit"  # submit a facility's daily booking list
    ROSTER_READ = "roster.read"  # roster jobs and the results of their bookings


ANALYSTS: Final = frozenset(
    {Role.DESK_ANALYST, Role.VETTING_OFFICER, Role.SUPERVISOR, Role.LEAD_ANALYST}
)
EVERYONE: Final = frozenset(Role)

#: permission → roles allowed. The only permission table.
PERMISSIONS: Final[Mapping[Permission, frozenset[Role]]] = {
    Permission.SELF: EVERYONE,
    Permission.TOKENS_OWN: frozenset({Role.REQUESTING_AGENCY, Role.ADMINISTRATOR}),
    Permission.TOKENS_REVOKE_ANY: frozenset({Role.ADMINISTRATOR}),
    Permission.USERS_READ: frozenset({Role.ADMINISTRATOR}),
    Permission.USERS_WRITE: frozenset({Role.ADMINISTRATOR}),
    Permission.AUDIT_READ: frozenset({Role.AUDITOR}),
    Permission.AUDIT_EXPORT: frozenset({Role.AUDITOR}),
    Permission.AUDIT_VERIFY: frozenset({Role.AUDITOR}),
    Permission.IAQ_SUBMIT: frozenset({Role.REQUESTING_AGENCY, Role.DESK_ANALYST}),
    # Field officers read the IARs routed to their AOR (row scope OWN_AOR): the office is told.
    Permission.IAR_READ: frozenset({Role.REQUESTING_AGENCY, Role.FIELD_OFFICER, *ANALYSTS}),
    Permission.RECORD_VIEW: ANALYSTS,
    Permission.CASE_DECIDE: frozenset({Role.VETTING_OFFICER, Role.SUPERVISOR}),
    Permission.DETAINER_APPROVE: frozenset({Role.SUPERVISOR}),
    Permission.LEAD_READ: frozenset({Role.LEAD_ANALYST, Role.FIELD_OFFICER, Role.SUPERVISOR}),
    Permission.BATCH_RUN: frozenset({Role.LEAD_ANALYST}),
    Permission.IAQ_ANSWER: frozenset({Role.DESK_ANALYST, Role.SUPERVISOR}),
    Permission.OPS_READ: frozenset({Role.DESK_ANALYST, Role.SUPERVISOR}),
    Permission.LEAD_REVIEW: frozenset({Role.LEAD_ANALYST, Role.SUPERVISOR}),
    # Only the field works a lead (row scope OWN_AOR: leads routed to the officer's AOR).
    Permission.LEAD_WORK: frozenset({Role.FIELD_OFFICER}),
    Permission.CASE_READ: frozenset(
        {Role.VETTING_OFFICER, Role.SUPERVISOR, Role.CITIZENSHIP_REVIEWER}
    ),
    # Agencies see requests addressed to them, field officers referrals of their AOR (row scope).
    Permission.REQUEST_READ: frozenset(
        {
            Role.REQUESTING_AGENCY,
            Role.FIELD_OFFICER,
            Role.VETTING_OFFICER,
            Role.SUPERVISOR,
            Role.CITIZENSHIP_REVIEWER,
        }
    ),
    Permission.REQUEST_SERVE: frozenset(
        {Role.REQUESTING_AGENCY, Role.VETTING_OFFICER, Role.SUPERVISOR}
    ),
    Permission.REQUEST_RESPOND: frozenset({Role.REQUESTING_AGENCY}),
    Permission.CLAIM_FILE: frozenset(
        {Role.REQUESTING_AGENCY, Role.VETTING_OFFICER, Role.SUPERVISOR, Role.CITIZENSHIP_REVIEWER}
    ),
    Permission.CLAIM_READ: frozenset(
        {Role.VETTING_OFFICER, Role.SUPERVISOR, Role.CITIZENSHIP_REVIEWER}
    ),
    Permission.CLAIM_DETERMINE: frozenset({Role.CITIZENSHIP_REVIEWER}),
    Permission.CORRECTION_READ: frozenset(
        {Role.VETTING_OFFICER, Role.SUPERVISOR, Role.CITIZENSHIP_REVIEWER}
    ),
    Permission.VETTING_OPS_READ: frozenset({Role.VETTING_OFFICER, Role.SUPERVISOR}),
    Permission.USERS_APPROVE: frozenset({Role.ADMINISTRATOR}),
    Permission.IAQ_ASK: frozenset({Role.REQUESTING_AGENCY}),
    # A partner officer only for its agency's facilities; lead analysts for any (CAP).
    Permission.ROSTER_SUBMIT: frozenset({Role.PARTNER_OFFICER, Role.LEAD_ANALYST}),
    Permission.ROSTER_READ: frozenset({Role.PARTNER_OFFICER, Role.LEAD_ANALYST}),
}

#: What an account must not get from one administrator alone (CJIS AC-5, AC-6): case data,
#: the audit trail, or account administration itself (an administrator created alone
#: could approve the first one's requests, so two-person control would be one person).
SENSITIVE: Final = frozenset(
    {
        Permission.IAR_READ,
        Permission.RECORD_VIEW,
        Permission.CASE_DECIDE,
        Permission.LEAD_READ,
        Permission.IAQ_ANSWER,
        Permission.IAQ_SUBMIT,
        Permission.AUDIT_READ,
        Permission.AUDIT_EXPORT,
        Permission.USERS_WRITE,
        # The workflows that followed: each reads case data of persons.
        Permission.CASE_READ,
        Permission.CLAIM_READ,
        Permission.CLAIM_DETERMINE,
        Permission.REQUEST_READ,
        Permission.LEAD_REVIEW,
        Permission.LEAD_WORK,
        Permission.BATCH_RUN,
        Permission.ROSTER_SUBMIT,
        Permission.ROSTER_READ,
    }
)


def needs_second_administrator(role: Role | str) -> bool:
    """Whether creating an account with ``role``, or moving one to it, needs a second
    administrator's approval: the role holds any :data:`SENSITIVE` permission."""
    return any(allowed(role, permission) for permission in SENSITIVE)


#: Roles whose accounts may (and, with ``totp_required``, must) use a TOTP second factor.
TOTP_ROLES: Final = frozenset(
    {*ANALYSTS, Role.FIELD_OFFICER, Role.CITIZENSHIP_REVIEWER, Role.PARTNER_OFFICER}
)


def allowed(role: Role | str, permission: Permission) -> bool:
    """Whether ``role`` holds ``permission``; unknown roles and permissions are denied."""
    try:
        return Role(role) in PERMISSIONS.get(permission, frozenset())
    except ValueError:
        return False


def permissions_of(role: Role | str) -> frozenset[Permission]:
    """Every permission ``role`` holds (what its API tokens may be scoped to)."""
    return _permissions_of(Role(role))


@functools.cache
def _permissions_of(role: Role) -> frozenset[Permission]:
    # Asked on every token-authenticated request; the table is fixed at import.
    return frozenset(p for p in PERMISSIONS if allowed(role, p))


class ScopeKind(StrEnum):
    """Which rows a role may read in the shared query path."""

    ALL = "all"
    OWN_ORI = "own_ori"
    OWN_AOR = "own_aor"
    NONE = "none"


#: role → row scope; a role missing here sees nothing.
ROW_SCOPES: Final[Mapping[Role, ScopeKind]] = {
    Role.REQUESTING_AGENCY: ScopeKind.OWN_ORI,
    Role.FIELD_OFFICER: ScopeKind.OWN_AOR,
    Role.DESK_ANALYST: ScopeKind.ALL,
    Role.VETTING_OFFICER: ScopeKind.ALL,
    Role.SUPERVISOR: ScopeKind.ALL,
    Role.LEAD_ANALYST: ScopeKind.ALL,
    Role.CITIZENSHIP_REVIEWER: ScopeKind.ALL,
    Role.PARTNER_OFFICER: ScopeKind.OWN_ORI,
}


@dataclass(frozen=True)
class RowScope:
    """A principal's row scope: the kind and the ORI or AOR it is bound to."""

    kind: ScopeKind
    value: str | None = None


def row_scope(role: Role | str, ori: str | None, aor: str | None) -> RowScope:
    """The row scope of an account; a scope whose binding value is missing sees nothing."""
    try:
        kind = ROW_SCOPES.get(Role(role), ScopeKind.NONE)
    except ValueError:
        kind = ScopeKind.NONE
    if kind is ScopeKind.OWN_ORI:
        return RowScope(kind, ori) if ori else RowScope(ScopeKind.NONE)
    if kind is ScopeKind.OWN_AOR:
        return RowScope(kind, aor) if aor else RowScope(ScopeKind.NONE)
    return RowScope(kind)


def scope_filter(
    scope: RowScope,
    *,
    ori_column: KeyedColumnElement[str] | None = None,
    aor_column: KeyedColumnElement[str] | None = None,
) -> ColumnElement[bool]:
    """A WHERE clause limiting a query to ``scope``; the shared query path ANDs it in.

    A table that lacks the column a scope needs is a programming error, raised loudly
    rather than answered with every row.
    """
    if scope.kind is ScopeKind.ALL:
        return true()
    if scope.kind is ScopeKind.NONE:
        return false()
    column = ori_column if scope.kind is ScopeKind.OWN_ORI else aor_column
    if column is None:
        raise ValueError(f"row scope {scope.kind} needs a column the query did not give")
    return column == scope.value


ORI_PATTERN: Final = re.compile(r"^[A-Z]{2}[A-Z0-9]{7}$")
AOR_PATTERN: Final = re.compile(r"^[A-Z]{2,4}$")


def check_ori(value: str, field: str = "ori") -> str:
    """An ORI: 9 characters, state or member code (two letters) first."""
    ori = value.strip().upper()
    if not ORI_PATTERN.match(ori):
        raise BadInput(field, "must be 9 letters/digits starting with a two-letter state code")
    return ori


def check_aor(value: str, field: str = "aor") -> str:
    """An ERO area-of-responsibility code such as ``LOS`` (2-4 letters)."""
    aor = value.strip().upper()
    if not AOR_PATTERN.match(aor):
        raise BadInput(field, "must be a 2-4 letter area-of-responsibility code such as LOS")
    return aor


def check_role(value: str, field: str = "role") -> Role:
    """A role name, with the list of valid ones in the error."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise BadInput(field, f"unknown role; one of {', '.join(Role)}") from None
