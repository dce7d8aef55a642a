"""Per query type: what the answer is, and whether it may go out without an analyst.

Pure: a resolution summary, the engine's assessment and the person's rows in, a
``Decision`` out. The common gate is the issue's rule (a POSITIVE match, a determined status
and removability, no conflict, no citizenship or protected-status sign → automatic; pending
removal proceedings with nothing else open count as determined — the judge, not an analyst,
decides removability); each
query type adds its own question on top, with the records it cites:

* IAQ, CRITICAL_INFRASTRUCTURE: identity and status (the common gate only).
* BIOMETRIC: the FIN from the fingerprint search is decisive, so it must be a FIN of the
  matched person's records; a biographic match alone does not answer a biometric query.
* NCIC_WARRANT: is an ICE warrant (I-200/I-205) of this person ACTIVE.
* NICS: 18 U.S.C. 922(g)(5): unlawfully present (A) or admitted on a nonimmigrant visa (B)
  → prohibited, cited; a status that settles neither way, or any doubt → DELAY (research
  pending), never a guess.

Edit here: the common gate (``common_gate``), the possibly-same-person reasons
(``possible_reasons``), a query type's answer (``decide`` and its ``_warrant`` / ``_nics``),
the analyst's answer (``reviewed``). Tested table: ``tests/person/test_answers.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from vetline.status import AssessmentResult, Flag, MatchLevel, StatusCode
from vetline.status.possible import FROM_POSSIBLE
from vetline.status.result import Direction
from vetline.vocab import CITIZEN_STATUSES, Assessment, QueryType

ICE_WARRANT_TYPES: Final = frozenset({"I200", "I205"})

#: 27 CFR 478.11 "alien illegally or unlawfully in the United States": unlawful entry, a
#: nonimmigrant out of status, or under an order of removal.
NICS_UNLAWFUL: Final = frozenset(
    {
        StatusCode.OVERSTAY,
        StatusCode.ENTERED_WITHOUT_INSPECTION,
        StatusCode.FINAL_ORDER,
        StatusCode.REMOVED_AND_REENTERED,
    }
)
#: Statuses that carry no alien firearm prohibition by themselves.
NICS_NOT_PROHIBITED: Final = frozenset(
    {StatusCode.LPR, StatusCode.ASYLEE, StatusCode.REFUGEE, *CITIZEN_STATUSES}
)


@dataclass(frozen=True)
class Answer:
    """The type-specific answer carried in the IAR's ``answer`` part."""

    query_type: str
    result: str
    reason: str
    evidence: tuple[Mapping[str, str], ...] = ()
    citation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "query_type": self.query_type,
            "result": self.result,
            "reason": self.reason,
            "evidence": [dict(e) for e in self.evidence],
        }
        if self.citation:
            out["citation"] = self.citation
        return out


@dataclass(frozen=True)
class Decision:
    """Automatic or not, why not (each reason in words), and the answer."""

    automatic: bool
    answer: Answer
    queue_reasons: tuple[str, ...] = field(default=())
    #: The same reasons as the requesting agency may read them (the interim IAR): other
    #: persons' ids are named to analysts only (nlets_iar: no other person's id is printed).
    agency_reasons: tuple[str, ...] = field(default=())


def common_gate(level: MatchLevel, result: AssessmentResult) -> list[str]:
    """Reasons the engine's answer may not go out without an analyst (empty: it may)."""
    reasons: list[str] = []
    if level is not MatchLevel.POSITIVE:
        reasons.append(f"match level {level.value}: identity not confirmed")
    if result.status.code is StatusCode.UNKNOWN:
        reasons.append("status undetermined")
    removability = result.removability
    if removability.assessment is Assessment.UNDETERMINED and not removability.before_the_court:
        reasons.append("removability undetermined")
    if result.conflicts:
        reasons.append(f"conflicting records ({len(result.conflicts)})")
    if Flag.POSSIBLE_US_CITIZEN in result.flags or result.status.code in CITIZEN_STATUSES:
        reasons.append("sign of U.S. citizenship: citizenship review")
    if Flag.PROTECTED_STATUS in result.flags:
        reasons.append("protected status")
    return reasons


def _refs(rows: Sequence[Mapping[str, object]]) -> tuple[dict[str, str], ...]:
    return tuple({"source": str(r["source"]), "record_id": str(r["record_id"])} for r in rows)


