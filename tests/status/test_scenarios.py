"""Runs the hand-written scenario corpus: outcome and explanation, case by case."""

from __future__ import annotations

import pytest

from vetline.status import AssessmentResult, PersonHistory, Policy, RecordRef, assess
from vetline.status.recommend import GATES
from vetline.vocab import (
    ENFORCEMENT_ACTIONS,
    Action,
    Assessment,
    Flag,
    IdentityBasis,
    MatchLevel,
    StatusCode,
)

from .builders import Case
from .cases_grounds import CASES as GROUND_CASES
from .cases_possible import CASES as POSSIBLE_CASES
from .cases_protected import CASES as PROTECTED_CASES
from .cases_round2 import CASES as ROUND2_CASES
from .cases_status import CASES as STATUS_CASES

ALL_CASES: list[Case] = (
    STATUS_CASES + PROTECTED_CASES + GROUND_CASES + ROUND2_CASES + POSSIBLE_CASES
)

GATE_LABELS = {g.label for g in GATES}


def run(case: Case, policy: Policy) -> AssessmentResult:
    related = {a: PersonHistory.from_rows(rows) for a, rows in case.related.items()}
    possible = {p: PersonHistory.from_rows(rows) for p, rows in case.possible.items()}
    tied = [RecordRef(str(r["source"]), str(r["record_id"])) for r in case.rows
            if r["record_id"] in case.tied]  # fmt: skip
    return assess(
        PersonHistory.from_rows(case.rows),
        case.as_of,
        policy=policy,
        encounter=case.encounter,
        match_level=case.match,
        related=related,
        identity_basis=case.basis,
        possible=possible,
        identifier_records=tied,
    )


def test_corpus_is_large_and_unique() -> None:
    names = [c.name for c in ALL_CASES]
    assert len(names) >= 80
    assert len(set(names)) == len(names)
    assert all(c.why.strip() for c in ALL_CASES)


def test_corpus_covers_the_vocabulary() -> None:
    """Every status code, assessment, flag, action and every ground of the issue occurs."""
    assert {c.status for c in ALL_CASES} == set(StatusCode)
    assert {c.assessment for c in ALL_CASES} == set(Assessment)
    assert {f for c in ALL_CASES for f in c.flags} == set(Flag)
    assert {c.action for c in ALL_CASES} == set(Action)
    grounds = {g for c in ALL_CASES for g in c.grounds}
    required = {
        "237(a)(2)(A)(iii)",
        "237(a)(2)(A)(i)",
        "237(a)(2)(A)(ii)",
        "237(a)(2)(B)(i)",
        "237(a)(2)(C)",
        "237(a)(2)(E)(i)",
        "237(a)(2)(E)(ii)",
        "237(a)(1)(B)",
        "237(a)(1)(C)(i)",
        "212(a)(6)(A)(i)",
        "212(a)(9)(A)",
        "241(a)",
    }
    assert required <= grounds, required - grounds
    assert any(c.match is MatchLevel.PROBABLE for c in ALL_CASES)
    assert any(c.related for c in ALL_CASES)  # derivation paths
    assert any(c.conflict for c in ALL_CASES)
    assert any(c.possible for c in ALL_CASES)  # possibly-same persons
    assert {c.basis for c in ALL_CASES} >= set(IdentityBasis) - {IdentityBasis.NONE}


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_scenario(case: Case, policy: Policy) -> None:
    result = run(case, policy)
    got = (
        result.status.code,
        result.removability.assessment,
        frozenset(gr.ina for gr in result.removability.grounds),
        frozenset(result.flags),
        result.recommendation.action,
    )
    want = (case.status, case.assessment, case.grounds, case.flags, case.action)
    assert got == want, f"{case.name}: {case.why}\n{result.to_dict()}"
    # The explanation comes with the decision.
    assert result.status.summary
    assert result.recommendation.requires_review is True
    assert result.recommendation.reason
    if case.rows and case.match.value != "NO_RECORD":
        assert result.status.evidence, "a status from records cites its records"
    for ground in result.removability.grounds:
        assert ground.ina and ground.label and ground.reason and ground.evidence
    if case.rule is not None:
        assert result.status.rule == case.rule
    # The recommendation names the gate that decided it (status/recommend.py GATES).
    assert result.recommendation.rule in GATE_LABELS, result.recommendation.rule
    if case.conflict is not None:
        assert any(case.conflict in c.description for c in result.conflicts), result.conflicts
    if case.reason_has is not None:
        assert case.reason_has in result.recommendation.reason
    if case.note_has is not None:
        assert any(case.note_has in n.text for n in result.possible), result.possible
    for note in result.possible:  # every finding on a possible person shows its evidence
        assert note.evidence and note.fields and note.citation and note.person_id in note.text
    if case.resolve_has is not None:
        assert any(case.resolve_has in t for t in result.to_resolve), result.to_resolve
    # Safety properties hold in every scenario.
    if Flag.POSSIBLE_US_CITIZEN in result.flags:
        assert result.recommendation.action not in ENFORCEMENT_ACTIONS
    if result.recommendation.action is Action.DETAINER:
        assert case.match.value == "POSITIVE" and Flag.IN_CUSTODY in result.flags
        assert Flag.PROTECTED_STATUS not in result.flags
    if result.recommendation.action is Action.CONDITIONAL_REFERRAL:
        assert result.removability.assessment.value == "REMOVABLE_IF_CONVICTED"
    elif result.recommendation.action in ENFORCEMENT_ACTIONS:
        assert result.removability.assessment.value == "REMOVABLE"
    if case.basis in (IdentityBasis.BIOGRAPHIC, IdentityBasis.NONE):
        assert result.recommendation.action not in {
            *ENFORCEMENT_ACTIONS,
            Action.CONDITIONAL_REFERRAL,
        }
    if result.recommendation.action in {Action.DETAINER, Action.NOTIFICATION_REQUEST}:
        assert case.basis in (None, IdentityBasis.BIOMETRIC) or case.tied
    # A possible person's removal-side records never become grounds or flags here.
    theirs = {(str(r["source"]), str(r["record_id"])) for p in case.possible.values() for r in p}
    for ground in result.removability.grounds:
        assert not any((e.source, e.record_id) in theirs for e in ground.evidence)


