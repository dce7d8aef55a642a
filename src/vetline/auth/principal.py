"""The authenticated caller, as every later feature sees it."""

from __future__ import annotations

from dataclasses import dataclass

from vetline.auth.roles import Permission, Role, RowScope, allowed, row_scope
from vetline.db.uow import Actor


@dataclass(frozen=True)
class Principal:
    """Who is calling, through which credential, and what that credential may do.

    A web session carries the full permissions of the role; an API token carries only the
    scopes it was issued with (always a subset of the role's).
    """

    user_id: str
    username: str
    role: Role
    ori: str | None
    aor: str | None
    via: str  # "session" | "token" | "cli"
    credential_id: str
    scopes: frozenset[Permission] | None = None  # None: every permission of the role
    client: str | None = None
    csrf_token: str | None = None
    #: When the credential (API token) was last recorded as used, as read at authentication.
    last_used_at: str | None = None

    def can(self, permission: Permission) -> bool:
        """Role allows it and, for a token, the token's scopes include it."""
        if not allowed(self.role, permission):
            return False
        return self.scopes is None or permission in self.scopes

    @property
    def row_scope(self) -> RowScope:
        """Rows this caller may read (agency: its ORI; field officer: its AOR)."""
        return row_scope(self.role, self.ori, self.aor)

    def actor(self) -> Actor:
        """The audit identity of this caller."""
        return Actor(
            user_id=self.user_id,
            username=self.username,
            role=str(self.role),
            ori=self.ori,
            via=self.via,
            client=self.client,
        )
