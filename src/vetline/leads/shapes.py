"""Typed results of the leads service (issue 12 item 2): a lead, its list entry and
timeline, the measured precision of its band, and the blind audit sample's rows — what
travels from ``LeadsService`` to the API, ``vetline leads`` and the web pages.

The JSON is the one the API answered before (field names and order; the timeline's
``from`` is ``from_`` in Python, ``from`` on the wire). Documents kept as they were stored
(the confirmation snapshot under ``evidence``, the list row a reviewer compares) stay JSON
objects.

Edit here: a field a lead or a sample row shows (and ``views.py``, which fills it).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BandPrecisionView(_Shape):
    """What a band's reviewed audit sample measures (``sampling.BandPrecision``)."""

    band: str
    band_rows: int
    sampled: int
    reviewed: int
    same: int
    different: int
    missed: int
    unsure: int
    precision: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    miss_rate: float | None
    census: bool
    complete: bool


class TimelineEntry(_Shape):
    """One move of a lead: when, who, from which state to which, the note."""

    at: str
    by: str | None
    from_: str | None = Field(alias="from")
    to: str
    note: str | None


class LeadSummary(_Shape):
    """A lead in a list: who, where it stands, why it is a priority, where it goes."""

    lead_id: str
    job_id: str
    list_ref: str | None
    person_id: str
    state: str
    band: str
    identity_basis: str
    status_code: str | None
    removability: str | None
    priority: int | None
    priority_reasons: list[str]
    aor: str | None
    field_office: str | None
    expires_on: str | None
    created_at: str


class LeadDetail(LeadSummary):
    """One lead with its evidence, reasons, timeline and its band's measured precision."""

    probability: float | None
    match_reasons: list[str]
    flags: list[str]
    routing_basis: str | None
    confirmed_by: str | None
    confirmed_at: str | None
    evidence: dict[str, Any] | None
    assigned_by: str | None
    assigned_at: str | None
    package_sha256: str | None
    outcome: str | None
    outcome_by: str | None
    outcome_note: str | None
    measured_precision: BandPrecisionView | None
    timeline: list[TimelineEntry]


class SampleItemView(_Shape):
    """One row of a job's audit sample, blind: no band, no score, no status."""

    item_id: str
    row_number: int
    list_ref: str | None
    candidate_person_id: str | None
    list_row: dict[str, Any] | None
    verdict: str | None
    reviewed_by: str | None


class FieldPrecision(_Shape):
    """Per band, what the field outcomes say of identity (right person / person seen)."""

    outcomes_seen: int
    right_person: int
    precision: float | None
    ci_low: float | None
    ci_high: float | None


class JobView(_Shape):
    """An imported job: who asked, why, on what; what the import did (``import``: its
    summary document), leads by state, measured precision per band, the field's figure."""

    job_id: str
    purpose: str
    authority: str
    source_name: str
    source_version: str
    retention_until: str
    requester: str
    model_version: str
    result_sha256: str
    input_rows: int
    imported_at: str
    imported_by: str
    import_: dict[str, Any] = Field(alias="import")
    leads_by_state: dict[str, int]
    precision: dict[str, BandPrecisionView]
    field_identity_precision: dict[str, FieldPrecision]


class JobDetail(JobView):
    """One job with its manifest (the batch's ``manifest.json``, as imported)."""

    manifest: dict[str, Any]


class DiversionView(_Shape):
    """A row listed for citizenship review instead of becoming (or staying) a lead."""

    id: str
    job_id: str
    row_number: int | None
    list_ref: str | None
    person_id: str | None
    lead_id: str | None
    stage: str
    reason: str
    created_at: str


class CorrectionView(_Shape):
    """A source-correction item a lead's outcome opened."""

    id: str
    lead_id: str | None
    person_id: str
    kind: str
    note: str
    state: str
    created_at: str


class OutcomeGroup(_Shape):
    """Field outcomes of one list, source, band or AOR: counts and shares."""

    outcomes: int
    counts: dict[str, int]
    shares: dict[str, float | None]


class OutcomeMetrics(_Shape):
    """Lead quality from field outcomes (``GET /v1/ops/leads``)."""

    by: dict[str, dict[str, OutcomeGroup]]
    leads_by_state: dict[str, int]
    citizenship_diversions: int
    open_source_corrections: int
