"""The vetting case page's forms: start the review, judge each record, confirm or correct a
checklist line, mark a record wrong in its source, draft a request, approve / return /
issue / serve / cancel it, file and determine a citizenship claim, close, re-vet.

Each handler reads its form (``vetting_forms``) and calls the one service function the
API route calls (``vetline.vetting``: ``cases``, ``requests``, ``claims``,
``corrections``). A refusal is shown on the page it came from: a hard rule
(``IllegalTransition``, the API's 409) with the rule's label and citation as the service
words it, a bad field (422) naming the field — never a 500, never a JSON body to a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vetline.api.deps import State, require
from vetline.api.routers.vetting import vetting_of
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission, ScopeKind
from vetline.errors import BadInput
from vetline.statemachine import IllegalTransition
from vetline.vetting import cases, claims, corrections, worklist
from vetline.vetting import requests as service
from vetline.web import vetting_forms
from vetline.web.forms import FormData
from vetline.web.render import page
from vetline.web.routes.vetting import case_page

router = APIRouter(prefix="/web/vetting", tags=["web"])
Officer = Annotated[Principal, Depends(require(Permission.CASE_DECIDE))]
Approver = Annotated[Principal, Depends(require(Permission.DETAINER_APPROVE))]
Server = Annotated[Principal, Depends(require(Permission.REQUEST_SERVE))]
Filer = Annotated[Principal, Depends(require(Permission.CLAIM_FILE))]
Reviewer = Annotated[Principal, Depends(require(Permission.CLAIM_DETERMINE))]


def _to_case(case_id: str, done: str) -> Response:
    return RedirectResponse(f"/web/vetting/cases/{case_id}?done={done}#{done}", status_code=303)


async def _act(
    request: Request,
    principal: Principal,
    state: State,
    case_id: str | None,
    call: Callable[[FormData], Any],
    done: str,
    back: Callable[[Any], str] | None = None,
) -> Response:
    """Read the form, run ``call`` in a worker thread, then go back to the case; a refusal
    re-renders the page it came from with the service's reason (409 rule, 422 field)."""
    form = await FormData.read(request)
    try:
        result = await run_in_threadpool(call, form)
    except BadInput as exc:
        err = exc
        status = 409 if isinstance(err, IllegalTransition) else 422
        where = case_id or form.get("case_id") or None
        if form.get("back") == "approvals" or where is None:
            rows = await run_in_threadpool(
                worklist.awaiting, vetting_of(request, state), principal.actor()
            )
            return page(
                request,
                "vetting_approvals.html",
                principal,
                rows=rows,
                error=err,
                status_code=status,
            )
        return await run_in_threadpool(
            lambda: case_page(
                request, principal, state, where, status_code=status, error=err, form=form.fields
            )
        )
    if form.get("back") == "approvals":
        return RedirectResponse(f"/web/vetting/approvals?done={done}", status_code=303)
    target = back(result) if back else case_id
    return _to_case(str(target), done)


def _case_of(result: Any) -> str:
    return str(result["case_id"])


@router.post("/revet")
async def post_revet(request: Request, principal: Officer, state: State) -> Response:
    """Flag every open case whose records changed or moved since its latest snapshot."""
    svc = vetting_of(request, state)
    flagged = await run_in_threadpool(cases.revet, svc, principal.actor())
    return RedirectResponse(f"/web/vetting?revet=1&flagged={len(flagged)}", status_code=303)


@router.post("/cases/{case_id}/review")
async def post_review(case_id: str, request: Request, principal: Officer, state: State) -> Response:
    """Take the case into review (OPEN or RETURNED → IN_REVIEW, assigned to you)."""
    svc = vetting_of(request, state)
    return await _act(
        request,
        principal,
        state,
        case_id,
        lambda f: cases.start_review(svc, case_id, principal.actor()),
        "review",
    )


@router.post("/cases/{case_id}/mark")
async def post_mark(case_id: str, request: Request, principal: Officer, state: State) -> Response:
    """Judge one record: the same person, or not this person (with the reason)."""
    svc = vetting_of(request, state)

    def call(f: FormData) -> Any:
        record = f.required("record", "which record (source|record_id)")
        source, _, record_id = record.partition("|")
        if not source or not record_id:
            raise BadInput("record", "give the record as source|record_id")
        return cases.mark_record(
            svc,
            case_id,
            principal.actor(),
            source,
            record_id,
            f.required("mark", "same person or not this person"),
            f.get("note"),
        )

    return await _act(request, principal, state, case_id, call, "records")


@router.post("/cases/{case_id}/wrong")
async def post_wrong(case_id: str, request: Request, principal: Officer, state: State) -> Response:
    """Mark a record wrong in its source system (a source-correction item)."""
    svc = vetting_of(request, state)

    def call(f: FormData) -> Any:
        source, _, record_id = f.required("record", "which record").partition("|")
        if not record_id:
            raise BadInput("record", "give the record as source|record_id")
        return corrections.mark_wrong(
            svc,
            case_id,
            principal.actor(),
            source,
            record_id,
            f.required("field", "which field is wrong"),
            f.required("correction", "what the source should say"),
        )

    return await _act(request, principal, state, case_id, call, "corrections")


@router.post("/cases/{case_id}/checklist/{item}")
async def post_item(
    case_id: str, item: str, request: Request, principal: Officer, state: State
) -> Response:
    """Confirm or correct one checklist line; a correction re-runs the status engine."""
    svc = vetting_of(request, state)

    def call(f: FormData) -> Any:
        action = f.required("action", "confirm or correct").upper()
        fields = vetting_forms.custody_fields(f) if item.upper() == "CUSTODY" else {}
        return cases.decide_item(
            svc, case_id, principal.actor(), item, action, f.get("note"), fields
        )

    return await _act(request, principal, state, case_id, call, "checklist")


