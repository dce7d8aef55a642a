"""What the API and CLI show of cases and requests (JSON-safe dicts).

The case list (the centre's queue: filters, overdue clocks, keyset cursor) is
``case_list.py``'s.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from vetline.db.base import utc_iso
from vetline.db.uow import UnitOfWork
from vetline.vetting.models import (
    CaseIAR,
    ChecklistItem,
    CitizenshipClaim,
    EvidenceSnapshot,
    RecordMark,
    SourceCorrection,
    VettingCase,
    VettingRequest,
)
from vetline.vetting.states import RequestState

CLOCKED = (RequestState.ISSUED, RequestState.SERVED, RequestState.ACKNOWLEDGED)


def request_view(req: VettingRequest) -> dict[str, Any]:
    return {
        "request_id": req.id,
        "number": req.number,
        "case_id": req.case_id,
        "kind": req.kind,
        "state": req.state,
        "on_hold": req.held_by_claim is not None,
        "held_by_claim": req.held_by_claim,
        "agency_ori": req.agency_ori,
        "aor": req.aor,
        "pc_bases": json.loads(req.pc_bases or "[]"),
        "pc_detail": req.pc_detail,
        "additional_basis": req.additional_basis,
        "databases_relied_on": req.databases_relied_on,
        "warrant": {
            "kind": req.warrant_kind,
            "number": req.warrant_number,
            "signed_on": req.warrant_signed_on,
        }
        if req.warrant_kind
        else None,
        "reason_code": req.reason_code,
        "reason": req.reason,
        "drafted_by": req.drafted_by_name,
        "drafted_at": req.drafted_at,
        "approved_by": req.approved_by_name,
        "approved_at": req.approved_at,
        "issued_at": req.issued_at,
        "served_at": req.served_at,
        "responded_at": req.responded_at,
        "release_at": req.release_at,
        "deadline": {
            "at": req.deadline_at,
            "rule": req.deadline_rule,
            "explanation": req.deadline_explanation,
        }
        if req.deadline_at
        else None,
        "ended_at": req.ended_at,
        "cancel_reason": req.cancel_reason,
        "document_sha256": req.document_sha256,
        "cancellation_sha256": req.cancellation_sha256,
        "referral": json.loads(req.document_json) if req.document_json else None,
    }


def claim_view(c: CitizenshipClaim, now: str | None = None) -> dict[str, Any]:
    overdue = c.state != "DETERMINED" and now is not None and c.due_at < now
    return {
        "claim_id": c.id,
        "case_id": c.case_id,
        "state": c.state,
        "claimant": c.claimant,
        "claimant_name": c.claimant_name,
        "statement": c.statement,
        "opened_by": c.opened_by,
        "opened_at": c.opened_at,
        "due_at": c.due_at,
        "overdue": overdue,
        # Shown as soon as it is past due; ``escalated_at``: when the sweep notified the
        # supervisors and citizenship reviewers (vetting/sweep.py), None until then.
        "escalated_to_supervisor": overdue or c.escalated_at is not None,
        "escalated_at": c.escalated_at,
        "assigned_to": c.assigned_to,
        "determination": c.determination,
        "determination_text": c.determination_text,
        "determined_by": c.determined_by,
        "determined_at": c.determined_at,
    }


def case_summary(c: VettingCase) -> dict[str, Any]:
    return {
        "case_id": c.id,
        "number": c.number,
        "state": c.state,
        "person_id": c.person_id,
        "ori": c.ori,
        "aor": c.aor,
        "field_office": c.field_office,
        "opened_at": c.opened_at,
        "opened_via": c.opened_via,
        "match_level": c.match_level,
        "identity_basis": c.identity_basis,
        "recommendation": c.recommendation,
        "citizenship_sign": c.citizenship_sign,
        "protected_status": c.protected_status,
        "in_custody": c.in_custody,
        "revet_reason": c.revet_reason,
        "updated_at": c.updated_at,
    }


def case_view(uow: UnitOfWork, case: VettingCase) -> dict[str, Any]:
    """The whole case: checklist, record marks, requests, claims, IARs, corrections."""
    s, cid = uow.session, case.id
    now = utc_iso(uow.now())
    items = s.scalars(select(ChecklistItem).where(ChecklistItem.case_id == cid)).all()
    order = {
        n: i
        for i, n in enumerate(
            (
                "IDENTITY",
                "STATUS",
                "CRIMINAL",
                "CUSTODY",
                "REMOVABILITY",
                "CITIZENSHIP",
                "PROTECTED",
            )
        )
    }
    return {
        **case_summary(case),
        "subject": json.loads(case.subject_json),
        "opened_reason": case.opened_reason,
        "opened_by": case.opened_by,
        "encounter": case.encounter,
        "facility_ori": case.facility_ori,
        "expected_release": case.expected_release,
        "criminal_arrest": case.criminal_arrest,
        "checklist_version": case.checklist_version,
        "closed_at": case.closed_at,
        "close_reason": case.close_reason,
        "checklist": [
            {
                "item": i.item,
                "state": i.state,
                "found": json.loads(i.found_json),
                "correction": json.loads(i.correction_json) if i.correction_json else None,
                "note": i.note,
                "decided_by": i.decided_by,
                "decided_at": i.decided_at,
                "version": i.version,
            }
            for i in sorted(items, key=lambda i: order.get(i.item, 99))
        ],
        "records": [
            {
                "source": m.source,
                "record_id": m.record_id,
                "mark": m.mark,
                "note": m.note,
                "marked_by": m.marked_by,
                "marked_at": m.marked_at,
            }
            for m in s.scalars(
                select(RecordMark)
                .where(RecordMark.case_id == cid)
                .order_by(RecordMark.source, RecordMark.record_id)
            )
        ],
        "requests": [
            request_view(r)
            for r in s.scalars(
                select(VettingRequest)
                .where(VettingRequest.case_id == cid)
                .order_by(VettingRequest.drafted_at)
            )
        ],
        "claims": [
            claim_view(c, now)
            for c in s.scalars(
                select(CitizenshipClaim)
                .where(CitizenshipClaim.case_id == cid)
                .order_by(CitizenshipClaim.opened_at)
            )
        ],
        "iars": [
            {
                "query_id": a.query_id,
                "iar_id": a.iar_id,
                "attached_at": a.attached_at,
                "amended_at": a.amended_at,
            }
            for a in s.scalars(
                select(CaseIAR).where(CaseIAR.case_id == cid).order_by(CaseIAR.attached_at)
            )
        ],
        "corrections": [
            {
                "correction_id": c.id,
                "source": c.source,
                "record_id": c.record_id,
                "field": c.field,
                "correction": c.correction,
                "origin": c.origin,
                "state": c.state,
            }
            for c in s.scalars(select(SourceCorrection).where(SourceCorrection.case_id == cid))
        ],
        "snapshots": [
            {
                "snapshot_id": e.id,
                "decision": e.decision,
                "taken_at": e.taken_at,
                "taken_by": e.taken_by,
                "sha256": e.sha256,
            }
            for e in s.scalars(
                select(EvidenceSnapshot)
                .where(EvidenceSnapshot.case_id == cid)
                .order_by(EvidenceSnapshot.taken_at)
            )
        ],
    }
