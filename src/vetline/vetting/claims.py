"""Citizenship claims and reviews (reference §11.2 item 7; the detainee hotline path).

A claim from the subject, an attorney or an agency — or a sign of citizenship in the
records, opened by the case itself — starts a review with a clock (``claim_hours``; past
due it shows as escalated to a supervisor), puts every live request of the case on hold at
once, and ends only in a written determination by a citizenship reviewer. Confirmed
citizenship cancels the case's detainers (USC_CONFIRMED, with their notices), amends the
IAR, tells the agency, opens a source-correction item for each record that misled, and
closes the case. GAO-21-487 found this tracking missing (reference §6.2).

Edit here: what a confirmed determination changes (``_confirmed``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from sqlalchemy import select

from vetline.auth.errors import NotFound
from vetline.db.base import utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.errors import BadInput
from vetline.vetting import notices
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import (
    ChecklistItem,
    CitizenshipClaim,
    VettingCase,
    VettingRequest,
)
from vetline.vetting.service import VettingService, new_id
from vetline.vetting.states import LIVE_REQUESTS, CaseState
from vetline.vetting.views import claim_view

CLAIMANTS: Final = ("SUBJECT", "ATTORNEY", "AGENCY")
DETERMINATIONS: Final = ("USC_CONFIRMED", "NOT_CITIZEN")
REVIEWER = "citizenship_reviewer"


def pending(uow: UnitOfWork, case_id: str) -> bool:
    return (
        uow.session.scalar(
            select(CitizenshipClaim.id)
            .where(CitizenshipClaim.case_id == case_id, CitizenshipClaim.state != "DETERMINED")
            .limit(1)
        )
        is not None
    )


def cleared(uow: UnitOfWork, case_id: str) -> bool:
    return (
        uow.session.scalar(
            select(CitizenshipClaim.id)
            .where(
                CitizenshipClaim.case_id == case_id, CitizenshipClaim.determination == "NOT_CITIZEN"
            )
            .limit(1)
        )
        is not None
    )


def open_review(
    uow: UnitOfWork,
    case: VettingCase,
    claimant: str,
    name: str | None,
    statement: str,
    actor: Actor,
    hours: int,
) -> CitizenshipClaim:
    """Open a claim in the caller's unit and hold every live request of the case at once."""
    now = uow.now()
    claim = CitizenshipClaim(
        id=new_id(),
        case_id=case.id,
        state="OPEN",
        claimant=claimant,
        claimant_name=name,
        statement=statement[:4000],
        opened_by=actor.username,
        opened_at=utc_iso(now),
        due_at=utc_iso(now + timedelta(hours=hours)),
    )
    uow.session.add(claim)
    uow.session.flush()
    held = []
    for req in uow.session.scalars(
        select(VettingRequest).where(
            VettingRequest.case_id == case.id,
            VettingRequest.state.in_([s.value for s in LIVE_REQUESTS]),
        )
    ):
        if req.held_by_claim is None:
            req.held_by_claim = claim.id
            held.append(req.id)
    item = uow.session.scalar(
        select(ChecklistItem).where(
            ChecklistItem.case_id == case.id, ChecklistItem.item == "CITIZENSHIP"
        )
    )
    if item is not None:
        item.state = "PENDING"
    # The review task reaches its people at once, not when someone opens the list.
    for audience in (notices.REVIEWER, notices.SUPERVISOR):
        notices.post(
            uow,
            kind=notices.CLAIM_FILED,
            audience=audience,
            case_id=case.id,
            subject_type="claim",
            subject_id=claim.id,
            text=(
                f"Citizenship claim ({claimant}) on case {case.number}, due {claim.due_at}; "
                f"{len(held)} live request(s) put on hold."
            ),
            citation="reference §11.2 item 7: a claim opens a review task and reaches "
            "the office immediately",
        )
    uow.audit(
        VettingEvent.CLAIM_OPENED,
        object_type="claim",
        object_id=claim.id,
        requesting_ori=case.ori,
        reason=statement[:200],
        details={
            "case_id": case.id,
            "claimant": claimant,
            "due_at": claim.due_at,
            "held_requests": held,
        },
    )
    return claim


