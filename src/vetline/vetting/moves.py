"""Moving a case or a request: check the table and its rules, compare-and-set, audit.

Every move goes through ``move_case`` / ``move_request`` in the caller's unit of work, so
the change and its audit event commit together; a refused move raises
``IllegalTransition`` (HTTP 409) and ``refused`` records the refusal in a unit of its own
(an audit trail that only shows what succeeded hides the attempts that mattered).
"""

from __future__ import annotations

from typing import Any

from vetline.auth.errors import NotFound
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db.base import utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.errors import BadInput
from vetline.statemachine import IllegalTransition
from vetline.vetting.events import VettingEvent
from vetline.vetting.facts import case_facts, request_facts
from vetline.vetting.models import VettingCase, VettingRequest
from vetline.vetting.service import VettingService
from vetline.vetting.states import CASE, ISSUED_STATES, REQUEST, CaseState, RequestState


def load_case(uow: UnitOfWork, case_id: str) -> VettingCase:
    case = uow.session.get(VettingCase, case_id)
    if case is None:
        raise NotFound(f"no case {case_id!r}")
    return case


def load_request(uow: UnitOfWork, request_id: str, scope: RowScope | None = None) -> VettingRequest:
    """The request if ``scope`` may see it (agency: addressed to it and issued; field
    officer: a referral of its AOR); ``NotFound`` otherwise, never a hint it exists."""
    req = uow.session.get(VettingRequest, request_id)
    if req is None or (scope is not None and not visible(req, scope)):
        raise NotFound(f"no request {request_id!r}")
    return req


def visible(req: VettingRequest, scope: RowScope) -> bool:
    if scope.kind is ScopeKind.ALL:
        return True
    if scope.kind is ScopeKind.OWN_ORI:
        return req.agency_ori == scope.value and RequestState(req.state) in ISSUED_STATES
    if scope.kind is ScopeKind.OWN_AOR:
        referral = req.kind in ("LEAD_REFERRAL", "CONDITIONAL_REFERRAL")
        return referral and req.aor == scope.value and RequestState(req.state) in ISSUED_STATES
    return False


def move_case(
    uow: UnitOfWork,
    case: VettingCase,
    wanted: CaseState,
    actor: Actor,
    reason: str | None = None,
    **values: Any,
) -> None:
    """Move ``case`` to ``wanted`` (guards see the case's facts) and audit it."""
    facts = case_facts(uow, case, actor)
    now = utc_iso(uow.now())
    before = case.state
    if not CASE.move(
        uow.session,
        VettingCase.id,
        VettingCase.state,
        case.id,
        case.state,
        wanted,
        context={"facts": facts},
        updated_at=now,
        **values,
    ):
        raise BadInput("case", "the case changed meanwhile; reload it")
    uow.session.refresh(case)
    uow.audit(
        VettingEvent.CASE_MOVED,
        object_type="case",
        object_id=case.id,
        reason=reason,
        requesting_ori=case.ori,
        details={"from": before, "to": wanted.value, **_plain(values)},
    )


def move_request(
    uow: UnitOfWork,
    case: VettingCase,
    req: VettingRequest,
    wanted: RequestState,
    actor: Actor,
    reason: str | None = None,
    facts_extra: dict[str, Any] | None = None,
    **values: Any,
) -> None:
    """Move ``req`` to ``wanted`` through its rules and audit it."""
    facts = request_facts(uow, case, req, actor, **(facts_extra or {}))
    before = req.state
    if not REQUEST.move(
        uow.session,
        VettingRequest.id,
        VettingRequest.state,
        req.id,
        req.state,
        wanted,
        context={"facts": facts},
        **values,
    ):
        raise BadInput("request", "the request changed meanwhile; reload it")
    uow.session.refresh(req)
    uow.audit(
        VettingEvent.REQUEST_MOVED,
        object_type="request",
        object_id=req.id,
        reason=reason,
        requesting_ori=req.agency_ori,
        details={
            "case_id": case.id,
            "kind": req.kind,
            "from": before,
            "to": wanted.value,
            **_plain(values),
        },
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if isinstance(v, str | int | bool | None)}


def refused(
    svc: VettingService, actor: Actor, exc: IllegalTransition, object_type: str, object_id: str
) -> None:
    """Record a refused move (its own unit: the refused change itself rolled back)."""
    with svc.uow(actor) as uow:
        uow.audit(
            VettingEvent.REQUEST_REFUSED,
            outcome="denied",
            object_type=object_type,
            object_id=object_id,
            reason=str(exc),
            details={"from": exc.current, "to": exc.wanted},
        )
        uow.commit()
