"""The vetting centre's HTTP surface: ``/v1/cases``, ``/v1/citizenship-claims``,
``/v1/corrections``, ``/v1/ops/vetting`` here, ``/v1/requests`` in ``vetting_requests.py``
(included below, so the app lists one router).

Thin: each route parses its body and calls the one service function the CLI calls too
(``vetline.vetting``); access is decided by ``require`` and the row scope, never here.
The service is built on first use over the desk's (same database, lookup, clock) and
installs the case intake on the desk, so finalised IARs open cases.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from vetline.api.deps import State, require
from vetline.api.routers.desk import desk_of
from vetline.api.state import AppState
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.vetting import (
    VettingService,
    cases,
    claims,
    corrections,
    install_intake,
    intake,
    notices,
    ops,
)
from vetline.vetting.case_list import list_cases
from vetline.vetting.moves import load_request

router = APIRouter(tags=["vetting centre"])
Reader = Annotated[Principal, Depends(require(Permission.CASE_READ))]
Officer = Annotated[Principal, Depends(require(Permission.CASE_DECIDE))]
ClaimFiler = Annotated[Principal, Depends(require(Permission.CLAIM_FILE))]
ClaimReader = Annotated[Principal, Depends(require(Permission.CLAIM_READ))]
Reviewer = Annotated[Principal, Depends(require(Permission.CLAIM_DETERMINE))]
CorrectionReader = Annotated[Principal, Depends(require(Permission.CORRECTION_READ))]
OpsReader = Annotated[Principal, Depends(require(Permission.VETTING_OPS_READ))]
_BUILD_LOCK = threading.Lock()
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Id = Annotated[str, Field(min_length=1, max_length=64)]


def install_vetting(app: Any, svc: VettingService, sweep_every: float | None = None) -> None:
    """Attach a built vetting service (``vetline serve``, tests): finalised IARs open cases
    from the first query on, not only once a vetting route was first called.
    ``sweep_every`` (seconds; ``vetline serve``): run the centre's clocks — claim
    escalation, detainer lapse — in a background thread (``vetting.sweep.Sweeper``)."""
    install_intake(svc)
    app.state.vetting = svc
    if sweep_every is not None:
        from vetline.vetting.sweep import Sweeper

        app.state.vetting_sweeper = Sweeper(svc, sweep_every)
        app.state.vetting_sweeper.start()


def vetting_of(request: Request, state: AppState) -> VettingService:
    """The app's vetting service (built once, over the desk's)."""
    app = request.app
    svc = getattr(app.state, "vetting", None)
    if svc is None:
        with _BUILD_LOCK:
            svc = getattr(app.state, "vetting", None)
            if svc is None:
                svc = VettingService(desk_of(request, state), data_dir=state.settings.data)
                install_intake(svc)
                app.state.vetting = svc
    assert isinstance(svc, VettingService)
    return svc


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenIn(_In):
    query_id: Id
    reason: Text


class MarkIn(_In):
    source: Id
    record_id: Id
    mark: Literal["SAME_PERSON", "NOT_THIS_PERSON"]
    note: str = Field(default="", max_length=1000)


class WrongIn(_In):
    source: Id
    record_id: Id
    field: Id
    correction: Text


class ItemIn(_In):
    action: Literal["CONFIRM", "CORRECT"]
    note: Text
    fields: dict[str, Any] = Field(default_factory=dict)


class CloseIn(_In):
    reason: Literal[tuple(cases.CLOSE_REASONS)]  # type: ignore[valid-type]
    note: Text


class ClaimIn(_In):
    case_id: Id | None = None
    request_id: Id | None = None
    claimant: Literal["SUBJECT", "ATTORNEY", "AGENCY"]
    claimant_name: str | None = Field(default=None, max_length=120)
    statement: Annotated[str, Field(min_length=1, max_length=4000)]


class DetermineIn(_In):
    determination: Literal["USC_CONFIRMED", "NOT_CITIZEN"]
    text: Annotated[str, Field(min_length=10, max_length=4000)]


@router.get("/v1/cases")
def get_cases(
    request: Request,
    p: Reader,
    state: State,
    case_state: Annotated[str | None, Query(alias="state", max_length=16)] = None,
    aor: Annotated[str | None, Query(max_length=8)] = None,
    overdue: bool = False,
    revet: bool = False,
    before: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """The case queue, newest first; with ``overdue=true`` most overdue first (by the case's
    earliest past-due clock). ``next``: the ``before`` of the following page."""
    svc = vetting_of(request, state)
    with svc.uow(p.actor(), read_only=True) as uow:
        return list_cases(
            uow, state=case_state, aor=aor, overdue=overdue, revet=revet, before=before, limit=limit
        )


@router.post("/v1/cases", status_code=201)
def post_case(body: OpenIn, request: Request, p: Officer, state: State) -> dict[str, Any]:
    """Open a case by hand for an answered IAQ (the same checks as the automatic path)."""
    svc = vetting_of(request, state)
    return intake.open_case(svc, body.query_id, p.actor(), via="OFFICER", reason=body.reason)


@router.get("/v1/cases/{case_id}")
def get_case(case_id: str, request: Request, p: Reader, state: State) -> dict[str, Any]:
    return cases.view(vetting_of(request, state), case_id, p.actor())


@router.get("/v1/cases/{case_id}/changes")
def get_changes(case_id: str, request: Request, p: Reader, state: State) -> dict[str, Any]:
    """What changed in the live records since the latest decision's evidence snapshot."""
    return cases.changes(vetting_of(request, state), case_id, p.actor())


