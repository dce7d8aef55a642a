"""Log-in (system-use banner first, password, TOTP where required), log-out, own account.

The banner (CJIS AC-8) is on the log-in page itself and must be acknowledged with the
form; the session cookie is HttpOnly, SameSite=Strict and Secure outside demo mode; the
idle lock (AC-11) is enforced by the server (``authenticate_session``) and mirrored in
the page, which hides itself and returns to this form when the idle time passes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from vetline.api.deps import SESSION_COOKIE, State, public, require
from vetline.api.state import client_address
from vetline.auth.login import login, logout
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, permissions_of
from vetline.db.uow import Actor
from vetline.web.forms import FormData
from vetline.web.render import home_of, page
from vetline.web.security import (
    LOGIN_CSRF_COOKIE,
    LOGIN_CSRF_SECONDS,
    login_token_ok,
    new_login_token,
)

router = APIRouter(prefix="/web", tags=["web"])
Self = Annotated[Principal, Depends(require(Permission.SELF))]


def _safe_next(target: str) -> str:
    """Only a path of this app (never another site) after log-in."""
    return target if target.startswith("/web/") and not target.startswith("//") else "/web/"


def _login_page(request: Request, state: State, *, error: str | None = None,
                status_code: int = 200, username: str = "") -> Response:  # fmt: skip
    token = new_login_token()
    response = page(
        request, "login.html", None, status_code=status_code, token=token, error=error,
        username=username, next=_safe_next(request.query_params.get("next", "/web/")),
        locked="locked" in request.query_params, out="out" in request.query_params,
    )  # fmt: skip
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=LOGIN_CSRF_SECONDS, httponly=True,
        samesite="strict", secure=_secure(state), path="/web/login",
    )  # fmt: skip
    return response


def _secure(state: State) -> bool:
    """Secure cookies everywhere but demo mode on plain-HTTP loopback."""
    return state.settings.cookie_secure or not state.settings.demo_mode


@router.get("/login", dependencies=[Depends(public)])
def get_login(request: Request, state: State) -> Response:
    """The system-use banner and the log-in form."""
    return _login_page(request, state)


@router.post("/login", dependencies=[Depends(public)])
async def post_login(request: Request, state: State) -> Response:
    """Check the banner acknowledgement and the credentials; open a session."""
    form = await FormData.read(request)
    if not login_token_ok(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf_token")):
        return _login_page(request, state, error="The form expired; please log in again.",
                           status_code=403)  # fmt: skip
    username = form.get("username")[:64]
    if not form.flag("banner"):
        return _login_page(request, state, status_code=422, username=username,
                           error="Acknowledge the system-use notice to continue.")  # fmt: skip
    client = client_address(request)
    state.limiter.hit(f"login:{client}")
    from starlette.concurrency import run_in_threadpool

    def attempt() -> tuple[str | None, Principal | None, str | None]:
        with state.uow(Actor.anonymous(client), write=True) as uow:
            outcome = login(uow, state.policy, username, form.get("password"),
                            form.get("totp") or None, client)  # fmt: skip
            uow.commit()  # failures too: the counter, the lockout and their audit events
            return outcome.session_token, outcome.principal, outcome.failure

    token, principal, failure = await run_in_threadpool(attempt)
    if token is None or principal is None:
        return _login_page(request, state, error=failure, status_code=401, username=username)
    target = _safe_next(form.get("next", "/web/"))
    response = RedirectResponse(target if target != "/web/" else home_of(principal), 303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", secure=_secure(state), path="/"
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/web/login")
    return response


@router.post("/logout")
def post_logout(principal: Self, state: State) -> Response:
    """End the session and return to the log-in form."""
    with state.uow(principal.actor(), write=True) as uow:
        if principal.via == "session":
            logout(uow, principal)
            uow.commit()
    response = RedirectResponse("/web/login?out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def get_home(principal: Self) -> Response:
    """The caller's landing page (their role's first menu entry)."""
    return RedirectResponse(home_of(principal), status_code=303)


@router.get("/account")
def get_account(request: Request, principal: Self) -> Response:
    """Who the caller is and what the role may do."""
    held = sorted(str(p) for p in permissions_of(principal.role))
    return page(request, "account.html", principal, permissions=held)
