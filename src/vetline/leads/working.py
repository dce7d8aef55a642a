"""The lead commands: confirm identity, reject, assign (package + route), record the field
outcome, review an audit-sample row, expire stale leads. One function per command, each
taking the caller's ``UnitOfWork`` (the API and the CLI both call these; the caller commits).

Every move goes through ``LIFECYCLE.move`` (compare-and-set: two analysts racing on one
lead cannot both win), writes a ``LeadEvent`` on the lead's timeline and an audit event in
the same transaction. A lead leaving the open states frees its person
(``open_person_id = NULL``) so a later list can raise a new lead for them.

Edit here: what a command does beyond the state move (the rules are in ``lifecycle.py``).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select

from vetline.auth.errors import NotFound
from vetline.db.base import utc_iso
from vetline.db.uow import UnitOfWork
from vetline.desk.routing import shipped_aor_table
from vetline.errors import BadInput
from vetline.leads.lifecycle import CLOSED, LIFECYCLE, OPEN, OUTCOMES, IllegalTransition, LeadState
from vetline.leads.models import CitizenshipDiversion, Lead, LeadEvent, LeadJob, LeadSampleItem
from vetline.leads.package import build_package, expiry, route_snapshot
from vetline.leads.policy import LeadsPolicy
from vetline.leads.ports import (
    PersonCheck,
    PersonSnapshot,
    VettingPort,
    snapshot_from_json,
    snapshot_json,
)
from vetline.leads.precision import job_precision
from vetline.leads.sample import Verdict, precision_gate
from vetline.sampling import reviews

#: Outcomes that prove a source record wrong: each opens a source-correction item.
CORRECTING_OUTCOMES = frozenset({LeadState.US_CITIZEN, LeadState.WRONG_PERSON})


def get_lead(uow: UnitOfWork, lead_id: str) -> Lead:
    """The lead, or ``NotFound``."""
    lead = uow.session.get(Lead, lead_id)
    if lead is None:
        raise NotFound("no such lead")
    return lead


def _move(
    uow: UnitOfWork,
    lead: Lead,
    wanted: LeadState,
    *,
    note: str | None,
    context: dict[str, Any] | None = None,
    **values: Any,
) -> None:
    """Compare-and-set the lead to ``wanted`` with its timeline row and audit event."""
    if wanted in CLOSED:
        values["open_person_id"] = None
    current = lead.state
    moved = LIFECYCLE.move(
        uow.session,
        Lead.id,
        Lead.state,
        lead.id,
        current,
        wanted,
        context={"by": uow.actor.username, "note": note, **(context or {})},
        **values,
    )
    if not moved:  # another analyst's move won the compare-and-set (409 over the API)
        raise IllegalTransition(
            "lead", current, wanted.value, "the lead moved on meanwhile: reload it"
        )
    now = utc_iso(uow.now())
    seq = uow.session.scalar(select(func.count()).where(LeadEvent.lead_id == lead.id)) or 0
    uow.session.add(
        LeadEvent(
            id=str(uuid.uuid4()),
            lead_id=lead.id,
            seq=seq + 1,
            at=now,
            by=uow.actor.username,
            from_state=current,
            to_state=wanted.value,
            note=note,
        )
    )
    uow.audit(
        f"LEAD_{wanted.value}",
        object_type="lead",
        object_id=lead.id,
        reason=note,
        details={
            "from": current,
            "to": wanted.value,
            "person_id": lead.person_id,
            **{k: v for k, v in values.items() if k in {"aor", "package_sha256"}},
        },
    )
    uow.session.refresh(lead)


def _divert(uow: UnitOfWork, lead: Lead, reason: str, stage: str) -> None:
    uow.session.add(
        CitizenshipDiversion(
            id=str(uuid.uuid4()),
            job_id=lead.job_id,
            row_number=lead.row_number,
            list_ref=lead.list_ref,
            person_id=lead.person_id,
            lead_id=lead.id,
            stage=stage,
            reason=reason,
            created_at=utc_iso(uow.now()),
            reviewed=False,
        )
    )


def confirm(
    uow: UnitOfWork,
    lead_id: str,
    note: str,
    checker: PersonCheck,
    policy: LeadsPolicy,
    vetting: VettingPort,
) -> dict[str, Any]:
    """A lead analyst confirms identity after a fresh re-check of the person's records.

    A citizenship sign found now diverts the lead to citizenship review instead (and says
    so); a person now in a jail's custody goes to the vetting centre (``VettingPort``);
    a person no longer removable, or whose records no longer resolve to this person,
    is refused with the reason (the analyst then rejects the lead). The snapshot the
    confirmation rested on, the route and the expiry date are stored with the lead.
    """
    lead = get_lead(uow, lead_id)
    if lead.state != LeadState.NEW:
        LIFECYCLE.check(lead.state, LeadState.IDENTITY_CONFIRMED)  # raises, names states
    today = uow.now().date()
    snapshot = checker.check(lead.person_id, today, lead.identity_basis)
    if snapshot.found and snapshot.citizenship_sign:
        _divert(uow, lead, snapshot.citizenship_sign, "confirmation")
        _move(
            uow,
            lead,
            LeadState.DIVERTED,
            note=f"citizenship sign: {snapshot.citizenship_sign}",
            snapshot_json=json.dumps(snapshot_json(snapshot)),
        )
        return {"lead_id": lead.id, "state": lead.state, "diverted": snapshot.citizenship_sign}
    if snapshot.found and snapshot.identity_holds and snapshot.custody.in_custody:
        # Held by a jail: the vetting centre's case (detainer or notification), not a lead
        # for an at-large arrest (reference §11.2, §11.3).
        where = snapshot.custody.facility_name or snapshot.custody.facility_ori or "a facility"
        case = vetting.open_vetting_case(uow, lead.person_id, f"lead {lead.id}: in custody")
        told = f"vetting case {case}" if case else "no vetting system wired: tell the centre"
        _move(
            uow,
            lead,
            LeadState.TO_VETTING,
            note=f"in custody at {where}; {told}",
            snapshot_json=json.dumps(snapshot_json(snapshot)),
        )
        return {"lead_id": lead.id, "state": lead.state, "vetting_case": case}
    found, basis = route_snapshot(snapshot)
    _move(
        uow,
        lead,
        LeadState.IDENTITY_CONFIRMED,
        note=note,
        context={"snapshot": snapshot},
        confirmed_by=uow.actor.username,
        confirmed_at=utc_iso(uow.now()),
        snapshot_json=json.dumps(snapshot_json(snapshot)),
        expires_on=expiry(today, policy.expiry_days).isoformat(),
        aor=found.aor_code if found else None,
        field_office=found.field_office if found else None,
        routing_basis=basis,
        status_code=snapshot.status_code,
    )
    return {
        "lead_id": lead.id,
        "state": lead.state,
        "aor": lead.aor,
        "routing_basis": basis,
        "expires_on": lead.expires_on,
    }


def reject(uow: UnitOfWork, lead_id: str, note: str) -> dict[str, Any]:
    """Take a lead out before the field (not this person, no longer removable...)."""
    lead = get_lead(uow, lead_id)
    _move(uow, lead, LeadState.REJECTED, note=note)
    return {"lead_id": lead.id, "state": lead.state}


def assign(
    uow: UnitOfWork,
    lead_id: str,
    policy: LeadsPolicy,
    note: str | None = None,
    aor: str | None = None,
) -> dict[str, Any]:
    """Package a confirmed lead and assign it to the field office of its AOR.

    ``aor`` overrides the computed route (with a note saying why); refused until the job's
    strong-band precision has been measured by humans and holds (``sample.precision_gate``).
    """
    lead = get_lead(uow, lead_id)
    if lead.state != LeadState.IDENTITY_CONFIRMED:
        LIFECYCLE.check(lead.state, LeadState.ASSIGNED)
    snapshot = snapshot_from_json(json.loads(lead.snapshot_json or "{}"))
    code, office = lead.aor, lead.field_office
    if aor is not None:
        wanted = aor.strip().upper()
        offices = {r.aor_code: r.field_office for r in _routes()}
        if wanted not in offices:
            raise BadInput("aor", f"unknown AOR {aor!r}; one of {', '.join(sorted(offices))}")
        if not note:
            raise BadInput("note", "say why the computed route is overridden")
        code, office = wanted, offices[wanted]
    today = uow.now().date()
    expires = date.fromisoformat(lead.expires_on) if lead.expires_on else today
    strong = job_precision(uow, lead.job_id, policy).get("STRONG")
    gate = precision_gate(strong, policy.min_strong_precision)
    package_body: dict[str, object] | None = None
    digest: str | None = None
    if code and office and gate is None and expires >= today:
        package_body, digest = build_package(
            lead,
            snapshot,
            aor=code,
            field_office=office,
            prepared_by=uow.actor.username,
            prepared_at=uow.now(),
            expires_on=expires,
        )
    _move(
        uow,
        lead,
        LeadState.ASSIGNED,
        note=note,
        context={
            "snapshot": snapshot,
            "precision_gate": gate,
            "aor": code,
            "package_sha256": digest,
            "expired": expires < today,
        },
        aor=code,
        field_office=office,
        assigned_by=uow.actor.username,
        assigned_at=utc_iso(uow.now()),
        package_json=json.dumps(package_body) if package_body else None,
        package_sha256=digest,
    )
    return {
        "lead_id": lead.id,
        "state": lead.state,
        "aor": lead.aor,
        "field_office": lead.field_office,
        "package_sha256": digest,
    }


def _routes() -> list[Any]:
    table = shipped_aor_table()
    return [*table.by_state.values(), *table.by_county.values()]


def record_outcome(
    uow: UnitOfWork, lead_id: str, outcome: str, note: str, vetting: VettingPort
) -> dict[str, Any]:
    """A field officer records what happened; the outcome comes back to the metrics.

    US_CITIZEN and WRONG_PERSON open a source-correction item (reference §6.3, GAO-21-487)
    and US_CITIZEN lists the person for citizenship review: the record that made a citizen
    a lead is wrong somewhere, and nothing is lowered silently.
    """
    try:
        wanted = LeadState(outcome.strip().upper())
    except ValueError:
        wanted = None
    if wanted not in OUTCOMES:
        raise BadInput("outcome", f"one of {', '.join(sorted(OUTCOMES))}")
    assert wanted is not None
    lead = get_lead(uow, lead_id)
    _move(
        uow,
        lead,
        wanted,
        note=note,
        outcome_by=uow.actor.username,
        outcome_at=utc_iso(uow.now()),
        outcome_note=note,
    )
    correction = None
    if wanted in CORRECTING_OUTCOMES:
        correction = vetting.request_source_correction(
            uow, person_id=lead.person_id, lead_id=lead.id, kind=wanted.value, note=note
        )
    if wanted is LeadState.US_CITIZEN:
        _divert(uow, lead, f"field outcome US_CITIZEN: {note}", "outcome")
    return {"lead_id": lead.id, "state": lead.state, "source_correction": correction}


def review_sample(
    uow: UnitOfWork, job_id: str, item_id: str, verdict: str, note: str | None
) -> dict[str, Any]:
    """Record a blind verdict on one audit-sample row (once: a verdict is not revised)."""
    try:
        value = Verdict(verdict.strip().upper())
    except ValueError:
        raise BadInput("verdict", f"one of {', '.join(Verdict)}") from None
    item = uow.session.get(LeadSampleItem, item_id)
    job = uow.session.scalar(select(LeadJob).where(LeadJob.job_id == job_id))
    if item is None or job is None or item.job_id != job.id:
        raise NotFound("no such sample item in this job")
    if value is Verdict.SAME and not item.person_id:
        raise BadInput("verdict", "this row has no candidate person: SAME is impossible")
    # Once, in the one store of verdicts (a racing reviewer loses on its unique key).
    try:
        reviews.record(
            uow, job.result_sha256, item.row_number, value, reviewer=uow.actor.username,
            via="leads", note=note,
        )  # fmt: skip
    except reviews.AlreadyReviewed as exc:
        if exc.existing is None:
            raise BadInput("verdict", "already reviewed by someone else meanwhile") from None
        said = exc.existing
        raise BadInput(
            "verdict", f"already reviewed ({said.verdict.value} by {said.reviewed_by})"
        ) from None
    uow.audit(
        "LEAD_SAMPLE_REVIEWED",
        object_type="lead_sample_item",
        object_id=item.id,
        details={"job_id": job_id, "verdict": value.value},
    )
    return {"item_id": item.id, "verdict": value.value}


def expire_due(uow: UnitOfWork) -> dict[str, Any]:
    """Move every open lead past its expiry date to EXPIRED (it must be re-vetted)."""
    today = uow.now().date().isoformat()
    due = uow.session.scalars(
        select(Lead).where(
            Lead.state.in_([s.value for s in OPEN]),
            Lead.expires_on.is_not(None),
            Lead.expires_on < today,
        )
    ).all()
    for lead in due:
        _move(uow, lead, LeadState.EXPIRED, note=f"expired on {lead.expires_on}: re-vet")
    return {"expired": len(due)}


def snapshot_of(lead: Lead) -> PersonSnapshot | None:
    """The snapshot stored at confirmation, if any."""
    return snapshot_from_json(json.loads(lead.snapshot_json)) if lead.snapshot_json else None
