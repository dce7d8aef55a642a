"""Each query type's answer logic and the automatic-vs-queue gate, table-driven (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from vetline.person import decide
from vetline.status import Action, Assessment, Flag, MatchLevel, StatusCode
from vetline.status.history import RecordRef
from vetline.status.result import (
    AssessmentResult,
    Conflict,
    Recommendation,
    Removability,
    StatusFinding,
)
from vetline.vocab import QueryType

REF = RecordRef("status", "ST1")


def result(
    code: StatusCode = StatusCode.LPR,
    assessment: Assessment = Assessment.NOT_REMOVABLE,
    flags: tuple[Flag, ...] = (),
    conflicts: tuple[Conflict, ...] = (),
    before_the_court: bool = False,
) -> AssessmentResult:
    return AssessmentResult(
        as_of=date(2026, 11, 1),
        status=StatusFinding(code, "summary", (REF,), "rule"),
        removability=Removability(assessment, (), "reason", before_the_court=before_the_court),
        flags=flags,
        recommendation=Recommendation(Action.NO_ACTION, "reason"),
        conflicts=conflicts,
        to_resolve=(),
        timeline=(),
    )


P, PR, NR = MatchLevel.POSITIVE, MatchLevel.PROBABLE, MatchLevel.NO_RECORD
WARRANT_ACTIVE = {"source": "warrants", "record_id": "W1", "warrant_type": "I200",
                  "warrant_state": "ACTIVE"}  # fmt: skip
WARRANT_CLEARED = {**WARRANT_ACTIVE, "record_id": "W2", "warrant_state": "CLEARED"}
CRIMINAL_WARRANT = {**WARRANT_ACTIVE, "record_id": "W3", "warrant_type": "CRIMINAL"}
WITH_FIN = {"source": "biometric", "record_id": "B1", "fin": "1234567890"}
CONFLICT = Conflict("two records disagree", (REF,))


@pytest.mark.parametrize(
    ("query_type", "level", "res", "rows", "automatic", "answer", "reason"),
    [
        (QueryType.IAQ, P, result(), [], True, "IDENTITY_AND_STATUS", None),
        (QueryType.IAQ, PR, result(), [], False, "PENDING_REVIEW", "match level PROBABLE"),
        (QueryType.IAQ, NR, result(StatusCode.UNKNOWN, Assessment.UNDETERMINED), [], False,
         "PENDING_REVIEW", "match level NO_RECORD"),
        (QueryType.IAQ, P, result(StatusCode.UNKNOWN), [], False, "PENDING_REVIEW",
         "status undetermined"),
        (QueryType.IAQ, P, result(assessment=Assessment.UNDETERMINED), [], False,
         "PENDING_REVIEW", "removability undetermined"),
        # pending proceedings: the judge decides removability, an analyst adds nothing
        (QueryType.IAQ, P, result(StatusCode.IN_PROCEEDINGS, Assessment.UNDETERMINED,
         before_the_court=True), [], True, "IDENTITY_AND_STATUS", None),
        (QueryType.IAQ, PR, result(StatusCode.IN_PROCEEDINGS, Assessment.UNDETERMINED,
         before_the_court=True), [], False, "PENDING_REVIEW", "match level PROBABLE"),
        (QueryType.IAQ, P, result(conflicts=(CONFLICT,)), [], False, "PENDING_REVIEW",
         "conflicting records"),
        (QueryType.IAQ, P, result(flags=(Flag.POSSIBLE_US_CITIZEN,)), [], False,
         "PENDING_REVIEW", "citizenship"),
        (QueryType.IAQ, P, result(StatusCode.NATURALIZED_CITIZEN), [], False, "PENDING_REVIEW",
         "citizenship"),
        (QueryType.IAQ, P, result(StatusCode.TPS, flags=(Flag.PROTECTED_STATUS,)), [], False,
         "PENDING_REVIEW", "protected status"),
        (QueryType.CRITICAL_INFRASTRUCTURE, P, result(), [], True, "IDENTITY_AND_STATUS", None),
        (QueryType.BIOMETRIC, P, result(), [WITH_FIN], True, "IDENTITY_AND_STATUS", None),
        (QueryType.BIOMETRIC, P, result(), [], False, "PENDING_REVIEW", "FIN is not"),
        (QueryType.NCIC_WARRANT, P, result(StatusCode.FINAL_ORDER, Assessment.REMOVABLE),
         [WARRANT_ACTIVE, WARRANT_CLEARED], True, "CONFIRMED", None),
        (QueryType.NCIC_WARRANT, P, result(StatusCode.FINAL_ORDER, Assessment.REMOVABLE),
         [WARRANT_CLEARED], True, "NOT_ACTIVE", None),
        (QueryType.NCIC_WARRANT, P, result(StatusCode.FINAL_ORDER, Assessment.REMOVABLE),
         [CRIMINAL_WARRANT], True, "NO_ICE_WARRANT", None),
        (QueryType.NCIC_WARRANT, PR, result(StatusCode.FINAL_ORDER, Assessment.REMOVABLE),
         [WARRANT_ACTIVE], False, "PENDING_REVIEW", "match level PROBABLE"),
        (QueryType.NCIC_WARRANT, P, result(flags=(Flag.POSSIBLE_US_CITIZEN,)),
         [WARRANT_ACTIVE], False, "PENDING_REVIEW", "citizenship"),
        (QueryType.NICS, P, result(StatusCode.OVERSTAY, Assessment.REMOVABLE), [], True,
         "PROHIBITED", None),
        (QueryType.NICS, P, result(StatusCode.FINAL_ORDER, Assessment.REMOVABLE), [], True,
         "PROHIBITED", None),
        (QueryType.NICS, P, result(StatusCode.NONIMMIGRANT_IN_STATUS), [], True, "PROHIBITED",
         None),
        (QueryType.NICS, P, result(StatusCode.LPR), [], True, "NOT_PROHIBITED", None),
        (QueryType.NICS, P, result(StatusCode.IN_PROCEEDINGS), [], False, "DELAY",
         "does not settle"),
        (QueryType.NICS, P, result(StatusCode.PAROLE), [], False, "DELAY", "does not settle"),
        (QueryType.NICS, PR, result(StatusCode.OVERSTAY, Assessment.REMOVABLE), [], False,
         "DELAY", "match level PROBABLE"),
        (QueryType.NICS, P, result(StatusCode.UNKNOWN, Assessment.UNDETERMINED), [], False,
         "DELAY", "status undetermined"),
    ],
)  # fmt: skip
def test_answer_table(
    query_type: QueryType,
    level: MatchLevel,
    res: AssessmentResult,
    rows: list[dict[str, str]],
    automatic: bool,
    answer: str,
    reason: str | None,
) -> None:
    decision = decide(query_type, level, res, rows, fin="1234567890")
    assert decision.automatic is automatic
    assert decision.answer.result == answer
    if reason is None:
        assert decision.queue_reasons == ()
    else:
        assert any(reason in r for r in decision.queue_reasons), decision.queue_reasons


def test_prohibited_nics_answers_cite_the_status_record_and_the_statute() -> None:
    decision = decide(QueryType.NICS, P, result(StatusCode.OVERSTAY, Assessment.REMOVABLE), [])
    assert decision.answer.evidence == ({"source": "status", "record_id": "ST1"},)
    assert decision.answer.citation is not None and "922(g)(5)(A)" in decision.answer.citation
    nonimmigrant = decide(QueryType.NICS, P, result(StatusCode.NONIMMIGRANT_IN_STATUS), [])
    assert nonimmigrant.answer.citation == "18 U.S.C. 922(g)(5)(B)"


def test_delay_text_says_research_pending() -> None:
    decision = decide(QueryType.NICS, PR, result(), [])
    assert decision.answer.reason.startswith("DELAY: research pending")


def test_warrant_confirmation_cites_only_active_ice_warrants() -> None:
    decision = decide(
        QueryType.NCIC_WARRANT, P, result(StatusCode.FINAL_ORDER, Assessment.REMOVABLE),
        [WARRANT_ACTIVE, WARRANT_CLEARED, CRIMINAL_WARRANT],
    )  # fmt: skip
    assert [e["record_id"] for e in decision.answer.evidence] == ["W1"]


def test_a_second_likely_person_keeps_the_answer_for_an_analyst() -> None:
    """Records split across two persons: the answer would rest on half of them."""
    alone = decide(QueryType.IAQ, P, result(), [], runner_up=0.3)
    assert alone.automatic
    split = decide(QueryType.IAQ, P, result(), [], runner_up=0.999)
    assert not split.automatic and split.answer.result == "PENDING_REVIEW"
    assert any("another person also matches" in r for r in split.queue_reasons)


def test_needs_review_queues_and_names_the_possible_person() -> None:
    """Issue 11: a person with a "possible same person" link goes to an analyst."""
    plain = decide(QueryType.IAQ, P, result(), [], possible=["P9"])
    assert plain.automatic  # a close candidate alone, read by the engine, does not queue
    linked = decide(QueryType.IAQ, P, result(), [], needs_review=True, possible=["P9"])
    assert not linked.automatic and linked.answer.result == "PENDING_REVIEW"
    assert any("possible same person P9" in r for r in linked.queue_reasons)
    assert not any("P9" in r for r in linked.agency_reasons)
    unread = decide(QueryType.NICS, P, result(StatusCode.LPR), [], unread=["P7"])
    assert not unread.automatic and "P7" not in unread.answer.reason
    assert any("P7" in r and "not read" in r for r in unread.queue_reasons)


@pytest.mark.parametrize(
    ("basis", "read", "automatic"),
    [
        ("BIOMETRIC", True, True),  # fingerprints settle who; the split-off person was read
        ("BIOMETRIC", False, False),  # a runner-up whose records were not read still queues
        ("IDENTIFIER", True, False),  # without fingerprints the split gate stays
    ],
)
def test_a_read_split_person_does_not_queue_a_fingerprint_identity(
    basis: str, read: bool, automatic: bool
) -> None:
    from vetline.person import Question
    from vetline.person.lookup import Found
    from vetline.person.working import decision_for
    from vetline.resolve import Resolution, Subject
    from vetline.status import PersonHistory
    from vetline.vocab import IdentityBasis

    resolution = Resolution(
        P, "P-ONE", 1.0, 30.0, candidates=[("P-ONE", 1.0), ("P-TWO", 0.999)],
        basis=IdentityBasis(basis), possible=["P-TWO"],
    )  # fmt: skip
    found = Found(
        resolution, [WITH_FIN], PersonHistory.from_rows([WITH_FIN]),
        possible={"P-TWO": PersonHistory()} if read else {},
        possible_records={"P-TWO": [("criminal", "C9")]} if read else {},
    )  # fmt: skip
    question = Question(Subject(fin="1234567890"), QueryType.BIOMETRIC)
    decision = decision_for(question, found, result())
    assert decision.automatic is automatic, decision.reasons


@pytest.mark.parametrize(("basis", "automatic"), [("BIOMETRIC", True), ("IDENTIFIER", False)])
def test_a_runner_up_with_another_fin_does_not_queue_a_fingerprint_identity(
    basis: str, automatic: bool
) -> None:
    """Two sets of fingerprints are two people (``Resolution.other_fingerprints``): with a
    decisive FIN such a runner-up is not "records may be split"; without one it still is."""
    from vetline.person import Question
    from vetline.person.lookup import Found
    from vetline.person.working import decision_for
    from vetline.resolve import Resolution, Subject
    from vetline.status import PersonHistory
    from vetline.vocab import IdentityBasis

    resolution = Resolution(
        P, "P-ONE", 1.0, 30.0, candidates=[("P-ONE", 1.0), ("P-OTHER", 0.999)],
        basis=IdentityBasis(basis), other_fingerprints=["P-OTHER"],
    )  # fmt: skip
    found = Found(resolution, [WITH_FIN], PersonHistory.from_rows([WITH_FIN]))
    question = Question(Subject(fin="1234567890"), QueryType.BIOMETRIC)
    decision = decision_for(question, found, result())
    assert decision.automatic is automatic, decision.reasons
