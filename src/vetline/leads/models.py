"""The leads' tables: imported batch jobs, their blind audit sample, the leads, their
timeline, the citizenship-review list and the source-correction items.

Why only some result rows are stored: a job has up to millions of rows and almost all are
no match. The database keeps what humans act on — the lead candidates, the rows diverted to
citizenship review and the audit sample — and the manifest's counts for the rest; the
results file stays the record of every row (its SHA-256 is on the job).

Why ``open_person_id``: one open lead per person is a rule the database enforces, not a
check-then-insert race. The column holds the person id while the lead is open and NULL once
it is closed; a unique constraint over it lets any number of closed leads share a person
(NULLs are distinct on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vetline.db.base import TS_WIDTH, Base


class LeadJob(Base):
    """One imported batch job: its manifest (purpose, authority, source, model) and counts."""

    __tablename__ = "lead_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(200))
    authority: Mapped[str] = mapped_column(String(200))
    source_name: Mapped[str] = mapped_column(String(100), index=True)
    source_version: Mapped[str] = mapped_column(String(100))
    retention_until: Mapped[str] = mapped_column(String(10))
    requester: Mapped[str] = mapped_column(String(100))
    model_version: Mapped[str] = mapped_column(String(100))
    result_sha256: Mapped[str] = mapped_column(String(64))
    input_rows: Mapped[int] = mapped_column(Integer)
    manifest_json: Mapped[str] = mapped_column(Text)
    summary_json: Mapped[str] = mapped_column(Text)  # what the import did, counted
    imported_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    imported_by: Mapped[str] = mapped_column(String(100))


class LeadSampleItem(Base):
    """One row of a job's stratified audit sample (its blind verdict, once given, is in
    ``vetline.sampling.reviews``: keyed by the job's result SHA-256 and the row number)."""

    __tablename__ = "lead_sample_items"
    __table_args__ = (UniqueConstraint("job_id", "row_number", name="uq_lead_sample_items_job_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("lead_jobs.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(16))  # never shown to the reviewer
    probability: Mapped[float | None] = mapped_column(Float)  # never shown to the reviewer
    list_ref: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[str | None] = mapped_column(String(64))
    list_row_json: Mapped[str | None] = mapped_column(Text)  # the list's identity fields


class Lead(Base):
    """A lead: a confirmed-or-to-confirm list hit on a removable person, through its life."""

    __tablename__ = "leads"
    __table_args__ = (UniqueConstraint("open_person_id", name="uq_leads_open_person_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("lead_jobs.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    list_ref: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    open_person_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(24), index=True)
    band: Mapped[str] = mapped_column(String(16))
    probability: Mapped[float | None] = mapped_column(Float)
    identity_basis: Mapped[str] = mapped_column(String(16))
    status_code: Mapped[str | None] = mapped_column(String(32))
    removability: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[str] = mapped_column(Text)
    priority: Mapped[int | None] = mapped_column(Integer, index=True)
    priority_reasons: Mapped[str] = mapped_column(Text)
    reasons: Mapped[str] = mapped_column(Text)
    aor: Mapped[str | None] = mapped_column(String(8), index=True)
    field_office: Mapped[str | None] = mapped_column(String(64))
    routing_basis: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    expires_on: Mapped[str | None] = mapped_column(String(10))
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    snapshot_json: Mapped[str | None] = mapped_column(Text)  # the evidence confirmation rested on
    assigned_by: Mapped[str | None] = mapped_column(String(100))
    assigned_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    package_json: Mapped[str | None] = mapped_column(Text)
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    outcome_by: Mapped[str | None] = mapped_column(String(100))
    outcome_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    outcome_note: Mapped[str | None] = mapped_column(Text)


class LeadEvent(Base):
    """One move of a lead (or a note on it): the lead's timeline, beside the audit chain."""

    __tablename__ = "lead_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per lead: order under one clock tick
    at: Mapped[str] = mapped_column(String(TS_WIDTH))
    by: Mapped[str] = mapped_column(String(100))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)


class CitizenshipDiversion(Base):
    """A row or lead that showed a sign of U.S. citizenship: never a lead, listed for review."""

    __tablename__ = "lead_citizenship_diversions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("lead_jobs.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    list_ref: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[str | None] = mapped_column(String(64))
    lead_id: Mapped[str | None] = mapped_column(String(36))
    stage: Mapped[str] = mapped_column(String(16))  # import | confirmation | outcome
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)


class SourceCorrection(Base):
    """A request to correct a source record after a field outcome proved it wrong."""

    __tablename__ = "lead_source_corrections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lead_id: Mapped[str | None] = mapped_column(String(36), index=True)
    person_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))  # the outcome that proved it: US_CITIZEN...
    note: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # OPEN | DONE
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    created_by: Mapped[str] = mapped_column(String(100))
