"""Composition: a roster job's in-custody persons → the query desk → the vetting centre.

``vetline.batch`` reads a finished roster job's bookings (``batch/encounters.py``) and
hands them to an ``EncounterPort``; this module is that port, wired at the top (the API's
batch runner, ``vetline batch``) because batch imports no other workflow. Each booking
becomes the IAQ its jail would have sent (reference §11.2 item 1: the IAR plus local
custody data): the facility's ORI, the booking's identity fields, the booking date as
the encounter date, ``custody.in_custody`` at that facility. The desk works it out through
the person core (the very checks of a real-time query, again: the batch's word is not
taken for the identity), and the desk's answered-hook (``vetline.vetting.install_intake``,
the vetting centre's public intake) opens a case for every actionable answer. One IAQ id
per job and row (``Booking.encounter_id``): telling twice stores one query.

Edit here: what the IAQ of a booking carries (``iaq_of``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vetline.auth.roles import RowScope, ScopeKind
from vetline.batch.encounters import Booking, Told
from vetline.db import Actor
from vetline.desk import InvalidQuery
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.service import DeskService

_CENTRE = RowScope(ScopeKind.ALL)  # the centre tells on the facility's behalf


def iaq_of(booking: Booking) -> dict[str, Any]:
    """The IAQ a booking stands for (interfaces.md shape)."""
    body: dict[str, Any] = {
        "iaq_id": booking.encounter_id,
        "query_type": "IAQ",
        "ori": booking.facility_ori,
        "purpose": "C",
        "subject": booking.subject,
        "custody": {"in_custody": True, "facility_ori": booking.facility_ori},
        "remarks": [f"jail roster booking {booking.booking or booking.row_number}"[:200],
                    f"batch job {booking.job_id}"[:200]],
    }  # fmt: skip
    if booking.booking_date:
        body["encounter"] = {"date": booking.booking_date}
    return body


class DeskEncounters:
    """The ``EncounterPort`` over a desk whose answered-hook is the vetting intake."""

    def __init__(self, desk: DeskService | Callable[[], DeskService]) -> None:
        self._desk = desk

    def desk(self) -> DeskService:
        return self._desk if isinstance(self._desk, DeskService) else self._desk()

    def tell(self, bookings: Sequence[Booking], actor: Actor) -> Told:
        if not bookings:
            return Told(told=0, answered=0, refused=0)
        desk = self.desk()
        answered = refused = 0
        for booking in bookings:
            try:
                sent = desk.submit(json.dumps(iaq_of(booking)), actor, _CENTRE)
            except InvalidQuery:  # e.g. a date of birth after the booking: audited there
                refused += 1
                continue
            answered += sent.state is QueryState.ANSWERED
        return Told(told=len(bookings), answered=answered, refused=refused)


@contextmanager
def console_encounters(data_dir: Path) -> Iterator[DeskEncounters]:
    """The port for ``vetline batch``: the data folder's desk, the vetting centre's
    intake installed, closed (its writer drained) at the end."""
    from vetline.desk.service.cli import open_desk
    from vetline.vetting import VettingService, install_intake

    desk = open_desk(data_dir)
    try:
        install_intake(VettingService(desk, data_dir=data_dir))
        yield DeskEncounters(desk)
    finally:
        desk.close()
        desk.database.dispose()
