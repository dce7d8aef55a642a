"""Source-error feedback (issue 15 item 8): a record wrong in its source system, with the
field and the correction, listed per source system for the office that owns it.

Why a list per source: GAO-21-487 found ICE could not tell how often its own records
misled it into acting against citizens (reference §6.2); the items here are that count,
and the ops numbers report them per source.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from vetline.db.base import utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.errors import BadInput
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import RecordMark, SourceCorrection, VettingCase
from vetline.vetting.moves import load_case
from vetline.vetting.service import VettingService, new_id

STATES = ("OPEN", "SENT", "RESOLVED")


def mark_wrong(
    svc: VettingService,
    case_id: str,
    actor: Actor,
    source: str,
    record_id: str,
    field: str,
    correction: str,
) -> dict[str, Any]:
    """An officer marks a record of the case "wrong in the source system"."""
    if not field.strip():
        raise BadInput("field", "name the field that is wrong")
    if not correction.strip():
        raise BadInput("correction", "give the correct value or what is wrong")
    with svc.uow(actor) as uow:
        case = load_case(uow, case_id)
        known = uow.session.scalar(
            select(RecordMark.id).where(
                RecordMark.case_id == case.id,
                RecordMark.source == source,
                RecordMark.record_id == record_id,
            )
        )
        if known is None:
            raise BadInput("record_id", f"{source}/{record_id} is not a record of this case")
        row = add_correction(uow, case, source, record_id, field, correction, "OFFICER", actor)
        uow.commit()
        return _view(row)


def _view(c: SourceCorrection) -> dict[str, Any]:
    return {
        "correction_id": c.id,
        "case_id": c.case_id,
        "source": c.source,
        "record_id": c.record_id,
        "field": c.field,
        "correction": c.correction,
        "origin": c.origin,
        "state": c.state,
        "opened_by": c.opened_by,
        "opened_at": c.opened_at,
    }


def list_by_source(
    svc: VettingService, actor: Actor, source: str | None = None, state: str | None = "OPEN"
) -> dict[str, Any]:
    """Correction items grouped per source system (counts and the items)."""
    if state is not None and state not in STATES:
        raise BadInput("state", f"one of {', '.join(STATES)}")
    with svc.uow(actor, read_only=True) as uow:
        q = (
            select(SourceCorrection)
            .order_by(SourceCorrection.source, SourceCorrection.opened_at)
            .limit(1000)
        )
        counts = select(SourceCorrection.source, func.count()).group_by(SourceCorrection.source)
        if source is not None:
            q, counts = (
                q.where(SourceCorrection.source == source),
                counts.where(SourceCorrection.source == source),
            )
        if state is not None:
            q, counts = (
                q.where(SourceCorrection.state == state),
                counts.where(SourceCorrection.state == state),
            )
        items: dict[str, list[dict[str, Any]]] = {}
        for row in uow.session.scalars(q):
            items.setdefault(row.source, []).append(_view(row))
        return {"counts": dict(uow.session.execute(counts).all()), "items": items}


def add_correction(
    uow: UnitOfWork,
    case: VettingCase,
    source: str,
    record_id: str,
    field: str,
    correction: str,
    origin: str,
    actor: Actor,
) -> SourceCorrection:
    row = SourceCorrection(
        id=new_id(),
        case_id=case.id,
        source=source,
        record_id=record_id,
        field=field,
        correction=correction[:1000],
        origin=origin,
        state="OPEN",
        opened_by=actor.username,
        opened_at=utc_iso(uow.now()),
    )
    uow.session.add(row)
    uow.audit(
        VettingEvent.CORRECTION_OPENED,
        object_type="correction",
        object_id=row.id,
        details={
            "case_id": case.id,
            "source": source,
            "record_id": record_id,
            "field": field,
            "origin": origin,
        },
    )
    return row
