"""The web app's routers, one per area; ``install_web`` includes each of :data:`ROUTERS`.

Every page and form depends on ``vetline.api.deps.require(...)`` or ``public`` — the same
gate as the API — and the route-permission walk (``tests/web/test_web_walk.py``) checks
each against the one permission table.
"""

from __future__ import annotations

from fastapi import APIRouter

from vetline.web.routes import (
    admin,
    agency,
    audit,
    auth,
    desk,
    leads,
    ops,
    rosters,
    vetting,
    vetting_actions,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    desk.router,
    agency.router,
    ops.router,
    audit.router,
    admin.router,
    vetting.router,
    vetting_actions.router,
    leads.router,
    rosters.router,
)
