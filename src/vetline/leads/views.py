"""Reads of the leads: lists and details through the caller's row scope, the jobs with
their measured precision, the blind sample, the citizenship-review list, the metrics.

Row scope (``vetline.auth.roles``): analysts and supervisors see every lead; a field
officer sees only leads routed to their own AOR, and only once assigned (what the field
was told). Every read of a lead's details — a person's records — is audited by the caller.

Edit here: what a view shows.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, select

from vetline.auth.errors import NotFound
from vetline.auth.roles import RowScope, ScopeKind, scope_filter
from vetline.db.uow import UnitOfWork
from vetline.leads.lifecycle import IN_THE_FIELD, OUTCOMES, LeadState
from vetline.leads.models import (
    CitizenshipDiversion,
    Lead,
    LeadEvent,
    LeadJob,
    LeadSampleItem,
    SourceCorrection,
)
from vetline.leads.policy import LeadsPolicy
from vetline.leads.precision import job_precision
from vetline.leads.sample import wilson
from vetline.leads.shapes import (
    CorrectionView,
    DiversionView,
    JobDetail,
    JobView,
    LeadDetail,
    LeadSummary,
    OutcomeMetrics,
    SampleItemView,
)
from vetline.sampling import reviews


def lead_scope(scope: RowScope) -> ColumnElement[bool]:
    """The WHERE clause of a caller's row scope over leads (default deny)."""
    if scope.kind is ScopeKind.OWN_ORI:  # leads belong to no agency: nothing
        return false()
    clause = scope_filter(scope, aor_column=Lead.__table__.c.aor)
    if scope.kind is ScopeKind.OWN_AOR:
        return and_(clause, Lead.state.in_([s.value for s in IN_THE_FIELD]))
    return clause


def _summary(lead: Lead, job_id: str) -> dict[str, Any]:
    return {
        "lead_id": lead.id,
        "job_id": job_id,
        "list_ref": lead.list_ref,
        "person_id": lead.person_id,
        "state": lead.state,
        "band": lead.band,
        "identity_basis": lead.identity_basis,
        "status_code": lead.status_code,
        "removability": lead.removability,
        "priority": lead.priority,
        "priority_reasons": [r for r in lead.priority_reasons.split(";") if r],
        "aor": lead.aor,
        "field_office": lead.field_office,
        "expires_on": lead.expires_on,
        "created_at": lead.created_at,
    }  # the fields of ``LeadSummary`` (and the first of ``LeadDetail``)


def list_leads(
    uow: UnitOfWork,
    scope: RowScope,
    *,
    state: str | None = None,
    aor: str | None = None,
    limit: int = 100,
) -> list[LeadSummary]:
    """Leads in the caller's scope, highest priority first."""
    query = (
        select(Lead, LeadJob.job_id)
        .join(LeadJob, LeadJob.id == Lead.job_id)
        .where(lead_scope(scope))
        .order_by(Lead.priority.desc().nulls_last(), Lead.created_at, Lead.id)
        .limit(max(1, min(limit, 1000)))
    )
    if state is not None:
        query = query.where(Lead.state == state.strip().upper())
    if aor is not None:
        query = query.where(Lead.aor == aor.strip().upper())
    return [LeadSummary(**_summary(lead, job)) for lead, job in uow.session.execute(query)]


def lead_detail(uow: UnitOfWork, lead_id: str, scope: RowScope, policy: LeadsPolicy) -> LeadDetail:
    """One lead: evidence (the confirmation snapshot), reasons, timeline, its job's precision."""
    row = uow.session.execute(
        select(Lead, LeadJob.job_id)
        .join(LeadJob, LeadJob.id == Lead.job_id)
        .where(Lead.id == lead_id, lead_scope(scope))
    ).first()
    if row is None:
        raise NotFound("no such lead")
    lead, job_id = row
    events = uow.session.scalars(
        select(LeadEvent).where(LeadEvent.lead_id == lead.id).order_by(LeadEvent.seq)
    ).all()
    precision = job_precision(uow, lead.job_id, policy)
    band = precision.get(lead.band)
    return LeadDetail.model_validate({
        **_summary(lead, job_id),
        "probability": lead.probability,
        "match_reasons": [r for r in lead.reasons.split(";") if r],
        "flags": [f for f in lead.flags.split(";") if f],
        "routing_basis": lead.routing_basis,
        "confirmed_by": lead.confirmed_by,
        "confirmed_at": lead.confirmed_at,
        "evidence": json.loads(lead.snapshot_json) if lead.snapshot_json else None,
        "assigned_by": lead.assigned_by,
        "assigned_at": lead.assigned_at,
        "package_sha256": lead.package_sha256,
        "outcome": lead.state if LeadState(lead.state) in OUTCOMES else None,
        "outcome_by": lead.outcome_by,
        "outcome_note": lead.outcome_note,
        "measured_precision": band.to_dict() if band else None,
        "timeline": [
            {"at": e.at, "by": e.by, "from": e.from_state, "to": e.to_state, "note": e.note}
            for e in events
        ],
    })  # fmt: skip


