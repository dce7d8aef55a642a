"""The assessment step: the status engine run on what the lookup found, for one question.

Status is assessed as of the encounter's date when the question gives one, else the day it
was received (interfaces.md); the encounter's custody and charges go to the engine as the
current arrest (charges are never convictions there). The engine also gets the records of
the persons that may be the subject (read only towards citizenship or lawful status) and
the matched records that carry an identifier the question gave, so a final order counts as
tied to the subject by identifier only when its own record carries it (I-247A bases 1-2,
``vetline.status.recommend``).

Edit here: what ties a record to the subject by identifier (``identifier_records``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final, Protocol

from vetline.person.corroboration import LAW
from vetline.person.lookup import Found
from vetline.person.question import Question
from vetline.status import AssessmentResult, Policy, RecordRef, assess
from vetline.status.result import Direction, PossibleNote

#: Identifier fields compared between the question and a record (canonical on both sides:
#: intake and the loader share ``vetline.records.identifiers``).
IDENTIFIER_FIELDS: Final = ("a_number", "fin", "fbi_number", "ssn", "passport_number", "sid")


class Identified(Protocol):
    """A subject as any workflow holds it (the resolver's ``Subject``, the desk's IAQ subject)."""

    @property
    def a_number(self) -> str | None: ...
    @property
    def fin(self) -> str | None: ...
    @property
    def fbi_number(self) -> str | None: ...
    @property
    def ssn(self) -> str | None: ...
    @property
    def passport_number(self) -> str | None: ...
    @property
    def sid(self) -> str | None: ...


def identifier_records(
    subject: Identified, rows: Sequence[Mapping[str, object]]
) -> list[RecordRef]:
    """The records that carry one of the subject's identifiers, with the same value."""
    asked = {name: value for name in IDENTIFIER_FIELDS if (value := getattr(subject, name, None))}
    if not asked:
        return []
    out: list[RecordRef] = []
    for row in rows:
        for name, value in asked.items():
            held = row.get(name)
            if held is not None and str(held).strip().upper() == str(value).upper():
                out.append(RecordRef(str(row["source"]), str(row["record_id"])))
                break
    return out


def assess_found(
    found: Found, question: Question, received: date, policy: Policy, *, timeline: bool = True
) -> AssessmentResult:
    """Assess the found person as of the encounter date (else ``received``); without the
    timeline when its reader never shows one (``timeline=False``: batch, ``assess``)."""
    return assess(
        found.history,
        question.as_of(received),
        policy=policy,
        encounter=question.encounter,
        match_level=found.resolution.level,
        related=found.related,
        identity_basis=found.resolution.basis,
        possible=found.possible,
        identifier_records=identifier_records(question.subject, found.rows),
        same_person=same_person_notes(found),
        timeline=timeline,
    )


def same_person_notes(found: Found) -> list[PossibleNote]:
    """Why records of once possibly-same persons are read as this person's (the IAR and
    the analyst see the tie: the two records and the fields compared). A tie whose record
    is no longer among the rows (an officer ruled it out, ``vetline.vetting``) says nothing."""
    read = {(str(r["source"]), str(r["record_id"])) for r in found.rows}
    notes = []
    for tie in found.same_person.values():
        if tie.evidence[1] not in read:
            continue
        refs = tuple(RecordRef(s, r) for s, r in tie.evidence)
        notes.append(
            PossibleNote(tie.person_id, Direction.SAME_PERSON, tie.text, refs, tie.fields, LAW)
        )
    return notes
