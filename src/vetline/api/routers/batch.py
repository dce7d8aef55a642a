"""Batch jobs over HTTP: ``POST /v1/batch-jobs`` (the list file and why), ``GET
/v1/batch-jobs/{id}`` (state and a progress figure), ``GET /v1/batch-jobs/{id}/results``.

Thin: the upload goes to ``BatchService.submit`` (list file and job row durable and
audited before the 202), the serve process's runner thread runs it with the same
``run_job`` as ``vetline batch``. Every route needs ``batch.run`` (lead analysts).
Results come as JSON pages (``offset``/``limit``) or, with ``format=parquet``, as the
``results.parquet`` file the leads import reads (its SHA-256 in the
``x-result-sha256`` header and the manifest).
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse

from vetline.api.deps import State, require
from vetline.api.errors import error_response
from vetline.api.state import AppState
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.batch.policy import load_batch_policy
from vetline.batch.rosters import (
    RosterJob,
    RosterResults,
    get_roster,
    list_rosters,
    roster_results,
    submit_roster,
)
from vetline.batch.runner import BatchRunner
from vetline.batch.service import MAX_OFFSET, BatchService, JobNotFound
from vetline.batch.shapes import BatchJobDetail, BatchJobSummary, BatchJobView
from vetline.encounters import DeskEncounters
from vetline.errors import BadInput

router = APIRouter(prefix="/v1", tags=["batch vetting"])
Runner = Annotated[Principal, Depends(require(Permission.BATCH_RUN))]
_BUILD_LOCK = threading.Lock()


def start_batch_runner(app: Any, state: AppState | None = None) -> BatchRunner:
    """Start the app's runner thread (``vetline serve`` calls this at start-up so jobs
    left QUEUED or RUNNING by a previous process go on; a submitted job wakes it)."""
    runner = batch_runner(app, state)
    runner.start()
    return runner


def batch_runner(app: Any, state: AppState | None = None) -> BatchRunner:
    """The app's batch service and runner, built once (the thread starts on first use)."""
    runner = getattr(app.state, "batch_runner", None)
    if runner is None:
        with _BUILD_LOCK:
            runner = getattr(app.state, "batch_runner", None)
            if runner is None:
                state = state or app.state.vetline
                assert state is not None
                service = BatchService(
                    state.database, state.settings.data, load_batch_policy(),
                    encounters=DeskEncounters(partial(_desk_with_intake, app, state)),
                )  # fmt: skip
                runner = BatchRunner(service)
                app.state.batch_runner = runner
    assert isinstance(runner, BatchRunner)
    return runner


def _desk_with_intake(app: Any, state: AppState) -> Any:
    """The app's desk, with the vetting centre listening to its answers (its public
    intake), built as ``desk_of`` and ``vetting_of`` would on first use: a roster's
    in-custody persons go to the vetting centre as encounters (``vetline.encounters``)."""
    from vetline.api.routers.desk import install_desk
    from vetline.api.routers.vetting import install_vetting
    from vetline.desk.service.service import DeskService
    from vetline.person import PersonLookup
    from vetline.status import load_policy
    from vetline.vetting import VettingService

    with _BUILD_LOCK:
        desk = getattr(app.state, "desk", None)
        if desk is None:
            data = state.settings.data
            desk = DeskService(
                state.database, lambda: PersonLookup.open(data), policy=load_policy()
            )
            install_desk(app, desk)
        if getattr(app.state, "vetting", None) is None:
            install_vetting(app, VettingService(desk, data_dir=state.settings.data))
    return desk


def _runner(request: Request, state: AppState) -> BatchRunner:
    return batch_runner(request.app, state)


def _not_found(job_id: str) -> JSONResponse:
    return error_response(404, "not_found", f"no batch job {job_id}")


@router.post("/batch-jobs", status_code=202)
async def post_batch_job(
    request: Request,
    principal: Runner,
    state: State,
    purpose: Annotated[str, Form()],
    authority: Annotated[str, Form(description="Legal authority (SORN routine use)")],
    file: Annotated[
        UploadFile | None, File(description="The list: .csv, .parquet or .jsonl")
    ] = None,
    builtin: Annotated[
        str | None,
        Form(alias="list", description="Instead of a file, a built-in list derived from the "
             "loaded records: interpol (open notices) or overstays (entry/exit)"),
    ] = None,
    source_name: Annotated[str | None, Form()] = None,
    source_version: Annotated[str | None, Form()] = None,
    ref_column: Annotated[str | None, Form()] = None,
) -> BatchJobView:  # fmt: skip
    """Submit a list for vetting; 202 once the list and the job are stored (QUEUED).

    The list is a file (``file``) or a built-in list (``list``), not both. A file may be as
    large as ``max_list_bytes`` (4 GiB by default): it is streamed to the job's folder from
    the upload's spooled file, never read into memory whole."""
    from starlette.concurrency import run_in_threadpool

    runner = _runner(request, state)
    fields = {"purpose": purpose, "authority": authority, "source_name": source_name,
              "source_version": source_version, "ref_column": ref_column}  # fmt: skip
    if file is not None and not file.filename:  # a form's file input left empty
        file = None
    if (file is None) == (not builtin):
        raise BadInput("file", "send a list file, or name a built-in list (list), not both")
    if file is not None:
        job = await run_in_threadpool(
            runner.service.submit, file.file, file.filename or "", fields, principal.actor()
        )
    else:
        from vetline.batch.builtin import submit_builtin

        job = await run_in_threadpool(
            submit_builtin, runner.service, str(builtin).strip(), fields, principal.actor()
        )
    runner.wake()
    return job