@router.post("/v1/cases/{case_id}/review")
def post_review(case_id: str, request: Request, p: Officer, state: State) -> dict[str, Any]:
    return cases.start_review(vetting_of(request, state), case_id, p.actor())


@router.post("/v1/cases/{case_id}/records/mark")
def post_mark(
    case_id: str, body: MarkIn, request: Request, p: Officer, state: State
) -> dict[str, Any]:
    svc = vetting_of(request, state)
    return cases.mark_record(
        svc, case_id, p.actor(), body.source, body.record_id, body.mark, body.note
    )


@router.post("/v1/cases/{case_id}/records/wrong", status_code=201)
def post_wrong(
    case_id: str, body: WrongIn, request: Request, p: Officer, state: State
) -> dict[str, Any]:
    """Mark a record wrong in its source system (a source-correction item)."""
    svc = vetting_of(request, state)
    return corrections.mark_wrong(
        svc, case_id, p.actor(), body.source, body.record_id, body.field, body.correction
    )


@router.post("/v1/cases/{case_id}/checklist/{item}")
def post_item(
    case_id: str, item: str, body: ItemIn, request: Request, p: Officer, state: State
) -> dict[str, Any]:
    svc = vetting_of(request, state)
    return cases.decide_item(svc, case_id, p.actor(), item, body.action, body.note, body.fields)


@router.post("/v1/cases/{case_id}/close")
def post_close(
    case_id: str, body: CloseIn, request: Request, p: Officer, state: State
) -> dict[str, Any]:
    return cases.close(vetting_of(request, state), case_id, p.actor(), body.reason, body.note)


@router.get("/v1/citizenship-claims")
def get_claims(
    request: Request, p: ClaimReader, state: State, open_only: bool = True
) -> list[dict[str, Any]]:
    return claims.list_claims(vetting_of(request, state), p.actor(), open_only)


@router.post("/v1/citizenship-claims", status_code=201)
def post_claim(body: ClaimIn, request: Request, p: ClaimFiler, state: State) -> dict[str, Any]:
    """A claim of U.S. citizenship: by case (staff) or by the request an agency received."""
    svc = vetting_of(request, state)
    case_id = body.case_id
    if body.request_id is not None:
        with svc.uow(p.actor(), read_only=True) as uow:
            case_id = load_request(uow, body.request_id, p.row_scope).case_id
    elif p.row_scope.kind.value != "all":
        from vetline.errors import BadInput

        raise BadInput("request_id", "an agency files a claim against the request it received")
    if case_id is None:
        from vetline.errors import BadInput

        raise BadInput("case_id", "give case_id or request_id")
    return claims.file_claim(
        svc, case_id, p.actor(), body.claimant, body.claimant_name, body.statement
    )


@router.post("/v1/citizenship-claims/{claim_id}/assign")
def post_assign(claim_id: str, request: Request, p: Reviewer, state: State) -> dict[str, Any]:
    return claims.assign(vetting_of(request, state), claim_id, p.actor())


@router.post("/v1/citizenship-claims/{claim_id}/determine")
def post_determine(
    claim_id: str, body: DetermineIn, request: Request, p: Reviewer, state: State
) -> dict[str, Any]:
    """The reviewer's written determination (USC_CONFIRMED cancels, amends, corrects)."""
    return claims.determine(
        vetting_of(request, state), claim_id, p.actor(), body.determination, body.text
    )


@router.get("/v1/corrections")
def get_corrections(
    request: Request,
    p: CorrectionReader,
    state: State,
    source: Annotated[str | None, Query(max_length=32)] = None,
    item_state: Annotated[str | None, Query(alias="state", max_length=16)] = "OPEN",
) -> dict[str, Any]:
    """Source-correction items per source system (the owning offices' work list)."""
    return corrections.list_by_source(vetting_of(request, state), p.actor(), source, item_state)


@router.get("/v1/ops/vetting")
def get_ops(
    request: Request, p: OpsReader, state: State, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> dict[str, Any]:
    """Cases, decisions, detainers (cancelled by reason, citizenship first), claims, corrections."""
    return ops.vetting_stats(vetting_of(request, state), p.actor(), days)


@router.get("/v1/vetting/notices")
def get_notices(
    request: Request,
    p: Reader,
    state: State,
    open_only: bool = True,
    case_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    """Notices addressed to the caller's role: overdue claims escalated, detainers lapsed."""
    return notices.list_notices(vetting_of(request, state), p.actor(), open_only, case_id)


@router.post("/v1/vetting/notices/{notice_id}/acknowledge")
def post_notice_ack(notice_id: str, request: Request, p: Reader, state: State) -> dict[str, Any]:
    """A named person of the addressed role takes note of a notice (audited)."""
    return notices.acknowledge(vetting_of(request, state), notice_id, p.actor())


# Imported last: it reads ``vetting_of`` from this module.
from vetline.api.routers import vetting_requests  # noqa: E402

router.include_router(vetting_requests.router)