def lead_package(uow: UnitOfWork, lead_id: str, scope: RowScope) -> dict[str, Any]:
    """The stored referral package JSON of an assigned lead."""
    lead = uow.session.scalar(select(Lead).where(Lead.id == lead_id, lead_scope(scope)))
    if lead is None:
        raise NotFound("no such lead")
    if not lead.package_json:
        raise NotFound("this lead has no referral package (it is built at assignment)")
    body = json.loads(lead.package_json)
    assert isinstance(body, dict)
    return body


def _job_or_404(uow: UnitOfWork, job_id: str) -> LeadJob:
    job = uow.session.scalar(select(LeadJob).where(LeadJob.job_id == job_id))
    if job is None:
        raise NotFound("no such job")
    return job


def _job_fields(uow: UnitOfWork, job: LeadJob, policy: LeadsPolicy) -> dict[str, Any]:
    """The fields of ``JobView`` (by their JSON names)."""
    states = dict(
        uow.session.execute(
            select(Lead.state, func.count()).where(Lead.job_id == job.id).group_by(Lead.state)
        ).all()
    )
    return {
        "job_id": job.job_id,
        "purpose": job.purpose,
        "authority": job.authority,
        "source_name": job.source_name,
        "source_version": job.source_version,
        "retention_until": job.retention_until,
        "requester": job.requester,
        "model_version": job.model_version,
        "result_sha256": job.result_sha256,
        "input_rows": job.input_rows,
        "imported_at": job.imported_at,
        "imported_by": job.imported_by,
        "import": json.loads(job.summary_json),
        "leads_by_state": {str(k): int(v) for k, v in sorted(states.items())},
        "precision": {b: p.to_dict() for b, p in job_precision(uow, job.id, policy).items()},
        "field_identity_precision": field_precision(uow, job.id, policy.confidence),
    }


#: Outcomes where the field saw who the person is: all but WRONG_PERSON were the right one.
IDENTITY_SEEN = ("ARRESTED", "US_CITIZEN", "LAWFUL_STATUS", "WRONG_PERSON")


def field_precision(uow: UnitOfWork, job_pk: str, confidence: float) -> dict[str, Any]:
    """Per band, what the field outcomes say of identity: right person / person seen, with a
    Wilson interval — the audit sample's figure checked against the street's."""
    rows = uow.session.execute(
        select(Lead.band, Lead.state, func.count())
        .where(Lead.job_id == job_pk, Lead.state.in_(IDENTITY_SEEN))
        .group_by(Lead.band, Lead.state)
    ).all()
    seen: dict[str, dict[str, int]] = {}
    for band, state, n in rows:
        seen.setdefault(band, {})[state] = int(n)
    out: dict[str, Any] = {}
    for band, counts in sorted(seen.items()):
        total = sum(counts.values())
        right = total - counts.get("WRONG_PERSON", 0)
        interval = wilson(right, total, confidence)
        out[band] = {
            "outcomes_seen": total,
            "right_person": right,
            "precision": right / total if total else None,
            "ci_low": interval[0] if interval else None,
            "ci_high": interval[1] if interval else None,
        }
    return out


def list_jobs(uow: UnitOfWork, policy: LeadsPolicy, limit: int = 100) -> list[JobView]:
    """Imported jobs, newest first, each with its measured precision."""
    jobs = uow.session.scalars(
        select(LeadJob).order_by(LeadJob.imported_at.desc()).limit(max(1, min(limit, 1000)))
    ).all()
    return [JobView.model_validate(_job_fields(uow, job, policy)) for job in jobs]


def job_detail(uow: UnitOfWork, job_id: str, policy: LeadsPolicy) -> JobDetail:
    """One job: manifest, what the import did, leads by state, precision per band."""
    job = _job_or_404(uow, job_id)
    manifest = json.loads(job.manifest_json)
    return JobDetail.model_validate({**_job_fields(uow, job, policy), "manifest": manifest})


def _item_view(item: LeadSampleItem, review: reviews.Review | None) -> SampleItemView:
    return SampleItemView(
        item_id=item.id,
        row_number=item.row_number,
        list_ref=item.list_ref,
        candidate_person_id=item.person_id,
        list_row=json.loads(item.list_row_json) if item.list_row_json else None,
        verdict=review.verdict.value if review else None,
        reviewed_by=review.reviewed_by if review else None,
    )


