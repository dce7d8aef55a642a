"""Pending proceedings: removability is the judge's, so the desk need not wait for an analyst.

Only when nothing else is open: convictions, open questions, a sign of citizenship or lawful
status on a possibly-same person each keep the answer for an analyst.
"""

from __future__ import annotations

from vetline.status.removability import RemovabilityInput, decide
from vetline.vocab import Assessment, StatusCode


def _input(**changes: object) -> RemovabilityInput:
    base: dict[str, object] = {
        "status": StatusCode.IN_PROCEEDINGS,
        "citizenship_documented": False,
        "possible_citizen": False,
        "blocking_conflict": False,
        "status_grounds": (),
        "conviction_grounds": (),
        "pending_grounds": (),
        "open_questions": 0,
        "removable_if_convicted_statuses": (),
    }
    return RemovabilityInput(**(base | changes))  # type: ignore[arg-type]


def test_pending_proceedings_alone_are_before_the_court() -> None:
    d = decide(_input())
    assert d.assessment is Assessment.UNDETERMINED
    assert d.before_the_court
    assert "judge" in d.reason


def test_lawful_status_on_a_possibly_same_person_keeps_it_for_an_analyst() -> None:
    d = decide(_input(possible_lawful=("LPR card on P-2",)))
    assert d.assessment is Assessment.UNDETERMINED
    assert not d.before_the_court


def test_open_questions_or_doubted_alienage_keep_it_for_an_analyst() -> None:
    assert not decide(_input(open_questions=1)).before_the_court
    assert not decide(_input(possible_citizen=True)).before_the_court
    assert not decide(_input(status=StatusCode.UNKNOWN)).before_the_court


def test_a_possibly_same_persons_records_that_would_change_it_keep_it_for_an_analyst() -> None:
    d = decide(_input(possible_other=("read with the records of P-2: NOT_REMOVABLE",)))
    assert d.assessment is Assessment.UNDETERMINED
    assert not d.before_the_court
