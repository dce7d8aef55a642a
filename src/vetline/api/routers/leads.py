"""Leads over HTTP (``/v1/leads``, ``/v1/ops/leads``): thin, every body typed, every call
through ``LeadsService`` (the CLI's path too) with the caller's row scope.

Who may do what is declared in ``vetline.auth.roles``: lead analysts and supervisors
review (import, sample, confirm, reject, assign); field officers work leads of their own
AOR (outcome); all three read (field officers: own AOR, assigned leads only). A batch
result is imported from a folder inside the deployment's data folder: the API never reads
a path the operator did not put there.

The service is built on first use from the settings' data folder (the person re-check
loads the built index then), or installed with :func:`install_leads` (tests, serve).
"""

from __future__ import annotations

import threading
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from vetline.api.deps import State, require
from vetline.api.state import AppState
from vetline.auth.errors import NotFound
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.documents import referral_from_json, render_referral_pdf
from vetline.errors import BadInput
from vetline.leads import LeadsService
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

router = APIRouter(prefix="/v1/leads", tags=["leads"])
ops_router = APIRouter(prefix="/v1/ops", tags=["operations"])
Reviewer = Annotated[Principal, Depends(require(Permission.LEAD_REVIEW))]
Reader = Annotated[Principal, Depends(require(Permission.LEAD_READ))]
Worker = Annotated[Principal, Depends(require(Permission.LEAD_WORK))]
#: Ids in paths: what the service issues (uuids) or a batch job id; nothing else reaches SQL.
_ID = r"^[A-Za-z0-9._:-]{1,64}$"
LeadId = Annotated[str, Path(pattern=_ID)]
JobId = Annotated[str, Path(pattern=_ID)]
ItemId = Annotated[str, Path(pattern=_ID)]
#: Free text: anything but NUL, which PostgreSQL cannot store in a text column.
_TEXT = r"^[^\x00]*$"
_BUILD_LOCK = threading.Lock()


def install_leads(app: Any, service: LeadsService) -> None:
    """Attach an already built leads service to an app."""
    app.state.leads = service


def leads_of(request: Request, state: AppState) -> LeadsService:
    """The app's leads service, built from the settings on first use."""
    app = request.app
    service = getattr(app.state, "leads", None)
    if service is None:
        with _BUILD_LOCK:
            service = getattr(app.state, "leads", None)
            if service is None:
                from vetline.leads.ports import OwnVetting
                from vetline.vetting.for_leads import CasesForLeads

                service = LeadsService(
                    state.database,
                    lambda: _core_check(request, state),
                    vetting=CasesForLeads(OwnVetting()),
                )
                app.state.leads = service
    assert isinstance(service, LeadsService)
    return service


def _core_check(request: Request, state: AppState) -> Any:
    """The re-check over the desk's own person lookup: one copy of the index per process."""
    from vetline.api.routers.desk import desk_of
    from vetline.desk.service import DeskUnavailable
    from vetline.leads.person_check import PersonCoreCheck
    from vetline.status import load_policy

    try:
        return PersonCoreCheck(desk_of(request, state).lookup(), load_policy())
    except DeskUnavailable as exc:
        raise BadInput("data", f"the person index is not available: {exc}") from None


class ImportIn(BaseModel):
    """What to import: a finished API batch job (``job_id``: its output and the list it
    read, found by the server), or a batch job's output folder (``results.parquet`` +
    ``manifest.json``) inside the data folder, as ``vetline batch --out`` wrote it."""

    model_config = ConfigDict(extra="forbid")
    job_id: str | None = Field(default=None, min_length=1, max_length=64, pattern=_TEXT)
    result_dir: str | None = Field(default=None, min_length=1, max_length=1000, pattern=_TEXT)
    #: The list the job read (optional): sample reviewers then see each row's identity.
    list_file: str | None = Field(default=None, min_length=1, max_length=1000, pattern=_TEXT)


