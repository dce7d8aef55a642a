"""A lawful status on a possibly-same person, through the engine and the automatic gate.

Issue 11 principle 2: evidence towards lawful status or citizenship counts from any record
that MAY be this person; evidence towards removal only from records that ARE this person.
A BIOMETRIC query whose fingerprinted person holds only the fingerprint record, while the
status records sit in a person tied to it by name and date of birth only (split at build),
is answered automatically with that lawful status, naming the records and saying they may
be this person (with the candidate's probability) — but only when nothing read points
towards removal and nothing points towards citizenship (that goes to citizenship review).
"""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest

from vetline.person import decide
from vetline.status import AssessmentResult, PersonHistory, Policy, assess, load_policy
from vetline.status.possible import FROM_POSSIBLE
from vetline.vocab import (
    ENFORCEMENT_ACTIONS,
    Action,
    Assessment,
    Flag,
    IdentityBasis,
    MatchLevel,
    QueryType,
    StatusCode,
)

Row = dict[str, str | None]
AS_OF = date(2026, 11, 1)
FIN = "1234567890"
MAYBE, OTHER = "P-MAYBE", "P-OTHER"
_ids = count(1)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def row(source: str, **cols: str | None) -> Row:
    out: Row = {
        "source": source,
        "record_id": f"{source[:2].upper()}{next(_ids):06d}",
        "last_name": "TESTER",
        "first_name": "PAT",
        "dob": "1985-03-02",
        "birth_country": "MX",
    }
    out.update(cols)
    return out


def fingerprint() -> Row:
    return row("biometric", enrolled_date="2019-05-01", fin=FIN)


def lpr(start: str = "2014-09-27") -> Row:
    return row("status", status_class="LPR", status_state="GRANTED", start_date=start)


def arrival(when: str, cls: str, until: str | None = None) -> Row:
    return row("entry_exit", event="ARRIVAL", event_date=when, admission_class=cls,
               admit_until=until)  # fmt: skip


def conviction(code: str = "2202", when: str = "2021-01-01") -> Row:
    return row("criminal", charge_code=code, arrest_date=when, disposition="CONVICTED",
               offense_level="FELONY", disposition_date=when)  # fmt: skip


def work(
    own: list[Row], possible: dict[str, list[Row]], policy: Policy
) -> tuple[AssessmentResult, bool, str, tuple[str, ...]]:
    """The engine and the BIOMETRIC gate, as ``work_out`` runs them for a decisive FIN."""
    result = assess(
        PersonHistory.from_rows(own), AS_OF, policy=policy, match_level=MatchLevel.POSITIVE,
        identity_basis=IdentityBasis.BIOMETRIC,
        possible={p: PersonHistory.from_rows(rows) for p, rows in possible.items()},
    )  # fmt: skip
    decision = decide(
        QueryType.BIOMETRIC, MatchLevel.POSITIVE, result, own, fin=FIN,
        possible=list(possible), confidence={MAYBE: 0.932, OTHER: 0.5},
    )  # fmt: skip
    assert result.recommendation.action not in ENFORCEMENT_ACTIONS  # never on maybe-records
    return result, decision.automatic, decision.answer.reason, decision.queue_reasons


def test_lawful_status_on_a_maybe_record_is_answered_automatically_naming_it(
    policy: Policy,
) -> None:
    status = lpr()
    result, automatic, reason, queued = work([fingerprint()], {MAYBE: [status]}, policy)
    assert automatic, queued
    assert result.status.code is StatusCode.LPR
    assert FROM_POSSIBLE in result.status.rule
    assert [(r.source, r.record_id) for r in result.status.evidence] == [
        ("status", status["record_id"])
    ]
    assert result.removability.assessment is Assessment.NOT_REMOVABLE
    assert "possibly-same person" in result.removability.reason
    # the answer names the record, the person, its confidence, and that it MAY be them
    assert f"status/{status['record_id']}" in reason
    assert f"{MAYBE} (p = 0.932)" in reason
    assert "MAY be this person" in reason
    assert "MAY be this person" in result.status.summary
    assert any(n.person_id == MAYBE for n in result.possible)


