"""Agencies' asks on their own IAQs: ``POST /v1/iaq/{iar_id}/expedite`` and ``/explain``,
``GET /v1/iaq/{iar_id}/asks``. Thin: the row scope goes into ``vetline.desk.service.asks``,
so an agency can only ask about (and read the answers on) its own queries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from vetline.api.deps import State, require
from vetline.api.routers.desk import desk_of
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.desk.service import asks

router = APIRouter(prefix="/v1/iaq", tags=["agency asks"])
Asker = Annotated[Principal, Depends(require(Permission.IAQ_ASK))]


class AskIn(BaseModel):
    """Why the agency asks."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=asks.MAX_TEXT)


@router.post("/{iar_id}/expedite", status_code=201)
def post_expedite(
    iar_id: str, body: AskIn, request: Request, principal: Asker, state: State
) -> dict[str, Any]:
    """Ask the analysts to hurry a pending query: it rises in their queue, marked."""
    desk = desk_of(request, state)
    return asks.ask(
        desk, iar_id, asks.AskKind.EXPEDITE, body.reason, principal.actor(), principal.row_scope
    )


@router.post("/{iar_id}/explain", status_code=201)
def post_explain(
    iar_id: str, body: AskIn, request: Request, principal: Asker, state: State
) -> dict[str, Any]:
    """Ask the analysts to explain an answered query; the reply appears in the portal."""
    desk = desk_of(request, state)
    return asks.ask(
        desk, iar_id, asks.AskKind.EXPLAIN, body.reason, principal.actor(), principal.row_scope
    )


@router.get("/{iar_id}/asks")
def get_asks(iar_id: str, request: Request, principal: Asker, state: State) -> list[dict[str, Any]]:
    """The agency's asks on one of its IARs and the analysts' replies."""
    desk = desk_of(request, state)
    return asks.asks_on(desk, principal.actor(), principal.row_scope, iar_id=iar_id)
