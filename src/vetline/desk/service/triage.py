"""Queue priority and the response-time clock of a query. Pure: the IAQ in, numbers out.

Why custody first: a person held with a release date pending is the case where a late
answer either lets a removable person walk or (worse) holds someone on a wrong match past
release, so it goes first with the shortest clock. A held person without a date comes
next; NICS has a legal clock (a three-business-day delay) of its own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final, NamedTuple

from vetline.desk.iaq import IAQ, QueryType


class Triage(NamedTuple):
    """Lower ``priority`` is more urgent; ``due_in`` runs from receipt."""

    priority: int
    due_in: timedelta
    label: str


CUSTODY_RELEASE: Final = Triage(10, timedelta(minutes=15), "in custody, release pending")
CUSTODY: Final = Triage(20, timedelta(minutes=30), "in custody")
WARRANT: Final = Triage(30, timedelta(hours=1), "warrant confirmation")
NICS: Final = Triage(40, timedelta(hours=24), "firearm background check")
ROUTINE: Final = Triage(100, timedelta(hours=4), "routine")


def triage(iaq: IAQ) -> Triage:
    """The priority and clock of ``iaq``."""
    custody = iaq.custody
    if custody is not None and custody.in_custody:
        return CUSTODY_RELEASE if custody.release_date is not None else CUSTODY
    if iaq.query_type is QueryType.NCIC_WARRANT:
        return WARRANT
    if iaq.query_type is QueryType.NICS:
        return NICS
    return ROUTINE
