"""The vetting centre's pages (issue 15 through issue 17's app): the case list by clock,
one case (records judged first, then the checklist, status with its citations, requests,
claims, corrections, snapshots), the supervisor's approvals and the citizenship-review
queue. The forms post to ``routes/vetting_actions.py``.

Every handler calls the function the API calls (``vetline.vetting``: ``cases.view``,
``cases.changes``, ``claims.list_claims``, ``requests.document``; the work lists of
``vetting.worklist``) and the desk's ``person_view.person_records`` for the person's
records — each read of a case or of records audited by those functions, as over the API.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vetline.api.deps import State, require
from vetline.api.routers.desk import desk_of
from vetline.api.routers.vetting import vetting_of
from vetline.auth.errors import NotFound
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, check_aor
from vetline.desk.service import person_view
from vetline.errors import BadInput
from vetline.vetting import cases, claims, rules, worklist
from vetline.vetting import requests as vetting_requests
from vetline.vetting.cases import CLOSE_REASONS
from vetline.vetting.states import CaseState
from vetline.web import precision, vetting_forms, waterfall
from vetline.web.render import page

router = APIRouter(prefix="/web/vetting", tags=["web"])
Reader = Annotated[Principal, Depends(require(Permission.CASE_READ))]
Approver = Annotated[Principal, Depends(require(Permission.DETAINER_APPROVE))]
ClaimReader = Annotated[Principal, Depends(require(Permission.CLAIM_READ))]
DocReader = Annotated[Principal, Depends(require(Permission.REQUEST_READ))]


def _list_filters(request: Request, principal: Principal) -> dict[str, Any]:
    q = request.query_params
    state = q.get("state", "").strip().upper() or None
    raw_aor = q.get("aor", "").strip()
    kind = q.get("kind", "").strip().upper() or None
    page_no = q.get("page", "1").strip() or "1"
    if not page_no.isdigit():
        raise BadInput("page", "a page number from 1")
    return {
        "state": state,
        "aor": check_aor(raw_aor) if raw_aor else None,
        "assigned_to": principal.user_id if q.get("mine") == "1" else None,
        "kind": kind,
        "page": int(page_no),
    }


@router.get("")
def get_cases(request: Request, principal: Reader, state: State) -> Response:
    """Open cases, the most pressing clock first (claim due, custody deadline, release)."""
    svc = vetting_of(request, state)
    f = _list_filters(request, principal)
    listing = worklist.worklist(svc, principal.actor(), **f)
    return page(
        request,
        "vetting_list.html",
        principal,
        listing=listing,
        filters=f,
        states=[s.value for s in CaseState],
        kinds=rules.KINDS,
        may_decide=principal.can(Permission.CASE_DECIDE),
        may_approve=principal.can(Permission.DETAINER_APPROVE),
    )


@router.get("/approvals")
def get_approvals(request: Request, principal: Approver, state: State) -> Response:
    """Requests awaiting a supervisor other than their drafter (two-person rule)."""
    rows = worklist.awaiting(vetting_of(request, state), principal.actor())
    return page(request, "vetting_approvals.html", principal, rows=rows)


@router.get("/claims")
def get_claims(request: Request, principal: ClaimReader, state: State) -> Response:
    """Citizenship claims and reviews, the earliest due first (overdue: escalated)."""
    open_only = request.query_params.get("all") != "1"
    rows = claims.list_claims(vetting_of(request, state), principal.actor(), open_only)
    return page(
        request,
        "vetting_claims.html",
        principal,
        rows=rows,
        open_only=open_only,
        may_determine=principal.can(Permission.CLAIM_DETERMINE),
    )


def _records(
    request: Request, state: State, principal: Principal, case: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    """The person's records through the desk's audited read (roles that may read them)."""
    if not principal.can(Permission.RECORD_VIEW):
        return {"records": []}, "your role reads the case's findings, not full source records"
    if not case["person_id"] or not case["records"]:
        return {"records": []}, None
    desk = desk_of(request, state)
    try:
        return person_view.person_records(
            desk, case["query_id"], case["person_id"], principal.actor(), principal.row_scope
        ), None
    except NotFound:
        return {"records": []}, "the person is no longer among this query's candidates (rebuilt)"


def case_page(
    request: Request,
    principal: Principal,
    state: State,
    case_id: str,
    *,
    status_code: int = 200,
    error: BadInput | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    """The case page; ``error`` (a refusal with its rule) is shown where it was asked."""
    svc = vetting_of(request, state)
    actor = principal.actor()
    case = cases.view(svc, case_id, actor)
    found = {i["item"]: i["found"] for i in case["checklist"]}
    identity = found.get("IDENTITY") or {}
    case["query_id"] = next((i["query_id"] for i in case["iars"]), None)
    records, records_note = _records(request, state, principal, case)
    fields, marked = vetting_forms.records_grid(case, records["records"], date.today())
    decide = principal.can(Permission.CASE_DECIDE)
    blocks = worklist.blockers(svc, case_id, actor) if decide else {}
    changes = cases.changes(svc, case_id, actor) if request.query_params.get("changes") else None
    open_claims = [c for c in case["claims"] if c["state"] != "DETERMINED"]
    return page(
        request,
        "vetting_case.html",
        principal,
        status_code=status_code,
        case=case,
        found=found,
        identity=identity,
        chart=waterfall.chart(identity.get("explanation") or []),
        band=precision.band_of(identity.get("probability")),
        fields=fields,
        marked=marked,
        records_note=records_note,
        unmarked=sum(1 for m in marked if m.mark is None),
        blocks=blocks,
        changes=changes,
        open_claims=open_claims,
        error=error,
        form=form or {},
        kinds=rules.KINDS,
        pc_bases=vetting_forms.PC_LABELS,
        additional=rules.ADDITIONAL_BASES,
        no_action_reasons=rules.NO_ACTION_REASONS,
        cancel_reasons=vetting_forms.CANCEL_REASONS,
        close_reasons=CLOSE_REASONS,
        may_decide=decide,
        may_approve=principal.can(Permission.DETAINER_APPROVE),
        may_serve=principal.can(Permission.REQUEST_SERVE),
        may_file=principal.can(Permission.CLAIM_FILE),
        may_determine=principal.can(Permission.CLAIM_DETERMINE),
    )


@router.get("/cases/{case_id}")
def get_case(case_id: str, request: Request, principal: Reader, state: State) -> Response:
    """One case: records judged first, then the checklist, requests, claims, evidence."""
    return case_page(request, principal, state, case_id)


@router.get("/requests/{request_id}/document")
def get_document(request_id: str, request: Request, principal: DocReader, state: State) -> Response:
    """The issued PDF (or its cancellation notice), its SHA-256 in a header (audited)."""
    which = request.query_params.get("which", "issued")
    if which not in ("issued", "cancellation"):
        raise BadInput("which", "issued or cancellation")
    data, digest = vetting_requests.document(
        vetting_of(request, state), request_id, principal.actor(), principal.row_scope, which
    )
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "X-Document-SHA256": digest,
            "cache-control": "no-store",
            "content-disposition": f'attachment; filename="{request_id}-{which}.pdf"',
        },
    )
