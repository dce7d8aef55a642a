"""One person's records as typed, validated facts: the engine's only input besides the date.

``PersonHistory.from_rows`` takes record-store rows (dicts keyed by contract column names
plus ``source`` and ``record_id``; extra keys are ignored) and checks each value it uses
against the contract, so the rules below never see a malformed date or an unknown enum
value: such a row is bad input, named by source, record and field.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from vetline.errors import BadInput
from vetline.records.contract import SOURCES
from vetline.status.dates import DateSpan, parse_span_at

R = TypeVar("R")
#: Not computed yet (``PersonHistory.latest_event``; ``None`` is a value).
_UNSEEN: Any = object()


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


def key_date(rec: Record) -> DateSpan | None:
    """The date a record's event happened (used to order and to cut at ``as_of``).

    Looked up by the record's class (its exact class first: one dict look-up, where an
    ``isinstance`` chain walked up to seven checks a record — a biometric record, a fifth
    of all, went through every one), then by its bases, nearest first."""
    for cls in type(rec).__mro__:
        date_of = _KEY_DATES.get(cls)
        if date_of is not None:
            return date_of(rec)
    return None


#: ``key_date`` by record class; a record of no listed class has none.
_KEY_DATES: dict[type, Callable[[Any], DateSpan | None]] = {
    Record: lambda r: None,
    StatusRec: lambda r: r.start,
    EntryExitRec: lambda r: r.when,
    EncounterRec: lambda r: r.when or r.outcome_date,
    CourtRec: lambda r: r.decision_date or r.proceeding_date,
    CriminalRec: lambda r: r.arrest_date or r.disposition_date,
    CustodyRec: lambda r: r.booking_date,
    NoticeRec: lambda r: r.issued,
}


#: Texts that mean "no value" (compared lowered; each at most 4 letters).
_BLANKS: frozenset[str] = frozenset({"nan", "none", "nat"})


def _text(row: Mapping[str, object], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    # a store value is nearly always a ``str`` already: no ``str()`` call for it
    text = value.strip() if type(value) is str else str(value).strip()
    # a blank marker has at most 4 letters (lowering never shortens a text): most values
    # skip the ``lower`` call, a visible share of typing a batch job's records
    if not text or (len(text) <= 4 and text.lower() in _BLANKS):
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


def _a_number(value: str | None, where: str, key: str = "a_number") -> str | None:
    """The 9-digit A-number of ``value`` (``BadInput`` at ``where.key`` if malformed)."""
    if value is None:
        return None
    digits = value.upper().removeprefix("A").replace("-", "").strip()
    if not digits.isdigit() or not 7 <= len(digits) <= 9:
        raise BadInput(f"{where}.{key}", f"malformed A-number {value!r} (optional A, 7-9 digits)")
    return digits.zfill(9)


_ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    source: {c.name: c.allowed for c in cols if c.kind == "enum"}
    for source, cols in SOURCES.items()
}


def _upper(value: str | None) -> str | None:
    return value.upper() if value else None


def _yn(row: Mapping[str, object], key: str, where: str) -> bool:
    value = _text(row, key)
    if value is None:
        return False
    if value.upper() not in {"Y", "N"}:
        raise BadInput(f"{where}.{key}", f"expected Y or N, got {value!r}")
    return value.upper() == "Y"


def _builder(cls: type[R]) -> Callable[..., R]:
    """A maker of ``cls`` from every field's value, by position in ``fields(cls)`` order.

    Why: a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``
    (~0.1 µs a field, ~1.8 µs for a ``StatusRec``: a quarter of typing a record, and every
    record a query or a batch row reads is typed). The maker sets the same slots through
    their descriptors on a new instance: the same object (``==``, ``hash``, ``repr``), at
    ~40 % of the cost. Only for these slotted record classes, which have no
    ``__post_init__``, no default factories and no validation in ``__init__``
    (``tests/status/test_history_typing.py`` checks each maker against its class)."""
    if hasattr(cls, "__post_init__"):  # its checks would be skipped: refuse, loudly
        raise TypeError(f"{cls.__name__} has __post_init__: construct it normally")
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    setters = {f"_set_{n}": getattr(cls, n).__set__ for n in names}
    body = "".join(f"    _set_{n}(made, {n})\n" for n in names)
    source = f"def make({', '.join(names)}):\n    made = _new(_cls)\n{body}    return made\n"
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **setters}
    exec(source, scope)  # as ``dataclasses`` makes ``__init__``: from the field names
    return scope["make"]  # type: ignore[no-any-return]


_REF = _builder(RecordRef)
_RECORD = _builder(Record)
_STATUS = _builder(StatusRec)
_ENTRY_EXIT = _builder(EntryExitRec)
_ENCOUNTER = _builder(EncounterRec)
_COURT = _builder(CourtRec)
_CRIMINAL = _builder(CriminalRec)
_CUSTODY = _builder(CustodyRec)
_NOTICE = _builder(NoticeRec)


def parse_record(row: Mapping[str, object]) -> Record:
    """Validate and type one store row (``BadInput`` names its source, record and field).

    Every record a query or a batch row reads is typed here (a few µs each, the larger
    part of reading a person's records), so the common fields are typed once, in the
    order their checks always ran (the first bad field is the one named), and passed to
    the record's class by position, without a keyword dict per record."""
    source = _text(row, "source")
    if source is None or source not in SOURCES:
        raise BadInput("source", f"unknown source {source!r} (allowed: {sorted(SOURCES)})")
    record_id = _text(row, "record_id")
    where = f"{source}[{record_id}]"
    if record_id is None:
        raise BadInput(f"{where}.record_id", "missing")
    bc = _upper(_text(row, "birth_country"))
    cz = _upper(_text(row, "citizenship"))
    pc = _upper(_text(row, "passport_country"))
    ref = _REF(source, record_id)
    dob = parse_span_at(row.get("dob"), where, "dob")
    a_number = _a_number(_text(row, "a_number"), where)
    if source == "status":
        status_class = _enum(row, source, "status_class", where)
        if status_class is None:
            raise BadInput(f"{where}.status_class", "missing")
        parents = _text(row, "parent_a_numbers")
        parent_list = tuple(
            a
            for p in (parents.split("|") if parents else ())
            if (a := _a_number(p.strip() or None, where, "parent_a_numbers"))
        )
        return _STATUS(
            ref, dob, bc, cz, a_number, pc,
            status_class,
            (_text(row, "visa_class") or "").upper() or None,
            _enum(row, source, "status_state", where),
            parse_span_at(row.get("start_date"), where, "start_date"),
            parse_span_at(row.get("end_date"), where, "end_date"),
            parent_list,
            _yn(row, "us_citizen_parent_claimed", where),
        )  # fmt: skip
    if source == "entry_exit":
        event = _enum(row, source, "event", where)
        if event is None:
            raise BadInput(f"{where}.event", "missing")
        return _ENTRY_EXIT(
            ref, dob, bc, cz, a_number, pc,
            event,
            parse_span_at(row.get("event_date"), where, "event_date"),
            (_text(row, "admission_class") or "").upper() or None,
            parse_span_at(row.get("admit_until"), where, "admit_until"),
        )  # fmt: skip
    if source == "encounters":
        return _ENCOUNTER(
            ref, dob, bc, cz, a_number, pc,
            parse_span_at(row.get("encounter_date"), where, "encounter_date"),
            _enum(row, source, "encounter_type", where),
            _enum(row, source, "outcome", where),
            parse_span_at(row.get("outcome_date"), where, "outcome_date"),
        )  # fmt: skip
    if source == "court":
        return _COURT(
            ref, dob, bc, cz, a_number, pc,
            parse_span_at(row.get("proceeding_date"), where, "proceeding_date"),
            _enum(row, source, "decision", where),
            parse_span_at(row.get("decision_date"), where, "decision_date"),
            _yn(row, "appeal_pending", where),
        )  # fmt: skip
    if source == "criminal":
        return _CRIMINAL(
            ref, dob, bc, cz, a_number, pc,
            parse_span_at(row.get("arrest_date"), where, "arrest_date"),
            _text(row, "charge_code"),
            _text(row, "charge_text"),
            _enum(row, source, "offense_level", where),
            _enum(row, source, "disposition", where),
            parse_span_at(row.get("disposition_date"), where, "disposition_date"),
            _int(row, "sentence_days", where),
        )  # fmt: skip
    if source == "custody":
        return _CUSTODY(
            ref, dob, bc, cz, a_number, pc,
            _text(row, "facility_name"),
            parse_span_at(row.get("booking_date"), where, "booking_date"),
            parse_span_at(row.get("release_date"), where, "release_date"),
        )  # fmt: skip
    if source == "interpol":
        return _NOTICE(
            ref, dob, bc, cz, a_number, pc,
            _enum(row, source, "notice_type", where),
            parse_span_at(row.get("issued_date"), where, "issued_date"),
            True,
        )  # fmt: skip
    if source == "warrants":
        return _NOTICE(
            ref, dob, bc, cz, a_number, pc,
            _enum(row, source, "warrant_type", where),
            parse_span_at(row.get("issued_date"), where, "issued_date"),
            _enum(row, source, "warrant_state", where) == "ACTIVE",
        )  # fmt: skip
    return _RECORD(ref, dob, bc, cz, a_number, pc)  # biometric: identity only


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

    @property
    def latest_event(self) -> _dt.date | None:
        """The latest first day of any record's event (``key_date``), ``None`` if none is
        dated: ``Facts.of`` keeps every record as of any later day without filtering.
        Kept on the history once computed (a batch job's histories are remembered and
        assessed again), as an attribute beside the fields, which ``==``, ``hash`` and
        ``repr`` never read (``functools.cached_property`` takes a lock, and making the
        instance's ``__dict__`` a dict object made more work for the garbage collector)."""
        kept = getattr(self, "_latest_event", _UNSEEN)
        if kept is _UNSEEN:
            days = [d.lo for r in self.records if (d := key_date(r)) is not None]
            kept = max(days) if days else None
            object.__setattr__(self, "_latest_event", kept)  # not a field: frozen as before
        return kept  # type: ignore[no-any-return]


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
