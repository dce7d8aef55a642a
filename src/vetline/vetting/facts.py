"""The rules' facts for one case (and request), read from the database in the caller's unit.

Why one builder: the guards of every move (draft, approve, issue, case review) must see
the same picture, built the same way, inside the transaction that makes the move.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from vetline.db.uow import Actor, UnitOfWork
from vetline.vetting.models import (
    ChecklistItem,
    CitizenshipClaim,
    RecordMark,
    VettingCase,
    VettingRequest,
)
from vetline.vetting.rules import Facts


def case_facts(
    uow: UnitOfWork, case: VettingCase, actor: Actor | None = None, **extra: Any
) -> Facts:
    """The case's part of the facts (marks, checklist, claims, flags)."""
    s = uow.session
    marks = dict(
        s.execute(
            select(RecordMark.mark, func.count())
            .where(RecordMark.case_id == case.id)
            .group_by(RecordMark.mark)
        ).all()
    )
    items = dict(
        s.execute(
            select(ChecklistItem.item, ChecklistItem.state).where(ChecklistItem.case_id == case.id)
        ).all()
    )
    claims = s.scalar(
        select(func.count())
        .select_from(CitizenshipClaim)
        .where(CitizenshipClaim.case_id == case.id, CitizenshipClaim.state != "DETERMINED")
    )
    return Facts(
        actor_id=actor.user_id if actor else None,
        actor_role=actor.role if actor else None,
        person_id=case.person_id,
        identity_basis=case.identity_basis,
        citizenship_sign=case.citizenship_sign,
        citizenship_item_open=items.get("CITIZENSHIP") == "PENDING",
        open_claim=bool(claims),
        protected=case.protected_status,
        in_custody=case.in_custody,
        criminal_arrest=case.criminal_arrest,
        unmarked_records=int(marks.get(None, 0)),
        same_person_records=int(marks.get("SAME_PERSON", 0)),
        pending_items=tuple(sorted(k for k, v in items.items() if v == "PENDING")),
        **extra,
    )


def request_facts(
    uow: UnitOfWork,
    case: VettingCase,
    req: VettingRequest,
    actor: Actor | None = None,
    **extra: Any,
) -> Facts:
    """The facts of ``req`` on ``case`` as ``actor`` would move it."""
    return case_facts(
        uow,
        case,
        actor,
        kind=req.kind,
        drafter_id=req.drafted_by,
        pc_bases=tuple(json.loads(req.pc_bases or "[]")),
        pc_detail=req.pc_detail or "",
        additional_basis=req.additional_basis,
        warrant_kind=req.warrant_kind,
        warrant_number=req.warrant_number,
        warrant_signed_on=req.warrant_signed_on,
        held=req.held_by_claim is not None,
        reason_code=req.reason_code,
        **extra,
    )