def test_every_gate_and_rule_is_labelled_cited_and_exercised(policy: Policy) -> None:
    """Each decision rule carries a unique label and a citation, and the corpus reaches it."""
    from vetline.status.citizenship import CITIZENSHIP_CHECKS
    from vetline.status.entry import ADMISSION_RULES

    for rules in (GATES, ADMISSION_RULES, CITIZENSHIP_CHECKS):
        labels = [r.label for r in rules]
        assert len(set(labels)) == len(labels)
        assert all(r.citation.strip() for r in rules)
    results = [run(case, policy) for case in ALL_CASES]
    gates_hit = {r.recommendation.rule for r in results}
    status_rules_hit = {r.status.rule for r in results}
    assert gates_hit | set(CONDITIONAL_GATES.values()) == GATE_LABELS, GATE_LABELS - gates_hit
    assert {r.label for r in ADMISSION_RULES} <= status_rules_hit, {
        r.label for r in ADMISSION_RULES
    } - status_rules_hit


#: Gates of the removable-if-convicted branch the corpus does not reach, with the input
#: change that reaches each (the corpus's conditional referrals are POSITIVE, unprotected).
CONDITIONAL_GATES = {
    "protected": "removable if convicted, protected status",
    "possible": "removable if convicted, possibly-same person",
    "weak": "removable if convicted, identity too weak",
}


@pytest.mark.parametrize("change", sorted(CONDITIONAL_GATES))
def test_conditional_gates_hold_back_the_referral(change: str, policy: Policy) -> None:
    """An LPR who would be removable if convicted is referred only past every safety gate."""
    from dataclasses import replace

    from vetline.status.recommend import RecommendationInput, recommend

    base = RecommendationInput(
        match_level=MatchLevel.POSITIVE,
        has_records=True,
        status=StatusCode.LPR,
        assessment=Assessment.REMOVABLE_IF_CONVICTED,
        grounds=(),
        flags=frozenset(),
        citizenship_signs=(),
        protected=(),
        convictions=(),
        to_resolve=(),
        assessment_reason="",
        identity_basis=IdentityBasis.IDENTIFIER,
    )
    assert recommend(base, policy).action is Action.CONDITIONAL_REFERRAL
    changed = {
        "protected": replace(base, flags=frozenset({Flag.PROTECTED_STATUS}), protected=("TPS",)),
        "possible": replace(base, possible_persons=("P-2",)),
        "weak": replace(base, match_level=MatchLevel.POSSIBLE),
    }[change]
    got = recommend(changed, policy)
    assert got.rule == CONDITIONAL_GATES[change]
    assert got.action is not Action.CONDITIONAL_REFERRAL
