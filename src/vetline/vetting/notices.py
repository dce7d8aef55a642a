"""Durable notices for a role's queue: what the sweep escalated or recorded by itself.

Why a table and not a flag on a screen: an overdue citizenship claim must reach a
supervisor and the citizenship reviewers even when nobody opens the claim list, and a
detainer the system lapsed must be seen by a person (brief principle 4). A notice is
addressed to a role (``audience``), listed for everyone holding that role (API
``GET /v1/vetting/notices``, the web), and acknowledged by one named person; creating and
acknowledging are audited. ``dedupe_key`` is unique, so a sweep run twice (or by two
worker processes at once) writes each notice once.

Edit here: what a notice carries (``post``), who sees which (``list_notices``).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select

from vetline.auth.errors import NotFound
from vetline.db.base import utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import VettingNotice
from vetline.vetting.service import VettingService, new_id

CLAIM_OVERDUE: Final = "CLAIM_OVERDUE"
DETAINER_LAPSED: Final = "DETAINER_LAPSED"
REFERRAL_EXPIRED: Final = "REFERRAL_EXPIRED"
CLAIM_FILED: Final = "CLAIM_FILED"
SUPERVISOR: Final = "supervisor"
REVIEWER: Final = "citizenship_reviewer"
OFFICER: Final = "vetting_officer"
MAX_LIST: Final = 500


def post(
    uow: UnitOfWork,
    *,
    kind: str,
    audience: str,
    case_id: str,
    subject_type: str,
    subject_id: str,
    text: str,
    citation: str | None,
) -> VettingNotice:
    """Add a notice in the caller's unit (the caller makes the sweep idempotent; the
    unique ``dedupe_key`` is the last word if two processes race)."""
    notice = VettingNotice(
        id=new_id(),
        kind=kind,
        audience=audience,
        case_id=case_id,
        subject_type=subject_type,
        subject_id=subject_id,
        dedupe_key=f"{kind}|{subject_id}|{audience}",
        text=text[:1000],
        citation=citation,
        created_at=utc_iso(uow.now()),
        created_by=uow.actor.username,
    )
    uow.session.add(notice)
    uow.audit(
        VettingEvent.NOTICE_POSTED,
        object_type="notice",
        object_id=notice.id,
        reason=text[:200],
        details={
            "kind": kind,
            "audience": audience,
            "case_id": case_id,
            subject_type: subject_id,
            "citation": citation,
        },
    )
    return notice


def notice_view(n: VettingNotice) -> dict[str, Any]:
    return {
        "notice_id": n.id,
        "kind": n.kind,
        "audience": n.audience,
        "case_id": n.case_id,
        "subject_type": n.subject_type,
        "subject_id": n.subject_id,
        "text": n.text,
        "citation": n.citation,
        "created_at": n.created_at,
        "created_by": n.created_by,
        "acknowledged_by": n.acknowledged_by,
        "acknowledged_at": n.acknowledged_at,
    }


def list_notices(
    svc: VettingService, actor: Actor, open_only: bool = True, case_id: str | None = None
) -> list[dict[str, Any]]:
    """The notices addressed to the actor's role, newest first (open ones by default)."""
    with svc.uow(actor, read_only=True) as uow:
        q = (
            select(VettingNotice)
            .where(VettingNotice.audience == (actor.role or ""))
            .order_by(VettingNotice.created_at.desc(), VettingNotice.id.desc())
            .limit(MAX_LIST)
        )
        if open_only:
            q = q.where(VettingNotice.acknowledged_at.is_(None))
        if case_id is not None:
            q = q.where(VettingNotice.case_id == case_id)
        return [notice_view(n) for n in uow.session.scalars(q)]


def acknowledge(svc: VettingService, notice_id: str, actor: Actor) -> dict[str, Any]:
    """A named person of the addressed role takes note (once; audited)."""
    with svc.uow(actor) as uow:
        notice = uow.session.get(VettingNotice, notice_id)
        if notice is None or notice.audience != actor.role:
            raise NotFound(f"no notice {notice_id!r}")
        if notice.acknowledged_at is None:
            notice.acknowledged_by = actor.username
            notice.acknowledged_at = utc_iso(uow.now())
            uow.audit(
                VettingEvent.NOTICE_ACKNOWLEDGED,
                object_type="notice",
                object_id=notice.id,
                details={"kind": notice.kind, "case_id": notice.case_id},
            )
            uow.commit()
        return notice_view(notice)
