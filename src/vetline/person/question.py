"""What the person core is asked: who (the resolver's subject), what kind of question, and
the encounter the answer is for.

A plain value, so every workflow builds it from its own input: the desk from a validated
IAQ (``vetline.desk.service.question``), the vetting centre from a vetting request, batch
vetting from a file row. The date status is assessed at is the encounter's when known,
else the day the question was received (interfaces.md); the received day is the caller's
input, never a clock read here.

Edit here: a new input the assessment or the answer rules need (then fill it in every
workflow's bridge).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from vetline.status import Encounter
from vetline.vocab import QueryType

if TYPE_CHECKING:  # importing the resolver costs ~0.7 s: paid where a lookup opens
    from vetline.resolve import Subject


@dataclass(frozen=True)
class Question:
    """One question about one subject.

    ``subject``: names, date of birth and identifiers as given (canonical: the caller
    validated them); ``kind``: the query type whose answer rules apply; ``encounter``:
    date, place, custody and arrest charges (charges are never convictions).
    """

    subject: Subject
    kind: QueryType = QueryType.IAQ
    encounter: Encounter = field(default_factory=Encounter)

    def as_of(self, received: date) -> date:
        """The date status is assessed at: the encounter's when given, else ``received``."""
        return self.encounter.date if self.encounter.date is not None else received
