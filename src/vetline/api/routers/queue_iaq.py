"""The analysts' IAQ queue: list (urgent first, clock, overdue), detail, claim, release,
answer. Every read goes through the caller's row scope inside the service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from vetline.api.deps import State, require
from vetline.api.routers.desk import desk_of
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.desk.iar_model import IAR, QueueItem
from vetline.desk.service import queue
from vetline.errors import BadInput

router = APIRouter(prefix="/v1/queue/iaq", tags=["query desk queue"])
Analyst = Annotated[Principal, Depends(require(Permission.IAQ_ANSWER))]


class ReleaseIn(BaseModel):
    """Why the query goes back to the queue."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)


class AnswerIn(BaseModel):
    """Confirm the draft (only ``reason``) or correct identity and/or status."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)
    person_id: str | None = Field(default=None, max_length=64)
    no_record: bool = False
    status_code: str | None = Field(default=None, max_length=32)
    status_summary: str | None = Field(default=None, max_length=500)


@router.get("")
def get_queue(
    request: Request,
    principal: Analyst,
    state: State,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Queued and claimed queries, most urgent first, each with its clock."""
    return queue.list_items(desk_of(request, state), principal.actor(), principal.row_scope, limit)


@router.get("/{query_id}", response_model=QueueItem, response_model_exclude_unset=True)
def get_item(query_id: str, request: Request, principal: Analyst, state: State) -> dict[str, Any]:
    """A query with its candidates, the engine's working and the interim IAR.

    ``query_id`` may also be the query's ``iar_id`` (the id the agency holds); so may the
    id of the claim, release and answer routes below."""
    desk = desk_of(request, state)
    key = queue.query_id_of(desk, query_id)
    return queue.detail(desk, key, principal.actor(), principal.row_scope)


@router.post("/{query_id}/claim")
def post_claim(query_id: str, request: Request, principal: Analyst, state: State) -> dict[str, Any]:
    """Claim a query; 409 when another analyst holds it."""
    desk = desk_of(request, state)
    query_id = queue.query_id_of(desk, query_id)
    queue.detail(desk, query_id, principal.actor(), principal.row_scope)  # scope check, 404
    if not queue.claim(desk, query_id, principal.actor()):
        from vetline.api.errors import error_response

        return error_response(409, "conflict", "another analyst holds this query")  # type: ignore[return-value]
    return {"query_id": query_id, "state": "CLAIMED"}


@router.post("/{query_id}/release")
def post_release(
    query_id: str, body: ReleaseIn, request: Request, principal: Analyst, state: State
) -> dict[str, Any]:
    """Give a claimed query back."""
    desk = desk_of(request, state)
    query_id = queue.query_id_of(desk, query_id)
    if not queue.release(desk, query_id, principal.actor(), body.reason):
        raise BadInput("query", "not claimed by you")
    return {"query_id": query_id, "state": "QUEUED"}


@router.post("/{query_id}/answer", response_model_exclude_unset=True)  # as built, no more
def post_answer(
    query_id: str, body: AnswerIn, request: Request, principal: Analyst, state: State
) -> IAR:
    """Send the analyst's answer; returns the IAR now on record."""
    fix = queue.Correction(**body.model_dump())
    desk = desk_of(request, state)
    return queue.answer_iar(desk, queue.query_id_of(desk, query_id), principal.actor(), fix)