@router.get("/batch-jobs")
def list_batch_jobs(
    request: Request, principal: Runner, state: State, offset: int = 0, limit: int = 50
) -> list[BatchJobSummary]:
    """The batch jobs, newest first (a page of ``limit`` ≤ 200 from ``offset``)."""
    if not 0 <= offset <= MAX_OFFSET:
        raise BadInput("offset", f"0 to {MAX_OFFSET}")
    if not 1 <= limit <= 200:
        raise BadInput("limit", "1 to 200")
    return _runner(request, state).service.jobs(limit=limit, offset=offset)


@router.get("/batch-jobs/{job_id}", response_model=None)
def get_batch_job(
    job_id: str, request: Request, principal: Runner, state: State
) -> BatchJobDetail | JSONResponse:
    """A job: state, progress (rows done of rows), manifest when finished."""
    try:
        return _runner(request, state).service.get(job_id)
    except JobNotFound:
        return _not_found(job_id)


@router.get("/batch-jobs/{job_id}/results", response_model=None)
def get_batch_results(
    job_id: str,
    request: Request,
    principal: Runner,
    state: State,
    offset: int = 0,
    limit: int = 1000,
    format: str = "json",
) -> Any:
    """A finished job's results (JSON pages, or ``format=parquet``); reading is audited."""
    if format not in ("json", "parquet"):
        return error_response(422, "invalid", "format: json or parquet", field="format")
    if not 0 <= offset <= MAX_OFFSET:
        return error_response(422, "invalid", f"0 <= offset <= {MAX_OFFSET}", field="offset")
    if not 1 <= limit <= 10_000:
        return error_response(422, "invalid", "1 <= limit <= 10000", field="limit")
    service = _runner(request, state).service
    try:
        if format == "json":
            return service.results_page(job_id, principal.actor(), offset=offset, limit=limit)
        path, manifest = service.results(job_id, principal.actor())
    except JobNotFound:
        return _not_found(job_id)
    return FileResponse(
        path, media_type="application/vnd.apache.parquet", filename="results.parquet",
        headers={"x-result-sha256": manifest["result_sha256"]},
    )  # fmt: skip


# -- jail rosters (issue 16 items 8-9): partner officers of 287(g) agencies, lead analysts --
Submitter = Annotated[Principal, Depends(require(Permission.ROSTER_SUBMIT))]
RosterReader = Annotated[Principal, Depends(require(Permission.ROSTER_READ))]


@router.post("/rosters", status_code=202)
async def post_roster(
    request: Request,
    principal: Submitter,
    state: State,
    file: Annotated[UploadFile, File(description="The roster: .csv, .parquet or .jsonl")],
    facility_ori: Annotated[str, Form(description="ORI of the jail the roster is of")],
    purpose: Annotated[str | None, Form()] = None,
    authority: Annotated[str | None, Form(description="Default: the agency's 287(g) MOA")] = None,
) -> RosterJob:
    """Submit a facility's daily roster; only bookings new since its previous are vetted.

    A partner officer sends only rosters of its agency's facilities (403 otherwise).
    """
    from starlette.concurrency import run_in_threadpool

    runner = _runner(request, state)
    fields = {"purpose": purpose, "authority": authority}
    job = await run_in_threadpool(
        submit_roster, runner.service, file.file, file.filename or "", facility_ori, fields,
        principal.actor(), principal.row_scope,
    )  # fmt: skip
    runner.wake()
    return job


@router.get("/rosters")
def get_rosters(
    request: Request, principal: RosterReader, state: State, limit: int = 100
) -> list[RosterJob]:
    """The caller's roster jobs (a partner officer: its agency's), newest first."""
    service = _runner(request, state).service
    return list_rosters(service, principal.actor(), principal.row_scope, limit)


@router.get("/rosters/{job_id}")
def get_roster_job(
    job_id: str, request: Request, principal: RosterReader, state: State
) -> RosterJob:
    """One roster job of the caller's: state, progress, the delta's figures, counts."""
    service = _runner(request, state).service
    return get_roster(service, job_id, principal.actor(), principal.row_scope)


@router.get("/rosters/{job_id}/results")
def get_roster_results(
    job_id: str,
    request: Request,
    principal: RosterReader,
    state: State,
    offset: int = 0,
    limit: int = 1000,
) -> RosterResults:
    """The results of the job's bookings, one row per new booking (reading is audited)."""
    service = _runner(request, state).service
    return roster_results(
        service, job_id, principal.actor(), principal.row_scope, offset=offset, limit=limit
    )
