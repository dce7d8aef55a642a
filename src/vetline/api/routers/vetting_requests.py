"""``/v1/requests``: detainers, notification requests, referrals and no-action decisions —
draft (under the case), approve, return, issue, serve, acknowledge / decline, custody
assumed, lapse, cancel; the issued PDF. Included by ``vetting.py``.

Row scope: an agency sees only the issued requests addressed to it, a field officer only
the referrals of its AOR (``vetline.vetting.moves.visible``); anything else is 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select

from vetline.api.deps import State, require
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.vetting import requests as service
from vetline.vetting import rules
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import VettingRequest
from vetline.vetting.moves import visible
from vetline.vetting.views import request_view

router = APIRouter(tags=["vetting centre"])
Officer = Annotated[Principal, Depends(require(Permission.CASE_DECIDE))]
Supervisor = Annotated[Principal, Depends(require(Permission.DETAINER_APPROVE))]
Reader = Annotated[Principal, Depends(require(Permission.REQUEST_READ))]
Server = Annotated[Principal, Depends(require(Permission.REQUEST_SERVE))]
Agency = Annotated[Principal, Depends(require(Permission.REQUEST_RESPOND))]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


def _svc(request: Request, state: Any) -> Any:
    from vetline.api.routers.vetting import vetting_of

    return vetting_of(request, state)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftIn(_In):
    kind: Literal["DETAINER", "NOTIFICATION", "LEAD_REFERRAL", "CONDITIONAL_REFERRAL", "NO_ACTION"]
    agency_ori: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z0-9]{7}$")
    pc_bases: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=4)
    pc_detail: str = Field(default="", max_length=2000)
    additional_basis: Literal["INTERVIEW", "A_FILE_REVIEW", "FINAL_ORDER"] | None = None
    databases_relied_on: str = Field(default="", max_length=1000)
    warrant_kind: Literal["I-200", "I-205"] | None = None
    warrant_number: str | None = Field(default=None, max_length=32)
    warrant_signed_on: date | None = None
    reason_code: Literal[tuple(rules.NO_ACTION_REASONS)] | None = None  # type: ignore[valid-type]
    reason: str = Field(default="", max_length=2000)


class ReasonIn(_In):
    reason: Text


class AckIn(_In):
    release_at: AwareDatetime | None = None


class CancelIn(_In):
    reason: Literal["USC_CONFIRMED", "LAWFUL_STATUS", "WRONG_PERSON", "RELEASED", "OTHER"]
    note: str = Field(default="", max_length=2000)


@router.post("/v1/cases/{case_id}/requests", status_code=201)
def post_draft(
    case_id: str, body: DraftIn, request: Request, p: Officer, state: State
) -> dict[str, Any]:
    """Draft a request on a case in review (refused at once if it could never be issued)."""
    d = service.Draft(**{**body.model_dump(), "pc_bases": tuple(body.pc_bases)})
    return service.draft(_svc(request, state), case_id, p.actor(), d)


@router.get("/v1/requests")
def get_requests(
    request: Request,
    p: Reader,
    state: State,
    kind: Annotated[str | None, Query(max_length=24)] = None,
    req_state: Annotated[str | None, Query(alias="state", max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """The requests the caller may see (agency: addressed to it; field officer: its AOR)."""
    svc = _svc(request, state)
    scope = p.row_scope
    with svc.uow(p.actor()) as uow:
        q = select(VettingRequest).order_by(VettingRequest.drafted_at.desc()).limit(limit * 4)
        if scope.kind.value == "own_ori":
            q = q.where(VettingRequest.agency_ori == scope.value)
        elif scope.kind.value == "own_aor":
            q = q.where(VettingRequest.aor == scope.value)
        if kind:
            q = q.where(VettingRequest.kind == kind)
        if req_state:
            q = q.where(VettingRequest.state == req_state.upper())
        rows = [request_view(r) for r in uow.session.scalars(q) if visible(r, scope)][:limit]
        uow.audit(VettingEvent.REQUESTS_LISTED, details={"count": len(rows)})
        uow.commit()
        return rows


@router.get("/v1/requests/{request_id}")
def get_request(request_id: str, request: Request, p: Reader, state: State) -> dict[str, Any]:
    from vetline.vetting.moves import load_request

    svc = _svc(request, state)
    with svc.uow(p.actor()) as uow:
        out = request_view(load_request(uow, request_id, p.row_scope))
        uow.audit(
            VettingEvent.DOCUMENT_VIEWED,
            object_type="request",
            object_id=request_id,
            details={"which": "request"},
        )
        uow.commit()
        return out


@router.get("/v1/requests/{request_id}/document", response_model=None)
def get_document(
    request_id: str,
    request: Request,
    p: Reader,
    state: State,
    which: Literal["issued", "cancellation"] = "issued",
) -> Response:
    """The issued PDF (or the cancellation notice); its SHA-256 in ``X-Document-SHA256``."""
    data, digest = service.document(_svc(request, state), request_id, p.actor(), p.row_scope, which)
    return Response(data, media_type="application/pdf", headers={"X-Document-SHA256": digest})


@router.post("/v1/requests/{request_id}/approve")
def post_approve(request_id: str, request: Request, p: Supervisor, state: State) -> dict[str, Any]:
    """A supervisor other than the drafter approves (two-person rule)."""
    return service.approve(_svc(request, state), request_id, p.actor())


@router.post("/v1/requests/{request_id}/return")
def post_return(
    request_id: str, body: ReasonIn, request: Request, p: Supervisor, state: State
) -> dict[str, Any]:
    return service.send_back(_svc(request, state), request_id, p.actor(), body.reason)


@router.post("/v1/requests/{request_id}/issue")
def post_issue(request_id: str, request: Request, p: Officer, state: State) -> dict[str, Any]:
    """Issue: the rules run again, the document is rendered and its hash audited."""
    return service.issue(_svc(request, state), request_id, p.actor())


@router.post("/v1/requests/{request_id}/serve")
def post_serve(request_id: str, request: Request, p: Server, state: State) -> dict[str, Any]:
    return service.serve(_svc(request, state), request_id, p.actor(), p.row_scope)


@router.post("/v1/requests/{request_id}/acknowledge")
def post_ack(
    request_id: str, body: AckIn, request: Request, p: Agency, state: State
) -> dict[str, Any]:
    """The agency acknowledges (a release time sets the custody deadline)."""
    return service.acknowledge(
        _svc(request, state), request_id, p.actor(), p.row_scope, body.release_at
    )


@router.post("/v1/requests/{request_id}/decline")
def post_decline(
    request_id: str, body: ReasonIn, request: Request, p: Agency, state: State
) -> dict[str, Any]:
    return service.decline(_svc(request, state), request_id, p.actor(), p.row_scope, body.reason)


@router.post("/v1/requests/{request_id}/custody-assumed")
def post_custody(request_id: str, request: Request, p: Officer, state: State) -> dict[str, Any]:
    return service.custody_assumed(_svc(request, state), request_id, p.actor())


@router.post("/v1/requests/{request_id}/lapse")
def post_lapse(request_id: str, request: Request, p: Officer, state: State) -> dict[str, Any]:
    return service.lapse(_svc(request, state), request_id, p.actor())


@router.post("/v1/requests/{request_id}/cancel")
def post_cancel(
    request_id: str, body: CancelIn, request: Request, p: Officer, state: State
) -> dict[str, Any]:
    """Cancel with a reason code; an issued detainer gets its notice (no nationality)."""
    return service.cancel(_svc(request, state), request_id, p.actor(), body.reason, body.note)
