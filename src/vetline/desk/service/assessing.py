"""Bridges from the desk's IAQ model to the resolver's subject and the engine's encounter.

Status is assessed as of the encounter's date when the query gives one, else the day the
query was received (interfaces.md); the encounter's custody and charges go to the engine
as the current arrest (charges are never convictions there). The engine also gets the
records of the persons that may be the subject (read only towards citizenship or lawful
status) and the matched records that carry an identifier the query gave, so a final order
counts as tied to the subject by identifier only when its own record carries it (I-247A
bases 1-2, ``vetline.status.recommend``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

from vetline.desk.iaq import IAQ
from vetline.desk.iaq import Subject as QuerySubject
from vetline.desk.service.lookup import Found
from vetline.status import (
    AssessmentResult,
    Encounter,
    EncounterCharge,
    Policy,
    RecordRef,
    assess,
)

if TYPE_CHECKING:
    from vetline.resolve import Subject


def to_subject(subject: QuerySubject) -> Subject:
    """The resolver's subject from the validated IAQ subject (same field names)."""
    from vetline.resolve import Subject

    return Subject(**subject.model_dump(mode="json"))


def encounter_of(iaq: IAQ) -> Encounter:
    """The engine's view of the current encounter."""
    enc, custody = iaq.encounter, iaq.custody
    return Encounter(
        date=enc.date if enc else None,
        state=enc.state if enc else None,
        county_fips=enc.county_fips if enc else None,
        in_custody=custody.in_custody if custody else None,
        release_date=custody.release_date if custody else None,
        charges=tuple(
            EncounterCharge(code=c.charge_code, text=c.charge_text, level=c.offense_level)
            for c in iaq.charges
        ),
    )


#: Identifier fields compared between the query and a record (canonical on both sides:
#: intake and the loader share ``vetline.records.identifiers``).
IDENTIFIER_FIELDS: Final = ("a_number", "fin", "fbi_number", "ssn", "passport_number", "sid")


def identifier_records(
    subject: QuerySubject, rows: Sequence[Mapping[str, object]]
) -> list[RecordRef]:
    """The records that carry one of the query's identifiers, with the same value."""
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


def assess_found(found: Found, iaq: IAQ, received: date, policy: Policy) -> AssessmentResult:
    """Assess the matched person as of the encounter date (else ``received``)."""
    return assess(
        found.history,
        iaq.as_of(received),
        policy=policy,
        encounter=encounter_of(iaq),
        match_level=found.resolution.level,
        related=found.related,
        identity_basis=found.resolution.basis,
        possible=found.possible,
        identifier_records=identifier_records(iaq.subject, found.rows),
    )
