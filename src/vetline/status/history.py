"""One person's records as typed, validated facts: the engine's only input besides the date.

``PersonHistory.from_rows`` takes record-store rows (dicts keyed by contract column names
plus ``source`` and ``record_id``; extra keys are ignored) and checks each value it uses
against the contract, so the rules below never see a malformed date or an unknown enum
value: such a row is bad input, named by source, record and field.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from vetline.errors import BadInput
from vetline.records.contract import SOURCES
from vetline.status.dates import DateSpan, parse_span_at


@dataclass(frozen=True, slots=True)
class RecordRef:
    """The permanent key of a source record."""

    source: str
    record_id: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "record_id": self.record_id}


@dataclass(frozen=True, slots=True)
class Record:
    """Identity facts every record may carry, and its key."""

    ref: RecordRef
    dob: DateSpan | None
    birth_country: str | None
    citizenship: str | None
    a_number: str | None
    #: Issuing country of the passport on the record: a U.S. passport is proof of
    #: citizenship (22 U.S.C. 2705), so the citizenship screen reads it.
    passport_country: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class StatusRec(Record):
    status_class: str
    visa_class: str | None
    state: str | None
    start: DateSpan | None
    end: DateSpan | None
    parent_a_numbers: tuple[str, ...]
    parent_claimed: bool


@dataclass(frozen=True, slots=True)
class EntryExitRec(Record):
    event: str
    when: DateSpan | None
    admission_class: str | None
    admit_until: DateSpan | None


@dataclass(frozen=True, slots=True)
class EncounterRec(Record):
    when: DateSpan | None
    encounter_type: str | None
    outcome: str | None
    outcome_date: DateSpan | None


@dataclass(frozen=True, slots=True)
class CourtRec(Record):
    proceeding_date: DateSpan | None
    decision: str | None
    decision_date: DateSpan | None
    appeal_pending: bool


@dataclass(frozen=True, slots=True)
class CriminalRec(Record):
    arrest_date: DateSpan | None
    charge_code: str | None
    charge_text: str | None
    level: str | None
    disposition: str | None
    disposition_date: DateSpan | None
    sentence_days: int | None


@dataclass(frozen=True, slots=True)
class CustodyRec(Record):
    facility_name: str | None
    booking_date: DateSpan | None
    release_date: DateSpan | None


@dataclass(frozen=True, slots=True)
class NoticeRec(Record):
    """An INTERPOL notice or an NCIC warrant (same shape for the rules)."""

    kind: str | None  # notice_type or warrant_type
    issued: DateSpan | None
    active: bool  # warrants: warrant_state ACTIVE; notices: always True


def _text(row: Mapping[str, object], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    text = str(value).strip()
    # a blank marker has at most 4 letters (lowering never shortens a text): most values
    # skip the ``lower`` call, a visible share of typing a batch job's records
    if not text or (len(text) <= 4 and text.lower() in {"nan", "none", "nat"}):
        return None
    return text


def _enum(row: Mapping[str, object], source: str, key: str, where: str) -> str | None:
    value = _text(row, key)
    if value is None:
        return None
    value = value.upper()
    allowed = _ALLOWED[source].get(key)
    if allowed and value not in allowed:
        raise BadInput(f"{where}.{key}", f"unknown value {value!r} (allowed: {sorted(allowed)})")
    return value


def _a_number(value: str | None, where: str) -> str | None:
    if value is None:
        return None
    digits = value.upper().removeprefix("A").replace("-", "").strip()
    if not digits.isdigit() or not 7 <= len(digits) <= 9:
        raise BadInput(where, f"malformed A-number {value!r} (optional A, 7-9 digits)")
    return digits.zfill(9)


_ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    source: {c.name: c.allowed for c in cols if c.kind == "enum"}
    for source, cols in SOURCES.items()
}


def _record_kwargs(row: Mapping[str, object], source: str, where: str) -> dict[str, object]:
    record_id = _text(row, "record_id")
    if record_id is None:
        raise BadInput(f"{where}.record_id", "missing")
    bc = _text(row, "birth_country")
    cz = _text(row, "citizenship")
    pc = _text(row, "passport_country")
    return {
        "ref": RecordRef(source, record_id),
        "dob": parse_span_at(row.get("dob"), where, "dob"),
        "birth_country": bc.upper() if bc else None,
        "citizenship": cz.upper() if cz else None,
        "a_number": _a_number(_text(row, "a_number"), f"{where}.a_number"),
        "passport_country": pc.upper() if pc else None,
    }


def _yn(row: Mapping[str, object], key: str, where: str) -> bool:
    value = _text(row, key)
    if value is None:
        return False
    if value.upper() not in {"Y", "N"}:
        raise BadInput(f"{where}.{key}", f"expected Y or N, got {value!r}")
    return value.upper() == "Y"


def _date(row: Mapping[str, object], key: str, where: str) -> DateSpan | None:
    return parse_span_at(row.get(key), where, key)


def parse_record(row: Mapping[str, object]) -> Record:
    """Validate and type one store row (``BadInput`` names its source, record and field)."""
    source = _text(row, "source")
    if source is None or source not in SOURCES:
        raise BadInput("source", f"unknown source {source!r} (allowed: {sorted(SOURCES)})")
    where = f"{source}[{_text(row, 'record_id')}]"
    base = _record_kwargs(row, source, where)
    if source == "status":
        status_class = _enum(row, source, "status_class", where)
        if status_class is None:
            raise BadInput(f"{where}.status_class", "missing")
        parents = _text(row, "parent_a_numbers")
        parent_list = tuple(
            a
            for p in (parents.split("|") if parents else ())
            if (a := _a_number(p.strip() or None, f"{where}.parent_a_numbers"))
        )
        return StatusRec(
            **base,  # type: ignore[arg-type]
            status_class=status_class,
            visa_class=(_text(row, "visa_class") or "").upper() or None,
            state=_enum(row, source, "status_state", where),
            start=_date(row, "start_date", where),
            end=_date(row, "end_date", where),
            parent_a_numbers=parent_list,
            parent_claimed=_yn(row, "us_citizen_parent_claimed", where),
        )
    if source == "entry_exit":
        event = _enum(row, source, "event", where)
        if event is None:
            raise BadInput(f"{where}.event", "missing")
        return EntryExitRec(
            **base,  # type: ignore[arg-type]
            event=event,
            when=_date(row, "event_date", where),
            admission_class=(_text(row, "admission_class") or "").upper() or None,
            admit_until=_date(row, "admit_until", where),
        )
    if source == "encounters":
        return EncounterRec(
            **base,  # type: ignore[arg-type]
            when=_date(row, "encounter_date", where),
            encounter_type=_enum(row, source, "encounter_type", where),
            outcome=_enum(row, source, "outcome", where),
            outcome_date=_date(row, "outcome_date", where),
        )
    if source == "court":
        return CourtRec(
            **base,  # type: ignore[arg-type]
            proceeding_date=_date(row, "proceeding_date", where),
            decision=_enum(row, source, "decision", where),
            decision_date=_date(row, "decision_date", where),
            appeal_pending=_yn(row, "appeal_pending", where),
        )
    if source == "criminal":
        return CriminalRec(
            **base,  # type: ignore[arg-type]
            arrest_date=_date(row, "arrest_date", where),
            charge_code=_text(row, "charge_code"),
            charge_text=_text(row, "charge_text"),
            level=_enum(row, source, "offense_level", where),
            disposition=_enum(row, source, "disposition", where),
            disposition_date=_date(row, "disposition_date", where),
            sentence_days=_int(row, "sentence_days", where),
        )
    if source == "custody":
        return CustodyRec(
            **base,  # type: ignore[arg-type]
            facility_name=_text(row, "facility_name"),
            booking_date=_date(row, "booking_date", where),
            release_date=_date(row, "release_date", where),
        )
    if source == "interpol":
        return NoticeRec(
            **base,  # type: ignore[arg-type]
            kind=_enum(row, source, "notice_type", where),
            issued=_date(row, "issued_date", where),
            active=True,
        )
    if source == "warrants":
        return NoticeRec(
            **base,  # type: ignore[arg-type]
            kind=_enum(row, source, "warrant_type", where),
            issued=_date(row, "issued_date", where),
            active=_enum(row, source, "warrant_state", where) == "ACTIVE",
        )
    return Record(**base)  # type: ignore[arg-type]  # biometric: identity only


def _int(row: Mapping[str, object], key: str, where: str) -> int | None:
    value = _text(row, key)
    if value is None:
        return None
    try:
        number = int(float(value))
    except ValueError:
        raise BadInput(f"{where}.{key}", f"not a whole number: {value!r}") from None
    if number < 0:
        raise BadInput(f"{where}.{key}", f"negative: {value!r}")
    return number


_KIND_NAMES: tuple[str, ...] = (
    "status", "entry_exit", "encounters", "court", "criminal", "custody", "interpol",
    "warrants",
)  # fmt: skip
#: The kind of a record of exactly these classes (a ``NoticeRec`` goes by its source).
_KIND_OF: dict[type[Record], str] = {
    StatusRec: "status",
    EntryExitRec: "entry_exit",
    EncounterRec: "encounters",
    CourtRec: "court",
    CriminalRec: "criminal",
    CustodyRec: "custody",
}


def _kind_of(r: Record) -> str | None:
    """The ``PersonHistory`` field a record belongs to (``None``: only ``records``),
    by ``isinstance`` as the grouping always went."""
    for cls, name in _KIND_OF.items():
        if isinstance(r, cls):
            return name
    if isinstance(r, NoticeRec) and r.ref.source in ("interpol", "warrants"):
        return r.ref.source
    return None


@dataclass(frozen=True)
class PersonHistory:
    """All records of one person, grouped by kind. Order within a kind is not meaningful."""

    records: tuple[Record, ...] = ()
    status: tuple[StatusRec, ...] = ()
    entry_exit: tuple[EntryExitRec, ...] = ()
    encounters: tuple[EncounterRec, ...] = ()
    court: tuple[CourtRec, ...] = ()
    criminal: tuple[CriminalRec, ...] = ()
    custody: tuple[CustodyRec, ...] = ()
    interpol: tuple[NoticeRec, ...] = ()
    warrants: tuple[NoticeRec, ...] = ()
    a_numbers: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> PersonHistory:
        """Validate and type store rows; raises ``BadInput`` naming the record and field."""
        return cls.from_records(parse_record(r) for r in rows)

    @classmethod
    def from_records(cls, parsed: Iterable[Record]) -> PersonHistory:
        """Group already-typed records (callers that reject bad rows one by one)."""
        records = tuple(parsed)
        # One pass, each record into its kind's list (was a pass per kind: eight scans of
        # every record a batch job types). A subclass of a kind goes where ``isinstance``
        # puts it, in the same order.
        kinds: dict[str, list[Record]] = {name: [] for name in _KIND_NAMES}
        for r in records:
            name = _KIND_OF.get(type(r)) or _kind_of(r)
            if name is not None:
                kinds[name].append(r)
        return cls(
            records=records,
            status=tuple(kinds["status"]),  # type: ignore[arg-type]
            entry_exit=tuple(kinds["entry_exit"]),  # type: ignore[arg-type]
            encounters=tuple(kinds["encounters"]),  # type: ignore[arg-type]
            court=tuple(kinds["court"]),  # type: ignore[arg-type]
            criminal=tuple(kinds["criminal"]),  # type: ignore[arg-type]
            custody=tuple(kinds["custody"]),  # type: ignore[arg-type]
            interpol=tuple(kinds["interpol"]),  # type: ignore[arg-type]
            warrants=tuple(kinds["warrants"]),  # type: ignore[arg-type]
            a_numbers=frozenset(r.a_number for r in records if r.a_number),
        )

    @property
    def empty(self) -> bool:
        return not self.records


@dataclass(frozen=True, slots=True)
class EncounterCharge:
    """A charge of the current arrest: never a conviction, at most a pending ground."""

    code: str | None
    text: str | None = None
    level: str | None = None


@dataclass(frozen=True, slots=True)
class Encounter:
    """The current encounter (the IAQ's encounter, custody and charges parts).

    ``in_custody`` (when given) outranks the custody records; ``charges`` are arrest
    charges, never convictions; ``release_date`` is carried for the detainer or
    notification form and does not change the assessment.
    """

    date: _dt.date | None = None
    state: str | None = None
    county_fips: str | None = None
    in_custody: bool | None = None
    release_date: _dt.date | None = None
    charges: tuple[EncounterCharge, ...] = ()
