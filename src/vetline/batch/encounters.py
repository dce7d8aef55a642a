"""A finished roster job's in-custody persons, told to the vetting centre as encounters
(issue 16 item 8: "results for in-custody persons feed the vetting centre as encounters").

A jail booking is what the vetting centre works (reference §11.2): a person in a local
agency's custody, a facility, a date. Batch does not open vetting cases itself (it imports
no other workflow, ``tests/test_layering.py``); it reads the bookings that may be a known
person (band STRONG or REVIEW; a citizenship sign included: the centre opens the
citizenship review) and hands them to an ``EncounterPort`` that the composition root wires
(``vetline.encounters``: each booking becomes an IAQ of the facility, answered by the desk
through the person core again, and the desk's intake hook opens a vetting case for an
actionable answer). Telling is idempotent (one IAQ id per job and row), so a job taken
over after a crash tells again without doubling anything.

Edit here: which bookings are told (``TOLD_BANDS``), what a booking carries (``Booking``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

import duckdb

from vetline.batch import layout
from vetline.db import Actor

#: Bands whose bookings may be a known person: the vetting centre decides the rest.
TOLD_BANDS: Final = ("STRONG", "REVIEW")
#: The audit event of a roster job whose bookings were told (details: ``Told``).
ENCOUNTERS_TOLD: Final = "ROSTER_ENCOUNTERS_TOLD"


@dataclass(frozen=True)
class Booking:
    """One in-custody booking of a roster job, as the vetting centre needs it."""

    job_id: str
    row_number: int
    booking: str | None  # the roster's own reference (booking id)
    facility_ori: str  # the job's facility (checked at submission), not a row's column
    booking_date: str | None
    subject: dict[str, str]  # validated identity fields (the IAQ's subject)
    person_id: str | None
    match_band: str
    citizenship_sign: bool

    @property
    def encounter_id(self) -> str:
        """Stable per job and row: telling twice is one encounter (the desk's iaq_id)."""
        return f"R-{self.job_id[:40]}-{self.row_number}"


@dataclass(frozen=True)
class Told:
    """What telling the bookings came to (recorded on the job's audit trail)."""

    told: int  # bookings handed over
    answered: int  # answered by the desk at once (the rest wait for an analyst)
    refused: int  # refused by the desk's intake (its refusal is audited there)


class EncounterPort(Protocol):
    """Whoever takes a roster's in-custody persons (the vetting centre, through the desk)."""

    def tell(self, bookings: Sequence[Booking], actor: Actor) -> Told: ...


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def bookings_of(out: Path, job_id: str, facility_ori: str) -> list[Booking]:
    """The job's bookings in ``TOLD_BANDS``, in roster order (none before it finished)."""
    results, prepared = out / layout.RESULTS, out / layout.PREPARED
    if not results.exists():
        return []
    bands = ", ".join(f"'{b}'" for b in TOLD_BANDS)
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT r.row_number, r.list_ref, p.booking_date, p.subject, r.person_id, "
            f"r.match_band, r.citizenship_sign FROM read_parquet({_q(results)}) r "
            f"JOIN read_parquet({_q(prepared)}) p USING (row_number) "
            f"WHERE r.match_band IN ({bands}) ORDER BY r.row_number"
        ).fetchall()
    finally:
        con.close()
    return [
        Booking(
            job_id=job_id,
            row_number=int(n),
            booking=ref,
            facility_ori=facility_ori,
            booking_date=day,
            subject={str(k): str(v) for k, v in json.loads(subject).items()},
            person_id=person,
            match_band=str(band),
            citizenship_sign=bool(sign),
        )
        for n, ref, day, subject, person, band, sign in rows
    ]
