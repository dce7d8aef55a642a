"""Leads pages (issue 16 landed): leads by AOR in the caller's scope, the imported batch
jobs with their measured precision per band, the blind audit-sample review, one lead with
its evidence and timeline and the decisions on it, and a batch job's progress.

Every handler calls ``LeadsService`` (the API's ``/v1/leads`` and the CLI's path) or the
batch service with the caller's actor and row scope: a field officer sees only leads
assigned to their own AOR, as through the API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from vetline.api.deps import State, require
from vetline.api.routers.batch import batch_runner
from vetline.api.routers.leads import leads_of
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, check_aor
from vetline.batch.builtin import submit_builtin
from vetline.batch.presets import PRESETS
from vetline.batch.service import JobNotFound
from vetline.errors import BadInput
from vetline.leads.lifecycle import OUTCOMES, LeadState
from vetline.web.forms import FormData
from vetline.web.render import page

router = APIRouter(prefix="/web/leads", tags=["web"])
Reader = Annotated[Principal, Depends(require(Permission.LEAD_READ))]
Reviewer = Annotated[Principal, Depends(require(Permission.LEAD_REVIEW))]
Worker = Annotated[Principal, Depends(require(Permission.LEAD_WORK))]
Runner = Annotated[Principal, Depends(require(Permission.BATCH_RUN))]
VERDICTS = ("SAME", "DIFFERENT", "MISSED", "UNSURE")


@router.get("")
def get_leads(request: Request, principal: Reader, state: State) -> Response:
    """Leads in the caller's scope (highest priority first), by state and AOR; the jobs."""
    service = leads_of(request, state)
    lead_state = request.query_params.get("state", "").strip().upper() or None
    if lead_state is not None and lead_state not in {s.value for s in LeadState}:
        raise BadInput("state", f"one of {', '.join(s.value for s in LeadState)}")
    raw_aor = request.query_params.get("aor", "").strip()
    aor = check_aor(raw_aor) if raw_aor else None
    rows = service.leads(principal.actor(), principal.row_scope, state=lead_state, aor=aor,
                         limit=500)  # fmt: skip
    by_aor: dict[str, int] = {}
    for row in rows:
        by_aor[row.aor or "unrouted"] = by_aor.get(row.aor or "unrouted", 0) + 1
    jobs = service.jobs(principal.actor()) if principal.can(Permission.LEAD_REVIEW) else []
    return page(request, "leads.html", principal, leads=rows, jobs=jobs, by_aor=by_aor,
                filters={"state": lead_state or "", "aor": aor or ""},
                states=[s.value for s in LeadState])  # fmt: skip


@router.get("/batch")
def get_batch(request: Request, principal: Runner, state: State) -> Response:
    """The analysis centre's batch jobs: the form to vet a list (a file or a built-in list),
    the newest jobs, and one job's state and progress (rows done of rows) by its id."""
    service = batch_runner(request.app, state).service
    job_id = request.query_params.get("job_id", "").strip()
    job = None
    if job_id:
        try:
            job = service.get(job_id)
        except JobNotFound:
            raise BadInput("job_id", "no batch job with this id") from None
    facts = job.model_dump(mode="json", exclude={"manifest"}) if job else {}
    imported = None  # a finished job: is it among the leads' imported jobs yet?
    if job is not None and job.state == "FINISHED" and principal.can(Permission.LEAD_REVIEW):
        imported = job.job_id in {j.job_id for j in leads_of(request, state).jobs(
            principal.actor())}  # fmt: skip
    return page(request, "batch.html", principal, job=job, job_id=job_id, facts=facts,
                jobs=service.jobs(limit=20), presets=PRESETS, imported=imported)  # fmt: skip


@router.post("/batch/{job_id}/import")
def post_batch_import(job_id: str, request: Request, principal: Reviewer, state: State) -> Response:
    """Import a finished job's results into the leads (``POST /v1/leads/imports`` with its
    ``job_id``): verified, citizenship signs diverted, its blind sample drawn; on to the
    imported job's page."""
    try:
        folder, listed = batch_runner(request.app, state).service.finished_output(job_id)
    except JobNotFound:
        raise BadInput("job_id", "no batch job with this id") from None
    leads_of(request, state).import_folder(folder, principal.actor(), listed)
    return RedirectResponse(f"/web/leads/jobs/{job_id}", status_code=303)


