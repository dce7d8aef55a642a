"""Auditor pages: search the trail, export it (the API's streaming export), verify the chain.

The same calls as ``/v1/audit/...``: ``vetline.audit.search`` and ``verify_chain`` in a
unit of work that also records the search (AUDIT_SEARCHED) or verification.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vetline.api.deps import State, require
from vetline.audit.events import EventType, Outcome
from vetline.audit.search import AuditFilter, search
from vetline.audit.verify import verify_chain
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.errors import BadInput
from vetline.web.render import page

router = APIRouter(prefix="/web/audit", tags=["web"])
Reader = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]
Verifier = Annotated[Principal, Depends(require(Permission.AUDIT_VERIFY))]
FILTER_FIELDS = ("event_type", "actor_username", "object_type", "object_id", "outcome")


def _moment(name: str, value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(name, "a date and time such as 2026-11-24T08:00Z") from None
    if moment.tzinfo is None:
        raise BadInput(name, "give a time zone (e.g. 2026-11-24T08:00Z)")
    return moment


@router.get("")
def get_audit(request: Request, principal: Reader, state: State) -> Response:
    """Search the audit trail (filters by field, time window); newest page first."""
    params = {k: request.query_params.get(k, "").strip()[:128] for k in
              (*FILTER_FIELDS, "since", "until", "after_seq")}  # fmt: skip
    if params["outcome"] and params["outcome"] not in {o.value for o in Outcome}:
        raise BadInput("outcome", f"one of {', '.join(o.value for o in Outcome)}")
    after = params["after_seq"]
    if after and not after.isdigit():
        raise BadInput("after_seq", "a whole number")
    flt = AuditFilter(
        **{k: params[k] or None for k in FILTER_FIELDS},
        since=_moment("since", params["since"]), until=_moment("until", params["until"]),
        after_seq=int(after or 0),
    )  # fmt: skip
    with state.uow(principal.actor(), write=True) as uow:
        events = [e.as_dict() for e in search(uow.session, flt, 200)]
        shown = {k: v for k, v in params.items() if v}
        uow.audit(EventType.AUDIT_SEARCHED, details=shown | {"count": len(events), "via": "web"})
        uow.commit()
    export = "&".join(f"{k}={v}" for k, v in params.items() if v and k != "after_seq")
    return page(request, "audit.html", principal, events=events, params=params,
                event_types=[e.value for e in EventType], export=export,
                next_seq=events[-1]["seq"] if len(events) == 200 else None)  # fmt: skip


@router.get("/verify")
def get_verify(request: Request, principal: Verifier, state: State) -> Response:
    """Walk the whole hash chain and show the result."""
    with state.uow(principal.actor(), write=True) as uow:
        result = verify_chain(uow.session)
        uow.audit(
            EventType.AUDIT_VERIFIED, outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
            details={"checked": result.checked, "bad_seq": result.bad_seq, "via": "web"},
        )  # fmt: skip
        uow.commit()
    return page(request, "verify.html", principal, result=result)
