"""Audit search, export and chain verification for auditors (read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from vetline.api.deps import State, require
from vetline.api.schemas import AuditPage, VerifyOut
from vetline.api.state import AppState
from vetline.audit.events import EventType, Outcome
from vetline.audit.search import AuditFilter, export_csv, export_jsonl, iter_events, search
from vetline.audit.verify import verify_chain
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
    with state.uow(principal.actor()) as uow:
        events = [e.as_dict() for e in search(uow.session, flt, limit)]
        uow.audit(EventType.AUDIT_SEARCHED, details=_describe(flt) | {"count": len(events)})
        uow.commit()
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
    """Every matching event as JSON lines or CSV (hashes included, so exports verify)."""
    with state.uow(principal.actor()) as uow:
        uow.audit(EventType.AUDIT_EXPORTED, details=_describe(flt) | {"format": fmt})
        uow.commit()
    media = "application/x-ndjson" if fmt == "jsonl" else "text/csv"
    return StreamingResponse(
        _stream(state, principal, flt, fmt),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="audit.{fmt}"'},
    )


def _stream(state: AppState, principal: Principal, flt: AuditFilter, fmt: str) -> Iterator[str]:
    with state.uow(principal.actor()) as uow:
        events = iter_events(uow.session, flt)
        yield from export_jsonl(events) if fmt == "jsonl" else export_csv(events)


@router.get("/verify")
def get_verify(principal: Verifier, state: State) -> VerifyOut:
    """Walk the whole chain and report the first bad event, if any."""
    with state.uow(principal.actor()) as uow:
        result = verify_chain(uow.session)
        uow.audit(
            EventType.AUDIT_VERIFIED,
            outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
            details={"checked": result.checked, "bad_seq": result.bad_seq},
        )
        uow.commit()
    return VerifyOut(
        ok=result.ok,
        checked=result.checked,
        head_seq=result.head_seq,
        head_hash=result.head_hash,
        bad_seq=result.bad_seq,
        problem=result.problem,
        message=result.describe(),
    )


def _describe(flt: AuditFilter) -> dict[str, object]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in vars(flt).items()
        if v not in (None, 0)
    }