def file_claim(
    svc: VettingService, case_id: str, actor: Actor, claimant: str, name: str | None, statement: str
) -> dict[str, Any]:
    """Intake of a claim (hotline, attorney, agency): opens the review, holds the requests."""
    if claimant not in CLAIMANTS:
        raise BadInput("claimant", f"one of {', '.join(CLAIMANTS)}")
    if not statement.strip():
        raise BadInput("statement", "record what was claimed and any evidence offered")
    with svc.uow(actor) as uow:
        case = uow.session.get(VettingCase, case_id)
        if case is None:
            raise NotFound(f"no case {case_id!r}")
        if case.state == CaseState.CLOSED and case.close_reason == "USC_CONFIRMED":
            raise BadInput("case_id", "citizenship was already confirmed on this case")
        claim = open_review(uow, case, claimant, name, statement, actor, svc.settings.claim_hours)
        uow.commit()
        return claim_view(claim, utc_iso(svc.now()))


def _claim(uow: UnitOfWork, claim_id: str) -> CitizenshipClaim:
    claim = uow.session.get(CitizenshipClaim, claim_id)
    if claim is None:
        raise NotFound(f"no claim {claim_id!r}")
    return claim


def assign(svc: VettingService, claim_id: str, actor: Actor) -> dict[str, Any]:
    """A citizenship reviewer takes the claim."""
    with svc.uow(actor) as uow:
        claim = _claim(uow, claim_id)
        if claim.state == "DETERMINED":
            raise BadInput("claim", "already determined")
        claim.state, claim.assigned_to = "ASSIGNED", actor.user_id
        uow.audit(
            VettingEvent.CLAIM_ASSIGNED,
            object_type="claim",
            object_id=claim.id,
            details={"case_id": claim.case_id},
        )
        uow.commit()
        return claim_view(claim, utc_iso(svc.now()))


def list_claims(svc: VettingService, actor: Actor, open_only: bool = True) -> list[dict[str, Any]]:
    with svc.uow(actor, read_only=True) as uow:
        q = select(CitizenshipClaim).order_by(CitizenshipClaim.due_at).limit(500)
        if open_only:
            q = q.where(CitizenshipClaim.state != "DETERMINED")
        now = utc_iso(svc.now())
        return [claim_view(c, now) for c in uow.session.scalars(q)]


def determine(
    svc: VettingService, claim_id: str, actor: Actor, determination: str, text: str
) -> dict[str, Any]:
    """The reviewer's written determination, and everything it sets off."""
    if actor.role != REVIEWER:
        raise BadInput("determination", "only a designated citizenship reviewer determines a claim")
    if determination not in DETERMINATIONS:
        raise BadInput("determination", f"one of {', '.join(DETERMINATIONS)}")
    if len(text.strip()) < 10:
        raise BadInput("text", "a written determination states its reasons")
    with svc.uow(actor) as uow:
        claim = _claim(uow, claim_id)
        if claim.state == "DETERMINED":
            raise BadInput("claim", "already determined")
        case = uow.session.get(VettingCase, claim.case_id)
        assert case is not None
        now = utc_iso(uow.now())
        claim.state, claim.determination, claim.determination_text = (
            "DETERMINED",
            determination,
            text,
        )
        claim.determined_by, claim.determined_at = actor.username, now
        uow.audit(
            VettingEvent.CLAIM_DETERMINED,
            object_type="claim",
            object_id=claim.id,
            reason=text[:500],
            requesting_ori=case.ori,
            details={"case_id": case.id, "determination": determination},
        )
        item = uow.session.scalar(
            select(ChecklistItem).where(
                ChecklistItem.case_id == case.id, ChecklistItem.item == "CITIZENSHIP"
            )
        )
        if determination == "USC_CONFIRMED":
            from vetline.vetting.confirmed import confirmed

            confirmed(svc, uow, case, claim, actor)
        elif not pending(uow, case.id):
            case.citizenship_sign = False  # cleared by the reviewer's written determination
            for req in uow.session.scalars(
                select(VettingRequest).where(VettingRequest.case_id == case.id)
            ):
                req.held_by_claim = None
        if item is not None and not pending(uow, case.id):
            item.state, item.note = (
                "CONFIRMED",
                f"{determination} by {actor.username}: {text[:900]}",
            )
            item.decided_by, item.decided_at = actor.username, now
        uow.commit()
        return claim_view(claim, now)
