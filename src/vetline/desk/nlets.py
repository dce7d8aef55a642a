"""Parse the Nlets plain-text IAQ (reference §3.2) into the same ``IAQ`` model as JSON.

Layout: ``IAQ.<sender ORI>.AX[.<control>].TXT`` then ``TAG/value`` elements, each ended by
a period (the last one need not be). A new element starts at a period or line break followed
by three letters and ``/``, so values may hold commas, spaces and even periods (``OFC J.
RIVERA``) as long as a period is not followed by something that looks like a tag.

Mapping decisions (each one a place where a wrong guess would hurt someone):

* ``PUR/F`` (firearms) makes the query a ``NICS`` query, ``PUR/C`` an ``IAQ``.
* ``NAM/`` is ``LAST, FIRST MIDDLE``; without a comma it is refused, not guessed.
* ``DOB/`` is ``ccyymmdd`` or ``mmddyy``. For ``mmddyy`` the century is chosen by an
  explicit pivot: the reading that puts the birth date in the 100 years up to the day the
  query was received. When that reading makes the subject younger than
  ``PLAUSIBLE_MIN_AGE`` the other century (100+ years old) or a typing error is about as
  likely, so the query carries ``DOB_CENTURY_AMBIGUOUS`` for an analyst to check.
* ``POB/`` is an NCIC code mapped to ISO (``MM`` -> ``MX``); an unknown code is refused; a
  code with no single ISO country (``XX``, ``YY``, Yugoslavia) leaves the birth country empty
  and is kept in the remarks.
* ``SEX/U`` means unknown. ``OFF/0399`` means no charge. ``OLN/`` and unknown tags go to the
  remarks verbatim; nothing the agency wrote is dropped.

Errors name the tag (``DOB``, ``POB``) so a terminal operator can fix the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final

from pydantic import ValidationError

from vetline.desk.iaq import IAQ, Purpose, QueryType
from vetline.desk.locations import place_for_ncic
from vetline.desk.ori import ori_problem
from vetline.desk.problems import FieldError, InvalidQuery, field_errors

#: Youngest age at which a two-digit-year DOB is taken without asking a human.
PLAUSIBLE_MIN_AGE: Final = 14
#: The "no charge" offense code (reference §3.2).
NO_CHARGE_CODE: Final = "0399"
REQUIRED_TAGS: Final = ("PUR", "ATN", "PHN", "NAM", "DOB", "SEX", "POB", "CUS", "OFF")
KNOWN_TAGS: Final = frozenset((*REQUIRED_TAGS, "ARN", "FBI", "SID", "SOC", "OLN"))

_HEADER: Final = re.compile(
    r"\s*(?P<key>[A-Z0-9]{2,3})\.(?P<ori>[^.\s]*)\.(?P<dest>[^.\s]*)"
    r"(?:\.(?P<control>[^.\s]*))?\.TXT(?=[\s.]|$)[\s.]*"
)
_TAG: Final = re.compile(r"(?:^|[.\n])[ \t\r]*([A-Z]{3})/")
_DOB: Final = re.compile(r"[0-9]{6}|[0-9]{8}")

#: model field path -> the Nlets tag the sender wrote it in.
_TAG_OF_FIELD: Final = {
    "ori": "ORI",
    "iaq_id": "CONTROL",
    "purpose": "PUR",
    "attention": "ATN",
    "phone": "PHN",
    "subject": "NAM",
    "subject.last_name": "NAM",
    "subject.first_name": "NAM",
    "subject.middle_name": "NAM",
    "subject.dob": "DOB",
    "subject.sex": "SEX",
    "subject.birth_country": "POB",
    "custody.in_custody": "CUS",
    "charges[0].charge_code": "OFF",
    "subject.a_number": "ARN",
    "subject.fbi_number": "FBI",
    "subject.sid": "SID",
    "subject.ssn": "SOC",
}


class IntakeFlag(StrEnum):
    """Things intake noticed that an analyst must look at before an answer goes out."""

    DOB_CENTURY_AMBIGUOUS = "DOB_CENTURY_AMBIGUOUS"


@dataclass(frozen=True)
class NletsQuery:
    """A parsed Nlets IAQ: the validated query, intake flags, and how values were read."""

    iaq: IAQ
    flags: tuple[IntakeFlag, ...]
    notes: tuple[str, ...]


def _tag_name(field: str) -> str:
    if field.startswith("remarks"):
        return "RMK"
    return _TAG_OF_FIELD.get(field, field)


def read_dob(raw: str, received: date) -> tuple[str, bool, str | None]:
    """``(iso_dob, ambiguous, note)`` for an Nlets DOB; ``ValueError`` if it is not a date.

    ``ccyymmdd`` is taken as written. ``mmddyy`` gets the century whose reading is the latest
    date not after ``received``; ``ambiguous`` is true when that reading is younger than
    ``PLAUSIBLE_MIN_AGE`` years.
    """
    if _DOB.fullmatch(raw) is None:
        raise ValueError("DOB is mmddyy or ccyymmdd")
    if len(raw) == 8:
        year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
        try:
            dob = date(year, month, day)
        except ValueError:
            raise ValueError(f"{raw} is not a calendar date") from None
        if dob > received:
            raise ValueError(f"{dob.isoformat()} is after the day the query was received")
        return dob.isoformat(), False, None
    month, day, yy = int(raw[:2]), int(raw[2:4]), int(raw[4:])
    readings: list[date] = []
    for century in (2000, 1900):
        try:
            readings.append(date(century + yy, month, day))
        except ValueError:
            continue
    if not readings:
        raise ValueError(f"{raw} is not a calendar date in either century")
    chosen = next((d for d in readings if d <= received), None)
    if chosen is None:
        raise ValueError(f"{raw} is after the day the query was received in every century")
    age = received.year - chosen.year - ((received.month, received.day) < (month, day))
    note = (
        f"DOB {raw} read as {chosen.isoformat()}: two-digit year, century chosen as the "
        f"latest reading not after {received.isoformat()}"
    )
    return chosen.isoformat(), age < PLAUSIBLE_MIN_AGE, note


def _split_name(raw: str) -> dict[str, str | None]:
    if "," not in raw:
        raise ValueError("NAM is 'LAST, FIRST MIDDLE' with a comma after the last name")
    last, _, rest = raw.partition(",")
    given = rest.split()
    return {
        "last_name": last,
        "first_name": given[0] if given else None,
        "middle_name": " ".join(given[1:]) or None,
    }


def _tokens(body: str) -> tuple[list[tuple[str, str]], list[FieldError]]:
    matches = list(_TAG.finditer(body))
    errors: list[FieldError] = []
    lead = body[: matches[0].start()] if matches else body
    if lead.strip(" \t\r\n."):
        errors.append({"field": "TXT", "problem": "text before the first TAG/ element"})
    tokens = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        value = " ".join(body[match.end() : end].split()).rstrip(".").strip()
        tokens.append((match.group(1), value))
    return tokens, errors


def parse_nlets_iaq(text: str, *, received: date) -> NletsQuery:
    """Parse one Nlets IAQ message. ``received`` is the day it arrived (the DOB pivot date).

    Raises ``InvalidQuery`` whose errors name the Nlets tag (or ``HEADER``/``ORI``/``DEST``).
    """
    message = text.upper()
    header = _HEADER.match(message)
    if header is None:
        raise InvalidQuery(
            [{"field": "HEADER", "problem": "an Nlets IAQ starts IAQ.<ORI>.AX[.<control>].TXT"}]
        )
    errors: list[FieldError] = []
    if header["key"] != "IAQ":
        errors.append({"field": "HEADER", "problem": f"message key is {header['key']}, not IAQ"})
    ori_error = ori_problem(header["ori"])
    if ori_error is not None:
        errors.append({"field": "ORI", "problem": ori_error})
    if header["dest"] != "AX":
        errors.append({"field": "DEST", "problem": "an IAQ is addressed to AX (the LESC)"})
    tokens, token_errors = _tokens(message[header.end() :])
    errors += token_errors
    values: dict[str, str] = {}
    remarks: list[str] = []
    for tag, value in tokens:
        if tag not in KNOWN_TAGS or tag == "OLN":
            remarks.append(f"{tag}/{value}")
        elif tag in values:
            errors.append({"field": tag, "problem": "given more than once"})
        else:
            values[tag] = value
    errors += [
        {"field": tag, "problem": "is required"} for tag in REQUIRED_TAGS if not values.get(tag)
    ]
    doc, flags, notes = _build(values, remarks, received, errors)
    if errors:
        raise InvalidQuery(errors)
    doc.update(iaq_id=header["control"] or None, ori=header["ori"])
    try:
        iaq = IAQ.model_validate(doc)
    except ValidationError as exc:
        raise InvalidQuery(field_errors(exc, _tag_name)) from None
    return NletsQuery(iaq, tuple(flags), tuple(notes))


def _build(
    values: dict[str, str], remarks: list[str], received: date, errors: list[FieldError]
) -> tuple[dict[str, Any], list[IntakeFlag], list[str]]:
    """The IAQ document from tag values; tag-level problems are appended to ``errors``."""
    subject: dict[str, Any] = {}
    doc: dict[str, Any] = {"subject": subject, "remarks": remarks}
    flags: list[IntakeFlag] = []
    notes: list[str] = []
    if pur := values.get("PUR"):
        if pur not in Purpose.__members__:
            errors.append({"field": "PUR", "problem": "must be C or F"})
        else:
            doc["purpose"] = pur
            doc["query_type"] = QueryType.NICS if pur == "F" else QueryType.IAQ
    if nam := values.get("NAM"):
        try:
            subject.update(_split_name(nam))
        except ValueError as exc:
            errors.append({"field": "NAM", "problem": str(exc)})
    if dob := values.get("DOB"):
        try:
            subject["dob"], ambiguous, note = read_dob(dob, received)
        except ValueError as exc:
            errors.append({"field": "DOB", "problem": str(exc)})
        else:
            flags += [IntakeFlag.DOB_CENTURY_AMBIGUOUS] if ambiguous else []
            notes += [note] if note else []
    if sex := values.get("SEX"):
        if sex not in ("M", "F", "X", "U"):
            errors.append({"field": "SEX", "problem": "must be M, F, X or U"})
        elif sex != "U":
            subject["sex"] = sex
    if pob := values.get("POB"):
        place = place_for_ncic(pob)
        if place is None:
            errors.append({"field": "POB", "problem": f"{pob!r} is not an NCIC place code"})
        elif place.iso_alpha2 is None:
            remarks.append(f"POB/{place.code} ({place.description})")
        else:
            subject["birth_country"] = place.iso_alpha2
    if cus := values.get("CUS"):
        if cus not in ("Y", "N"):
            errors.append({"field": "CUS", "problem": "must be Y or N"})
        else:
            doc["custody"] = {"in_custody": cus == "Y"}
    off = values.get("OFF")
    if off and off != NO_CHARGE_CODE:
        doc["charges"] = [{"charge_code": off}]
    for tag, field in (("ARN", "a_number"), ("FBI", "fbi_number"), ("SID", "sid"), ("SOC", "ssn")):
        if values.get(tag):
            subject[field] = values[tag]
    for tag, field in (("ATN", "attention"), ("PHN", "phone")):
        if values.get(tag):
            doc[field] = values[tag]
    return doc, flags, notes
