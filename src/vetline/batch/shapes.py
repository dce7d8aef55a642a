"""Typed results of the batch service (issue 12 item 2): what travels from
``BatchService`` and ``rosters`` to the API, the CLI and the web app.

The JSON they serialise to is the one the API answered before (the spec's shapes, and
``docs/batch-results.md`` for a result row): these models name and type the fields so a caller
cannot read a key that is not there. The job's ``manifest`` stays the JSON document the
job wrote (``manifest.json``: the reproducible record of the run, whose keys are the
contract's), carried verbatim.

Edit here: a field a view shows (and the function that fills it: ``service.view``,
``rosters.roster_view``, ``review.stored_precision``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResultRow(_Shape):
    """One row of ``results.parquet`` (docs/batch-results.md), in its types."""

    row_number: int
    list_ref: str | None
    match_band: str
    person_id: str | None
    probability: float | None
    status_code: str | None
    removable: bool | None
    removability: str | None
    flags: str
    priority: int | None
    priority_reasons: str
    reasons: str
    identity_basis: str
    lead_candidate: bool
    needs_review: bool
    citizenship_sign: bool


class PartnerResultRow(_Shape):
    """What a 287(g) partner officer reads of one of its bookings' result rows
    (``rosters.PARTNER_COLUMNS``): no priority, no match-weight reasons, no lead candidacy."""

    row_number: int
    list_ref: str | None
    match_band: str
    person_id: str | None
    probability: float | None
    status_code: str | None
    removable: bool | None
    removability: str | None
    flags: str
    identity_basis: str
    needs_review: bool
    citizenship_sign: bool


class BandFigures(_Shape):
    """One band's measured figures from the blind-reviewed sample."""

    sampled: int
    judged: int
    cannot_tell: int
    same_person: int
    share_same_person: float | None
    ci95: tuple[float, float]
    meaning: str
    #: The same band measured as the leads show it (``vetline.sampling.reviews.measure``:
    #: the band's true size, Wilson interval), so both workflows read one figure.
    measured: dict[str, Any] | None = None


class MeasuredPrecision(_Shape):
    """Per-band figures of a job's reviewed sample, who reviewed, from which file."""

    bands: dict[str, BandFigures]
    reviewers: list[str]
    judged_file: str | None


class BatchJobSummary(_Shape):
    """A job in a list (``GET /v1/batch-jobs``): state, progress figure, who, why, which
    list (``list_kind``: file, roster, or a built-in list: interpol, overstays)."""

    job_id: str
    state: str
    list_kind: str
    purpose: str
    authority: str
    source_name: str | None
    source_version: str | None
    requester: str
    list_name: str
    input_sha256: str
    rows_total: int | None
    rows_done: int
    progress: float
    created_at: str
    started_at: str | None
    finished_at: str | None
    error: str | None


class BatchJobView(BatchJobSummary):
    """A job as the API shows it: the summary and the run manifest once finished."""

    manifest: dict[str, Any] | None


class BatchJobDetail(BatchJobView):
    """A job with the precision its reviewed sample measured (``GET /v1/batch-jobs/{id}``)."""

    measured_precision: MeasuredPrecision | None


class BatchResultsPage(_Shape):
    """A page of a finished job's results, with its manifest."""

    manifest: dict[str, Any]
    offset: int
    rows: list[ResultRow]
