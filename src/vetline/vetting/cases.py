"""Case commands: start the review, mark records, confirm or correct checklist lines, close,
re-vet. One function per command, shared by the API (``/v1/cases``) and the CLI.

The review is blocking (Marble's screening review, style.md): every record of the person is
marked "same person" or "not this person" before any other line can be decided. A
correction re-runs the status engine on the records marked as this person
(``working.corrected``) and stores what changed; a citizenship sign found on the way is
never dropped by a correction, only a citizenship reviewer's determination clears it.
"""

from __future__ import annotations

import json
from typing import Any, Final

from sqlalchemy import select

from vetline.db.base import utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.question import question_of
from vetline.errors import BadInput
from vetline.person.review import resolution_of_draft
from vetline.vetting import claims, snapshot
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import ChecklistItem, RecordMark, VettingCase
from vetline.vetting.moves import load_case, move_case
from vetline.vetting.service import VettingService, dumps
from vetline.vetting.states import OPEN_CASE_STATES, CaseState
from vetline.vetting.views import case_view
from vetline.vetting.working import (
    ITEMS,
    citizenship_sign,
    corrected,
    engine_diff,
    iaq_of,
    protected_sign,
    received_day,
)

MARKS: Final = ("SAME_PERSON", "NOT_THIS_PERSON")
CLOSE_REASONS: Final = (
    "NO_ACTION",
    "USC_CONFIRMED",
    "LAWFUL_STATUS",
    "WRONG_PERSON",
    "DUPLICATE",
    "OTHER",
)
#: Officer-correctable custody fields (the rest of a correction is the engine's re-run).
CUSTODY_FIELDS: Final = ("in_custody", "criminal_arrest", "expected_release")


def view(svc: VettingService, case_id: str, actor: Actor) -> dict[str, Any]:
    """The whole case; the read is audited (a person's records are shown)."""
    with svc.uow(actor) as uow:
        case = load_case(uow, case_id)
        out = case_view(uow, case)
        uow.audit(
            VettingEvent.CASE_VIEWED,
            object_type="case",
            object_id=case.id,
            requesting_ori=case.ori,
            details={"person_id": case.person_id},
        )
        uow.commit()
        return out


def start_review(svc: VettingService, case_id: str, actor: Actor) -> dict[str, Any]:
    """OPEN (or RETURNED) → IN_REVIEW, assigned to the officer."""
    with svc.uow(actor) as uow:
        case = load_case(uow, case_id)
        move_case(uow, case, CaseState.IN_REVIEW, actor, assigned_to=actor.user_id)
        uow.commit()
        return {"case_id": case.id, "state": case.state}


def _reviewing(case: VettingCase) -> None:
    if case.state != CaseState.IN_REVIEW:
        raise BadInput("case", f"the case is {case.state}: start the review first (IN_REVIEW)")


def mark_record(
    svc: VettingService,
    case_id: str,
    actor: Actor,
    source: str,
    record_id: str,
    mark: str,
    note: str = "",
) -> dict[str, Any]:
    """Mark one record of the person "same person" or "not this person"."""
    if mark not in MARKS:
        raise BadInput("mark", f"one of {', '.join(MARKS)}")
    if mark == "NOT_THIS_PERSON" and not note.strip():
        raise BadInput("note", "say why the record is not this person")
    with svc.uow(actor) as uow:
        case = load_case(uow, case_id)
        _reviewing(case)
        row = uow.session.scalar(
            select(RecordMark).where(
                RecordMark.case_id == case.id,
                RecordMark.source == source,
                RecordMark.record_id == record_id,
            )
        )
        if row is None:
            raise BadInput("record_id", f"{source}/{record_id} is not a record of this case")
        before = row.mark
        row.mark, row.note, row.marked_by, row.marked_at = (
            mark,
            note or None,
            actor.username,
            utc_iso(uow.now()),
        )
        case.updated_at = row.marked_at
        uow.audit(
            VettingEvent.RECORD_MARKED,
            object_type="case",
            object_id=case.id,
            reason=note or None,
            details={"source": source, "record_id": record_id, "mark": mark, "before": before},
        )
        uow.commit()
        return {"source": source, "record_id": record_id, "mark": mark}


