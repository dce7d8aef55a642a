"""Identifiers canonicalised for matching, and the SSN halves derived for blocking.

Split from ``standardise.py``: an identifier is the strongest evidence the model sees,
so its canon (placeholders such as ``000000000`` or ``UNKNOWN`` made null: a shared junk
value must never look like strong evidence) and its blocking-only halves
(``DERIVED_KEYS``, which the index derives from the SSN vocabulary instead of storing)
are kept together, apart from names and dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

import numpy as np
from unidecode import unidecode

#: Identifier placeholders (all-same digits, sequences) that appear in real systems.
_JUNK_ID = re.compile(r"^(?:(\d)\1*|0*123456789|UNKNOWN|NONE|NULL|NA)$")
_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


def canon_identifier(value: object) -> str | None:
    """Upper-case alphanumerics only; placeholders (all one digit, ``123456789``) → None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = _NON_ALNUM.sub("", unidecode(str(value)).upper())
    if not text or _JUNK_ID.match(text):
        return None
    return text


def canon_a_number(value: object) -> str | None:
    """A-number: optional ``A``, 7-9 digits → 9 digits zero-padded."""
    text = canon_identifier(value)
    if text is None:
        return None
    digits = text[1:] if text.startswith("A") else text
    if not digits.isdigit() or not 7 <= len(digits) <= 9:
        return None
    padded = digits.zfill(9)
    return None if _JUNK_ID.match(padded.lstrip("0") or "0") else padded


def canon_ssn(value: object) -> str | None:
    """SSN digits; never-issued area numbers 000/666/9xx and placeholders → None."""
    text = canon_identifier(value)
    if text is None or not text.isdigit():
        return None
    if len(text) == 9 and (text[:3] in {"000", "666"} or text[0] == "9"):
        return None
    return text


def _half_width(digits: str) -> int:
    """4 digits of a 9-digit SSN, and of an 8- or 10-digit one (a digit missing or extra),
    so an insertion or deletion does not change the width; 3 of shorter numbers (FEBRL's
    7-digit ids). Below 6 digits no halves: 2-3 shared digits would block far too much."""
    return 4 if len(digits) >= 8 else 3 if len(digits) >= 6 else 0


def ssn_head(ssn: str | None) -> str | None:
    """First digits of a canonical SSN (4 of 9), a blocking key for SSN typos.

    With ``ssn_tail`` (counted from the end) it covers every digit but the middle one,
    so one wrong digit or two swapped adjacent digits change at most one half (a swap
    across the middle touches the middle digit and one half), and a missing or extra
    digit changes only the half it falls in. Measured on FEBRL3: 42 true pairs with an
    SSN typo shared no other blocking key. Blocking only: the comparison still reads
    the whole number.
    """
    width = _half_width(ssn or "")
    return ssn[:width] if ssn and width else None


def ssn_tail(ssn: str | None) -> str | None:
    """Last digits of a canonical SSN (4 of 9); see ``ssn_head``."""
    width = _half_width(ssn or "")
    return ssn[-width:] if ssn and width else None


#: Match columns derived from another for blocking only: (source column, function).
#: The index derives them from the source column's vocabulary instead of storing them.
DERIVED_KEYS: Final[dict[str, tuple[str, Callable[[str | None], str | None]]]] = {
    "ssn_head": ("ssn", ssn_head),
    "ssn_tail": ("ssn", ssn_tail),
}
