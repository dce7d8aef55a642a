"""Work lists for the people of the centre (the web pages of issue 17): open cases by their
clock, requests awaiting a supervisor, and what stops a case from yielding each request.

Why here and not in the web layer: these are reads of the centre's tables and of its
rules, and the pages must not query tables or restate a rule (one command path). They
add to ``case_list.list_cases`` (the API's newest-first list with a cursor) what a person
working the queue needs: the case's clock (the earliest of a custody deadline, a
citizenship claim's due time and the subject's expected release), filters by assignee
and request kind, and page numbers.

Read-only: nothing here changes a row. ``blockers`` runs the very rules the service runs
when a request is drafted (``rules.py``), so the page shows the service's own reason with
its citation before the officer tries.

Edit here: what counts as a case's clock (``_clock``), the approval list (``awaiting``).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import and_, case, exists, func, select

from vetline.db.base import utc_iso
from vetline.db.uow import Actor
from vetline.errors import BadInput
from vetline.vetting import rules
from vetline.vetting.case_list import OPEN_CLAIMS
from vetline.vetting.facts import case_facts
from vetline.vetting.models import CitizenshipClaim, VettingCase, VettingRequest
from vetline.vetting.moves import load_case
from vetline.vetting.service import VettingService
from vetline.vetting.states import OPEN_CASE_STATES, CaseState, RequestState
from vetline.vetting.views import CLOCKED, case_summary, request_view

PER_PAGE: Final = 50
#: The rules that depend on the case alone (not on what a draft says), in the order the
#: service runs them when a request is drafted (``rules.ISSUE_RULES[1:]``), then as the
#: case moves to RECOMMENDED (the blocking review).
CASE_RULES: Final = (rules.CITIZENSHIP, rules.IDENTITY, rules.CUSTODY, rules.CHECKLIST_DONE)


def _least(*terms: Any) -> Any:
    """The smallest non-NULL of ``terms`` (portable: SQLite has no LEAST, PostgreSQL's
    MIN is an aggregate); NULL when all are NULL."""
    out = terms[0]
    for term in terms[1:]:
        out = case((out.is_(None), term), (term.is_(None), out), (out <= term, out), else_=term)
    return out


def _clock() -> tuple[Any, Any, Any]:
    """Per case: the earliest running custody deadline, open claim due time, and the
    subject's expected release (the time by which a detainer must be decided)."""
    deadline = (
        select(func.min(VettingRequest.deadline_at))
        .where(
            VettingRequest.case_id == VettingCase.id,
            VettingRequest.state.in_([s.value for s in CLOCKED]),
        )
        .scalar_subquery()
    )
    claim_due = (
        select(func.min(CitizenshipClaim.due_at))
        .where(CitizenshipClaim.case_id == VettingCase.id, CitizenshipClaim.state.in_(OPEN_CLAIMS))
        .scalar_subquery()
    )
    release = case((VettingCase.in_custody.is_(True), VettingCase.expected_release), else_=None)
    return deadline, claim_due, release


def worklist(
    svc: VettingService,
    actor: Actor,
    *,
    state: str | None = None,
    aor: str | None = None,
    assigned_to: str | None = None,
    kind: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> dict[str, Any]:
    """Open cases (or those in ``state``), the most pressing clock first, then the oldest.

    Each case carries ``clock`` (``at``, ``what``, ``overdue``), ``assigned_to`` and the
    kinds and states of its requests; ``more`` says whether another page follows.
    """
    if page < 1 or page > 10_000:
        raise BadInput("page", "a page number from 1")
    if not 1 <= per_page <= 200:
        raise BadInput("per_page", "between 1 and 200")
    if kind is not None and kind not in rules.KINDS:
        raise BadInput("kind", f"one of {', '.join(rules.KINDS)}")
    deadline, claim_due, release = _clock()
    clock = _least(claim_due, deadline, release)
    q = select(VettingCase, deadline, claim_due, release)
    if state is not None:
        try:
            q = q.where(VettingCase.state == CaseState(state.upper()).value)
        except ValueError:
            raise BadInput("state", f"one of {', '.join(CaseState)}") from None
    else:
        q = q.where(VettingCase.state.in_([s.value for s in OPEN_CASE_STATES]))
    if aor is not None:
        q = q.where(VettingCase.aor == aor.upper())
    if assigned_to is not None:
        q = q.where(VettingCase.assigned_to == assigned_to)
    if kind is not None:
        q = q.where(
            exists().where(
                and_(VettingRequest.case_id == VettingCase.id, VettingRequest.kind == kind)
            )
        )
    q = q.order_by(clock.is_(None), clock, VettingCase.opened_at, VettingCase.id)
    q = q.offset((page - 1) * per_page).limit(per_page + 1)
    with svc.uow(actor, read_only=True) as uow:
        now = utc_iso(uow.now())
        rows = uow.session.execute(q).all()
        more = len(rows) > per_page
        rows = rows[:per_page]
        ids = [r[0].id for r in rows]
        kinds: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        if ids:
            for cid, k, st, held in uow.session.execute(
                select(
                    VettingRequest.case_id,
                    VettingRequest.kind,
                    VettingRequest.state,
                    VettingRequest.held_by_claim,
                )
                .where(VettingRequest.case_id.in_(ids))
                .order_by(VettingRequest.drafted_at)
            ):
                kinds[cid].append({"kind": k, "state": st, "on_hold": held is not None})
        cases = []
        for c, d, cd, rel in rows:
            clocks = [
                (cd, "citizenship claim due"),
                (d, "custody deadline"),
                (rel, "expected release"),
            ]
            at, what = min(((t, w) for t, w in clocks if t), default=(None, None))
            cases.append(
                {
                    **case_summary(c),
                    "assigned_to": c.assigned_to,
                    "requests": kinds[c.id],
                    "clock": {"at": at, "what": what, "overdue": bool(at and at < now)},
                }
            )
    return {"cases": cases, "page": page, "more": more, "now": now}


def awaiting(svc: VettingService, actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
    """Drafted requests a supervisor must approve (two-person kinds, or a protected-status
    case), oldest first, with their case's headline and whether ``actor`` drafted them."""
    needs = VettingRequest.kind.in_(sorted(rules.TWO_PERSON)) | VettingCase.protected_status.is_(
        True
    )
    q = (
        select(VettingRequest, VettingCase)
        .join(VettingCase, VettingCase.id == VettingRequest.case_id)
        .where(VettingRequest.state == RequestState.DRAFT.value, needs)
        .order_by(VettingRequest.drafted_at, VettingRequest.id)
        .limit(limit)
    )
    with svc.uow(actor, read_only=True) as uow:
        return [
            {
                **request_view(r),
                "case": case_summary(c),
                "own": r.drafted_by == (actor.user_id or actor.username),
            }
            for r, c in uow.session.execute(q)
        ]


def blockers(svc: VettingService, case_id: str, actor: Actor) -> dict[str, str | None]:
    """Per request kind, the service's refusal (rule label and citation) that a draft of
    that kind would meet now from the case alone, or ``None``. What a draft itself must
    say (probable cause, warrant, reason code) is checked when it is posted."""
    with svc.uow(actor, read_only=True) as uow:
        case_row = load_case(uow, case_id)
        out: dict[str, str | None] = {}
        for kind in rules.KINDS:
            facts = case_facts(uow, case_row, actor, kind=kind)
            out[kind] = rules.first_refusal(CASE_RULES, facts)
        return out
