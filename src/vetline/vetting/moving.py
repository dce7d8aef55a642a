"""How a request moves: one unit per move, the case following where it must, the document
rendered and hashed at issue, the custody deadline computed by the configured rule, and a
cancellation's notice. Used by the commands in ``requests.py`` and by a confirmed
citizenship claim (``claims.py``), which cancels through ``cancel_in``.

Why the case follows here and not in each command: an approval moves the case to APPROVED,
an issue to ISSUED (a no-action decision closes it), the end of a detainer's life closes it;
kept in one place, no command can forget a step, and each decision takes its evidence
snapshot in the same transaction.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from vetline.auth.roles import RowScope
from vetline.db.base import parse_utc_iso, utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.documents import (
    custody_deadline,
    referral_json,
    render_cancellation,
    render_detainer,
    render_notification,
    render_referral_pdf,
    sha256_hex,
)
from vetline.statemachine import IllegalTransition
from vetline.vetting import issue as documents
from vetline.vetting import rules
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import VettingCase, VettingRequest
from vetline.vetting.moves import load_case, load_request, move_case, move_request, refused
from vetline.vetting.service import VettingService
from vetline.vetting.snapshot import take as snapshot
from vetline.vetting.states import CaseState, RequestState
from vetline.vetting.views import request_view

R = RequestState


def run(
    svc: VettingService,
    request_id: str,
    actor: Actor,
    wanted: RequestState,
    scope: RowScope | None = None,
    reason: str | None = None,
    **values: Any,
) -> dict[str, Any]:
    """One request move in its own unit, with the case following where it must."""
    try:
        with svc.uow(actor) as uow:
            req = load_request(uow, request_id, scope)
            case = load_case(uow, req.case_id)
            step(svc, uow, case, req, wanted, actor, reason, values)
            uow.commit()
            return request_view(req)
    except IllegalTransition as exc:
        refused(svc, actor, exc, "request", request_id)
        raise


def step(
    svc: VettingService,
    uow: UnitOfWork,
    case: VettingCase,
    req: VettingRequest,
    wanted: RequestState,
    actor: Actor,
    reason: str | None,
    values: dict[str, Any],
) -> None:
    now = uow.now()
    extra = {"cancel_reason": values.get("cancel_reason"), "note": reason or ""}
    if wanted is R.APPROVED:
        values.update(
            approved_by=actor.user_id, approved_by_name=actor.username, approved_at=utc_iso(now)
        )
    if wanted is R.ISSUED:
        move_request(uow, case, req, wanted, actor, reason, extra, issued_at=utc_iso(now))
        _issue_document(svc, uow, case, req, actor, now)
    else:
        move_request(uow, case, req, wanted, actor, reason, extra, **values)
    follow(svc, uow, case, req, wanted, actor)


def follow(
    svc: VettingService,
    uow: UnitOfWork,
    case: VettingCase,
    req: VettingRequest,
    wanted: RequestState,
    actor: Actor,
) -> None:
    """The case's move that follows a request's, and the snapshot of a decision."""
    follows = {
        R.APPROVED: CaseState.APPROVED,
        R.RETURNED: CaseState.RETURNED,
        R.ISSUED: CaseState.ISSUED,
    }
    target = follows.get(wanted)
    if req.kind == rules.NO_ACTION and wanted is R.ISSUED:
        target = CaseState.CLOSED
    if wanted in (R.CUSTODY_ASSUMED, R.LAPSED, R.CANCELLED) and case.state == CaseState.ISSUED:
        target = CaseState.CLOSED
    if target is not None and case.state != target:
        values = (
            {"decided_at": utc_iso(uow.now())}
            if target is not CaseState.CLOSED
            else {
                "closed_at": utc_iso(uow.now()),
                "open_key": None,
                "close_reason": req.cancel_reason or req.reason_code or wanted.value,
            }
        )
        move_case(uow, case, target, actor, reason=f"request {req.number} {wanted.value}", **values)
    if wanted in (R.APPROVED, R.RETURNED, R.ISSUED, R.CANCELLED):
        snapshot(svc, uow, case, f"{req.kind} {wanted.value}", actor)


def _issue_document(
    svc: VettingService,
    uow: UnitOfWork,
    case: VettingCase,
    req: VettingRequest,
    actor: Actor,
    now: datetime,
) -> None:
    """Render, store and hash the issued document; compute the custody deadline if known."""
    data: bytes | None = None
    body: dict[str, object] | None = None
    if req.kind == rules.DETAINER:
        data = render_detainer(documents.detainer_form(svc, uow, case, req, now))
    elif req.kind == rules.NOTIFICATION:
        data = render_notification(documents.notification_form(svc, uow, case, req, now))
    elif req.kind in (rules.LEAD_REFERRAL, rules.CONDITIONAL_REFERRAL):
        pkg = documents.referral_package(svc, uow, case, req, now, actor.username)
        data, body = render_referral_pdf(pkg), referral_json(pkg)
    digest = sha256_hex(data) if data is not None else None
    req.document, req.document_sha256 = data, digest
    req.document_json = json.dumps(body, sort_keys=True) if body is not None else None
    if case.expected_release and req.kind == rules.DETAINER:
        set_deadline(svc, req, case.expected_release)
    uow.audit(
        VettingEvent.DOCUMENT_ISSUED,
        object_type="request",
        object_id=req.id,
        requesting_ori=req.agency_ori,
        details={
            "case_id": case.id,
            "kind": req.kind,
            "document_number": req.number,
            "sha256": digest,
            "deadline_at": req.deadline_at,
            "deadline_rule": req.deadline_rule,
        },
    )


def set_deadline(svc: VettingService, req: VettingRequest, release_at: str) -> None:
    deadline = custody_deadline(parse_utc_iso(release_at), svc.settings.deadline_rule)
    req.release_at = release_at
    req.deadline_at = utc_iso(deadline.at)
    req.deadline_rule, req.deadline_explanation = deadline.rule_name, deadline.explanation


def cancel_in(
    svc: VettingService,
    uow: UnitOfWork,
    case: VettingCase,
    req: VettingRequest,
    actor: Actor,
    reason: str,
    note: str,
) -> None:
    """Cancel ``req`` in the caller's unit; an issued one gets its notice (no nationality)."""
    was_issued = req.issued_at is not None
    now = uow.now()
    move_request(
        uow,
        case,
        req,
        R.CANCELLED,
        actor,
        note or reason,
        {"cancel_reason": reason, "note": note},
        cancel_reason=reason,
        ended_at=utc_iso(now),
        held_by_claim=None,
    )
    if was_issued and req.kind in (rules.DETAINER, rules.NOTIFICATION):
        agency = svc.desk.directory.get(req.agency_ori or case.ori)
        notice = documents.cancellation(
            case,
            req,
            reason,
            note,
            actor.username,
            svc.settings.officer_title,
            agency.name if agency else f"Agency {req.agency_ori}",
            now,
        )
        data = render_cancellation(notice)
        req.cancellation, req.cancellation_sha256 = data, sha256_hex(data)
        uow.audit(
            VettingEvent.DOCUMENT_ISSUED,
            object_type="request",
            object_id=req.id,
            requesting_ori=req.agency_ori,
            details={
                "case_id": case.id,
                "kind": "CANCELLATION",
                "reason": reason,
                "sha256": req.cancellation_sha256,
            },
        )
        uow.audit(
            VettingEvent.AGENCY_NOTIFIED,
            object_type="request",
            object_id=req.id,
            requesting_ori=req.agency_ori,
            details={"what": "detainer cancelled", "reason": reason},
        )
    follow(svc, uow, case, req, R.CANCELLED, actor)
