"""The case and request lifecycles as transition tables on ``vetline.statemachine``.

Why explicit tables: a detainer must never be issued before a supervisor approved it, never
served after it was cancelled, and a closed case never reopened behind anyone's back. Each
move is checked against the table and its guards (``rules.py``, each with its citation)
and written as a compare-and-set, so an illegal move raises ``IllegalTransition`` (HTTP
409) and two officers racing on one row cannot both win.

Edit here: a state or a move (then the table-driven test in tests/vetting/test_states.py
names its refusal reason); the rules a move must pass live in ``rules.py``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from vetline.statemachine import StateMachine
from vetline.vetting import rules


class CaseState(StrEnum):
    """Where a case is (issue 15 item 4)."""

    OPEN = "OPEN"
    IN_REVIEW = "IN_REVIEW"
    RECOMMENDED = "RECOMMENDED"
    APPROVED = "APPROVED"
    RETURNED = "RETURNED"
    ISSUED = "ISSUED"
    CLOSED = "CLOSED"


class RequestState(StrEnum):
    """Where a request is: drafted, approved, then the detainer's life after issue."""

    DRAFT = "DRAFT"
    APPROVED = "APPROVED"
    RETURNED = "RETURNED"
    ISSUED = "ISSUED"
    SERVED = "SERVED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    DECLINED = "DECLINED"
    CUSTODY_ASSUMED = "CUSTODY_ASSUMED"
    LAPSED = "LAPSED"
    CANCELLED = "CANCELLED"


C, R = CaseState, RequestState

CASE_TRANSITIONS: Final = {
    C.OPEN: frozenset({C.IN_REVIEW, C.CLOSED}),
    C.IN_REVIEW: frozenset({C.RECOMMENDED, C.CLOSED}),
    C.RECOMMENDED: frozenset({C.APPROVED, C.RETURNED, C.ISSUED, C.CLOSED}),
    C.RETURNED: frozenset({C.IN_REVIEW, C.CLOSED}),
    C.APPROVED: frozenset({C.ISSUED, C.RETURNED, C.CLOSED}),
    C.ISSUED: frozenset({C.CLOSED, C.IN_REVIEW}),
    C.CLOSED: frozenset(),
}

#: Case moves and the rules each must pass (the facts are the case's ``CaseFacts``).
CASE_GUARDS: Final = {
    (C.IN_REVIEW, C.RECOMMENDED): (rules.case_guard(rules.CHECKLIST_DONE),),
}

CASE: Final[StateMachine[CaseState]] = StateMachine(
    "case", CaseState, CASE_TRANSITIONS, CASE_GUARDS
)

#: A detainer's life after issue (reference §11.2 item 6); DRAFT → ISSUED only for kinds
#: that need no second person (referrals, no action), and only when nothing protected.
REQUEST_TRANSITIONS: Final = {
    R.DRAFT: frozenset({R.APPROVED, R.RETURNED, R.ISSUED, R.CANCELLED}),
    R.RETURNED: frozenset({R.CANCELLED}),
    R.APPROVED: frozenset({R.ISSUED, R.CANCELLED}),
    R.ISSUED: frozenset({R.SERVED, R.CANCELLED, R.LAPSED}),
    R.SERVED: frozenset({R.ACKNOWLEDGED, R.DECLINED, R.CANCELLED, R.LAPSED}),
    R.ACKNOWLEDGED: frozenset({R.CUSTODY_ASSUMED, R.LAPSED, R.CANCELLED}),
    R.DECLINED: frozenset({R.CANCELLED}),
    R.CUSTODY_ASSUMED: frozenset(),
    R.LAPSED: frozenset(),
    R.CANCELLED: frozenset(),
}

_APPROVE = rules.request_guard(rules.APPROVAL_RULES)
_ISSUE = rules.request_guard(rules.ISSUE_RULES)
_FORWARD = rules.request_guard((rules.NOT_ON_HOLD,))

REQUEST_GUARDS: Final = {
    (R.DRAFT, R.APPROVED): (_APPROVE,),
    (R.DRAFT, R.ISSUED): (rules.request_guard((rules.NEEDS_NO_APPROVAL,)), _ISSUE),
    (R.APPROVED, R.ISSUED): (_ISSUE,),
    (R.ISSUED, R.SERVED): (_FORWARD,),
    (R.SERVED, R.ACKNOWLEDGED): (_FORWARD,),
    (R.ACKNOWLEDGED, R.CUSTODY_ASSUMED): (_FORWARD,),
    (R.DRAFT, R.CANCELLED): (rules.request_guard((rules.CANCEL_REASON,)),),
    (R.APPROVED, R.CANCELLED): (rules.request_guard((rules.CANCEL_REASON,)),),
    (R.ISSUED, R.CANCELLED): (rules.request_guard((rules.CANCEL_REASON,)),),
    (R.SERVED, R.CANCELLED): (rules.request_guard((rules.CANCEL_REASON,)),),
    (R.ACKNOWLEDGED, R.CANCELLED): (rules.request_guard((rules.CANCEL_REASON,)),),
    (R.DECLINED, R.CANCELLED): (rules.request_guard((rules.CANCEL_REASON,)),),
    (R.RETURNED, R.CANCELLED): (rules.request_guard((rules.CANCEL_REASON,)),),
}

REQUEST: Final[StateMachine[RequestState]] = StateMachine(
    "request", RequestState, REQUEST_TRANSITIONS, REQUEST_GUARDS
)

#: Requests still in force or on their way (what a citizenship claim holds or cancels).
LIVE_REQUESTS: Final = frozenset({R.DRAFT, R.APPROVED, R.ISSUED, R.SERVED, R.ACKNOWLEDGED})
#: Request states after issue: what an agency may see.
ISSUED_STATES: Final = frozenset(
    {R.ISSUED, R.SERVED, R.ACKNOWLEDGED, R.DECLINED, R.CUSTODY_ASSUMED, R.LAPSED, R.CANCELLED}
)
OPEN_CASE_STATES: Final = frozenset(set(CaseState) - {C.CLOSED})
