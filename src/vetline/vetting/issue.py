"""The documents a case issues, filled from the case through ``vetline.documents``:
the I-247A (``DetainerForm``), the request for notification (``NotificationForm``), the
lead or conditional referral package (``ReferralPackage``, PDF and JSON) and the
cancellation notice (``CancellationNotice``, which has no nationality field at all).

The forms are built only from what the case holds (the subject as asked, the records the
officer marked "same person", the checklist as decided) and rendered deterministically; the
caller stores the bytes and writes their SHA-256 into the audit event of the issue.

Edit here: which case fact fills which form field.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from vetline.db.base import parse_utc_iso
from vetline.db.uow import UnitOfWork
from vetline.documents import (
    Address,
    CancellationNotice,
    CancellationReason,
    CriminalEntry,
    CustodyInfo,
    DetainerForm,
    IdentifierEntry,
    Identifiers,
    ImmigrationEvent,
    NotificationForm,
    ProbableCauseBasis,
    ReferralPackage,
    RemovalGround,
    ScreenResult,
    Source,
    Warrant,
    WarrantKind,
)
from vetline.errors import BadInput
from vetline.vetting.models import ChecklistItem, RecordMark, VettingCase, VettingRequest
from vetline.vetting.service import VettingService
from vetline.vocab import Action, IdentityBasis

HISTORY_SOURCES = ("status", "entry_exit", "encounters", "court")


def _subject(case: VettingCase) -> dict[str, Any]:
    return json.loads(case.subject_json)  # type: ignore[no-any-return]


def _name(subject: dict[str, Any]) -> str:
    parts = [subject.get("last_name"), subject.get("first_name"), subject.get("middle_name")]
    last, *rest = [p or "" for p in parts]
    return f"{last}, {' '.join(p for p in rest if p)}".strip(", ") or "UNKNOWN"


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def same_person_rows(
    svc: VettingService, uow: UnitOfWork, case: VettingCase
) -> list[dict[str, object]]:
    """The records the officer marked as this person, read from the record store."""
    keys = uow.session.execute(
        select(RecordMark.source, RecordMark.record_id)
        .where(RecordMark.case_id == case.id, RecordMark.mark == "SAME_PERSON")
        .order_by(RecordMark.source, RecordMark.record_id)
    ).all()
    return svc.lookup().store.fetch([(s, r) for s, r in keys]) if keys else []


def _dob(subject: dict[str, Any], rows: list[dict[str, object]]) -> date:
    got = _day(subject.get("dob")) or next((d for r in rows if (d := _day(r.get("dob")))), None)
    if got is None:
        raise BadInput("subject.dob", "no date of birth in the query or the confirmed records")
    return got


def _nationality(rows: list[dict[str, object]]) -> str:
    seen = Counter(str(r["citizenship"]) for r in rows if r.get("citizenship"))
    return seen.most_common(1)[0][0] if seen else "NOT RECORDED"


def _identifiers(subject: dict[str, Any]) -> Identifiers:
    return Identifiers(
        fin=subject.get("fin"),
        a_number=subject.get("a_number"),
        fbi_number=subject.get("fbi_number"),
        sid=subject.get("sid"),
    )


def _common(
    svc: VettingService,
    case: VettingCase,
    req: VettingRequest,
    rows: list[dict[str, object]],
    issued_at: datetime,
) -> dict[str, Any]:
    subject = _subject(case)
    facility = req.agency_ori or case.facility_ori or case.ori
    agency = svc.desk.directory.get(facility)
    return {
        "document_number": req.number,
        "case_id": case.number,
        "subject_name": _name(subject),
        "date_of_birth": _dob(subject, rows),
        "nationality_as_recorded": _nationality(rows),
        "sex": subject.get("sex") or "U",
        "identifiers": _identifiers(subject),
        "facility_name": agency.name if agency else f"Agency {facility}",
        "facility_ori": facility,
        "aor": case.aor or "",
        "field_office": case.field_office or "ERO field office",
        "dhs_contact_phone": svc.settings.dhs_contact_phone,
        "officer_name": req.drafted_by_name,
        "officer_title": svc.settings.officer_title,
        "supervisor_name": req.approved_by_name or "",
        "issued_at": issued_at,
    }


def detainer_form(
    svc: VettingService,
    uow: UnitOfWork,
    case: VettingCase,
    req: VettingRequest,
    issued_at: datetime,
) -> DetainerForm:
    rows = same_person_rows(svc, uow, case)
    warrant = Warrant(
        kind=WarrantKind(req.warrant_kind or ""),
        number=req.warrant_number or "",
        signed_on=date.fromisoformat(req.warrant_signed_on or ""),
    )
    bases = tuple(ProbableCauseBasis(b) for b in json.loads(req.pc_bases))
    return DetainerForm(
        **_common(svc, case, req, rows, issued_at),
        pc_bases=bases,
        pc_detail=req.pc_detail or "",
        warrant=warrant,
    )


def notification_form(
    svc: VettingService,
    uow: UnitOfWork,
    case: VettingCase,
    req: VettingRequest,
    issued_at: datetime,
) -> NotificationForm:
    rows = same_person_rows(svc, uow, case)
    reasons = tuple(
        g["ina"] + ": " + g["reason"] for g in _found(uow, case, "REMOVABILITY").get("grounds", [])
    )
    return NotificationForm(
        **_common(svc, case, req, rows, issued_at),
        priority_reasons=reasons or (req.reason or "officer's basis",),
        basis_detail=req.pc_detail or req.reason or "see case",
    )


def _found(uow: UnitOfWork, case: VettingCase, item: str) -> dict[str, Any]:
    row = uow.session.scalar(
        select(ChecklistItem).where(ChecklistItem.case_id == case.id, ChecklistItem.item == item)
    )
    if row is None:
        return {}
    found: dict[str, Any] = json.loads(row.found_json)
    if row.correction_json:
        found = {**found, **json.loads(row.correction_json).get("fields", {})}
    return {**found, "_by": row.decided_by, "_at": row.decided_at}


def _source(row: dict[str, object], fallback: date) -> Source:
    return Source(
        system=str(row["source"]),
        record_id=str(row["record_id"]),
        as_of=_day(row.get("record_date")) or fallback,
    )


def referral_package(
    svc: VettingService,
    uow: UnitOfWork,
    case: VettingCase,
    req: VettingRequest,
    prepared_at: datetime,
    prepared_by: str,
) -> ReferralPackage:
    rows = same_person_rows(svc, uow, case)
    subject, today = _subject(case), prepared_at.date()
    how = (
        "biometric FIN match"
        if case.identity_basis == IdentityBasis.BIOMETRIC
        else "officer confirmed same person"
    )
    idents = {
        (k.upper(), str(r[k]), r["source"], r["record_id"]): IdentifierEntry(
            kind=k.upper(), value=str(r[k]), source=_source(r, today), match_basis=how
        )
        for r in rows
        for k in ("a_number", "fin", "fbi_number", "sid")
        if r.get(k)
    }
    addresses = tuple(
        Address(
            street=str(r["address"]),
            city=str(r.get("city") or ""),
            state=str(r.get("state") or ""),
            postal_code=str(r.get("zip") or ""),
            source=_source(r, today),
        )
        for r in rows
        if r.get("address")
    )
    history = tuple(
        ImmigrationEvent(
            on=_day(
                r.get("start_date")
                or r.get("event_date")
                or r.get("encounter_date")
                or r.get("proceeding_date")
                or r.get("record_date")
            ),
            kind=str(r["source"]).upper(),
            detail=" ".join(
                str(r[k])
                for k in ("status_class", "admission_class", "outcome", "decision")
                if r.get(k)
            )
            or str(r["source"]),
            source=_source(r, today),
        )
        for r in rows
        if r["source"] in HISTORY_SOURCES
    )
    crimes = tuple(
        CriminalEntry(
            charge=str(r.get("charge_text") or r.get("charge_code") or ""),
            ncic_code=str(r["charge_code"]) if r.get("charge_code") else None,
            arrested_on=_day(r.get("arrest_date")),
            disposition=str(r.get("disposition") or "NONE RECORDED"),
            disposition_on=_day(r.get("disposition_date")),
            sentence=f"{r['sentence_days']} days" if r.get("sentence_days") else "",
            source=_source(r, today),
        )
        for r in rows
        if r["source"] == "criminal"
    )
    cit, prot, rem = (_found(uow, case, i) for i in ("CITIZENSHIP", "PROTECTED", "REMOVABILITY"))
    status = _found(uow, case, "STATUS")
    release = parse_utc_iso(case.expected_release) if case.expected_release else None
    return ReferralPackage(
        document_number=req.number,
        kind=Action(req.kind),
        case_id=case.number,
        subject_name=_name(subject),
        date_of_birth=_day(subject.get("dob")),
        sex=subject.get("sex") or "U",
        identifiers=tuple(idents.values()),
        addresses=addresses,
        status=str(status.get("code", "UNKNOWN")),
        status_evidence=tuple(
            Source(system=e["source"], record_id=e["record_id"], as_of=today)
            for e in status.get("evidence", [])
        ),
        removal_grounds=tuple(
            RemovalGround(citation=g["ina"], description=g["reason"], reviewer=rem["_by"] or "")
            for g in rem.get("grounds", [])
        ),
        immigration_history=history,
        criminal_history=crimes,
        custody=CustodyInfo(
            in_custody=case.in_custody,
            facility_ori=case.facility_ori or "",
            expected_release=release,
        ),
        citizenship_screen=_screen(cit, prepared_at),
        protected_status_screen=_screen(prot, prepared_at),
        recommended_aor=case.aor or "",
        field_office=case.field_office or "",
        priority_score=0.0,
        priority_reasons=(req.reason or case.recommendation,),
        expires_on=today + timedelta(days=svc.settings.referral_days),
        prepared_by=prepared_by,
        prepared_at=prepared_at,
    )


def _screen(found: dict[str, Any], fallback: datetime) -> ScreenResult:
    at = parse_utc_iso(found["_at"]) if found.get("_at") else fallback
    result = "SIGN FOUND" if found.get("sign") else "NO SIGN FOUND"
    return ScreenResult(result=result, reviewer=found.get("_by") or "", reviewed_at=at)


def cancellation(
    case: VettingCase,
    req: VettingRequest,
    reason: str,
    note: str,
    officer: str,
    title: str,
    agency_name: str,
    at: datetime,
) -> CancellationNotice:
    return CancellationNotice(
        document_number=f"{req.number}-X",
        case_id=case.number,
        detainer_number=req.number,
        agency_name=agency_name,
        agency_ori=req.agency_ori or case.ori,
        subject_name=_name(_subject(case)),
        date_of_birth=_dob(_subject(case), []),
        reason=CancellationReason(reason),
        note=note,
        officer_name=officer,
        officer_title=title,
        cancelled_at=at,
    )
