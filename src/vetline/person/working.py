"""``work_out``: one question → the person found, the assessment, and the decision. Reads only.

The path every workflow shares (the desk's automatic answer, the bench, and next the
vetting centre and batch vetting): resolve the subject and read the person's records,
their parents' and the possibly-same persons' (``PersonLookup.find``), assess as of the
encounter date (``assess_found``), and decide per query type whether the answer may go
out without an analyst (``decide``). Nothing is written and no clock is read: the caller
stores, audits and queues what it gets back.

Edit here: what the gate is told about the resolution (``decision_for``: the runner-up,
the possibly-same persons), what the outcome carries (``Outcome``: typed values — the
``Found`` person and records, the engine's ``AssessmentResult``, the ``Decision`` and its
``Answer``, the ``Candidate`` list — that the workflows turn into JSON only at their
edges) and its draft form (``draft()``: the JSON an analyst's answer starts from).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from vetline.person.answers import Decision, decide
from vetline.person.assessing import assess_found
from vetline.person.candidates import Candidate, candidates_of
from vetline.person.lookup import Found, PersonLookup
from vetline.person.question import Question
from vetline.status import AssessmentResult, Policy
from vetline.vocab import IdentityBasis

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from vetline.resolve import Resolution


@dataclass(frozen=True)
class Assessed:
    """What ``assess_question`` found: the question, the person and records read, and the
    engine's assessment; no decision (a batch result row shows none, and the gate's
    answer text was 2 % of a batch row's CPU)."""

    question: Question
    found: Found
    assessment: AssessmentResult

    @property
    def resolution(self) -> Resolution:
        return self.found.resolution


@dataclass(frozen=True)
class Outcome(Assessed):
    """What ``work_out`` found: the question, the person and records read, the engine's
    assessment, and the decision (the answer; automatic or the analyst's reasons)."""

    decision: Decision

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        """Who else the subject may be (``candidates_of``): typed, for every workflow."""
        return candidates_of(self.found.resolution)

    @property
    def possible_ids(self) -> list[str]:
        """The possibly-same persons whose records were read (for the audit trail)."""
        return list(self.found.possible_records)

    def draft(self) -> dict[str, Any]:
        """The working-out as JSON: what an analyst reads and the analyst's answer starts from.

        Every record read for the answer is named, the possibly-same persons' included.
        """
        return {
            "resolution": self.found.resolution.to_json(),
            "assessment": self.assessment.to_dict(),
            "answer": self.decision.answer.to_dict(),
            "queue_reasons": list(self.decision.queue_reasons),
            "possible_records": possible_records_json(self.found.possible_records),
            "possible_unread": list(self.found.possible_unread),
        }


def possible_records_json(
    possible: Mapping[str, Sequence[tuple[str, str]]],
) -> dict[str, list[dict[str, str]]]:
    """Possibly-same persons' record keys as JSON (the draft, the IAR's match part)."""
    return {
        pid: [{"source": src, "record_id": rid} for src, rid in keys]
        for pid, keys in possible.items()
    }


def decision_for(question: Question, found: Found, assessment: AssessmentResult) -> Decision:
    """``decide`` told what the resolution says beyond its level.

    The runner-up is the best candidate person other than the match (records may be
    split, ``SPLIT_RECORDS_PROBABILITY``); the possibly-same persons are those read and
    those left unread (either queues: issue 11 item 2).

    With a biometric identity (a decisive FIN) a runner-up whose records were read as a
    possibly-same person does not count: fingerprints settled who the subject is, and
    the split-off records reached the status engine, which reads them in the safe
    direction only (a naturalization, a citizen parent or a lawful status there routes
    to review; a conviction or an order there never becomes a ground) — the very case the
    split gate was made for (a naturalized parent's record in a second person) is now
    caught there. Without this, corroborated merges (issue 11) split more true persons
    and the BIOMETRIC automation fell from 0.91 to 0.56 on the otherworld (bench/README.md,
    identity safety). Nor does a runner-up holding another FIN
    (``Resolution.other_fingerprints``): two sets of fingerprints are two people.
    """
    res = found.resolution
    read: set[str] = set()
    if res.basis is IdentityBasis.BIOMETRIC:
        # read as possibly-same, or another FIN: fingerprints settled either way
        read = set(found.possible_records) | set(getattr(res, "other_fingerprints", ()))
    runner_up = max(
        (q for p, q in res.candidates if p != res.person_id and p not in read), default=0.0
    )
    return decide(
        question.kind, res.level, assessment, found.rows, fin=question.subject.fin,
        runner_up=runner_up, needs_review=res.needs_review,
        possible=list(found.possible_records) + list(found.possible_unread),
        unread=found.possible_unread, confidence=dict(res.candidates),
    )  # fmt: skip


def work_out(
    question: Question,
    lookup: PersonLookup,
    *,
    received: date,
    policy: Policy,
    timeline: bool = True,
) -> Outcome:
    """Resolve, read, assess and decide ``question`` (received on ``received``). Reads only.

    ``timeline=False``: the assessment without its timeline (a batch result row shows
    none); the answer, the decision and everything else are the same."""
    done = assess_question(question, lookup, received=received, policy=policy, timeline=timeline)
    found, assessment = done.found, done.assessment
    return Outcome(question, found, assessment, decision_for(question, found, assessment))


def assess_question(
    question: Question,
    lookup: PersonLookup,
    *,
    received: date,
    policy: Policy,
    timeline: bool = True,
) -> Assessed:
    """``work_out`` without the decision: resolve, read and assess ``question``, the
    very steps ``work_out`` takes (it calls this). For a reader that never shows the
    gate's answer (batch result rows); reads only."""
    found = lookup.find(question.subject)
    assessment = assess_found(found, question, received, policy, timeline=timeline)
    return Assessed(question, found, assessment)
