"""Operations data of the query desk (the web app draws it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from vetline.api.deps import State, require
from vetline.api.routers.desk import desk_of
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.desk.service.ops import MAX_WINDOW_HOURS, desk_stats

router = APIRouter(prefix="/v1/ops", tags=["operations"])
Viewer = Annotated[Principal, Depends(require(Permission.OPS_READ))]


@router.get("/desk")
def get_desk_stats(
    request: Request,
    principal: Viewer,
    state: State,
    hours: Annotated[int, Query(ge=1, le=MAX_WINDOW_HOURS)] = 24,
) -> dict[str, Any]:
    """Counts per hour, response-time percentiles, automatic share, match levels, backlog."""
    return desk_stats(desk_of(request, state), principal.actor(), principal.row_scope, hours)
