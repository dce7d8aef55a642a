"""Canonical identifier forms in Python, identical to what the loader stores.

The loader normalises identifiers in DuckDB SQL (``canonical.py``) for speed; code that
must normalise one value the same way (a query subject, a batch row) uses these functions.
``tests/records/test_record_identifiers.py`` runs the same examples through both paths and
asserts they agree, so a query written ``A12-345-678`` finds the record stored as
``012345678``. Each function returns the canonical form or raises ``ValueError`` with a
message naming the expected format (callers add the field name).
"""

from __future__ import annotations

import re
from typing import Final

from vetline.records.refdata import iso_countries, usps_states

_SEPARATORS: Final = re.compile(r"[ \t\n\r\f\v-]")  # POSIX [[:space:]] and dash, as in SQL
_A_NUMBER: Final = re.compile(r"A?([0-9]{7,9})")
_SSN: Final = re.compile(r"[0-9]{3}-?[0-9]{2}-?[0-9]{4}")
_SID: Final = re.compile(r"([A-Z]{2})[0-9]+")
_ZIP: Final = re.compile(r"([0-9]{5})-?([0-9]{4})?")
_NOT_ALNUM: Final = re.compile(r"[^A-Z0-9]")


def _compact_upper(value: str) -> str:
    return _SEPARATORS.sub("", value.strip()).upper()


def canonical_a_number(value: str) -> str:
    """Optional ``A`` then 7-9 digits, spaces/dashes allowed → 9 digits zero-padded."""
    match = _A_NUMBER.fullmatch(_compact_upper(value))
    if match is None:
        raise ValueError("not an A-number (optional A, then 7-9 digits)")
    digits = match.group(1).zfill(9)
    if int(digits) == 0:
        raise ValueError("an A-number cannot be all zeros")
    return digits


def canonical_ssn(value: str) -> str:
    """9 digits, dashes allowed → 9 digits."""
    text = value.strip()
    if not _SSN.fullmatch(text):
        raise ValueError("not an SSN (9 digits, dashes allowed)")
    return text.replace("-", "")


def canonical_sid(value: str) -> str:
    """USPS state code then digits, spaces/dashes allowed → upper case, no separators."""
    compact = _compact_upper(value)
    match = _SID.fullmatch(compact)
    if match is None:
        raise ValueError("not a state ID (USPS state code, then digits)")
    if match.group(1) not in usps_states():
        raise ValueError("state ID prefix is not a USPS state code")
    return compact


def canonical_zip(value: str) -> str:
    """``12345``, ``12345-6789`` or ``123456789`` → ``12345`` or ``12345-6789``."""
    match = _ZIP.fullmatch(value.strip())
    if match is None:
        raise ValueError("not a ZIP code (5 digits or ZIP+4)")
    return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")


def canonical_passport(value: str) -> str:
    """Upper-case letters and digits only (spaces, dashes and other marks dropped)."""
    out = _NOT_ALNUM.sub("", value.upper())
    if not out:
        raise ValueError("a passport number needs letters or digits")
    return out


def canonical_code(value: str) -> str:
    """FIN and FBI numbers: upper case, spaces and dashes removed."""
    out = _compact_upper(value)
    if not out:
        raise ValueError("empty identifier")
    return out


def canonical_country(value: str) -> str:
    """ISO 3166-1 alpha-2, any case → upper case."""
    code = value.strip().upper()
    if code not in iso_countries():
        raise ValueError("not an ISO 3166-1 alpha-2 code")
    return code


def canonical_state(value: str) -> str:
    """USPS state code, any case → upper case."""
    code = value.strip().upper()
    if code not in usps_states():
        raise ValueError("not a USPS state code")
    return code
