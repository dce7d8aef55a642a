"""Small builders for hand-written person histories (store rows as the engine receives them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import count

from vetline.status import Encounter, EncounterCharge
from vetline.vocab import Action, Assessment, Flag, IdentityBasis, MatchLevel, StatusCode

Row = dict[str, str | None]
_ids = count(1)


def _row(source: str, **cols: str | None) -> Row:
    row: Row = {"source": source, "record_id": f"{source[:3]}-{next(_ids)}"}
    row.update(cols)
    return row


def st(
    cls: str, start: str | None = None, state: str | None = "GRANTED", **cols: str | None
) -> Row:
    return _row("status", status_class=cls, status_state=state, start_date=start, **cols)


def arr(when: str, cls: str | None, until: str | None = None) -> Row:
    return _row(
        "entry_exit", event="ARRIVAL", event_date=when, admission_class=cls, admit_until=until
    )


def dep(when: str) -> Row:
    return _row("entry_exit", event="DEPARTURE", event_date=when)


def enc(when: str, kind: str, outcome: str, outcome_date: str | None = None) -> Row:
    return _row(
        "encounters",
        encounter_date=when,
        encounter_type=kind,
        outcome=outcome,
        outcome_date=outcome_date or when,
    )


def court(decision: str, when: str, appeal: str = "N", proceeding: str | None = None) -> Row:
    return _row(
        "court",
        decision=decision,
        decision_date=when,
        appeal_pending=appeal,
        proceeding_date=proceeding or when,
    )


def crim(
    code: str,
    when: str,
    disp: str = "CONVICTED",
    level: str = "FELONY",
    sentence: int | None = None,
    text: str | None = None,
) -> Row:
    return _row(
        "criminal",
        charge_code=code,
        arrest_date=when,
        disposition=disp,
        offense_level=level,
        disposition_date=None if disp == "PENDING" else when,
        sentence_days=None if sentence is None else str(sentence),
        charge_text=text,
    )


def cust(booked: str, released: str | None = None) -> Row:
    return _row("custody", booking_date=booked, release_date=released, facility_name="COUNTY JAIL")


def warrant(kind: str = "I205", state: str = "ACTIVE", issued: str = "2025-01-01") -> Row:
    return _row("warrants", warrant_type=kind, warrant_state=state, issued_date=issued)


def notice(kind: str = "RED", issued: str = "2024-05-01") -> Row:
    return _row("interpol", notice_type=kind, issued_date=issued, issuing_country="XX")


def bio(enrolled: str) -> Row:
    return _row("biometric", enrolled_date=enrolled, fin="1234567")


def person(
    *rows: Row, dob: str | None = "1985-03-02", pob: str | None = "MX", a_number: str | None = None
) -> list[Row]:
    """Give every row the same identity (unless a row sets its own)."""
    out = []
    for r in rows:
        r = dict(r)
        r.setdefault("last_name", "TESTER")
        r.setdefault("first_name", "PAT")
        r.setdefault("dob", dob)
        r.setdefault("birth_country", pob)
        if a_number and r["source"] == "status":
            r.setdefault("a_number", a_number)
        out.append(r)
    return out


def charge(code: str, level: str = "FELONY") -> EncounterCharge:
    return EncounterCharge(code=code, text=None, level=level)


def jail(*charges: EncounterCharge, when: date = date(2026, 11, 1)) -> Encounter:
    """A current encounter: booked and in custody, with these arrest charges."""
    return Encounter(
        date=when, state="CA", county_fips="06037", in_custody=True, charges=tuple(charges)
    )


def street(*charges: EncounterCharge) -> Encounter:
    return Encounter(date=date(2026, 11, 1), state="CA", in_custody=False, charges=tuple(charges))


@dataclass(frozen=True)
class Case:
    """One hand-written scenario: history in, expected answer out, and why (the statute)."""

    name: str
    rows: list[Row]
    status: StatusCode
    assessment: Assessment
    action: Action
    why: str
    grounds: frozenset[str] = frozenset()
    flags: frozenset[Flag] = frozenset()
    as_of: date = date(2026, 11, 1)
    encounter: Encounter | None = None
    match: MatchLevel = MatchLevel.POSITIVE
    basis: IdentityBasis | None = None  # what ties subject to person (None: not said)
    related: dict[str, list[Row]] = field(default_factory=dict)
    rule: str | None = None  # expected status rule label (the explanation)
    conflict: str | None = None  # a word the surfaced conflict must contain
    reason_has: str | None = None  # a phrase the recommendation reason must contain
    resolve_has: str | None = None  # a phrase one "what would resolve it" line must contain
    #: Records of persons that MAY be this one (``Resolution.possible``), by person id.
    possible: dict[str, list[Row]] = field(default_factory=dict)
    #: Record ids (of ``rows``) carrying an identifier the query gave and that agreed.
    tied: tuple[str, ...] = ()
    note_has: str | None = None  # a phrase one possible-person note must contain


def g(*ina: str) -> frozenset[str]:
    return frozenset(ina)


def f(*flags: Flag) -> frozenset[Flag]:
    return frozenset(flags)
