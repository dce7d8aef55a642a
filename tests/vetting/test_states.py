"""The case and request lifecycles, table-driven: every allowed move passes with facts that
satisfy its rules, every forbidden move is refused naming the states; and each hard rule
refuses with its label and citation (issue 15 items 3-4)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from vetline.statemachine import IllegalTransition
from vetline.vetting import rules
from vetline.vetting.rules import Facts
from vetline.vetting.states import (
    CASE,
    CASE_TRANSITIONS,
    REQUEST,
    REQUEST_TRANSITIONS,
    CaseState,
    RequestState,
)

#: A detainer every rule accepts, as approved by a second supervisor.
GOOD = Facts(
    kind=rules.DETAINER,
    actor_id="sup-2",
    actor_role="supervisor",
    drafter_id="officer-1",
    person_id="P1",
    identity_basis="BIOMETRIC",
    pc_bases=("BIOMETRIC_AND_RECORDS",),
    pc_detail="IDENT hit; conviction record",
    warrant_kind="I-200",
    warrant_number="W1",
    warrant_signed_on="2026-11-24",
    in_custody=True,
    criminal_arrest=True,
    same_person_records=3,
    cancel_reason="WRONG_PERSON",
)


def _ok(machine: object, current: object, wanted: object, facts: Facts) -> None:
    machine.check(current.value, wanted, {"facts": facts})  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("current", "wanted"), [(a, b) for a in RequestState for b in RequestState]
)
def test_every_request_move(current: RequestState, wanted: RequestState) -> None:
    facts = (
        GOOD
        if current is not RequestState.DRAFT or wanted is not RequestState.ISSUED
        else (replace(GOOD, kind=rules.LEAD_REFERRAL))
    )
    if wanted in REQUEST_TRANSITIONS[current]:
        _ok(REQUEST, current, wanted, facts)
    else:
        with pytest.raises(IllegalTransition, match=f"from {current.value} to {wanted.value}$"):
            _ok(REQUEST, current, wanted, facts)


@pytest.mark.parametrize(("current", "wanted"), list(itertools.product(CaseState, CaseState)))
def test_every_case_move(current: CaseState, wanted: CaseState) -> None:
    if wanted in CASE_TRANSITIONS[current]:
        _ok(CASE, current, wanted, GOOD)
    else:
        with pytest.raises(IllegalTransition, match=f"from {current.value} to {wanted.value}$"):
            _ok(CASE, current, wanted, GOOD)


#: (what is wrong, the facts, the move, the refusal's words) — every hard rule refuses.
REFUSALS = [
    ("drafter approves own", replace(GOOD, actor_id="officer-1"), "APPROVED", "two-person rule"),
    (
        "officer approves",
        replace(GOOD, actor_role="vetting_officer"),
        "APPROVED",
        "only a supervisor",
    ),
    (
        "citizenship sign",
        replace(GOOD, citizenship_sign=True),
        "APPROVED",
        "sign of U.S. citizenship",
    ),
    ("open claim", replace(GOOD, open_claim=True), "APPROVED", "open citizenship claim"),
    (
        "citizenship item open",
        replace(GOOD, citizenship_item_open=True),
        "APPROVED",
        "citizenship screen",
    ),
    ("no basis", replace(GOOD, pc_bases=()), "APPROVED", "four probable-cause bases"),
    (
        "foreign-born no match",
        replace(GOOD, pc_bases=("FOREIGN_BORN_NO_MATCH",)),
        "APPROVED",
        "not probable cause",
    ),
    ("no warrant", replace(GOOD, warrant_kind=None), "APPROVED", "administrative warrant"),
    ("I-205 without order", replace(GOOD, warrant_kind="I-205"), "APPROVED", "final order"),
    (
        "basis 3 biographic",
        replace(GOOD, identity_basis="BIOGRAPHIC", additional_basis="INTERVIEW"),
        "APPROVED",
        "biometric confirmation",
    ),
    (
        "biographic, nothing more",
        replace(GOOD, identity_basis="BIOGRAPHIC", pc_bases=("FINAL_ORDER",)),
        "APPROVED",
        "documented additional basis",
    ),
    ("not in custody", replace(GOOD, in_custody=False), "APPROVED", "only a lead referral"),
    ("no criminal arrest", replace(GOOD, criminal_arrest=False), "APPROVED", "criminal charge"),
    ("records unmarked", replace(GOOD, unmarked_records=2), "APPROVED", "not yet marked"),
    ("no person", replace(GOOD, person_id=None), "APPROVED", "NO_RECORD"),
    ("on hold", replace(GOOD, held=True), "ISSUED", "on hold"),
    (
        "protected referral alone",
        replace(GOOD, kind=rules.LEAD_REFERRAL, protected=True),
        "ISSUED!",
        "supervisor signs off",
    ),
    ("detainer skips approval", GOOD, "ISSUED!", "approved by a supervisor"),
    ("no-action without reason", replace(GOOD, kind=rules.NO_ACTION), "ISSUED!", "reason code"),
]


@pytest.mark.parametrize(("what", "facts", "move", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_rule_refuses_with_its_citation(
    what: str, facts: Facts, move: str, words: str
) -> None:
    start = (
        RequestState.DRAFT if move.endswith("!") or move == "APPROVED" else RequestState.APPROVED
    )
    wanted = RequestState(move.rstrip("!"))
    with pytest.raises(IllegalTransition, match=words) as err:
        _ok(REQUEST, start, wanted, facts)
    assert (
        err.value.why is not None and "[" in err.value.why and ";" in err.value.why
    )  # label; cite


def test_cancel_needs_a_reason_code() -> None:
    with pytest.raises(IllegalTransition, match="reason code"):
        _ok(REQUEST, RequestState.ISSUED, RequestState.CANCELLED, replace(GOOD, cancel_reason=None))
    with pytest.raises(IllegalTransition, match="must say the reason"):
        _ok(
            REQUEST,
            RequestState.ISSUED,
            RequestState.CANCELLED,
            replace(GOOD, cancel_reason="OTHER"),
        )


def test_review_is_blocking() -> None:
    with pytest.raises(IllegalTransition, match="not yet marked"):
        _ok(CASE, CaseState.IN_REVIEW, CaseState.RECOMMENDED, replace(GOOD, unmarked_records=1))
    with pytest.raises(IllegalTransition, match="CITIZENSHIP"):
        _ok(
            CASE,
            CaseState.IN_REVIEW,
            CaseState.RECOMMENDED,
            replace(GOOD, pending_items=("CITIZENSHIP",)),
        )