def test_maybe_records_read_together_must_agree(policy: Policy) -> None:
    """An LPR grant and its admission split over two possible persons: one status."""
    possible = {MAYBE: [lpr()], OTHER: [arrival("2014-09-27", "LPR")]}
    result, automatic, reason, _ = work([fingerprint()], possible, policy)
    assert automatic and result.status.code is StatusCode.LPR
    assert MAYBE in reason and OTHER in reason


@pytest.mark.parametrize(
    ("own", "possible", "why"),
    [
        # removal-side evidence on a maybe-record: a conviction beside the lawful status
        ([fingerprint()], {MAYBE: [lpr(), conviction()]}, "conviction on the maybe-person"),
        # an expired admission on a maybe-record (an overstay) is removal-side evidence
        ([fingerprint()], {MAYBE: [arrival("2019-03-01", "B2", "2019-09-01")]}, "overstay"),
        # a lawful status on one maybe-person, an overstay on another
        ([fingerprint()], {MAYBE: [lpr()], OTHER: [arrival("2019-03-01", "B2", "2019-09-01")]},
         "overstay on another maybe-person"),
        # the fingerprinted person's own conviction: a maybe-admission must not make it a ground
        ([fingerprint(), conviction()], {MAYBE: [lpr()]}, "own conviction"),
        # two maybe-persons, two different lawful statuses
        ([fingerprint()], {MAYBE: [lpr()], OTHER: [arrival("2026-06-01", "B2", "2027-06-01")]},
         "statuses disagree"),
        # read as one person, a minor LPR whose parents nobody named: derivation not ruled
        # out (a citizenship question), so the maybe-status is not adopted
        ([fingerprint()], {MAYBE: [lpr("1995-01-01")]}, "minor LPR, parents unchecked"),
        # a U visa (nonimmigrant, but a protection the officer must see: PROTECTED_STATUS)
        ([fingerprint()], {MAYBE: [row("status", status_class="U_VISA", status_state="GRANTED",
                                       start_date="2023-01-01", end_date="2027-01-01")]},
         "U visa"),
        # a protection the officer must see (PROTECTED_STATUS) stays with an analyst
        ([fingerprint()], {MAYBE: [row("status", status_class="TPS", status_state="GRANTED",
                                       start_date="2024-01-01", end_date="2027-09-09")]},
         "TPS"),
    ],
)  # fmt: skip
def test_removal_evidence_or_doubt_on_maybe_records_goes_to_an_analyst(
    own: list[Row], possible: dict[str, list[Row]], why: str, policy: Policy
) -> None:
    result, automatic, _, queued = work(own, possible, policy)
    assert not automatic, why
    assert FROM_POSSIBLE not in result.status.rule, why
    assert result.status.code is StatusCode.UNKNOWN, why
    assert "status undetermined" in queued, why
    assert result.removability.assessment is Assessment.UNDETERMINED, why


def test_citizenship_sign_on_a_maybe_record_goes_to_citizenship_review(policy: Policy) -> None:
    naturalized = row("status", status_class="NATURALIZED", status_state="GRANTED",
                      start_date="2022-05-07")  # fmt: skip
    result, automatic, _, queued = work([fingerprint()], {MAYBE: [lpr(), naturalized]}, policy)
    assert not automatic
    assert Flag.POSSIBLE_US_CITIZEN in result.flags
    assert FROM_POSSIBLE not in result.status.rule
    assert result.recommendation.action is Action.CITIZENSHIP_REVIEW
    assert any("citizenship review" in q for q in queued)


def test_a_us_birthplace_on_a_maybe_record_blocks_the_adoption(policy: Policy) -> None:
    born_here = {**lpr(), "birth_country": "US"}
    result, automatic, _, queued = work([fingerprint()], {MAYBE: [born_here]}, policy)
    assert not automatic
    assert Flag.POSSIBLE_US_CITIZEN in result.flags
    assert result.recommendation.action is Action.CITIZENSHIP_REVIEW
    assert any("citizenship review" in q for q in queued)
