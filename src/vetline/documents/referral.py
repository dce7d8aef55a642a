"""The lead referral package (reference §4.5): what a field office receives about a person
at large, with the provenance of every fact.

Why provenance on every line: the wrongful detainers of §6 rested on one database's wrong
birthplace or on the wrong person's file; a field officer must see which system and record
each identifier, address and event came from, and how old it is, to judge it.
Nationality is deliberately absent: it never feeds priority (brief, principle 4), and a
referral has no use for it that an immigration-history event does not serve with its source.

Edit here: a section of the package (add the dataclass field here, then its JSON in
``referral_json`` / ``referral_from_json`` and its lines in ``render.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from pydantic import TypeAdapter, ValidationError

from vetline.errors import BadInput
from vetline.vocab import Action

#: Version of the JSON layout; a reader refuses a version it does not know.
REFERRAL_SCHEMA = "vetline.referral/1"

#: The referral kinds this package carries (the others are forms, ``forms.py``).
REFERRAL_KINDS = frozenset({Action.LEAD_REFERRAL, Action.CONDITIONAL_REFERRAL})


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a fact came from: the system, the record in it, and the record's date."""

    system: str
    record_id: str
    as_of: date


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentifierEntry:
    """One identifier value (kind e.g. A_NUMBER, FIN, FBI, SID, SSN_LAST4) with its source.

    ``match_basis`` says why this record is taken to be this person (e.g. "biometric FIN
    match", "officer confirmed same person"), so a biographic-only link is visible as such.
    """

    kind: str
    value: str
    source: Source
    match_basis: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A last known address, as a source recorded it on a date."""

    street: str
    city: str
    state: str
    postal_code: str
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class ImmigrationEvent:
    """An event of the immigration history (entry, grant, order, removal...)."""

    on: date | None
    kind: str
    detail: str
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class CriminalEntry:
    """An arrest or charge with its disposition: a charge without one is not a conviction."""

    charge: str
    ncic_code: str | None
    arrested_on: date | None
    disposition: str
    disposition_on: date | None
    sentence: str
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class CustodyInfo:
    """Custody as last known; ``in_custody`` False is the at-large case."""

    in_custody: bool
    facility_name: str = ""
    facility_ori: str = ""
    expected_release: datetime | None = None
    source: Source | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreenResult:
    """A screen's result and the named person who reviewed it (§5.7, §5.8)."""

    result: str
    reviewer: str
    reviewed_at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RemovalGround:
    """A removal ground under review: the INA citation and who reviewed the charge mapping."""

    citation: str
    description: str
    reviewer: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferralPackage:
    """Lead referral package (reference §4.5). ``lead_id`` or ``case_id``, at least one."""

    document_number: str
    kind: Action = Action.LEAD_REFERRAL
    lead_id: str | None = None
    case_id: str | None = None
    # Identity with provenance
    subject_name: str
    date_of_birth: date | None
    sex: str
    identifiers: tuple[IdentifierEntry, ...]
    addresses: tuple[Address, ...]
    # Status and history
    status: str
    status_evidence: tuple[Source, ...] = ()
    removal_grounds: tuple[RemovalGround, ...] = ()
    immigration_history: tuple[ImmigrationEvent, ...]
    criminal_history: tuple[CriminalEntry, ...]
    custody: CustodyInfo
    # Screens, each with its reviewer
    citizenship_screen: ScreenResult
    protected_status_screen: ScreenResult
    # Routing and priority
    recommended_aor: str
    field_office: str
    priority_score: float
    priority_reasons: tuple[str, ...]
    expires_on: date
    prepared_by: str
    prepared_at: datetime

    def __post_init__(self) -> None:
        if self.lead_id is None and self.case_id is None:
            raise BadInput("lead_id", "a referral needs a lead id or a case id")
        if self.kind not in REFERRAL_KINDS:
            raise BadInput("kind", f"must be one of {sorted(REFERRAL_KINDS)}, got {self.kind}")
        for name, value in (
            ("prepared_at", self.prepared_at),
            ("citizenship_screen.reviewed_at", self.citizenship_screen.reviewed_at),
            ("protected_status_screen.reviewed_at", self.protected_status_screen.reviewed_at),
            ("custody.expected_release", self.custody.expected_release),
        ):
            if value is None:
                continue
            if value.tzinfo is None or value.utcoffset() is None:
                raise BadInput(name, "must be timezone-aware (UTC), got a naive datetime")
        if not self.identifiers:
            raise BadInput("identifiers", "a referral needs at least one sourced identifier")


@cache
def _adapter() -> TypeAdapter[ReferralPackage]:
    """pydantic reads and writes the nested dataclasses (dates, enums, tuples) for us."""
    return TypeAdapter(ReferralPackage)


def referral_json(pkg: ReferralPackage) -> dict[str, object]:
    """The package as JSON-safe data: ``schema`` first, then the fields in dataclass order.

    Dates are ISO dates, times ISO 8601 with their offset ("Z" for UTC), enums their
    values, tuples lists.
    The order is the dataclass order at every level, so the same package always serialises
    to the same text (a hash over ``json.dumps(referral_json(pkg))`` is reproducible).
    """
    body = _adapter().dump_python(pkg, mode="json")
    assert isinstance(body, dict)
    return {"schema": REFERRAL_SCHEMA, **body}


def referral_from_json(data: dict[str, object]) -> ReferralPackage:
    """The inverse of ``referral_json``; bad data raises ``BadInput`` naming the field."""
    if not isinstance(data, dict):
        raise BadInput("referral", "must be a JSON object")
    if data.get("schema") != REFERRAL_SCHEMA:
        raise BadInput("schema", f"expected {REFERRAL_SCHEMA!r}, got {data.get('schema')!r}")
    body = {k: v for k, v in data.items() if k != "schema"}
    try:
        return _adapter().validate_python(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "referral"
        raise BadInput(where, first["msg"]) from None
