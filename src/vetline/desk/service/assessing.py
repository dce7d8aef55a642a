"""Bridges from the desk's IAQ model to the resolver's subject and the engine's encounter.

Status is assessed as of the encounter's date when the query gives one, else the day the
query was received (interfaces.md); the encounter's custody and charges go to the engine
as the current arrest (charges are never convictions there).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from vetline.desk.iaq import IAQ
from vetline.desk.iaq import Subject as QuerySubject
from vetline.desk.service.lookup import Found
from vetline.status import AssessmentResult, Encounter, EncounterCharge, Policy, assess

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
    )
