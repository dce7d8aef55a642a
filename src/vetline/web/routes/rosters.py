"""Roster pages (issue 16 item 9): a 287(g) partner officer sends its jails' daily rosters
and reads what came of its own bookings; lead analysts see every roster (CAP).

Every handler calls the functions ``/v1/rosters`` and ``vetline rosters`` call
(``vetline.batch.rosters``) with the caller's actor and row scope: another agency's
roster is not found here either, and every read is audited there.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vetline.api.deps import State, require
from vetline.api.routers.batch import batch_runner
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.batch.rosters import (
    facilities_of,
    get_roster,
    list_rosters,
    roster_results,
    submit_roster,
)
from vetline.errors import BadInput
from vetline.web.render import page

router = APIRouter(prefix="/web/rosters", tags=["web"])
Reader = Annotated[Principal, Depends(require(Permission.ROSTER_READ))]
Submitter = Annotated[Principal, Depends(require(Permission.ROSTER_SUBMIT))]


@router.get("")
def get_rosters(request: Request, principal: Reader, state: State) -> Response:
    """The caller's roster jobs, newest first, and the form to send a roster."""
    service = batch_runner(request.app, state).service
    jobs = list_rosters(service, principal.actor(), principal.row_scope)
    facilities = facilities_of(service.policy, principal.row_scope)
    return page(request, "rosters.html", principal, jobs=jobs,
                facilities=sorted(facilities) if facilities is not None else None,
                may_submit=principal.can(Permission.ROSTER_SUBMIT))  # fmt: skip


@router.post("")
async def post_roster(request: Request, principal: Submitter, state: State) -> Response:
    """Send a facility's roster (a file and the facility's ORI); on to the job's page."""
    form = await request.form()
    upload, facility = form.get("file"), form.get("facility_ori")
    if upload is None or isinstance(upload, str):
        raise BadInput("file", "choose the roster file (.csv, .parquet or .jsonl)")
    if not isinstance(facility, str) or not facility.strip():
        raise BadInput("facility_ori", "choose the facility whose roster this is")
    runner = batch_runner(request.app, state)
    job = await run_in_threadpool(  # streamed to the job's folder (``batch.upload``)
        submit_roster, runner.service, upload.file, upload.filename or "", facility, {},
        principal.actor(), principal.row_scope,
    )  # fmt: skip
    runner.wake()
    return RedirectResponse(f"/web/rosters/{job.job_id}", status_code=303)


@router.get("/{job_id}")
def get_roster_page(job_id: str, request: Request, principal: Reader, state: State) -> Response:
    """One roster job: progress, the delta's figures, and its bookings' results."""
    service = batch_runner(request.app, state).service
    job = get_roster(service, job_id, principal.actor(), principal.row_scope)
    results = None
    if job.state == "FINISHED":
        results = roster_results(service, job_id, principal.actor(), principal.row_scope)
    return page(request, "roster.html", principal, job=job, results=results)