@router.post("/cases/{case_id}/requests")
async def post_draft(case_id: str, request: Request, principal: Officer, state: State) -> Response:
    """Draft a request; refused at once (409, the rule and its citation) if it could never
    be issued."""
    svc = vetting_of(request, state)
    return await _act(
        request,
        principal,
        state,
        case_id,
        lambda f: service.draft(svc, case_id, principal.actor(), vetting_forms.draft_of(f)),
        "requests",
    )


@router.post("/cases/{case_id}/close")
async def post_close(case_id: str, request: Request, principal: Officer, state: State) -> Response:
    """Close the case without an issued request, with a reason code and a note."""
    svc = vetting_of(request, state)
    return await _act(
        request,
        principal,
        state,
        case_id,
        lambda f: cases.close(
            svc, case_id, principal.actor(), f.required("reason", "a reason code"), f.get("note")
        ),
        "case",
    )


@router.post("/cases/{case_id}/claims")
async def post_claim(case_id: str, request: Request, principal: Filer, state: State) -> Response:
    """File a citizenship claim on the case: the review opens, every request is held."""
    svc = vetting_of(request, state)

    def call(f: FormData) -> Any:
        if principal.row_scope.kind is not ScopeKind.ALL:  # as the API: agencies by request
            raise BadInput("case_id", "an agency files a claim against the request it received")
        return claims.file_claim(
            svc,
            case_id,
            principal.actor(),
            f.required("claimant", "who claims"),
            f.get("claimant_name") or None,
            f.get("statement"),
        )

    return await _act(request, principal, state, case_id, call, "claims")


@router.post("/claims/{claim_id}/assign")
async def post_assign(
    claim_id: str, request: Request, principal: Reviewer, state: State
) -> Response:
    """A citizenship reviewer takes the claim."""
    svc = vetting_of(request, state)
    return await _act(
        request,
        principal,
        state,
        None,
        lambda f: claims.assign(svc, claim_id, principal.actor()),
        "claims",
        _case_of,
    )


@router.post("/claims/{claim_id}/determine")
async def post_determine(
    claim_id: str, request: Request, principal: Reviewer, state: State
) -> Response:
    """The reviewer's written determination (USC_CONFIRMED cancels, amends, corrects)."""
    svc = vetting_of(request, state)

    def call(f: FormData) -> Any:
        what = f.required("determination", "USC_CONFIRMED or NOT_CITIZEN")
        if what not in claims.DETERMINATIONS:
            raise BadInput("determination", "USC_CONFIRMED or NOT_CITIZEN")
        text = f.get("text")
        if len(text) < 10:
            raise BadInput("text", "the written determination (at least 10 characters)")
        return claims.determine(svc, claim_id, principal.actor(), what, text)

    return await _act(request, principal, state, None, call, "claims", _case_of)


async def _move(
    request_id: str,
    request: Request,
    principal: Principal,
    state: State,
    run: Callable[[Any, FormData], Any],
) -> Response:
    """One request move through its service function; back to the request's case."""
    svc = vetting_of(request, state)
    return await _act(request, principal, state, None, lambda f: run(svc, f), "requests", _case_of)


@router.post("/requests/{request_id}/approve")
async def post_approve(
    request_id: str, request: Request, principal: Approver, state: State
) -> Response:
    """Approve as a supervisor other than the drafter (two-person rule)."""
    return await _move(
        request_id,
        request,
        principal,
        state,
        lambda s, f: service.approve(s, request_id, principal.actor()),
    )


@router.post("/requests/{request_id}/return")
async def post_return(
    request_id: str, request: Request, principal: Approver, state: State
) -> Response:
    """Send the draft back to the officer, with the reason."""
    return await _move(
        request_id,
        request,
        principal,
        state,
        lambda s, f: service.send_back(s, request_id, principal.actor(), f.get("reason")),
    )


@router.post("/requests/{request_id}/issue")
async def post_issue(
    request_id: str, request: Request, principal: Officer, state: State
) -> Response:
    """Issue: the rules run again, the document is rendered and its hash audited."""
    return await _move(
        request_id,
        request,
        principal,
        state,
        lambda s, f: service.issue(s, request_id, principal.actor()),
    )


@router.post("/requests/{request_id}/serve")
async def post_serve(
    request_id: str, request: Request, principal: Server, state: State
) -> Response:
    """Record that the detainer was served on the subject."""
    return await _move(
        request_id,
        request,
        principal,
        state,
        lambda s, f: service.serve(s, request_id, principal.actor(), principal.row_scope),
    )


@router.post("/requests/{request_id}/cancel")
async def post_cancel(
    request_id: str, request: Request, principal: Officer, state: State
) -> Response:
    """Cancel with a reason code (an issued detainer gets its notice, no nationality)."""
    return await _move(
        request_id,
        request,
        principal,
        state,
        lambda s, f: service.cancel(
            s, request_id, principal.actor(), f.required("reason", "a reason code"), f.get("note")
        ),
    )


@router.post("/requests/{request_id}/custody-assumed")
async def post_custody(
    request_id: str, request: Request, principal: Officer, state: State
) -> Response:
    """Record that ICE assumed custody of the subject."""
    return await _move(
        request_id,
        request,
        principal,
        state,
        lambda s, f: service.custody_assumed(s, request_id, principal.actor()),
    )


@router.post("/requests/{request_id}/lapse")
async def post_lapse(
    request_id: str, request: Request, principal: Officer, state: State
) -> Response:
    """Record that the custody deadline passed without ICE assuming custody."""
    return await _move(
        request_id,
        request,
        principal,
        state,
        lambda s, f: service.lapse(s, request_id, principal.actor()),
    )