def _status_refs(result: AssessmentResult) -> tuple[dict[str, str], ...]:
    return tuple(r.to_dict() for r in result.status.evidence)


def _warrant(rows: Sequence[Mapping[str, object]]) -> Answer:
    ice = [
        r
        for r in rows
        if r.get("source") == "warrants" and r.get("warrant_type") in ICE_WARRANT_TYPES
    ]
    active = [r for r in ice if r.get("warrant_state") == "ACTIVE"]
    kind = "NCIC_WARRANT"
    if active:
        return Answer(kind, "CONFIRMED", "an ICE warrant of this person is active", _refs(active))
    if ice:
        return Answer(kind, "NOT_ACTIVE", "this person's ICE warrants are cleared", _refs(ice))
    return Answer(kind, "NO_ICE_WARRANT", "no ICE warrant (I-200/I-205) in this person's records")


def _nics(result: AssessmentResult) -> Answer:
    code = result.status.code
    refs = _status_refs(result)
    if code in NICS_UNLAWFUL:
        return Answer(
            "NICS", "PROHIBITED", f"status {code.value}: alien illegally or unlawfully in the "
            "United States", refs, "18 U.S.C. 922(g)(5)(A); 27 CFR 478.11",
        )  # fmt: skip
    if code is StatusCode.NONIMMIGRANT_IN_STATUS:
        return Answer(
            "NICS", "PROHIBITED", "admitted under a nonimmigrant visa (the dealer checks the "
            "922(y)(2) exceptions, e.g. a hunting licence)", refs, "18 U.S.C. 922(g)(5)(B)",
        )  # fmt: skip
    if code in NICS_NOT_PROHIBITED:
        return Answer("NICS", "NOT_PROHIBITED", f"status {code.value}: no alien prohibition", refs)
    return _delay(f"status {code.value} does not settle the firearm question")


def _delay(why: str) -> Answer:
    return Answer("NICS", "DELAY", f"DELAY: research pending ({why})")


def _status_words(result: AssessmentResult, confidence: Mapping[str, float] | None = None) -> str:
    """``status X``, and when the status rests on possibly-same persons' records
    (``vetline.status.possible.status_from_possible``) which persons, with what confidence,
    and that they only may be this person."""
    words = f"status {result.status.code.value}"
    if FROM_POSSIBLE not in result.status.rule:
        return words
    pids = sorted({n.person_id for n in result.possible if n.direction is Direction.LAWFUL_STATUS})
    shown = ", ".join(
        f"{p} (p = {confidence[p]:.3f})" if confidence and p in confidence else p for p in pids
    )
    refs = ", ".join(f"{r.source}/{r.record_id}" for r in result.status.evidence)
    return (
        f"{words} on records {refs} of possibly-same person {shown}, which MAY be this person "
        "(biographic agreement only); this person's own records establish no status and "
        "nothing towards removal, and no record read points towards removal"
    )


def _fin_reason(fin: str | None, rows: Sequence[Mapping[str, object]]) -> str | None:
    if fin is None:
        return "a BIOMETRIC query needs the FIN the fingerprint search returned"
    if not any(r.get("fin") == fin for r in rows):
        return "the FIN is not in the matched person's records: biometric identity not established"
    return None


#: Another candidate person this likely blocks an automatic answer: the subject's records
#: may be split across two persons, and the answer would rest on half of them. Found on
#: the 1M-record world: an immigrant child's benefits record (naming the naturalized
#: parent) was in a second person at p = 0.999, and the first person alone read
#: "LPR, removable". The resolver's POSSIBLE threshold: anything it would show a human.
SPLIT_RECORDS_PROBABILITY = 0.5


#: What the agency reads instead of a reason naming possibly-same persons.
POSSIBLE_FOR_AGENCY = "a possibly-same person is on file: an analyst settles the identity"