@router.post("/batch")
async def post_batch(request: Request, principal: Runner, state: State) -> Response:
    """Vet a list: the uploaded file (streamed to the job's folder, up to
    ``max_list_bytes``) or a built-in list; on to the job's progress. The same service
    calls as ``POST /v1/batch-jobs``."""
    form = await request.form()
    sent, builtin = form.get("file"), str(form.get("list") or "").strip()
    upload = sent if isinstance(sent, UploadFile) and sent.filename else None  # none chosen
    fields = {name: str(form.get(name) or "").strip() or None
              for name in ("purpose", "authority", "source_name", "source_version",
                           "ref_column")}  # fmt: skip
    if (upload is None) == (not builtin):
        raise BadInput("file", "choose a list file, or a built-in list, not both")
    runner = batch_runner(request.app, state)
    if upload is not None:
        job = await run_in_threadpool(
            runner.service.submit, upload.file, upload.filename or "", fields,
            principal.actor(),
        )  # fmt: skip
    else:
        job = await run_in_threadpool(
            submit_builtin, runner.service, builtin, fields, principal.actor()
        )
    runner.wake()
    return RedirectResponse(f"/web/leads/batch?job_id={job.job_id}", status_code=303)


@router.get("/jobs/{job_id}")
def get_job(job_id: str, request: Request, principal: Reviewer, state: State) -> Response:
    """An imported job: manifest, precision per band, leads by state, the blind sample."""
    service = leads_of(request, state)
    job = service.job(job_id, principal.actor())
    pending = request.query_params.get("all") != "1"
    sample = service.sample(job_id, principal.actor(), pending)
    return page(request, "leads_job.html", principal, job=job, sample=sample,
                verdicts=VERDICTS, pending=pending)  # fmt: skip


@router.post("/jobs/{job_id}/sample/{item_id}")
async def post_verdict(
    job_id: str, item_id: str, request: Request, principal: Reviewer, state: State
) -> Response:
    """A blind verdict (SAME, DIFFERENT, MISSED, UNSURE) on one sampled row."""
    form = await FormData.read(request)
    verdict = form.get("verdict").upper()
    if verdict not in VERDICTS:
        raise BadInput("verdict", f"one of {', '.join(VERDICTS)}")
    service = leads_of(request, state)
    await run_in_threadpool(service.review_sample, job_id, item_id, principal.actor(), verdict,
                            form.get("note") or None)  # fmt: skip
    return RedirectResponse(f"/web/leads/jobs/{job_id}", status_code=303)


@router.get("/{lead_id}")
def get_lead(lead_id: str, request: Request, principal: Reader, state: State) -> Response:
    """One lead: evidence snapshot, reasons, timeline, its job's measured precision."""
    lead = leads_of(request, state).lead(lead_id, principal.actor(), principal.row_scope)
    return page(request, "lead.html", principal, lead=lead,
                outcomes=sorted(s.value for s in OUTCOMES),
                may_review=principal.can(Permission.LEAD_REVIEW),
                may_work=principal.can(Permission.LEAD_WORK))  # fmt: skip


async def _decide(lead_id: str, action: str, request: Request, principal: Principal,
                  state: State) -> Response:  # fmt: skip
    form = await FormData.read(request)
    service = leads_of(request, state)
    note = form.get("note")
    actor = principal.actor()
    if action == "assign":
        call = lambda: service.assign(lead_id, actor, note or None, form.get("aor") or None)  # noqa: E731
    else:
        if not note:
            raise BadInput("note", "every decision on a lead carries its reason")
        if action == "confirm":
            call = lambda: service.confirm(lead_id, actor, note)  # noqa: E731
        elif action == "reject":
            call = lambda: service.reject(lead_id, actor, note)  # noqa: E731
        else:
            outcome = form.get("outcome")
            call = lambda: service.record_outcome(  # noqa: E731
                lead_id, actor, principal.row_scope, outcome, note
            )
    await run_in_threadpool(call)
    return RedirectResponse(f"/web/leads/{lead_id}", status_code=303)


@router.post("/{lead_id}/confirm")
async def post_confirm(lead_id: str, request: Request, principal: Reviewer, state: State
                       ) -> Response:  # fmt: skip
    """Confirm identity after a fresh re-check (a citizenship sign diverts instead)."""
    return await _decide(lead_id, "confirm", request, principal, state)


@router.post("/{lead_id}/reject")
async def post_reject(lead_id: str, request: Request, principal: Reviewer, state: State
                      ) -> Response:  # fmt: skip
    """Take the lead out before the field, with the reason."""
    return await _decide(lead_id, "reject", request, principal, state)


@router.post("/{lead_id}/assign")
async def post_assign(lead_id: str, request: Request, principal: Reviewer, state: State
                      ) -> Response:  # fmt: skip
    """Package and assign to the field office (refused until the job's precision holds)."""
    return await _decide(lead_id, "assign", request, principal, state)


@router.post("/{lead_id}/outcome")
async def post_outcome(lead_id: str, request: Request, principal: Worker, state: State
                       ) -> Response:  # fmt: skip
    """The field's outcome on a lead of the officer's own AOR."""
    return await _decide(lead_id, "outcome", request, principal, state)
