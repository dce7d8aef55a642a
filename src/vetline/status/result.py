"""What ``assess`` returns: every conclusion with its evidence, citation and reason.

``to_iar_dict`` renders exactly the ``status``, ``removability``, ``flags`` and
``recommendation`` parts of the IAR (``shared/spec/interfaces.md``); ``to_dict`` adds the
engine's working (conflicts, what would resolve an UNDETERMINED, the timeline, labels and
priority) for analysts and the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from vetline.status.history import RecordRef
from vetline.vocab import Action, Assessment, Flag, StatusCode


def _refs(refs: tuple[RecordRef, ...]) -> list[dict[str, str]]:
    return [r.to_dict() for r in refs]


@dataclass(frozen=True, slots=True)
class StatusFinding:
    code: StatusCode
    summary: str
    evidence: tuple[RecordRef, ...]
    rule: str  # label of the status rule that decided


@dataclass(frozen=True, slots=True)
class Ground:
    """One legal ground the records support (or would support, if ``pending``)."""

    ina: str
    label: str
    reason: str
    evidence: tuple[RecordRef, ...]
    pending: bool = False  # True: would apply only if a pending charge ends in conviction
    from_conviction: bool = False  # a conviction ground (not a status ground)

    def to_dict(self) -> dict[str, object]:
        return {"ina": self.ina, "reason": self.reason, "evidence": _refs(self.evidence)}


#: What an IAR says when removal proceedings are pending and nothing else is open.
BEFORE_THE_COURT: Final = "pending before the immigration court: removability is for the judge"


@dataclass(frozen=True, slots=True)
class Removability:
    assessment: Assessment
    grounds: tuple[Ground, ...]
    reason: str
    #: UNDETERMINED because removal proceedings are pending: the immigration judge decides
    #: removability, so nothing an analyst could add settles it (the desk's gate lets such
    #: an answer go out; every other UNDETERMINED waits for an analyst).
    before_the_court: bool = False


@dataclass(frozen=True, slots=True)
class Recommendation:
    action: Action
    reason: str
    priority_tier: str | None = None
    supervisory_review: bool = False
    requires_review: bool = True  # always: humans decide, vetline recommends
    rule: str = ""  # label of the recommendation gate that decided (recommend.GATES)


@dataclass(frozen=True, slots=True)
class Conflict:
    """Records that disagree, surfaced in plain words, never silently resolved."""

    description: str
    evidence: tuple[RecordRef, ...]


class Direction(StrEnum):
    """What a possible person's record does here."""

    CITIZENSHIP = "CITIZENSHIP"  # blocks enforcement, routes to citizenship review
    LAWFUL_STATUS = "LAWFUL_STATUS"  # withholds removability
    NOT_A_GROUND = "NOT_A_GROUND"  # shown to the analyst, never used
    #: Not a "maybe" any more: an event or the FIN ties its records to this person
    #: (``vetline.person.corroboration``), so they are read as this person's own.
    SAME_PERSON = "SAME_PERSON"


@dataclass(frozen=True, slots=True)
class PossibleNote:
    """One finding on a possibly-same person: what, where (records, fields), why, effect."""

    person_id: str
    direction: Direction
    text: str
    evidence: tuple[RecordRef, ...]
    fields: tuple[str, ...]
    citation: str

    def to_dict(self) -> dict[str, object]:
        return {
            "person_id": self.person_id,
            "direction": self.direction.value,
            "text": self.text,
            "evidence": [r.to_dict() for r in self.evidence],
            "fields": list(self.fields),
            "citation": self.citation,
        }


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    when: str  # the date as recorded (may be partial)
    kind: str
    text: str
    record: RecordRef


@dataclass(frozen=True)
class AssessmentResult:
    """The engine's answer for one person as of one date."""

    as_of: date
    status: StatusFinding
    removability: Removability
    flags: tuple[Flag, ...]
    recommendation: Recommendation
    conflicts: tuple[Conflict, ...]
    to_resolve: tuple[str, ...]
    timeline: tuple[TimelineEvent, ...]
    #: Findings on possibly-same persons (``possible.py``), each with its effect here.
    possible: tuple[PossibleNote, ...] = ()

    def _status(self) -> dict[str, object]:
        return {
            "code": self.status.code.value,
            "summary": self.status.summary,
            "evidence": _refs(self.status.evidence),
        }

    def to_iar_dict(self) -> dict[str, object]:
        """The IAR's status, removability, flags and recommendation parts, exactly."""
        return {
            "status": self._status(),
            "removability": self._iar_removability(),
            "flags": [f.value for f in self.flags],
            "recommendation": {
                "action": self.recommendation.action.value,
                "requires_review": True,
                "reason": self.recommendation.reason,
            },
        }

    def _iar_removability(self) -> dict[str, object]:
        """Assessment and grounds; an UNDETERMINED before the court says so (an added key,
        as the interface allows), so the agency reads "the judge decides", not "unknown"."""
        part: dict[str, object] = {
            "assessment": self.removability.assessment.value,
            "grounds": [g.to_dict() for g in self.removability.grounds],
        }
        if self.removability.before_the_court:
            part["before_the_court"] = BEFORE_THE_COURT
        return part

    def to_dict(self) -> dict[str, object]:
        """Everything, for analysts and the audit record (a superset of ``to_iar_dict``)."""
        rec = self.recommendation
        return {
            "as_of": self.as_of.isoformat(),
            "status": {**self._status(), "rule": self.status.rule},
            "removability": {
                "assessment": self.removability.assessment.value,
                "reason": self.removability.reason,
                "grounds": [
                    {**g.to_dict(), "label": g.label, "pending": g.pending}
                    for g in self.removability.grounds
                ],
            },
            "flags": [f.value for f in self.flags],
            "recommendation": {
                "action": rec.action.value,
                "requires_review": True,
                "reason": rec.reason,
                "priority_tier": rec.priority_tier,
                "supervisory_review": rec.supervisory_review,
                "rule": rec.rule,
            },
            "conflicts": [
                {"description": c.description, "evidence": _refs(c.evidence)}
                for c in self.conflicts
            ],
            "to_resolve": list(self.to_resolve),
            "timeline": [
                {"when": e.when, "kind": e.kind, "text": e.text, "record": e.record.to_dict()}
                for e in self.timeline
            ],
            "possible_same_person": [n.to_dict() for n in self.possible],
        }