class NoteIn(BaseModel):
    """Why: every human decision on a lead carries its reason."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=2000, pattern=_TEXT)


class AssignIn(BaseModel):
    """Assign to the computed AOR, or name one (with a note saying why)."""

    model_config = ConfigDict(extra="forbid")
    aor: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,4}$")
    note: str | None = Field(default=None, max_length=2000, pattern=_TEXT)


class OutcomeIn(BaseModel):
    """What the field found."""

    model_config = ConfigDict(extra="forbid")
    outcome: str = Field(min_length=1, max_length=32, pattern=_ID)
    note: str = Field(min_length=1, max_length=2000, pattern=_TEXT)


class VerdictIn(BaseModel):
    """A blind verdict on an audit-sample row: SAME, DIFFERENT, MISSED or UNSURE."""

    model_config = ConfigDict(extra="forbid")
    verdict: str = Field(min_length=1, max_length=16, pattern=_ID)
    note: str | None = Field(default=None, max_length=2000, pattern=_TEXT)


def _inside_data(state: AppState, given: str, field: str) -> FilePath:
    root = FilePath(state.settings.data).resolve()
    try:
        path = FilePath(given)
        path = (path if path.is_absolute() else root / path).resolve()
    except (ValueError, OSError):
        raise BadInput(field, "not a usable path") from None
    if not path.is_relative_to(root):
        raise BadInput(field, "must be a folder inside the deployment's data folder")
    return path


@router.post("/imports")
def post_import(
    body: ImportIn, request: Request, principal: Reviewer, state: State
) -> dict[str, Any]:
    """Import a batch result (refused unless its SHA-256 matches the manifest): a finished
    API job by its ``job_id``, or a ``result_dir``."""
    if (body.job_id is None) == (body.result_dir is None):
        raise BadInput("job_id", "give a batch job's job_id, or a result_dir, not both")
    if body.job_id is not None:
        if body.list_file is not None:
            raise BadInput("list_file", "an API job's list is known: give only its job_id")
        from vetline.api.routers.batch import batch_runner
        from vetline.batch.service import JobNotFound

        try:
            folder, listed = batch_runner(request.app, state).service.finished_output(body.job_id)
        except JobNotFound:
            raise NotFound(f"no batch job {body.job_id}") from None
    else:
        assert body.result_dir is not None
        folder = _inside_data(state, body.result_dir, "result_dir")
        listed = _inside_data(state, body.list_file, "list_file") if body.list_file else None
    return leads_of(request, state).import_folder(folder, principal.actor(), listed)


@router.get("/jobs")
def get_jobs(request: Request, principal: Reviewer, state: State) -> list[JobView]:
    """Imported jobs with their measured precision per band."""
    return leads_of(request, state).jobs(principal.actor())


@router.get("/jobs/{job_id}")
def get_job(job_id: JobId, request: Request, principal: Reviewer, state: State) -> JobDetail:
    """One job: manifest, import summary, leads by state, precision per band."""
    return leads_of(request, state).job(job_id, principal.actor())


@router.get("/jobs/{job_id}/sample")
def get_sample(
    job_id: JobId, request: Request, principal: Reviewer, state: State, pending: bool = False
) -> list[SampleItemView]:
    """The job's audit sample, blind (no band, no score)."""
    return leads_of(request, state).sample(job_id, principal.actor(), pending)


@router.get("/jobs/{job_id}/sample/{item_id}")
def get_sample_item(
    job_id: JobId, item_id: ItemId, request: Request, principal: Reviewer, state: State
) -> dict[str, Any]:
    """One sampled row beside the candidate's identity (blind: no status, band or score)."""
    return leads_of(request, state).sample_item(job_id, item_id, principal.actor())


@router.post("/jobs/{job_id}/sample/{item_id}")
def post_verdict(
    job_id: JobId,
    item_id: ItemId,
    body: VerdictIn,
    request: Request,
    principal: Reviewer,
    state: State,
) -> dict[str, Any]:
    """Record a blind verdict on one sampled row."""
    service = leads_of(request, state)
    return service.review_sample(job_id, item_id, principal.actor(), body.verdict, body.note)


