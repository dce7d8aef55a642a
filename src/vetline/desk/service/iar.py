"""Assemble the IAR JSON (``shared/spec/interfaces.md``) and its Nlets text. Pure.

Three kinds of IAR leave the desk: the automatic answer (the engine's status,
removability, flags and recommendation), the interim answer of a queued query (identity
and status withheld: "pending analyst review", so an unconfirmed match never reaches an
officer as a status), and the analyst's answer. Added to the v1 shape (by adding):
``state`` (ANSWERED | QUEUED), ``answer`` (the query type's answer), ``notes`` (intake
notes) and ``match.confirmed_by``.

Everything here builds the typed IAR (``vetline.desk.iar_model``), not dictionaries: the
parts come straight from the resolver's ``Resolution``, the engine's ``AssessmentResult``
and the person core's ``Answer``; the JSON is made once, at the edge (the stored IAR
column, the API response, ``vetline query``), by ``IAR.to_json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vetline.desk import iar_model as m
from vetline.desk.iaq import IAQ
from vetline.desk.nlets_iar import has_citizen_sign, render_iar_text
from vetline.person.answers import Answer
from vetline.person.candidates import PROBABILITY_DIGITS, Candidate, candidates_of
from vetline.status import AssessmentResult, Flag, MatchLevel, RecordRef
from vetline.status.result import BEFORE_THE_COURT
from vetline.vocab import Action, Assessment, StatusCode

if TYPE_CHECKING:
    from vetline.resolve import Resolution


@dataclass(frozen=True)
class Header:
    """The parts every IAR of a query shares."""

    iar_id: str
    iaq_id: str
    received_at: str
    responded_at: str
    routing: Mapping[str, str | None]
    intake_flags: tuple[str, ...]
    notes: tuple[str, ...]


def match_of(
    resolution: Resolution,
    *,
    confirmed_by: str | None = None,
    possible: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> m.Match:
    """The IAR ``match`` part from a ``vetline.resolve.Resolution``.

    Added keys (issue 11): ``basis`` (what ties the subject to the person), and the
    persons that MAY be the subject (``Resolution.possible``) shown among the candidates:
    a candidate entry carries ``possible_same_person: true`` (and ``link``: the build's
    probability and reason for keeping the two apart); a linked person that was
    not scored against the query is added with ``probability: null``; and
    ``possible_same_person`` lists each with the records read for it (``possible``).
    """
    level = MatchLevel(str(resolution.level))
    no_record = level is MatchLevel.NO_RECORD
    maybe = list(dict.fromkeys(resolution.possible))
    # The person core lists the candidates (the build's "possible same person" link
    # beside a candidate says why the two persons were kept apart: issue 11).
    candidates = [candidate_part(c) for c in candidates_of(resolution)]
    read = possible or {}
    return m.Match(
        level=level,
        person_id=None if no_record else resolution.person_id,
        probability=round(float(resolution.probability), PROBABILITY_DIGITS),
        explanation=[] if no_record else [m.Comparison(**step) for step in resolution.explanation],
        records=[] if no_record else _keys(resolution.records),
        candidates=candidates,
        possible_same_person=[
            m.PossiblePerson(person_id=p, records=_keys(read.get(p, ())))
            for p in maybe
            if p != resolution.person_id
        ],
        basis=resolution.basis,
        confirmed_by=confirmed_by or None,
    )


def match_part(
    resolution: Resolution,
    *,
    confirmed_by: str | None = None,
    possible: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> dict[str, Any]:
    """``match_of`` as JSON (for readers that still want the dictionary)."""
    return match_of(resolution, confirmed_by=confirmed_by, possible=possible).to_json()


def candidate_part(candidate: Candidate) -> m.Candidate:
    """The person core's ``Candidate`` as the IAR's candidate entry (``possible_same_person``
    and ``link`` present only when they apply, as before)."""
    link = candidate.link
    return m.Candidate(
        person_id=candidate.person_id,
        probability=candidate.probability,
        possible_same_person=True if candidate.possible_same_person else None,
        link=None if link is None else m.CandidateLink(
            probability=link.probability, reason=link.reason
        ),
    )  # fmt: skip


def _keys(keys: Sequence[tuple[str, str]]) -> list[m.RecordRef]:
    return [m.RecordRef(source=s, record_id=r) for s, r in keys]


def _refs(refs: Sequence[RecordRef]) -> list[m.RecordRef]:
    return [m.RecordRef(source=r.source, record_id=r.record_id) for r in refs]


def assessed_of(result: AssessmentResult) -> m.Assessed:
    """The IAR's status, removability, flags and recommendation from the engine's result:
    the typed ``AssessmentResult.to_iar_dict()`` (the same values, key for key)."""
    status, removability, rec = result.status, result.removability, result.recommendation
    return m.Assessed(
        status=m.Status(code=status.code, summary=status.summary, evidence=_refs(status.evidence)),
        removability=m.Removability(
            assessment=removability.assessment,
            grounds=[
                m.Ground(ina=g.ina, reason=g.reason, evidence=_refs(g.evidence))
                for g in removability.grounds
            ],
            before_the_court=BEFORE_THE_COURT if removability.before_the_court else None,
        ),
        flags=[f.value for f in result.flags],
        recommendation=m.Recommendation(action=rec.action, requires_review=True, reason=rec.reason),
    )


def answer_of(answer: Answer) -> m.Answer:
    """The person core's ``Answer`` as the IAR's ``answer`` part."""
    return m.Answer(
        query_type=answer.query_type,
        result=answer.result,
        reason=answer.reason,
        evidence=[m.RecordRef.model_validate(e) for e in answer.evidence],
        citation=answer.citation or None,
    )


def _flags(engine_flags: Sequence[str], header: Header) -> list[str]:
    return list(dict.fromkeys([*engine_flags, *header.intake_flags]))


def assemble(
    header: Header,
    match: m.Match,
    assessed: m.Assessed,
    answer: Answer,
    *,
    state: str,
    iaq: IAQ,
) -> m.IAR:
    """One IAR: ``assessed`` is ``assessed_of(result)`` (or an interim one)."""
    flags = _flags(assessed.flags, header)
    removability = assessed.removability
    if has_citizen_sign(flags, assessed.status.code):
        removability = withheld_removability()
    iar = m.IAR(
        iar_id=header.iar_id,
        iaq_id=header.iaq_id,
        received_at=header.received_at,
        responded_at=header.responded_at,
        state=state,
        match=match,
        status=assessed.status,
        removability=removability,
        flags=flags,
        recommendation=assessed.recommendation,
        answer=answer_of(answer),
        routing=m.Routing(**header.routing),
        notes=list(header.notes),
    )
    text = render_iar_text(iar, dest_ori=iaq.ori, iaq=iaq) + _answer_text(answer)
    return iar.model_copy(update={"nlets_text": text})


#: Why removability is withheld: the words both forms of the IAR carry.
WITHHELD_FOR_CITIZENSHIP = "withheld pending citizenship review"


def withheld_removability() -> m.Removability:
    """Removability of a person with a sign of U.S. citizenship: no ground leaves the desk.

    The engine's grounds stay in the analyst's draft (``draft_json``); what goes to the
    agency and the field office is ``UNDETERMINED`` with the reason, so the JSON and the
    Nlets text (rendered from this same part) say the same thing.
    """
    return m.Removability(
        assessment=Assessment.UNDETERMINED, grounds=[], withheld=WITHHELD_FOR_CITIZENSHIP
    )


def _answer_text(answer: Answer) -> str:
    cite = f" ({answer.citation})" if answer.citation else ""
    text = f"\nANSWER/{answer.query_type} {answer.result}{cite}"
    return text.upper()[:200]


def interim(engine: m.Assessed, reasons: Sequence[str]) -> m.Assessed:
    """The status part of a queued query's IAR: nothing an officer could act on.

    Flags stay (a possible citizen is told as early as possible); status and removability
    are withheld until an analyst confirms them.
    """
    citizen = Flag.POSSIBLE_US_CITIZEN.value in engine.flags
    why = "; ".join(reasons)
    return m.Assessed(
        status=m.Status(
            code=StatusCode.UNKNOWN,
            summary=f"Pending analyst review ({why}); a response follows.",
            evidence=[],
        ),
        removability=m.Removability(assessment=Assessment.UNDETERMINED, grounds=[]),
        flags=list(engine.flags),
        recommendation=m.Recommendation(
            action=Action.CITIZENSHIP_REVIEW if citizen else Action.NO_ACTION,
            requires_review=True,
            reason=f"queued for an analyst: {why}",
        ),
    )
