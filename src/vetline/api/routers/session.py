"""Login, logout and "who am I" for web sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from vetline.api.deps import SESSION_COOKIE, State, public, require
from vetline.api.schemas import EnrolIn, LoginIn, LoginOut, MeOut, PasswordIn, UserOut
from vetline.api.state import client_address
from vetline.auth.accounts import get_user
from vetline.auth.enrolment import redeem_enrolment
from vetline.auth.errors import Forbidden, Unauthenticated
from vetline.auth.login import change_password, login, logout
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, permissions_of
from vetline.db.uow import Actor
from vetline.errors import BadInput

router = APIRouter(prefix="/v1/auth", tags=["session"])
Self = Annotated[Principal, Depends(require(Permission.SELF))]


@router.post("/login", dependencies=[Depends(public)])
def post_login(body: LoginIn, request: Request, response: Response, state: State) -> LoginOut:
    """Password (+TOTP) login; sets the session cookie and returns the CSRF token."""
    client = client_address(request)
    state.limiter.hit(f"login:{client}")
    with state.uow(Actor.anonymous(client), write=True) as uow:
        outcome = login(uow, state.policy, body.username, body.password, body.totp, client)
        uow.commit()  # failures too: the counter, the lockout and their audit events
        if outcome.principal is None or outcome.session_token is None:
            raise Unauthenticated(outcome.failure or "login refused")
        user = get_user(uow, outcome.principal.user_id)
    response.set_cookie(
        SESSION_COOKIE,
        outcome.session_token,
        httponly=True,
        samesite="strict",
        secure=state.settings.cookie_secure,
        path="/",
    )
    return LoginOut(
        user=UserOut.of(user),
        csrf_token=outcome.principal.csrf_token or "",
        idle_timeout_seconds=int(state.policy.session_idle.total_seconds()),
    )


@router.post("/enrol", status_code=204, dependencies=[Depends(public)])
def post_enrol(body: EnrolIn, request: Request, state: State) -> Response:
    """Redeem a one-time enrolment secret and set one's own password (then log in)."""
    client = client_address(request)
    state.limiter.hit(f"login:{client}")
    with state.uow(Actor.anonymous(client), write=True) as uow:
        failure = redeem_enrolment(
            uow, state.policy, body.username, body.enrolment_secret, body.password
        )
        uow.commit()  # a failure is audited as an unsuccessful authentication
    if failure is not None:
        raise Unauthenticated(failure)
    return Response(status_code=204)


@router.post("/logout", status_code=204)
def post_logout(principal: Self, response: Response, state: State) -> Response:
    """End the current session (tokens are revoked through ``/v1/tokens``)."""
    with state.uow(principal.actor(), write=True) as uow:
        if principal.via == "session":
            logout(uow, principal)
            uow.commit()
    response.status_code = 204
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/password", status_code=204)
def post_password(body: PasswordIn, principal: Self, state: State) -> Response:
    """Change one's own password (interactive sessions only); other sessions end."""
    if principal.via != "session":
        raise Forbidden("passwords are changed from an interactive session")
    with state.uow(principal.actor(), write=True) as uow:
        problem = change_password(uow, principal, body.current_password, body.new_password)
        uow.commit()  # a refusal is audited too
    if problem is not None:
        raise BadInput("password", problem)
    return Response(status_code=204)


@router.get("/me")
def get_me(principal: Self) -> MeOut:
    """The caller's identity and effective permissions."""
    held = permissions_of(principal.role)
    effective = held if principal.scopes is None else held & principal.scopes
    return MeOut(
        user_id=principal.user_id,
        username=principal.username,
        role=str(principal.role),
        ori=principal.ori,
        aor=principal.aor,
        via=principal.via,
        permissions=sorted(str(p) for p in effective),
    )