def possible_reasons(
    needs_review: bool, possible: Sequence[str], unread: Sequence[str]
) -> list[str]:
    """Why an identity with possibly-same persons goes to an analyst (issue 11 item 2).

    ``needs_review`` (the resolver's word: two persons above PROBABLE, or the matched
    person has a "possible same person" link) always queues; a possible person whose
    records could not be read queues too, since a citizenship sign may be among them.
    """
    out: list[str] = []
    if needs_review:
        who = ", ".join(possible) if possible else "another person"
        out.append(
            f"possible same person {who}: the records may belong to one person; an analyst "
            "settles the identity before any answer"
        )
    if unread:
        out.append(
            f"records of possibly-same person {', '.join(unread)} not read: citizenship or "
            "lawful status there cannot be ruled out"
        )
    return out


def decide(
    query_type: QueryType,
    level: MatchLevel,
    result: AssessmentResult,
    rows: Sequence[Mapping[str, object]],
    *,
    fin: str | None = None,
    runner_up: float = 0.0,
    needs_review: bool = False,
    possible: Sequence[str] = (),
    unread: Sequence[str] = (),
    confidence: Mapping[str, float] | None = None,
) -> Decision:
    """The answer for ``query_type`` and whether it goes out automatically.

    ``runner_up``: the probability of the best candidate person other than the match.
    ``needs_review``, ``possible``, ``unread``: the resolution's possibly-same persons
    (``possible_reasons``). ``confidence``: the candidates' probabilities, shown when the
    status rests on a possibly-same person's records (``_status_words``).
    """
    reasons = common_gate(level, result)
    private = possible_reasons(needs_review, possible, unread)
    reasons += private
    if level is MatchLevel.POSITIVE and runner_up >= SPLIT_RECORDS_PROBABILITY:
        reasons.append(f"another person also matches (p = {runner_up:.3f}): records may be split")
    if query_type is QueryType.BIOMETRIC and (why := _fin_reason(fin, rows)) is not None:
        reasons.append(why)
    if query_type is QueryType.NCIC_WARRANT:
        answer = _warrant(rows) if level is MatchLevel.POSITIVE else _pending(query_type)
    elif query_type is QueryType.NICS:
        answer = _nics(result)
        if answer.result == "DELAY":
            reasons.append(answer.reason)
        elif reasons:
            answer = _delay("; ".join(_for_agency(reasons, private)))
    elif reasons:
        answer = _pending(query_type)
    else:
        answer = Answer(
            query_type.value, "IDENTITY_AND_STATUS",
            f"identity confirmed; {_status_words(result, confidence)}", _status_refs(result),
        )  # fmt: skip
    if reasons and query_type is QueryType.NCIC_WARRANT:
        answer = _pending(query_type)
    return Decision(not reasons, answer, tuple(reasons), _for_agency(reasons, private))


def _for_agency(reasons: Sequence[str], private: Sequence[str]) -> tuple[str, ...]:
    agency = [POSSIBLE_FOR_AGENCY if r in private else r for r in reasons]
    return tuple(dict.fromkeys(agency))


def _pending(query_type: QueryType) -> Answer:
    if query_type is QueryType.NICS:
        return _delay("analyst review")
    return Answer(
        query_type.value, "PENDING_REVIEW", "an analyst reviews this query; a response follows"
    )


def reviewed(
    query_type: QueryType,
    level: MatchLevel,
    result: AssessmentResult,
    rows: Sequence[Mapping[str, object]],
) -> Answer:
    """The answer an analyst sends: the review is done, so nothing in it is "pending".

    The automatic gate (``decide``) sends a citizenship sign, a weak match or an open
    status to an analyst with ``PENDING_REVIEW``; once the analyst answers, the IAR is
    ``ANSWERED`` and its answer must say what was found (issue 11: an answered IAR that
    still read PENDING_REVIEW contradicted its own state). A citizenship sign keeps
    removability withheld, and says so.
    """
    if level is MatchLevel.NO_RECORD:
        reason = "no record of this person after analyst review (not a finding of status)"
        return Answer(query_type.value, "NO_RECORD", reason)
    if query_type is QueryType.NCIC_WARRANT:
        return _warrant(rows)
    if query_type is QueryType.NICS:
        return _nics(result)
    reason = f"identity confirmed by an analyst; {_status_words(result)}"
    if Flag.POSSIBLE_US_CITIZEN in result.flags or result.status.code in CITIZEN_STATUSES:
        reason += "; removability withheld pending citizenship review"
    return Answer(query_type.value, "IDENTITY_AND_STATUS", reason, _status_refs(result))
