"""The vetting centre's tables: cases, their IARs, checklist items and record marks,
requests (detainers, notifications, referrals, no-action), citizenship claims, source
corrections and evidence snapshots.

Why ``open_key``: one open case per person and encounter (issue 15 item 1) is a unique
column that holds ``person|encounter`` while the case is open and NULL once it closes, so
the database (SQLite and PostgreSQL alike: NULLs never collide) refuses a second open case
even when two intakes race. Timestamps are the project's fixed-width UTC strings
(``vetline.db.base``); JSON is text so both backends read it back byte for byte.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from vetline.db.base import TS_WIDTH, Base


def _ts(nullable: bool = True) -> Mapped[str | None]:
    return mapped_column(String(TS_WIDTH), nullable=nullable)


class VettingCase(Base):
    """One person at one encounter under review."""

    __tablename__ = "vetting_cases"
    #: The queue's "state X, newest first" reads one index range (bench/README.md).
    __table_args__ = (Index("ix_vetting_cases_state_opened_at", "state", "opened_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    state: Mapped[str] = mapped_column(String(16))  # led by ix_vetting_cases_state_opened_at
    open_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    person_id: Mapped[str | None] = mapped_column(String(64), index=True)
    encounter: Mapped[str] = mapped_column(String(64))  # ORI|date|facility of the encounter
    ori: Mapped[str] = mapped_column(String(9), index=True)  # the agency that asked
    aor: Mapped[str | None] = mapped_column(String(8), index=True)
    field_office: Mapped[str | None] = mapped_column(String(64))
    opened_via: Mapped[str] = mapped_column(String(16))  # AUTOMATIC | OFFICER | SWEEP
    opened_reason: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[str] = mapped_column(String(TS_WIDTH), index=True)
    opened_by: Mapped[str | None] = mapped_column(String(64))
    query_id: Mapped[str] = mapped_column(String(36), index=True)  # the first IAR's query
    match_level: Mapped[str] = mapped_column(String(16))
    identity_basis: Mapped[str] = mapped_column(String(16))
    recommendation: Mapped[str] = mapped_column(String(32))
    citizenship_sign: Mapped[bool] = mapped_column(Boolean, default=False)
    protected_status: Mapped[bool] = mapped_column(Boolean, default=False)
    in_custody: Mapped[bool] = mapped_column(Boolean, default=False)
    criminal_arrest: Mapped[bool] = mapped_column(Boolean, default=False)
    facility_ori: Mapped[str | None] = mapped_column(String(9))
    expected_release: Mapped[str | None] = _ts()
    subject_json: Mapped[str] = mapped_column(Text)  # name, dob, sex, identifiers as asked
    working_json: Mapped[str] = mapped_column(Text)  # the person core's outcome at intake
    checklist_version: Mapped[int] = mapped_column(Integer, default=1)
    assigned_to: Mapped[str | None] = mapped_column(String(36))
    revet_reason: Mapped[str | None] = mapped_column(String(300))
    decided_at: Mapped[str | None] = _ts()
    closed_at: Mapped[str | None] = _ts()
    close_reason: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(TS_WIDTH), index=True)


class CaseIAR(Base):
    """Every IAR attached to a case (the first, and any later one for the same person)."""

    __tablename__ = "vetting_case_iars"
    __table_args__ = (UniqueConstraint("query_id", name="uq_vetting_case_iars_query_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    query_id: Mapped[str] = mapped_column(String(36))
    iar_id: Mapped[str | None] = mapped_column(String(36))
    attached_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    amended_at: Mapped[str | None] = _ts()


class ChecklistItem(Base):
    """One checklist line of a case, confirmed or corrected by an officer with a note."""

    __tablename__ = "vetting_checklist"
    __table_args__ = (UniqueConstraint("case_id", "item", name="uq_vetting_checklist_case_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("vetting_cases.id"))  # led by the unique key
    item: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))  # PENDING | CONFIRMED | CORRECTED
    found_json: Mapped[str] = mapped_column(Text)  # what the engine said
    correction_json: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(String(1000))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[str | None] = _ts()
    version: Mapped[int] = mapped_column(Integer, default=1)


class RecordMark(Base):
    """An officer's judgement on one source record: the same person, or not this person."""

    __tablename__ = "vetting_record_marks"
    __table_args__ = (
        UniqueConstraint("case_id", "source", "record_id", name="uq_vetting_record_marks_case_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("vetting_cases.id"))  # led by the unique key
    source: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    mark: Mapped[str | None] = mapped_column(String(16))  # SAME_PERSON | NOT_THIS_PERSON
    note: Mapped[str | None] = mapped_column(String(1000))
    marked_by: Mapped[str | None] = mapped_column(String(64))
    marked_at: Mapped[str | None] = _ts()


class VettingRequest(Base):
    """A detainer, notification request, referral or no-action decision of a case."""

    __tablename__ = "vetting_requests"
    #: The overdue flag of a page row (a correlated EXISTS) reads the first index alone,
    #: the overdue filter and the sweep the second (bench/README.md). Both, and in this
    #: order: with the second alone, SQLite's planner read every late request per row.
    __table_args__ = (
        Index("ix_vetting_requests_case_clock", "case_id", "state", "deadline_at"),
        Index("ix_vetting_requests_clock", "state", "deadline_at", "case_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    held_by_claim: Mapped[str | None] = mapped_column(String(36))
    agency_ori: Mapped[str | None] = mapped_column(String(9), index=True)  # addressed to
    aor: Mapped[str | None] = mapped_column(String(8), index=True)
    pc_bases: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    pc_detail: Mapped[str | None] = mapped_column(String(2000))
    additional_basis: Mapped[str | None] = mapped_column(String(24))
    databases_relied_on: Mapped[str | None] = mapped_column(String(1000))
    warrant_kind: Mapped[str | None] = mapped_column(String(8))
    warrant_number: Mapped[str | None] = mapped_column(String(32))
    warrant_signed_on: Mapped[str | None] = mapped_column(String(10))
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(2000))
    drafted_by: Mapped[str] = mapped_column(String(36))
    drafted_by_name: Mapped[str] = mapped_column(String(64))
    drafted_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    approved_by_name: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[str | None] = _ts()
    issued_at: Mapped[str | None] = _ts()
    served_at: Mapped[str | None] = _ts()
    responded_at: Mapped[str | None] = _ts()  # acknowledged or declined
    release_at: Mapped[str | None] = _ts()
    deadline_at: Mapped[str | None] = _ts()
    deadline_rule: Mapped[str | None] = mapped_column(String(64))
    deadline_explanation: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[str | None] = _ts()
    cancel_reason: Mapped[str | None] = mapped_column(String(24), index=True)
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_json: Mapped[str | None] = mapped_column(Text)  # a referral's JSON
    cancellation: Mapped[bytes | None] = mapped_column(LargeBinary)
    cancellation_sha256: Mapped[str | None] = mapped_column(String(64))


class CitizenshipClaim(Base):
    """A claim (or a sign) of U.S. citizenship under review, with its clock."""

    __tablename__ = "vetting_claims"
    __table_args__ = (
        Index("ix_vetting_claims_case_clock", "case_id", "state", "due_at"),
        Index("ix_vetting_claims_clock", "state", "due_at", "case_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # OPEN | ASSIGNED | DETERMINED
    claimant: Mapped[str] = mapped_column(String(16))  # SUBJECT | ATTORNEY | AGENCY | RECORDS
    claimant_name: Mapped[str | None] = mapped_column(String(120))
    statement: Mapped[str] = mapped_column(String(4000))
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[str] = mapped_column(String(TS_WIDTH), index=True)
    due_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    assigned_to: Mapped[str | None] = mapped_column(String(36))
    determination: Mapped[str | None] = mapped_column(String(16))  # USC_CONFIRMED | NOT_CITIZEN
    determination_text: Mapped[str | None] = mapped_column(String(4000))
    determined_by: Mapped[str | None] = mapped_column(String(64))
    determined_at: Mapped[str | None] = _ts()
    #: When the sweep escalated the overdue claim (``sweep.py``); NULL until then.
    escalated_at: Mapped[str | None] = _ts()


class SourceCorrection(Base):
    """A record that is wrong in its source system, for the office that owns the source."""

    __tablename__ = "vetting_corrections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    source: Mapped[str] = mapped_column(String(32), index=True)
    record_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(64))
    correction: Mapped[str] = mapped_column(String(1000))
    origin: Mapped[str] = mapped_column(String(24))  # OFFICER | CITIZENSHIP_CLAIM
    state: Mapped[str] = mapped_column(String(16))  # OPEN | SENT | RESOLVED
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[str] = mapped_column(String(TS_WIDTH))


class EvidenceSnapshot(Base):
    """What a decision rested on, frozen: records, model, engine output, policy."""

    __tablename__ = "vetting_snapshots"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    decision: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    taken_by: Mapped[str] = mapped_column(String(64))
    content_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class VettingNotice(Base):
    """A durable notification for a role's queue: an overdue citizenship claim escalated,
    a detainer lapsed by the sweep. Listed over the API and the web, acknowledged by a
    named person; ``dedupe_key`` (kind|subject|audience) makes the sweep idempotent."""

    __tablename__ = "vetting_notices"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_vetting_notices_dedupe_key"),
        Index("ix_vetting_notices_audience_open", "audience", "acknowledged_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # notices.CLAIM_FILED, CLAIM_OVERDUE, ...
    audience: Mapped[str] = mapped_column(String(32))  # a role: supervisor, ...
    case_id: Mapped[str] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(16))  # claim | request
    subject_id: Mapped[str] = mapped_column(String(36))
    dedupe_key: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(String(1000))
    citation: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    created_by: Mapped[str] = mapped_column(String(64))
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[str | None] = _ts()