def decide_item(
    svc: VettingService,
    case_id: str,
    actor: Actor,
    item: str,
    action: str,
    note: str,
    fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Confirm or correct one checklist line (a note is required either way)."""
    item = item.upper()
    if item not in ITEMS:
        raise BadInput("item", f"one of {', '.join(ITEMS)}")
    if action not in ("CONFIRM", "CORRECT"):
        raise BadInput("action", "CONFIRM or CORRECT")
    if not note.strip():
        raise BadInput("note", "every checklist decision carries a note")
    with svc.uow(actor) as uow:
        case = load_case(uow, case_id)
        _reviewing(case)
        unmarked = uow.session.scalar(
            select(RecordMark.id)
            .where(RecordMark.case_id == case.id, RecordMark.mark.is_(None))
            .limit(1)
        )
        if unmarked is not None:
            raise BadInput("records", "mark every record same person / not this person first")
        if item == "CITIZENSHIP" and claims.pending(uow, case.id):
            raise BadInput(
                "item", "a citizenship claim or sign is open: only its reviewer decides this line"
            )
        if item == "CITIZENSHIP" and action == "CONFIRM" and case.citizenship_sign:
            raise BadInput(
                "item", "a citizenship sign stands: only a citizenship reviewer clears it"
            )
        row = uow.session.scalar(
            select(ChecklistItem).where(
                ChecklistItem.case_id == case.id, ChecklistItem.item == item
            )
        )
        assert row is not None
        correction = _correct(svc, uow, case, item, fields or {}) if action == "CORRECT" else None
        row.state = "CONFIRMED" if action == "CONFIRM" else "CORRECTED"
        row.note, row.decided_by, row.decided_at = note, actor.username, utc_iso(uow.now())
        row.correction_json = dumps(correction) if correction is not None else None
        row.version += 1
        case.checklist_version += 1
        case.updated_at = row.decided_at
        uow.audit(
            VettingEvent.CHECKLIST_DECIDED,
            object_type="case",
            object_id=case.id,
            reason=note,
            details={
                "item": item,
                "action": action,
                "version": case.checklist_version,
                "changed": [c["part"] for c in (correction or {}).get("changed", [])],
            },
        )
        if (
            case.citizenship_sign
            and not claims.pending(uow, case.id)
            and not claims.cleared(uow, case.id)
        ):
            claims.open_review(
                uow,
                case,
                "RECORDS",
                None,
                "a correction found a citizenship sign",
                actor,
                svc.settings.claim_hours,
            )
        uow.commit()
        return {"item": item, "state": row.state, "correction": correction}


def _correct(
    svc: VettingService, uow: Any, case: VettingCase, item: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """Apply the officer's fields and re-run the engine on the records marked as this person."""
    for name in fields:
        if item != "CUSTODY" or name not in CUSTODY_FIELDS:
            allowed = (
                ", ".join(CUSTODY_FIELDS) if item == "CUSTODY" else "none (the engine re-runs)"
            )
            raise BadInput(f"fields.{name}", f"not correctable on {item}; correctable: {allowed}")
    if "expected_release" in fields:
        from datetime import datetime

        try:
            at = datetime.fromisoformat(str(fields["expected_release"]).replace("Z", "+00:00"))
            case.expected_release = utc_iso(at)
        except ValueError:
            raise BadInput("fields.expected_release", "an ISO 8601 time with its zone") from None
    for flag in ("in_custody", "criminal_arrest"):
        if flag in fields:
            if not isinstance(fields[flag], bool):
                raise BadInput(f"fields.{flag}", "true or false")
            setattr(case, flag, fields[flag])
    query = uow.session.get(DeskQuery, case.query_id)
    working = json.loads(case.working_json)
    resolution = resolution_of_draft(working["resolution"])
    lookup = svc.lookup()
    found = (
        lookup.person(case.person_id, resolution)
        if case.person_id
        else lookup.no_record(resolution)
    )
    excluded = uow.session.execute(
        select(RecordMark.source, RecordMark.record_id).where(
            RecordMark.case_id == case.id, RecordMark.mark == "NOT_THIS_PERSON"
        )
    ).all()
    question = question_of(iaq_of(query))
    after = corrected(
        svc, question, found, [(s, r) for s, r in excluded], question.as_of(received_day(query))
    )
    before = working.get("assessment", {})
    after_dict = after.to_dict()
    case.citizenship_sign = case.citizenship_sign or citizenship_sign(after)  # never dropped here
    case.protected_status = case.protected_status or protected_sign(after)
    working["assessment"] = after_dict
    case.working_json = dumps(working)
    return {
        "fields": fields,
        "excluded": [{"source": s, "record_id": r} for s, r in excluded],
        "changed": engine_diff(before, after_dict),
        "after": after.to_iar_dict(),
    }


def close(
    svc: VettingService, case_id: str, actor: Actor, reason: str, note: str
) -> dict[str, Any]:
    """Close a case without an issued request (no action, duplicate, ...), with a reason code."""
    if reason not in CLOSE_REASONS:
        raise BadInput("reason", f"one of {', '.join(CLOSE_REASONS)}")
    if not note.strip():
        raise BadInput("note", "closing a case carries a note")
    with svc.uow(actor) as uow:
        case = load_case(uow, case_id)
        move_case(
            uow,
            case,
            CaseState.CLOSED,
            actor,
            reason=note,
            closed_at=utc_iso(uow.now()),
            open_key=None,
            close_reason=reason,
        )
        snapshot.take(svc, uow, case, f"closed {reason}", actor)
        uow.commit()
        return {"case_id": case.id, "state": case.state, "close_reason": reason}


def revet(svc: VettingService, actor: Actor, limit: int = 10_000) -> list[dict[str, Any]]:
    """Flag open cases whose records changed (re-ingest) or moved (rebuild) since their
    latest snapshot, or whose records were never frozen yet but no longer read the same."""
    flagged = []
    with svc.uow(actor) as uow:
        cases = uow.session.scalars(
            select(VettingCase)
            .where(VettingCase.state.in_([s.value for s in OPEN_CASE_STATES]))
            .limit(limit)
        ).all()
        for case in cases:
            diff = snapshot.changes(svc, uow, case)
            if not diff["changed"] and not diff.get("moved_out_of_person"):
                continue
            moved = len(diff.get("moved_out_of_person", []))
            why = f"{len(diff['changed'])} record(s) changed, {moved} moved to another person"
            case.revet_reason = why[:300]
            uow.audit(
                VettingEvent.CASE_REVET_FLAGGED,
                object_type="case",
                object_id=case.id,
                reason=why,
                details={
                    "records": [
                        {"source": c["source"], "record_id": c["record_id"], "what": c["what"]}
                        for c in diff["changed"]
                    ]
                },
            )
            flagged.append({"case_id": case.id, "reason": why})
        uow.commit()
    return flagged


def changes(svc: VettingService, case_id: str, actor: Actor) -> dict[str, Any]:
    """ "What changed since" the latest decision's snapshot (audited read)."""
    with svc.uow(actor) as uow:
        case = load_case(uow, case_id)
        out = snapshot.changes(svc, uow, case)
        uow.audit(
            VettingEvent.CASE_VIEWED,
            object_type="case",
            object_id=case.id,
            details={"what": "changes"},
        )
        uow.commit()
        return out


def flag_changed_persons(uow: UnitOfWork, reasons: dict[str, str]) -> list[dict[str, Any]]:
    """Flag for re-vetting the open cases of persons whose records an update changed.

    ``reasons``: person id → what changed (``vetline update``'s ``PersonChange``, a
    retired id included: its case now rests on the person it was merged into). Runs in
    the caller's unit of work, so the flags commit with the update's audit events. The
    snapshot comparison of ``revet`` still says what changed record by record; this
    catches what it cannot see: records *added* to a case's person (issue 18).
    """
    if not reasons:
        return []
    flagged = []
    open_states = [s.value for s in OPEN_CASE_STATES]
    ids = list(reasons)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cases = uow.session.scalars(
            select(VettingCase).where(
                VettingCase.person_id.in_(chunk), VettingCase.state.in_(open_states)
            )
        ).all()
        for case in cases:
            why = f"person records changed by an update: {reasons[case.person_id or '']}"
            case.revet_reason = why[:300]
            uow.audit(
                VettingEvent.CASE_REVET_FLAGGED,
                object_type="case",
                object_id=case.id,
                reason=why[:300],
                details={"person_id": case.person_id},
            )
            flagged.append({"case_id": case.id, "person_id": case.person_id, "reason": why})
    return flagged
