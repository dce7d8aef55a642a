"""Request and response bodies of the trust endpoints (never a password hash or a digest)."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from vetline.auth.models import AccountRequest, ApiToken, User
from vetline.auth.roles import Permission, Role


class Strict(BaseModel):
    """Unknown fields are refused, so a typo is an error and not a silent default."""

    model_config = ConfigDict(extra="forbid")


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    totp: str | None = Field(default=None, max_length=6)


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    role: str
    ori: str | None
    aor: str | None
    active: bool
    disabled: bool
    locked: bool
    second_factor: bool
    created_at: str
    last_login_at: str | None

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            ori=user.ori,
            aor=user.aor,
            active=user.active,
            disabled=user.disabled_at is not None,
            locked=user.locked_at is not None,
            second_factor=user.totp_secret is not None,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )


class PasswordIn(Strict):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    user: UserOut
    csrf_token: str
    idle_timeout_seconds: int


class MeOut(BaseModel):
    user_id: str
    username: str
    role: str
    ori: str | None
    aor: str | None
    via: str
    permissions: list[str]


class UserIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    role: Role
    #: Refused when given: the user sets a password by enrolling (issue 13 item 1); kept in
    #: the schema so an old client gets a 422 naming the field, not "extra field".
    password: str | None = Field(default=None, max_length=256)
    display_name: str = Field(default="", max_length=128)
    ori: str | None = Field(default=None, max_length=9)
    aor: str | None = Field(default=None, max_length=8)
    totp: bool = False


class UserCreatedOut(BaseModel):
    user: UserOut
    totp_uri: str | None


class AccountRequestOut(BaseModel):
    id: str
    kind: str
    state: str
    target_user_id: str | None
    request: dict[str, object]
    reason: str | None
    requested_by: str | None
    requested_by_name: str
    requested_at: str
    decided_by_name: str | None
    decided_at: str | None
    decision_reason: str | None
    user_id: str | None

    @classmethod
    def of(cls, row: AccountRequest) -> AccountRequestOut:
        return cls(
            id=row.id,
            kind=row.kind,
            state=row.state,
            target_user_id=row.target_user_id,
            request=json.loads(row.payload),
            reason=row.reason,
            requested_by=row.requested_by,
            requested_by_name=row.requested_by_name,
            requested_at=row.requested_at,
            decided_by_name=row.decided_by_name,
            decided_at=row.decided_at,
            decision_reason=row.decision_reason,
            user_id=row.user_id,
        )


class PendingOut(BaseModel):
    """202: the change waits for a second administrator (``/v1/account-requests``)."""

    pending: bool = True
    request: AccountRequestOut
    message: str = "waiting for a second administrator's approval"


class ApprovedOut(BaseModel):
    request: AccountRequestOut
    user: UserOut
    enrolment_secret: str | None = Field(
        default=None,
        description="One-time secret for the new user to set a password "
        "(POST /v1/auth/enrol); shown only once, hand it over securely.",
    )
    totp_uri: str | None = None


class EnrolIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    enrolment_secret: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=256)


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class RoleIn(Strict):
    role: Role
    ori: str | None = Field(default=None, max_length=9)
    aor: str | None = Field(default=None, max_length=8)
    reason: str = Field(min_length=1, max_length=2000)


class TokenIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Permission] = Field(min_length=1, max_length=50)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class TokenOut(BaseModel):
    id: str
    name: str
    scopes: list[str]
    created_at: str
    expires_at: str | None
    revoked: bool
    last_used_at: str | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(
            id=token.id,
            name=token.name,
            scopes=token.scopes.split(),
            created_at=token.created_at,
            expires_at=token.expires_at,
            revoked=token.revoked_at is not None,
            last_used_at=token.last_used_at,
        )


class TokenIssuedOut(BaseModel):
    token: str = Field(description="The bearer value; shown only once, store it securely.")
    info: TokenOut


class AuditPage(BaseModel):
    events: list[dict[str, object]]
    next_after_seq: int | None


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    bad_seq: int | None
    problem: str | None
    message: str
    #: Whether the chain was compared with the checkpoints outside the database.
    anchored: bool = False


class ErrorDetail(BaseModel):
    """``code`` is stable and machine-readable; ``message`` is for people."""

    model_config = ConfigDict(extra="allow")

    code: str
    message: str


class ErrorOut(BaseModel):
    """The one error shape of every non-2xx response."""

    error: ErrorDetail


#: Documented on every route so the OpenAPI schema tells clients the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (401, "Not authenticated"),
        (403, "Authenticated but not allowed, or CSRF token missing"),
        (404, "No such object"),
        (413, "Request body too large"),
        (415, "Body type not accepted by this route (names the accepted ones)"),
        (422, "Invalid request; names the field"),
        (429, "Rate limit exceeded (see Retry-After)"),
        (500, "Internal error (quote the request id)"),
        (503, "Overloaded or storage full: nothing was done; retry after Retry-After"),
    )
}