@router.get("/diversions")
def get_diversions(
    request: Request,
    principal: Reviewer,
    state: State,
    job_id: Annotated[str | None, Query(pattern=_ID)] = None,
) -> list[DiversionView]:
    """The citizenship-review list: rows and leads that showed a sign of U.S. citizenship."""
    return leads_of(request, state).diversions(principal.actor(), job_id)


@router.get("/corrections")
def get_corrections(request: Request, principal: Reviewer, state: State) -> list[CorrectionView]:
    """Source-correction items opened by US_CITIZEN and WRONG_PERSON outcomes."""
    return leads_of(request, state).corrections(principal.actor())


@router.post("/expire")
def post_expire(request: Request, principal: Reviewer, state: State) -> dict[str, Any]:
    """Expire every open lead past its date (it must be re-vetted)."""
    return leads_of(request, state).expire_due(principal.actor())


@router.get("")
def get_leads(
    request: Request,
    principal: Reader,
    state: State,
    lead_state: Annotated[str | None, Query(pattern=_ID)] = None,
    aor: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,4}$")] = None,
    limit: int = 100,
) -> list[LeadSummary]:
    """Leads in the caller's scope, highest priority first."""
    service = leads_of(request, state)
    return service.leads(
        principal.actor(), principal.row_scope, state=lead_state, aor=aor, limit=limit
    )


@router.get("/{lead_id}")
def get_lead(lead_id: LeadId, request: Request, principal: Reader, state: State) -> LeadDetail:
    """A lead with its evidence, reasons, timeline and its job's measured precision."""
    return leads_of(request, state).lead(lead_id, principal.actor(), principal.row_scope)


@router.get("/{lead_id}/package")
def get_package(
    lead_id: LeadId, request: Request, principal: Reader, state: State
) -> dict[str, Any]:
    """The referral package sent with the lead (JSON, as stored at assignment)."""
    return leads_of(request, state).package(lead_id, principal.actor(), principal.row_scope)


@router.get("/{lead_id}/package.pdf")
def get_package_pdf(lead_id: LeadId, request: Request, principal: Reader, state: State) -> Response:
    """The referral package as PDF, rendered from the stored JSON (deterministic)."""
    body = leads_of(request, state).package(lead_id, principal.actor(), principal.row_scope)
    pdf = render_referral_pdf(referral_from_json(body))
    return Response(pdf, media_type="application/pdf")


@router.post("/{lead_id}/confirm")
def post_confirm(
    lead_id: LeadId, body: NoteIn, request: Request, principal: Reviewer, state: State
) -> dict[str, Any]:
    """Confirm identity after a fresh re-check (a citizenship sign diverts instead)."""
    return leads_of(request, state).confirm(lead_id, principal.actor(), body.note)


@router.post("/{lead_id}/reject")
def post_reject(
    lead_id: LeadId, body: NoteIn, request: Request, principal: Reviewer, state: State
) -> dict[str, Any]:
    """Take a lead out before the field, with the reason."""
    return leads_of(request, state).reject(lead_id, principal.actor(), body.note)


@router.post("/{lead_id}/assign")
def post_assign(
    lead_id: LeadId, body: AssignIn, request: Request, principal: Reviewer, state: State
) -> dict[str, Any]:
    """Package and assign to the field office (refused until the job's precision holds)."""
    return leads_of(request, state).assign(lead_id, principal.actor(), body.note, body.aor)


@router.post("/{lead_id}/outcome")
def post_outcome(
    lead_id: LeadId, body: OutcomeIn, request: Request, principal: Worker, state: State
) -> dict[str, Any]:
    """Record the field outcome (own AOR only)."""
    service = leads_of(request, state)
    return service.record_outcome(
        lead_id, principal.actor(), principal.row_scope, body.outcome, body.note
    )


@ops_router.get("/leads")
def get_lead_metrics(request: Request, principal: Reviewer, state: State) -> OutcomeMetrics:
    """Lead quality from field outcomes per list, source, band and AOR."""
    return leads_of(request, state).metrics(principal.actor())


#: Both routers, listed once in ``vetline.api.routers.ROUTERS``.
ROUTERS: tuple[APIRouter, ...] = (router, ops_router)
