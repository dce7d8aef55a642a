"""The person core's candidate list (pure): one rule for every workflow's alternatives."""

from __future__ import annotations

from vetline.person import Candidate, LinkNote, candidates_of
from vetline.resolve import Resolution
from vetline.resolve.links import Link
from vetline.status import MatchLevel
from vetline.vocab import IdentityBasis


def test_scored_then_possible_persons_never_scored_without_a_probability() -> None:
    res = Resolution(
        MatchLevel.POSITIVE, "P1", 0.999, 12.0, candidates=[("P1", 0.99912345), ("P2", 0.41)],
        basis=IdentityBasis.IDENTIFIER, possible=["P2", "P3", "P3"], needs_review=True,
    )  # fmt: skip
    assert candidates_of(res) == (
        Candidate("P1", 0.999123),
        Candidate("P2", 0.41, possible_same_person=True),
        Candidate("P3", None, possible_same_person=True),  # listed once, no made-up number
    )


def test_a_linked_candidate_says_why_the_build_kept_it_apart() -> None:
    link = Link("P1", "P2", "status|S1", "criminal|C9", 0.99934567, 11.5, "uncorroborated")
    res = Resolution(
        MatchLevel.PROBABLE, "P1", 0.995, 9.0, candidates=[("P1", 0.995), ("P2", 0.9993)],
        basis=IdentityBasis.BIOGRAPHIC, possible=["P2"], links=[link],
    )  # fmt: skip
    first, second = candidates_of(res)
    assert first.link is None and not first.possible_same_person
    assert second.link == LinkNote(0.999346, "uncorroborated")


def test_no_record_lists_the_alternatives_only() -> None:
    res = Resolution(MatchLevel.NO_RECORD, None, 0.0, None, candidates=[("P7", 0.02)])
    assert candidates_of(res) == (Candidate("P7", 0.02),)
