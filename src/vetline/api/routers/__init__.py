"""One router per domain; ``create_app`` includes every router listed in :data:`ROUTERS`.

Every domain's HTTP routes live here, one module each (the desk, the queue, asks, the
trust packages, batch, leads, vetting); the web app's pages are ``vetline.web.routes``.
Every route must depend on ``vetline.api.deps.require(...)`` or ``public``; the
route-walking test fails otherwise.
"""

from __future__ import annotations

from fastapi import APIRouter

from vetline.api.routers import (
    account_requests,
    agency_asks,
    audit,
    batch,
    desk,
    docs,
    health,
    ops_desk,
    queue_iaq,
    session,
    tokens,
    users,
)
from vetline.api.routers import leads as leads_routes
from vetline.api.routers import vetting as vetting_router

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    session.router,
    tokens.router,
    users.router,
    account_requests.router,
    audit.router,
    desk.router,
    queue_iaq.router,
    ops_desk.router,
    batch.router,
    *leads_routes.ROUTERS,
    vetting_router.router,
    docs.router,
    agency_asks.router,
)
