"""Canonical forms of the identifiers, names and dates a query may carry.

A query is matched against records that ``vetline ingest`` normalised the same way
(A-number 9 digits, SSN 9 digits, names upper case, ISO dates), so a query written
``A12-345-678`` must become ``012345678`` or it silently misses its person. Each function
returns the canonical form or raises ``ValueError`` with a message meant for the person who
sent the query; the callers attach the field name.

Names end in ``vetline.records``' own ``canonical_name`` (ASCII upper case), the form the
record store holds; A-numbers and countries use ``vetline.records.identifiers``, the
Python twins of the loader's SQL. The forms kept here are stricter than the store's
(a query is refused where a historical record is accepted) but produce the same output.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Final

from vetline.desk.geo import BY_NCIC, BY_USPS
from vetline.records import canonical_name as store_name
from vetline.records.identifiers import canonical_a_number as canonical_a_number
from vetline.records.identifiers import canonical_country as canonical_country

_SEPARATORS: Final = re.compile(r"[\s\-]")
_FULL_DATE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_PARTIAL_DATE: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_FBI: Final = re.compile(r"[A-Z0-9]{1,9}")
_SID: Final = re.compile(r"([A-Z]{2})[A-Z0-9]{1,8}")
_PASSPORT: Final = re.compile(r"[A-Z0-9]{5,20}")
_FIN: Final = re.compile(r"[A-Z0-9][A-Z0-9\-]{3,19}")
_PHONE: Final = re.compile(r"\+?[0-9()\-. ]+(?:\s*X\s*[0-9]{1,6})?")
_NAME_PUNCTUATION: Final = frozenset(" -'.")

#: Earliest year a date of birth may carry; earlier years are typing errors, not people.
MIN_BIRTH_YEAR: Final = 1900
#: Longest name part accepted (Nlets NAM holds 30 characters for the whole name).
MAX_NAME_LENGTH: Final = 60


def canonical_ssn(value: str) -> str:
    """9 digits, dashes or spaces allowed -> 9 digits."""
    compact = _SEPARATORS.sub("", value)
    if not (len(compact) == 9 and compact.isascii() and compact.isdigit()):
        raise ValueError("an SSN is 9 digits (dashes allowed)")
    if int(compact) == 0:
        raise ValueError("an SSN cannot be all zeros")
    return compact


def canonical_fin(value: str) -> str:
    """Biometric identity number: 4-20 letters, digits or dashes, upper case."""
    compact = value.strip().upper()
    if _FIN.fullmatch(compact) is None:
        raise ValueError("a FIN is 4 to 20 letters, digits or dashes")
    return compact


def canonical_fbi_number(value: str) -> str:
    """FBI universal control number: up to 9 letters and digits (Nlets ``FBI/`` holds 9)."""
    compact = _SEPARATORS.sub("", value).upper()
    if _FBI.fullmatch(compact) is None:
        raise ValueError("an FBI number is 1 to 9 letters and digits")
    return compact


def canonical_sid(value: str) -> str:
    """State identification number: a USPS state code then up to 8 letters or digits.

    An NCIC state prefix that differs from USPS (``NB`` Nebraska, ``GM`` Guam) is rewritten
    to the USPS code the record store uses.
    """
    compact = _SEPARATORS.sub("", value).upper()
    match = _SID.fullmatch(compact)
    if match is None:
        raise ValueError("a SID is a state code followed by 1 to 8 letters or digits")
    prefix = match.group(1)
    if prefix not in BY_USPS:
        if prefix not in BY_NCIC:
            raise ValueError(f"a SID starts with a state code; {prefix!r} is not one")
        compact = BY_NCIC[prefix].usps + compact[2:]
    return compact


def canonical_passport(value: str) -> str:
    """Passport number: 5-20 letters and digits, upper case."""
    compact = _SEPARATORS.sub("", value).upper()
    if _PASSPORT.fullmatch(compact) is None:
        raise ValueError("a passport number is 5 to 20 letters and digits")
    return compact


def canonical_phone(value: str) -> str:
    """A telephone number as the inquirer wrote it, trimmed; must hold 7 to 15 digits."""
    text = " ".join(value.split()).upper()
    digits = sum(ch.isdigit() for ch in text.split("X")[0])
    if len(text) > 25 or _PHONE.fullmatch(text) is None or not 7 <= digits <= 15:
        raise ValueError("a phone number is 7 to 15 digits with optional ( ) - . + and extension")
    return text


def canonical_name(value: str) -> str | None:
    """A name part in the record store's form (ASCII upper case, single spaces).

    Only letters, spaces, ``-``, ``'`` and ``.`` are accepted: digits and other symbols are
    refused rather than stripped, since ``J0HN`` is a typing error the sender must fix, not
    something to guess at. An empty part becomes ``None``.
    """
    text = " ".join(unicodedata.normalize("NFC", value).split()).upper()
    if not text:
        return None
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"a name part is at most {MAX_NAME_LENGTH} characters")
    if not any(ch.isalpha() for ch in text):
        raise ValueError("a name needs at least one letter")
    bad = sorted({ch for ch in text if not ch.isalpha() and ch not in _NAME_PUNCTUATION})
    if bad:
        raise ValueError(f"a name may hold letters, spaces, - ' and . only, not {bad[0]!r}")
    return store_name(text)


def parse_full_date(value: str) -> date:
    """``YYYY-MM-DD`` (exactly that form) -> a real calendar date."""
    match = _FULL_DATE.fullmatch(value.strip())
    if match is None:
        raise ValueError("a date is YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{value.strip()} is not a calendar date") from None


def canonical_dob(value: str) -> str:
    """``YYYY-MM-DD``, or partial ``YYYY-MM`` / ``YYYY`` (data contract) -> same, validated."""
    text = value.strip()
    match = _PARTIAL_DATE.fullmatch(text)
    if match is None:
        raise ValueError("a date of birth is YYYY-MM-DD, YYYY-MM or YYYY")
    year_s, month_s, day_s = match.groups()
    year = int(year_s)
    if year < MIN_BIRTH_YEAR:
        raise ValueError(f"a date of birth before {MIN_BIRTH_YEAR} is not plausible")
    if month_s is not None and not 1 <= int(month_s) <= 12:
        raise ValueError(f"{text} has no month {month_s}")
    if day_s is not None:
        parse_full_date(text)
    return text


def dob_earliest(dob: str) -> date:
    """The first day a (possibly partial) date of birth can stand for."""
    parts = [int(p) for p in dob.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])
