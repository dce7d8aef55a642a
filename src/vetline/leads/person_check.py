"""``PersonCoreCheck``: the default re-check of a lead's person, through the person core.

Why re-check at confirmation: the batch ran days ago on an index whose person ids drift as
records arrive (Senzing's caution), and records go stale (reference §6.3: status granted
after the last update, a naturalisation not yet seen). So the analyst confirms against a
fresh look: the person's own records today, the identity re-resolved from the person's
own strongest identifier (it must come back to the same person, POSITIVE), and the status
engine re-run as of today with the possibly-same persons and parents read in the safe
direction (``vetline.person``). Its answer is a ``PersonSnapshot``: the evidence the
confirmation rests on, stored with the lead and copied into the referral package.

Edit here: how records become the snapshot's identifiers, addresses, events and places.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vetline.documents import (
    Address,
    CriminalEntry,
    CustodyInfo,
    IdentifierEntry,
    ImmigrationEvent,
    RemovalGround,
    Source,
)
from vetline.leads.ports import PersonSnapshot, Place
from vetline.vocab import Assessment, Flag, MatchLevel

if TYPE_CHECKING:
    from vetline.person import PersonLookup
    from vetline.status import Policy

CITIZEN_CODES = frozenset({"NATURALIZED_CITIZEN", "DERIVED_CITIZEN", "US_BORN_CITIZEN"})
#: identifier column → the kind printed in the package (SSN: last four only, least data).
IDENTIFIERS = {
    "fin": "FIN",
    "a_number": "A_NUMBER",
    "fbi_number": "FBI",
    "sid": "SID",
    "passport_number": "PASSPORT",
}
IMMIGRATION_SOURCES = {
    "status": ("start_date", "status_class", ("status_state", "visa_class", "case_number")),
    "entry_exit": ("event_date", "event", ("port", "admission_class", "admit_until")),
    "encounters": ("encounter_date", "encounter_type", ("outcome", "outcome_date")),
    "court": ("proceeding_date", "decision", ("decision_date", "appeal_pending")),
    "warrants": ("issued_date", "warrant_type", ("warrant_state", "nic")),
    "interpol": ("issued_date", "notice_type", ("notice_id", "offense")),
}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from a columnar store
        return ""
    return str(value).strip()


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _source(row: Mapping[str, object], as_of: date) -> Source:
    return Source(
        system=_text(row.get("source")),
        record_id=_text(row.get("record_id")),
        as_of=_day(row.get("record_date")) or as_of,
    )


def _most_common(rows: Iterable[Mapping[str, object]], column: str) -> str | None:
    counts = Counter(v for r in rows if (v := _text(r.get(column))))
    return counts.most_common(1)[0][0] if counts else None


class PersonCoreCheck:
    """``PersonCheck`` over a built data folder (resolver + records + status policy)."""

    def __init__(self, lookup: PersonLookup, policy: Policy) -> None:
        self.lookup = lookup
        self.policy = policy

    @classmethod
    def open(cls, data: Path) -> PersonCoreCheck:
        """Load the built index and records of ``data`` and the shipped status policy."""
        from vetline.person import PersonLookup
        from vetline.status import load_policy

        return cls(PersonLookup.open(data), load_policy())

    def check(self, person_id: str, as_of: date, identity_basis: str) -> PersonSnapshot:
        """The person's records today, re-resolved and re-assessed."""
        from vetline.person import Question, assess_found
        from vetline.resolve import Subject

        keys = self.lookup.keys_of(person_id)
        if not keys:
            return PersonSnapshot(
                person_id=person_id,
                as_of=as_of,
                found=False,
                identity_note=f"no person {person_id} in the index now",
            )
        rows = self.lookup.store.fetch(keys)
        subject = Subject(
            last_name=_most_common(rows, "last_name"),
            first_name=_most_common(rows, "first_name"),
            dob=_most_common(rows, "dob"),
            sex=_most_common(rows, "sex"),
            fin=_most_common(rows, "fin"),
            a_number=_most_common(rows, "a_number"),
        )
        resolved = self.lookup.find(subject)
        resolution = resolved.resolution
        holds = resolution.level is MatchLevel.POSITIVE and resolution.person_id == person_id
        note = (
            f"re-resolved from the person's own records: {resolution.level} "
            f"{resolution.person_id or '(no person)'} ({resolution.basis})"
        )
        if not (subject.fin or subject.a_number):
            holds, note = False, "the person's records carry no FIN or A-number: " + note
        found = (
            resolved
            if resolution.person_id == person_id
            else (self.lookup.person(person_id, resolution))
        )
        result = assess_found(found, Question(subject), as_of, self.policy)
        code = result.status.code.value
        sign = None
        if Flag.POSSIBLE_US_CITIZEN in result.flags or code in CITIZEN_CODES:
            sign = f"status {code}" if code in CITIZEN_CODES else "flag POSSIBLE_US_CITIZEN"
        elif result.recommendation.action.value == "CITIZENSHIP_REVIEW":
            sign = f"citizenship review: {result.recommendation.reason}"
        return PersonSnapshot(
            person_id=person_id,
            as_of=as_of,
            found=True,
            identity_holds=holds,
            identity_note=note,
            subject_name=", ".join(p for p in (subject.last_name, subject.first_name) if p),
            date_of_birth=_day(subject.dob),
            sex=subject.sex or "",
            status_code=code,
            status_summary=result.status.summary,
            status_evidence=tuple(self._ref_source(r, rows, as_of) for r in result.status.evidence),
            removable=result.removability.assessment is Assessment.REMOVABLE,
            removal_grounds=tuple(
                RemovalGround(
                    citation=g.ina,
                    description=g.label,
                    reviewer="pre-screen (a trained reviewer confirms)",
                )
                for g in result.removability.grounds
                if not g.pending
            ),
            citizenship_sign=sign,
            protected_status=(
                "PROTECTED_STATUS flagged" if Flag.PROTECTED_STATUS in result.flags else None
            ),
            identifiers=self._identifiers(rows, as_of, identity_basis),
            addresses=self._addresses(rows, as_of),
            places=self._places(rows),
            immigration_history=self._immigration(rows, as_of),
            criminal_history=self._criminal(rows, as_of),
            custody=self._custody(rows, as_of),
        )

    @staticmethod
    def _ref_source(ref: Any, rows: list[dict[str, object]], as_of: date) -> Source:
        for row in rows:
            if row.get("source") == ref.source and _text(row.get("record_id")) == ref.record_id:
                return _source(row, as_of)
        return Source(system=ref.source, record_id=ref.record_id, as_of=as_of)

    @staticmethod
    def _identifiers(
        rows: list[dict[str, object]], as_of: date, basis: str
    ) -> tuple[IdentifierEntry, ...]:
        seen: set[tuple[str, str]] = set()
        out: list[IdentifierEntry] = []
        for row in rows:
            for column, kind in IDENTIFIERS.items():
                value = _text(row.get(column))
                if value and (kind, value) not in seen:
                    seen.add((kind, value))
                    how = (
                        "biometric enrolment"
                        if row.get("source") == "biometric"
                        else (f"record linked to the person (list match basis {basis})")
                    )
                    out.append(
                        IdentifierEntry(
                            kind=kind, value=value, source=_source(row, as_of), match_basis=how
                        )
                    )
            ssn = _text(row.get("ssn")).replace("-", "")
            if len(ssn) == 9 and ("SSN_LAST4", ssn[-4:]) not in seen:
                seen.add(("SSN_LAST4", ssn[-4:]))
                out.append(
                    IdentifierEntry(
                        kind="SSN_LAST4",
                        value=ssn[-4:],
                        source=_source(row, as_of),
                        match_basis="record linked to the person",
                    )
                )
        return tuple(out)

    @staticmethod
    def _addresses(rows: list[dict[str, object]], as_of: date) -> tuple[Address, ...]:
        out = [
            Address(
                street=_text(r.get("address")),
                city=_text(r.get("city")),
                state=_text(r.get("state")),
                postal_code=_text(r.get("zip")),
                source=_source(r, as_of),
            )
            for r in rows
            if _text(r.get("address")) or _text(r.get("city"))
        ]
        out.sort(key=lambda a: a.source.as_of, reverse=True)
        return tuple(out[:5])

    @staticmethod
    def _places(rows: list[dict[str, object]]) -> tuple[Place, ...]:
        out: list[Place] = []
        for r in rows:
            county = _text(r.get("county_fips")) or None
            if r.get("source") == "custody" and not _text(r.get("release_date")) and county:
                out.append(
                    Place(
                        state=_text(r.get("state")) or _state_of(county),
                        county_fips=county,
                        as_of=_day(r.get("booking_date")),
                        basis=f"custody facility {_text(r.get('facility_ori'))}",
                    )
                )
            elif _text(r.get("state")):
                out.append(
                    Place(
                        state=_text(r.get("state")),
                        county_fips=county,
                        as_of=_day(r.get("record_date")),
                        basis=f"address in {r.get('source')}/{r.get('record_id')}",
                    )
                )
        return tuple(p for p in out if p.state)

    @staticmethod
    def _immigration(rows: list[dict[str, object]], as_of: date) -> tuple[ImmigrationEvent, ...]:
        out: list[ImmigrationEvent] = []
        for r in rows:
            spec = IMMIGRATION_SOURCES.get(_text(r.get("source")))
            if spec is None:
                continue
            on, kind, details = spec
            detail = ", ".join(f"{c} {_text(r.get(c))}" for c in details if _text(r.get(c)))
            out.append(
                ImmigrationEvent(
                    on=_day(r.get(on)),
                    kind=_text(r.get(kind)) or "EVENT",
                    detail=detail,
                    source=_source(r, as_of),
                )
            )
        out.sort(key=lambda e: e.on or date.min)
        return tuple(out)

    @staticmethod
    def _criminal(rows: list[dict[str, object]], as_of: date) -> tuple[CriminalEntry, ...]:
        out = [
            CriminalEntry(
                charge=_text(r.get("charge_text")) or _text(r.get("charge_code")),
                ncic_code=_text(r.get("charge_code")) or None,
                arrested_on=_day(r.get("arrest_date")),
                disposition=_text(r.get("disposition")) or "UNKNOWN",
                disposition_on=_day(r.get("disposition_date")),
                sentence=f"{_text(r.get('sentence_days'))} days"
                if _text(r.get("sentence_days"))
                else "",
                source=_source(r, as_of),
            )
            for r in rows
            if r.get("source") == "criminal"
        ]
        out.sort(key=lambda c: c.arrested_on or date.min)
        return tuple(out)

    @staticmethod
    def _custody(rows: list[dict[str, object]], as_of: date) -> CustodyInfo:
        held = [
            r for r in rows if r.get("source") == "custody" and not _text(r.get("release_date"))
        ]
        if not held:
            return CustodyInfo(in_custody=False)
        row = max(held, key=lambda r: _day(r.get("booking_date")) or date.min)
        return CustodyInfo(
            in_custody=True,
            facility_name=_text(row.get("facility_name")),
            facility_ori=_text(row.get("facility_ori")),
            source=_source(row, as_of),
        )


def _state_of(county_fips: str) -> str:
    from vetline.desk.geo import BY_USPS

    for usps, place in BY_USPS.items():
        if place.fips == county_fips[:2]:
            return usps
    return ""
