"""Hypothesis over random action sequences on the request machine: no sequence issues a
detainer for a person with any citizenship sign, without a supervisor other than the
drafter, or without a warrant record and a basis (issue 15, "Done means")."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from vetline.statemachine import IllegalTransition
from vetline.vetting import rules
from vetline.vetting.rules import Facts
from vetline.vetting.states import REQUEST, RequestState

facts_st = st.builds(
    Facts,
    kind=st.sampled_from(rules.KINDS),
    actor_id=st.sampled_from(["officer-1", "sup-1", "sup-2"]),
    actor_role=st.sampled_from(["vetting_officer", "supervisor"]),
    drafter_id=st.sampled_from(["officer-1", "sup-1"]),
    person_id=st.sampled_from([None, "P1"]),
    identity_basis=st.sampled_from(["BIOMETRIC", "IDENTIFIER", "BIOGRAPHIC", "NONE"]),
    pc_bases=st.lists(
        st.sampled_from(
            [
                "FINAL_ORDER",
                "PENDING_PROCEEDINGS",
                "BIOMETRIC_AND_RECORDS",
                "STATEMENTS_OR_OTHER_EVIDENCE",
                "FOREIGN_BORN_NO_MATCH",
            ]
        ),
        max_size=3,
        unique=True,
    ).map(tuple),
    pc_detail=st.sampled_from(["", "detail"]),
    additional_basis=st.sampled_from([None, "INTERVIEW", "A_FILE_REVIEW", "FINAL_ORDER"]),
    warrant_kind=st.sampled_from([None, "I-200", "I-205"]),
    warrant_number=st.sampled_from([None, "", "W1"]),
    warrant_signed_on=st.sampled_from([None, "2026-11-24"]),
    citizenship_sign=st.booleans(),
    citizenship_item_open=st.booleans(),
    open_claim=st.booleans(),
    protected=st.booleans(),
    in_custody=st.booleans(),
    criminal_arrest=st.booleans(),
    held=st.booleans(),
    unmarked_records=st.integers(0, 2),
    same_person_records=st.integers(0, 2),
    reason_code=st.sampled_from([None, "NOT_REMOVABLE"]),
    cancel_reason=st.sampled_from([None, "USC_CONFIRMED", "OTHER"]),
)


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(list(RequestState)), facts_st), max_size=12))
def test_no_sequence_issues_an_unlawful_detainer(steps: list[tuple[RequestState, Facts]]) -> None:
    state = RequestState.DRAFT
    approver: Facts | None = None
    for wanted, facts in steps:
        facts = replace(facts, kind=rules.DETAINER)
        try:
            REQUEST.check(state.value, wanted, {"facts": facts})
        except IllegalTransition:
            continue
        if wanted is RequestState.APPROVED:
            approver = facts
        if wanted is RequestState.ISSUED:
            assert approver is not None, "issued without an approval"
            assert approver.actor_role == "supervisor" and approver.actor_id != approver.drafter_id
            for at_move in (approver, facts):
                assert not (
                    at_move.citizenship_sign or at_move.open_claim or at_move.citizenship_item_open
                )
                assert at_move.warrant_kind in ("I-200", "I-205") and at_move.warrant_number
                assert at_move.pc_bases and "FOREIGN_BORN_NO_MATCH" not in at_move.pc_bases
                assert at_move.person_id is not None and not at_move.held
        state = wanted
