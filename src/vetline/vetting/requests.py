"""Requests and referrals, one model with a kind: draft, approve, return, issue, serve,
acknowledge / decline, custody assumed, lapse, cancel. One function per command, shared by
the API (``/v1/requests``) and the CLI.

The hard rules (``rules.py``) run as the state machine's guards on approve and issue, and
once at drafting so an officer learns at once that a request could never be issued. Issue
renders the document (``issue.py``), stores its bytes and writes the SHA-256 into the
audit event of the issue. The custody deadline is computed by the configured rule
(``vetline.documents.custody_deadline``) whenever the release time is known, and the rule's
name and explanation are stored with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from vetline.auth.roles import RowScope
from vetline.db.base import utc_iso
from vetline.db.uow import Actor
from vetline.errors import BadInput
from vetline.statemachine import IllegalTransition
from vetline.vetting import rules
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import VettingRequest
from vetline.vetting.moves import load_case, load_request, move_case, move_request, refused
from vetline.vetting.moving import cancel_in, run, set_deadline
from vetline.vetting.service import VettingService, new_id, number
from vetline.vetting.snapshot import take as snapshot
from vetline.vetting.states import CaseState, RequestState
from vetline.vetting.views import request_view

R = RequestState


@dataclass(frozen=True)
class Draft:
    """What an officer drafts; the rules say what each kind needs."""

    kind: str
    agency_ori: str | None = None
    pc_bases: tuple[str, ...] = ()
    pc_detail: str = ""
    additional_basis: str | None = None
    databases_relied_on: str = ""
    warrant_kind: str | None = None
    warrant_number: str | None = None
    warrant_signed_on: date | None = None
    reason_code: str | None = None
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def draft(svc: VettingService, case_id: str, actor: Actor, d: Draft) -> dict[str, Any]:
    """Draft a request on a case in review; the case becomes RECOMMENDED."""
    if d.kind not in rules.KINDS:
        raise BadInput("kind", f"one of {', '.join(rules.KINDS)}")
    try:
        with svc.uow(actor) as uow:
            case = load_case(uow, case_id)
            now = utc_iso(uow.now())
            req = VettingRequest(
                id=new_id(),
                number=number(d.kind[:3]),
                case_id=case.id,
                kind=d.kind,
                state=R.DRAFT.value,
                agency_ori=d.agency_ori or case.facility_ori or case.ori,
                aor=case.aor,
                pc_bases=json.dumps(list(d.pc_bases)),
                pc_detail=d.pc_detail,
                additional_basis=d.additional_basis,
                databases_relied_on=d.databases_relied_on,
                warrant_kind=d.warrant_kind,
                warrant_number=d.warrant_number,
                warrant_signed_on=d.warrant_signed_on.isoformat() if d.warrant_signed_on else None,
                reason_code=d.reason_code,
                reason=d.reason,
                drafted_by=actor.user_id or actor.username,
                drafted_by_name=actor.username,
                drafted_at=now,
            )
            from vetline.vetting.facts import request_facts

            why = rules.first_refusal(rules.ISSUE_RULES[1:], request_facts(uow, case, req, actor))
            if why is not None:
                raise IllegalTransition("request", "NONE", R.DRAFT.value, why)
            uow.session.add(req)
            uow.session.flush()
            move_case(uow, case, CaseState.RECOMMENDED, actor, reason=f"{d.kind} drafted")
            uow.audit(
                VettingEvent.REQUEST_DRAFTED,
                object_type="request",
                object_id=req.id,
                requesting_ori=req.agency_ori,
                reason=d.reason or None,
                details={
                    "case_id": case.id,
                    "kind": d.kind,
                    "pc_bases": list(d.pc_bases),
                    "warrant": d.warrant_kind,
                    "additional_basis": d.additional_basis,
                },
            )
            snapshot(svc, uow, case, f"{d.kind} drafted", actor)
            uow.commit()
            return request_view(req)
    except IllegalTransition as exc:
        refused(svc, actor, exc, "case", case_id)
        raise


def approve(svc: VettingService, request_id: str, actor: Actor) -> dict[str, Any]:
    return run(svc, request_id, actor, R.APPROVED)


def send_back(svc: VettingService, request_id: str, actor: Actor, reason: str) -> dict[str, Any]:
    if not reason.strip():
        raise BadInput("reason", "say why the request goes back")
    return run(svc, request_id, actor, R.RETURNED, reason=reason)


def issue(svc: VettingService, request_id: str, actor: Actor) -> dict[str, Any]:
    return run(svc, request_id, actor, R.ISSUED)


def serve(svc: VettingService, request_id: str, actor: Actor, scope: RowScope) -> dict[str, Any]:
    return run(svc, request_id, actor, R.SERVED, scope, served_at=utc_iso(svc.now()))


def acknowledge(
    svc: VettingService,
    request_id: str,
    actor: Actor,
    scope: RowScope,
    release_at: datetime | None = None,
) -> dict[str, Any]:
    """The agency acknowledges; a release time given now sets the custody deadline."""
    try:
        with svc.uow(actor) as uow:
            req = load_request(uow, request_id, scope)
            case = load_case(uow, req.case_id)
            move_request(uow, case, req, R.ACKNOWLEDGED, actor, responded_at=utc_iso(uow.now()))
            if release_at is not None:
                set_deadline(svc, req, utc_iso(release_at))
                uow.audit(
                    VettingEvent.REQUEST_MOVED,
                    object_type="request",
                    object_id=req.id,
                    details={
                        "deadline_at": req.deadline_at,
                        "deadline_rule": req.deadline_rule,
                        "explanation": req.deadline_explanation,
                    },
                )
            uow.commit()
            return request_view(req)
    except IllegalTransition as exc:
        refused(svc, actor, exc, "request", request_id)
        raise


def decline(
    svc: VettingService, request_id: str, actor: Actor, scope: RowScope, reason: str
) -> dict[str, Any]:
    if not reason.strip():
        raise BadInput("reason", "say why the agency declines")
    return run(svc, request_id, actor, R.DECLINED, scope, reason, responded_at=utc_iso(svc.now()))


def custody_assumed(svc: VettingService, request_id: str, actor: Actor) -> dict[str, Any]:
    return run(svc, request_id, actor, R.CUSTODY_ASSUMED, ended_at=utc_iso(svc.now()))


def lapse(svc: VettingService, request_id: str, actor: Actor) -> dict[str, Any]:
    """Record that the custody deadline passed without ICE assuming custody."""
    with svc.uow(actor, read_only=True) as uow:
        req = load_request(uow, request_id)
        if req.deadline_at is None or req.deadline_at > utc_iso(svc.now()):
            raise BadInput("deadline_at", "the custody deadline has not passed (or is not known)")
    return run(svc, request_id, actor, R.LAPSED, ended_at=utc_iso(svc.now()))


def cancel(
    svc: VettingService, request_id: str, actor: Actor, reason: str, note: str = ""
) -> dict[str, Any]:
    try:
        with svc.uow(actor) as uow:
            req = load_request(uow, request_id)
            case = load_case(uow, req.case_id)
            cancel_in(svc, uow, case, req, actor, reason, note)
            uow.commit()
            return request_view(req)
    except IllegalTransition as exc:
        refused(svc, actor, exc, "request", request_id)
        raise


def document(
    svc: VettingService, request_id: str, actor: Actor, scope: RowScope, which: str = "issued"
) -> tuple[bytes, str]:
    """An issued document's bytes (``issued`` or ``cancellation``) and its SHA-256."""
    with svc.uow(actor) as uow:
        req = load_request(uow, request_id, scope)
        data, digest = (
            (req.document, req.document_sha256)
            if which == "issued"
            else (req.cancellation, req.cancellation_sha256)
        )
        if data is None or digest is None:
            from vetline.auth.errors import NotFound

            raise NotFound(f"request {request_id!r} has no {which} document")
        uow.audit(
            VettingEvent.DOCUMENT_VIEWED,
            object_type="request",
            object_id=req.id,
            requesting_ori=req.agency_ori,
            details={"which": which, "sha256": digest},
        )
        uow.commit()
        return data, digest