def sample_items(
    uow: UnitOfWork, job_id: str, *, pending_only: bool = False
) -> list[SampleItemView]:
    """The job's audit sample, BLIND: no band, no probability, no match reasons."""
    job = _job_or_404(uow, job_id)
    query = select(LeadSampleItem).where(LeadSampleItem.job_id == job.id)
    items = uow.session.scalars(query.order_by(LeadSampleItem.id)).all()
    said = reviews.reviews_of(uow, job.result_sha256, {i.row_number for i in items})
    return [
        _item_view(i, said.get(i.row_number))
        for i in items
        if not (pending_only and i.row_number in said)
    ]


def sample_item(uow: UnitOfWork, job_id: str, item_id: str) -> SampleItemView:
    """One sampled row, blind (the list's identity fields, the candidate's id)."""
    job = _job_or_404(uow, job_id)
    item = uow.session.get(LeadSampleItem, item_id)
    if item is None or item.job_id != job.id:
        raise NotFound("no such sample item in this job")
    said = reviews.reviews_of(uow, job.result_sha256, {item.row_number})
    return _item_view(item, said.get(item.row_number))


#: What a blind reviewer sees of the candidate: identity with its sources, no status.
CANDIDATE_FIELDS = ("subject_name", "date_of_birth", "sex", "identifiers", "addresses")


def diversions(uow: UnitOfWork, job_id: str | None = None) -> list[DiversionView]:
    """The citizenship-review list (every stage), optionally of one job."""
    query = select(CitizenshipDiversion, LeadJob.job_id).join(
        LeadJob, LeadJob.id == CitizenshipDiversion.job_id
    )
    if job_id is not None:
        query = query.where(LeadJob.job_id == job_id)
    rows = uow.session.execute(
        query.order_by(CitizenshipDiversion.created_at, CitizenshipDiversion.id)
    )
    return [
        DiversionView(
            id=d.id,
            job_id=job,
            row_number=d.row_number,
            list_ref=d.list_ref,
            person_id=d.person_id,
            lead_id=d.lead_id,
            stage=d.stage,
            reason=d.reason,
            created_at=d.created_at,
        )
        for d, job in rows
    ]


def corrections(uow: UnitOfWork) -> list[CorrectionView]:
    """Source-correction items the leads opened (the in-package default's table)."""
    items = uow.session.scalars(
        select(SourceCorrection).order_by(SourceCorrection.created_at, SourceCorrection.id)
    ).all()
    return [
        CorrectionView(
            id=c.id,
            lead_id=c.lead_id,
            person_id=c.person_id,
            kind=c.kind,
            note=c.note,
            state=c.state,
            created_at=c.created_at,
        )
        for c in items
    ]


_SHARES = ("ARRESTED", "NOT_LOCATED", "US_CITIZEN", "LAWFUL_STATUS", "WRONG_PERSON", "CLOSED_OTHER")


def outcome_metrics(uow: UnitOfWork) -> OutcomeMetrics:
    """Lead quality from field outcomes per list, source version, band and AOR.

    For each group: leads with an outcome, the count and share of each outcome. A US
    citizen or a wrong person among outcomes is shown, never folded into "closed".
    """
    rows = uow.session.execute(
        select(LeadJob.source_name, LeadJob.source_version, Lead.band, Lead.aor, Lead.state)
        .join(LeadJob, LeadJob.id == Lead.job_id)
        .where(Lead.state.in_([s.value for s in OUTCOMES]))
    ).all()
    groups: dict[str, dict[str, dict[str, int]]] = {"list": {}, "source": {}, "band": {}, "aor": {}}
    for source, version, band, aor, state in rows:
        for kind, key in (
            ("list", source),
            ("source", f"{source} {version}"),
            ("band", band),
            ("aor", aor or "(none)"),
        ):
            counts = groups[kind].setdefault(key, dict.fromkeys(_SHARES, 0))
            counts[state] += 1

    def shaped(counts: dict[str, int]) -> dict[str, Any]:
        total = sum(counts.values())
        return {
            "outcomes": total,
            "counts": counts,
            "shares": {k: (v / total if total else None) for k, v in counts.items()},
        }

    open_counts = dict(
        uow.session.execute(select(Lead.state, func.count()).group_by(Lead.state)).all()
    )
    return OutcomeMetrics.model_validate({
        "by": {kind: {k: shaped(v) for k, v in sorted(g.items())} for kind, g in groups.items()},
        "leads_by_state": {str(k): int(v) for k, v in sorted(open_counts.items())},
        "citizenship_diversions": int(
            uow.session.scalar(select(func.count()).select_from(CitizenshipDiversion)) or 0
        ),
        "open_source_corrections": int(
            uow.session.scalar(
                select(func.count())
                .select_from(SourceCorrection)
                .where(SourceCorrection.state == "OPEN")
            )
            or 0
        ),
    })  # fmt: skip
