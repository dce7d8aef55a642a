"""The IAQ (Immigration Alien Query): one validated model for JSON and Nlets intake.

Shape and rules per ``shared/spec/interfaces.md``: only ``query_type``, ``ori`` and
``subject`` are required; a subject needs a name or an identifier; a BIOMETRIC query
carries the FIN the fingerprint search returned. Values are canonicalised on the way in
(A-number 9 digits, names upper case) because the records they are matched against were
canonicalised the same way at ingest. Unknown fields are refused, not ignored: a misspelt
``a_numbr`` silently dropped would turn an identifier search into a name search.

Added to the v1 shape (optional, by adding): ``remarks``, the free text the Nlets form
carries in unknown tags and that LESC staff read (reference §3.2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any, Final, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from vetline.desk import identifiers as ids
from vetline.desk.geo import BY_USPS
from vetline.desk.ori import validate_ori
from vetline.desk.problems import FieldError, InvalidQuery, field_errors, rule_error
from vetline.records.contract import IDENTIFIER_COLUMNS, SOURCES
from vetline.records.identifiers import IDENTIFICATION_RULE
from vetline.vocab import QueryType as QueryType  # the query types live in the leaf vocabulary

_OFFENSE_LEVELS: Final = next(c.allowed for c in SOURCES["criminal"] if c.name == "offense_level")


class Purpose(StrEnum):
    """Nlets IAQ purpose code: criminal justice or firearms (reference §3.6)."""

    C = "C"
    F = "F"


def _canon(fn: Callable[[str], Any], *, required: bool = False) -> AfterValidator:
    """Run a canonicaliser; its ``ValueError`` becomes the field's problem.

    A blank optional value means absent (clients send ``""`` for "don't know"); a blank
    required value goes to the canonicaliser, which refuses it.
    """

    def run(value: str) -> Any:
        if not required and not value.strip():
            return None
        try:
            return fn(value)
        except ValueError as exc:
            raise PydanticCustomError("invalid", str(exc)) from None

    return AfterValidator(run)


def _as_date(value: object) -> object:
    """Only the string ``YYYY-MM-DD`` (or a ``date``) is a date; no timestamps, no guessing."""
    if isinstance(value, date) or value is None:
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("invalid", "a date is a string YYYY-MM-DD")
    if not value.strip():
        return None
    try:
        return ids.parse_full_date(value)
    except ValueError as exc:
        raise PydanticCustomError("invalid", str(exc)) from None


def _code_in(allowed: frozenset[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        code = value.strip().upper()
        if code not in allowed:
            raise ValueError(f"{what} is one of {', '.join(sorted(allowed))}, not {code!r}")
        return code

    return check


def _free_text(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        text = " ".join(value.split())
        if len(text) > limit:
            raise ValueError(f"at most {limit} characters")
        if any(not ch.isprintable() for ch in text):
            raise ValueError("control characters are not allowed")
        return text

    return check


def _county(value: str) -> str:
    code = value.strip()
    if not (len(code) == 5 and code.isascii() and code.isdigit()):
        raise ValueError("a county FIPS code is 5 digits")
    return code


def _charge_code(value: str) -> str:
    code = value.strip()
    if not (len(code) == 4 and code.isascii() and code.isdigit()):
        raise ValueError("an NCIC offense code is 4 digits (0399 when there is no charge)")
    return code


def _iaq_id(value: str) -> str:
    text = value.strip()
    if len(text) > 64 or not all(ch.isascii() and (ch.isalnum() or ch in "._:-") for ch in text):
        raise ValueError("an iaq_id is at most 64 letters, digits or . _ : -")
    return text


Name = Annotated[str, _canon(ids.canonical_name)]
Date = Annotated[date, BeforeValidator(_as_date)]
Ori = Annotated[str, _canon(validate_ori, required=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Subject(_Strict):
    """The person asked about: names, date of birth, sex, birth country, identifiers.

    Every field is validated by the loader's own function (``vetline.records.identifiers``),
    so any value a stored record holds can be asked about and canonicalises to the stored
    form; the identification floor (a name part or an identifier) is the loader's too.
    """

    last_name: Name | None = None
    first_name: Name | None = None
    middle_name: Name | None = None
    dob: Annotated[str, _canon(ids.canonical_dob)] | None = None
    sex: Annotated[str, _canon(ids.canonical_sex)] | None = None
    birth_country: Annotated[str, _canon(ids.canonical_country)] | None = None
    a_number: Annotated[str, _canon(ids.canonical_a_number)] | None = None
    fin: Annotated[str, _canon(ids.canonical_fin)] | None = None
    fbi_number: Annotated[str, _canon(ids.canonical_fbi_number)] | None = None
    ssn: Annotated[str, _canon(ids.canonical_ssn)] | None = None
    passport_number: Annotated[str, _canon(ids.canonical_passport)] | None = None
    sid: Annotated[str, _canon(ids.canonical_sid)] | None = None

    @model_validator(mode="after")
    def _name_or_identifier(self) -> Self:
        if self.last_name is None and self.first_name is None and not self.identifiers():
            raise rule_error("subject", f"a subject {IDENTIFICATION_RULE}")
        return self

    def identifiers(self) -> dict[str, str]:
        """The identifiers given, by contract column name."""
        given = {name: getattr(self, name) for name in IDENTIFIER_COLUMNS}
        return {name: value for name, value in given.items() if value is not None}


class Encounter(_Strict):
    """Where and when the agency met the subject: status is assessed as of ``date``."""

    state: Annotated[str, _canon(_code_in(frozenset(BY_USPS), "state"))] | None = None
    county_fips: Annotated[str, _canon(_county)] | None = None
    date: Date | None = None

    @model_validator(mode="after")
    def _county_in_state(self) -> Self:
        if self.county_fips is not None:
            if self.state is None:
                raise rule_error("encounter.state", "a county needs its state")
            if self.county_fips[:2] != BY_USPS[self.state].fips:
                raise rule_error(
                    "encounter.county_fips",
                    f"{self.county_fips} is not a county of {self.state} "
                    f"(its FIPS codes start {BY_USPS[self.state].fips})",
                )
        return self


class Custody(_Strict):
    """Whether the subject is held, where, and until when."""

    in_custody: StrictBool
    facility_ori: Annotated[str, _canon(validate_ori)] | None = None
    release_date: Date | None = None


class Charge(_Strict):
    """One charge, by its 4-digit NCIC uniform offense code."""

    charge_code: Annotated[str, _canon(_charge_code, required=True)]
    charge_text: Annotated[str, _canon(_free_text(100))] | None = None
    offense_level: Annotated[str, _canon(_code_in(_OFFENSE_LEVELS, "offense level"))] | None = None


class IAQ(_Strict):
    """One query, validated and canonical, whichever form it arrived in."""

    iaq_id: Annotated[str, _canon(_iaq_id)] | None = None
    query_type: QueryType
    ori: Ori
    purpose: Purpose | None = None
    subject: Subject
    encounter: Encounter | None = None
    custody: Custody | None = None
    charges: list[Charge] = Field(default_factory=list, max_length=20)
    attention: Annotated[str, _canon(_free_text(60))] | None = None
    phone: Annotated[str, _canon(ids.canonical_phone)] | None = None
    remarks: list[Annotated[str, _canon(_free_text(200), required=True)]] = Field(
        default_factory=list, max_length=20
    )

    @model_validator(mode="after")
    def _cross_field_rules(self) -> Self:
        if self.query_type is QueryType.BIOMETRIC and self.subject.fin is None:
            raise rule_error(
                "subject.fin", "a BIOMETRIC query carries the FIN the fingerprint search returned"
            )
        if self.query_type is QueryType.NICS and self.purpose is Purpose.C:
            raise rule_error("purpose", "a NICS (firearms) query has purpose F, not C")
        encounter_date = self.encounter.date if self.encounter else None
        if (
            self.subject.dob
            and encounter_date
            and ids.dob_earliest(self.subject.dob) > encounter_date
        ):
            raise rule_error("subject.dob", "the date of birth is after the encounter date")
        return self

    def as_of(self, today: date) -> date:
        """The date status is assessed at: the encounter's date when given, else ``today``."""
        if self.encounter is not None and self.encounter.date is not None:
            return self.encounter.date
        return today

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON form (absent fields left out)."""
        return self.model_dump(mode="json", exclude_none=True)


def check_dates(iaq: IAQ, today: date) -> IAQ:
    """Refuse an encounter or a birth in the future (``today`` is the caller's date).

    The model itself reads no clock, so this runs at intake with the service's date. One
    day of slack covers time zones: an agency's "today" may be UTC's tomorrow.
    """
    latest = today + timedelta(days=1)
    errors: list[FieldError] = []
    if iaq.encounter is not None and iaq.encounter.date is not None and iaq.encounter.date > latest:
        errors.append({"field": "encounter.date", "problem": f"is after today ({today})"})
    if iaq.subject.dob is not None and ids.dob_earliest(iaq.subject.dob) > latest:
        errors.append({"field": "subject.dob", "problem": f"is after today ({today})"})
    if errors:
        raise InvalidQuery(errors)
    return iaq


def parse_iaq_json(body: str | bytes | Mapping[str, Any]) -> IAQ:
    """Validate an IAQ from a JSON document (text/bytes) or an already-decoded mapping.

    Raises ``InvalidQuery`` with every field-level reason; never anything else for bad input.
    """
    try:
        if isinstance(body, Mapping):
            return IAQ.model_validate(body)
        return IAQ.model_validate_json(body)
    except ValidationError as exc:
        raise InvalidQuery(field_errors(exc)) from None
