"""A person's history as of one date: what had happened by then, and shared lookups.

Records dated after ``as_of`` are left out, so a replay of a past date gives the answer
that date would have given. Undated records stay in (they cannot be placed, and leaving
them out could hide a protection).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from vetline.status.dates import DateSpan
from vetline.status.history import (
    CourtRec,
    CriminalRec,
    CustodyRec,
    EncounterRec,
    EntryExitRec,
    NoticeRec,
    PersonHistory,
    Record,
    StatusRec,
    key_date,
)

#: Birthplaces that make a person a U.S. citizen at birth (PR, GU, VI, MP by statute) or a
#: U.S. national (AS), who is not removable either (reference §5.7).
US_BIRTHPLACES: frozenset[str] = frozenset({"US", "PR", "GU", "VI", "MP", "AS", "UM"})

R = TypeVar("R", bound=Record)


def _by_as_of(records: tuple[R, ...], as_of: date | None) -> tuple[R, ...]:
    """The records whose event had begun by ``as_of`` (undated ones too); all of them,
    the very tuple, when ``as_of`` is ``None`` (``Facts.of``: none began later)."""
    if as_of is None:
        return records
    out = []
    for r in records:
        d = key_date(r)
        if d is None or d.lo <= as_of:
            out.append(r)
    return tuple(out)


def sort_key(d: DateSpan | None) -> date:
    return d.lo if d is not None else date.min


@dataclass(frozen=True)
class Facts:
    """The records of one person that exist as of ``as_of``."""

    as_of: date
    status: tuple[StatusRec, ...]
    entry_exit: tuple[EntryExitRec, ...]
    encounters: tuple[EncounterRec, ...]
    court: tuple[CourtRec, ...]
    criminal: tuple[CriminalRec, ...]
    custody: tuple[CustodyRec, ...]
    interpol: tuple[NoticeRec, ...]
    warrants: tuple[NoticeRec, ...]
    records: tuple[Record, ...]
    #: Every record whatever its date: facts true from birth (birthplace, a citizen
    #: parent, a declaratory certificate) protect the person even if recorded later.
    history: PersonHistory

    @classmethod
    def of(cls, history: PersonHistory, as_of: date) -> Facts:
        latest = history.latest_event
        # nothing happened after ``as_of`` (the common case): every record is kept, in
        # order, without the filter's pass over each kind (``cut`` None)
        cut = None if latest is None or latest <= as_of else as_of
        return cls(
            as_of=as_of,
            status=_by_as_of(history.status, cut),
            entry_exit=_by_as_of(history.entry_exit, cut),
            encounters=_by_as_of(history.encounters, cut),
            court=_by_as_of(history.court, cut),
            criminal=_by_as_of(history.criminal, cut),
            custody=_by_as_of(history.custody, cut),
            interpol=_by_as_of(history.interpol, cut),
            warrants=_by_as_of(history.warrants, cut),
            records=_by_as_of(history.records, cut),
            history=history,
        )

    @property
    def has_immigration_records(self) -> bool:
        """Any record kept by an immigration agency (benefits, entries, encounters, court,
        ICE warrants): without one the person is "only in criminal/custody systems"."""
        return bool(self.status or self.entry_exit or self.encounters or self.court) or any(
            w.kind in {"I200", "I205"} for w in self.warrants
        )

    def dob(self) -> DateSpan | None:
        """The widest span the recorded dates of birth allow (lenient for protections)."""
        spans = [r.dob for r in self.records if r.dob is not None]
        if not spans:
            return None
        lo = min(s.lo for s in spans)
        hi = max(s.hi for s in spans)
        text = spans[0].text if len({s.text for s in spans}) == 1 else f"{lo}..{hi}"
        return DateSpan(lo, hi, text)

    def status_of(
        self, *classes: str, states: Iterable[str | None] = ("GRANTED",)
    ) -> list[StatusRec]:
        wanted = set(states)
        return [s for s in self.status if s.status_class in classes and s.state in wanted]

    def removals(self) -> list[EncounterRec]:
        """Executed removals, oldest first."""
        out = [e for e in self.encounters if e.outcome == "REMOVED"]
        return sorted(out, key=lambda e: sort_key(e.outcome_date or e.when))

    def court_sorted(self) -> list[CourtRec]:
        return sorted(self.court, key=lambda c: sort_key(c.decision_date or c.proceeding_date))

    def arrivals(self) -> list[EntryExitRec]:
        return sorted(
            (e for e in self.entry_exit if e.event == "ARRIVAL"), key=lambda e: sort_key(e.when)
        )

    def departures(self) -> list[EntryExitRec]:
        return [e for e in self.entry_exit if e.event == "DEPARTURE"]
