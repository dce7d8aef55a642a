"""The bridge from the desk's IAQ to the person core's question (``vetline.person``).

The resolver gets the IAQ subject's fields under the same names; the engine gets the
encounter's date and place, the custody part and the charges as the current arrest
(charges are never convictions there); the query type picks the answer rules.

Edit here: a new IAQ part the person core should see (and ``vetline.person.Question``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vetline.desk.iaq import IAQ
from vetline.desk.iaq import Subject as QuerySubject
from vetline.person import Question
from vetline.status import Encounter, EncounterCharge

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


def question_of(iaq: IAQ) -> Question:
    """The person core's question for a validated IAQ."""
    return Question(to_subject(iaq.subject), iaq.query_type, encounter_of(iaq))
