"""Audit search, export and chain verification for auditors (read-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from vetline.api.deps import State, require
from vetline.api.schemas import AuditPage, VerifyOut
from vetline.audit.events import Outcome
from vetline.audit.search import AuditFilter
from vetline.audit.service import anchor_of, export_events, search_events, verify_audit
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission

router = APIRouter(prefix="/v1/audit", tags=["audit"])
Reader = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]
Exporter = Annotated[Principal, Depends(require(Permission.AUDIT_EXPORT))]
Verifier = Annotated[Principal, Depends(require(Permission.AUDIT_VERIFY))]
Text = Annotated[str | None, Query(max_length=128)]
MAX_SEQ = 2**63 - 1  # BIGINT


def _filter(
    event_type: Text = None,
    actor_username: Text = None,
    actor_user_id: Text = None,
    object_type: Text = None,
    object_id: Text = None,
    outcome: Annotated[Outcome | None, Query()] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after_seq: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
) -> AuditFilter:
    from vetline.errors import BadInput

    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.tzinfo is None:
            raise BadInput(name, "give a time zone (e.g. 2026-11-24T00:00:00Z)")
    return AuditFilter(
        event_type=event_type,
        actor_username=actor_username,
        actor_user_id=actor_user_id,
        object_type=object_type,
        object_id=object_id,
        outcome=str(outcome) if outcome else None,
        since=since,
        until=until,
        after_seq=after_seq,
    )


Filter = Annotated[AuditFilter, Depends(_filter)]


@router.get("/events")
def get_events(
    flt: Filter,
    principal: Reader,
    state: State,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """One page of events in chain order; pass ``next_after_seq`` back as ``after_seq``."""
    events = search_events(state.database, principal.actor(), flt, limit)
    more = len(events) == limit
    return AuditPage(events=events, next_after_seq=int(events[-1]["seq"]) if more else None)


EXPORT_CONTENT = {
    "application/x-ndjson": {"schema": {"type": "string"}},
    "text/csv": {"schema": {"type": "string"}},
}


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": EXPORT_CONTENT, "description": "JSON lines or CSV"}},
)
def get_export(
    flt: Filter,
    principal: Exporter,
    state: State,
    fmt: Annotated[Literal["jsonl", "csv"], Query(alias="format")] = "jsonl",
) -> StreamingResponse:
    """Every matching event as JSON lines or CSV (hashes included, so exports verify).

    Streamed from a read-only unit: a slow download holds up no writer."""
    lines = export_events(state.database, principal.actor(), flt, fmt, to="http")
    media = "application/x-ndjson" if fmt == "jsonl" else "text/csv"
    return StreamingResponse(
        lines,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="audit.{fmt}"'},
    )


@router.get("/verify")
def get_verify(principal: Verifier, state: State) -> VerifyOut:
    """Walk the whole chain, compare it with the checkpoints outside the database, and
    report the first bad event, if any (the verification itself is recorded)."""
    database = state.database
    report = verify_audit(database, principal.actor(), anchor=anchor_of(database), record=True)
    chain = report.chain
    return VerifyOut(
        ok=report.ok,
        checked=chain.checked,
        head_seq=chain.head_seq,
        head_hash=chain.head_hash,
        bad_seq=report.bad_seq,
        problem=report.problem,
        message=report.describe(),
        anchored=report.anchors is not None,
    )
