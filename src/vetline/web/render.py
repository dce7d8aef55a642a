"""Templates: one Jinja2 environment (autoescaped), the page context, the page response.

Why a helper and not Starlette's ``Jinja2Templates`` alone: every page needs the same
things — the caller, the session's CSRF token for its forms, the menu the caller's role
may use, the idle-lock time — and the same headers (our CSP, no caching of pages).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from vetline.api.state import app_state
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.web.security import PAGE_CSP

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class NavItem:
    """One entry of the menu, shown to roles holding ``permission``."""

    href: str
    label: str
    permission: Permission


NAV: tuple[NavItem, ...] = (
    NavItem("/web/desk", "Queue", Permission.IAQ_ANSWER),
    NavItem("/web/desk/asks", "Agency asks", Permission.IAQ_ANSWER),
    NavItem("/web/ops", "Dashboard", Permission.OPS_READ),
    NavItem("/web/agency", "IARs", Permission.IAR_READ),
    NavItem("/web/agency/new", "New query", Permission.IAQ_SUBMIT),
    NavItem("/web/vetting/claims", "Citizenship review", Permission.CLAIM_DETERMINE),
    NavItem("/web/vetting", "Vetting", Permission.CASE_READ),
    NavItem("/web/vetting/approvals", "Approvals", Permission.DETAINER_APPROVE),
    NavItem("/web/leads", "Leads", Permission.LEAD_READ),
    NavItem("/web/leads/batch", "Batch jobs", Permission.BATCH_RUN),
    NavItem("/web/rosters", "Rosters", Permission.ROSTER_READ),
    NavItem("/web/audit", "Audit", Permission.AUDIT_READ),
    NavItem("/web/admin", "Accounts", Permission.USERS_READ),
)


def nav_for(principal: Principal | None) -> list[NavItem]:
    """The menu entries the caller may open."""
    if principal is None:
        return []
    return [item for item in NAV if principal.can(item.permission)]


def home_of(principal: Principal) -> str:
    """Where a role lands after log-in: its first menu entry."""
    items = nav_for(principal)
    return items[0].href if items else "/web/account"


def _short_time(value: str | None) -> str:
    """``2026-11-24T08:00:00.123456Z`` → ``2026-11-24 08:00Z`` (tables stay narrow)."""
    if not value:
        return ""
    return value[:16].replace("T", " ") + ("Z" if value.endswith("Z") else "")


def _percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def _exact(value: str) -> Markup:
    """``value`` escaped so the browser's text is exactly it (a message as received).

    HTML parsing turns CR LF into LF, so a carriage return is written as ``&#13;``: the
    copied text then keeps the CR LF an Nlets terminal sent. Put the value on the line
    after ``<pre>``: the parser drops one newline that follows the start tag, which would
    otherwise eat a body's own leading newline.
    """
    return Markup(str(escape(value)).replace("\r", "&#13;"))


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Pages(Environment):
    """Jinja2's environment with ``row.field`` on a dict looked up as the key first.

    Jinja tries ``getattr(row, "field")`` and only on ``AttributeError`` ``row["field"]``;
    the pages' rows are the services' dicts, so every cell paid for a raised exception:
    about half the time of rendering a 100-row table (bench/README.md, web app). A name
    that is a dict attribute (``items``, ``get``...) keeps Jinja's order, so what a
    template gets is exactly what Jinja would give it.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@functools.cache
def environment() -> Environment:
    """The templates' environment (built on first use, not at import)."""
    env = _Pages(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["short_time"] = _short_time
    env.filters["percent"] = _percent
    env.filters["exact"] = _exact
    return env


def page(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` for ``principal`` with the shared context and headers."""
    state = app_state(request)
    idle = int(state.policy.session_idle.total_seconds())
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            principal=principal,
            csrf=principal.csrf_token if principal is not None else "",
            nav=nav_for(principal),
            path=request.url.path,
            idle_seconds=idle,
            demo=state.settings.demo_mode,
            now=datetime.now().astimezone().isoformat(timespec="seconds"),
            **context,
        )
    )
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={"content-security-policy": PAGE_CSP, "cache-control": "no-store"},
    )
