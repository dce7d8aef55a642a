"""One router per domain; ``create_app`` includes every router listed in :data:`ROUTERS`.

The desk, vetting and web packages add theirs here. Every route must depend on
``vetline.api.deps.require(...)`` or ``public``; the route-walking test fails otherwise.
"""

from __future__ import annotations

from fastapi import APIRouter

from vetline.api.routers import (
    audit,
    batch,
    desk,
    health,
    ops_desk,
    queue_iaq,
    session,
    tokens,
    users,
)
from vetline.api.routers import leads as leads_routes

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    session.router,
    tokens.router,
    users.router,
    audit.router,
    desk.router,
    queue_iaq.router,
    ops_desk.router,
    *leads_routes.ROUTERS,
    batch.router,
)
