"""Accounts, authentication and the one permission table.

Edit here: who may do what (``roles.py``: the permission table, row scopes), account
administration (``accounts.py``), the two-administrator rule for accounts and roles
(``requests.py``), enrolment secrets (``enrolment.py``), login/lockout/sessions
(``login.py``), API tokens (``tokens.py``), hashing, the password check and TOTP
(``secrets.py``), the ``vetline users`` CLI (``cli.py``).
"""

from __future__ import annotations

from vetline.auth.errors import Forbidden, NotFound, Unauthenticated
from vetline.auth.policy import AuthPolicy
from vetline.auth.principal import Principal
from vetline.auth.roles import (
    PERMISSIONS,
    Permission,
    Role,
    RowScope,
    ScopeKind,
    allowed,
    permissions_of,
    row_scope,
    scope_filter,
)

__all__ = [
    "PERMISSIONS",
    "AuthPolicy",
    "Forbidden",
    "NotFound",
    "Permission",
    "Principal",
    "Role",
    "RowScope",
    "ScopeKind",
    "Unauthenticated",
    "allowed",
    "permissions_of",
    "row_scope",
    "scope_filter",
]
