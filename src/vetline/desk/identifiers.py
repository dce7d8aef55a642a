"""Canonical forms of the identifiers, names and dates a query may carry.

A query is matched against records that ``vetline ingest`` normalised, so every identity
field (names, date of birth, sex, birth country and the six identifiers) is validated and
canonicalised by the very functions the loader uses, ``vetline.records.identifiers``:
whatever the loader stores, a query can carry (issue 11). This module re-exports them for
the desk and adds what only a query has (a telephone number, full dates of encounters).
Each function returns the canonical form or raises ``ValueError`` with a message meant for
the person who sent the query; the callers attach the field name.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from vetline.records.identifiers import MAX_NAME_LENGTH as MAX_NAME_LENGTH
from vetline.records.identifiers import MIN_BIRTH_YEAR as MIN_BIRTH_YEAR
from vetline.records.identifiers import canonical_a_number as canonical_a_number
from vetline.records.identifiers import canonical_country as canonical_country
from vetline.records.identifiers import canonical_dob as canonical_dob
from vetline.records.identifiers import canonical_fbi_number as canonical_fbi_number
from vetline.records.identifiers import canonical_fin as canonical_fin
from vetline.records.identifiers import canonical_name as canonical_name
from vetline.records.identifiers import canonical_passport as canonical_passport
from vetline.records.identifiers import canonical_sex as canonical_sex
from vetline.records.identifiers import canonical_sid as canonical_sid
from vetline.records.identifiers import canonical_ssn as canonical_ssn
from vetline.records.identifiers import dob_earliest as dob_earliest

_FULL_DATE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_PHONE: Final = re.compile(r"\+?[0-9()\-. ]+(?:\s*X\s*[0-9]{1,6})?")


def canonical_phone(value: str) -> str:
    """A telephone number as the inquirer wrote it, trimmed; must hold 7 to 15 digits."""
    text = " ".join(value.split()).upper()
    digits = sum(ch.isdigit() for ch in text.split("X")[0])
    if len(text) > 25 or _PHONE.fullmatch(text) is None or not 7 <= digits <= 15:
        raise ValueError("a phone number is 7 to 15 digits with optional ( ) - . + and extension")
    return text


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
