"""The one validator and canonical form per identity field, shared by the loader and intake.

A record is found by a query only when both sides produce the same canonical value, and
it can be found at all only when intake accepts every value the loader stores. Two rule
sets drifted apart before (issue 11: an 11-character FBI number loaded but an IAQ carrying
it got 422; the loader took births from 1850, intake from 1900; the loader kept a record
with only a first name that intake refused as a subject). So there is one function per
field here; ``vetline.records.pipeline`` applies it to every distinct value of an extract
column and ``vetline.desk.iaq`` to every IAQ subject field, and
``tests/records/test_reachable.py`` checks with hypothesis that whatever the loader stores
passes intake and canonicalises to itself.

Each ``canonical_*`` function returns the canonical form or raises ``ValueError`` with a
message for the person who wrote the value (callers add the field name). Every function
is idempotent: its output is accepted by it and left unchanged.

The floors, one per field (sources in each docstring):

* identifiers may be written with spaces, ``-``, ``.`` or ``/`` between characters; those
  are dropped, letters are upper-cased, anything else is refused (never stripped: ``12#4``
  is a keying error, and guessing at it could join two strangers);
* an identifier that is a placeholder (all zeros, no digit at all: ``000000000``,
  ``UNKNOWN``, ``NONE``) is refused, because two records sharing a placeholder share no
  person, and a shared identifier is what joins records (issue 11, item 1);
* names: letters of any script, spaces and ``- ' .`` only; at least one letter left after
  transliteration to ASCII; at most ``MAX_NAME_LENGTH`` characters in canonical form;
* dates of birth: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, a real calendar date, not before
  ``MIN_BIRTH_YEAR``, not after the day of the load or of the query.

Edit here: a new identity field gets its function here and an entry in ``SUBJECT_FIELDS``;
the loader and intake pick it up from there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Final

from vetline.records.contract import SEX_VALUES
from vetline.records.names import to_ascii
from vetline.records.refdata import iso_countries, usps_states

#: Characters written between the parts of an identifier (``A12-345-678``, ``123 45 6789``,
#: ``CA.1234``, ``P12/34``): dropped before validation.
_SEPARATORS: Final = re.compile(r"[\s\-./]")
_ALNUM: Final = re.compile(r"[A-Za-z0-9]+")
_A_NUMBER: Final = re.compile(r"A?([0-9]{7,9})")
_SSN: Final = re.compile(r"([0-9]{3})([0-9]{2})([0-9]{4})")
_SID: Final = re.compile(r"([A-Z]{2})([A-Z0-9]{1,8})")
_ZIP: Final = re.compile(r"([0-9]{5})-?([0-9]{4})?")
_PARTIAL_DATE: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_NAME_PUNCTUATION: Final = frozenset(" -'.")
#: Apostrophes as typed on other keyboards, read as ``'`` (``O’BRIEN`` is ``O'BRIEN``).
_APOSTROPHES: Final = str.maketrans(dict.fromkeys("’‘ʼ`´", "'"))
_NOT_CANONICAL_NAME: Final = re.compile(r"[^A-Z '\-.]")
_NONZERO_DIGIT: Final = re.compile(r"[1-9]")
#: Most names are plain ASCII letters and punctuation: they skip the per-character checks.
_PLAIN_NAME: Final = re.compile(r"[A-Za-z '\-.]+")
_ASCII_LETTER: Final = re.compile(r"[A-Za-z]")

#: Earliest year of birth accepted, by the loader and by intake alike.
#:
#: 1900: no living person was born earlier (the oldest verified person ever lived from 1875
#: to 1997, and nobody born before 1900 is alive), so a birth year before 1900 in a booking
#: or immigration record is a keying error (``1885`` for ``1985``), not a person a query
#: can be about. The FBI's fingerprint transmission specification draws the same line for
#: the dates it accepts ("CC (Century) must be 19 or 20": EFTS Appendix C, §1.2), and the
#: Nlets ``DOB/`` century pivot (``desk/nlets.py``) only produces 19xx and 20xx. The loader
#: sets such a date of birth aside and keeps the rest of the record, so the floor costs no
#: record, only a date that could not be matched on anyway.
MIN_BIRTH_YEAR: Final = 1900
#: Longest canonical name part. Nlets ``NAM/`` holds 30 characters for the whole name
#: (reference §3.2); records of other systems hold more, so a generous 60 per part.
MAX_NAME_LENGTH: Final = 60

#: State codes whose identification bureaus issue SIDs: the 50 states, DC and the five
#: inhabited territories (not the military "states" AA/AE/AP or the freely associated
#: states, which have no state identification bureau in NCIC).
_SID_STATES: Final = usps_states() - {"AA", "AE", "AP", "FM", "MH", "PW"}
#: NCIC codes that differ from USPS for the same place (``desk/geo.py`` spells out the
#: whole table; a test keeps the two in step): an SID written with the NCIC prefix is
#: stored under the USPS one.
NCIC_TO_USPS: Final = {"NB": "NE", "GM": "GU", "MK": "MP", "AM": "AS"}


def _compact(value: str, what: str) -> str:
    """Separators dropped, upper case, ASCII letters and digits only."""
    compact = _SEPARATORS.sub("", value)
    if not compact:
        raise ValueError(f"{what} is empty")
    if _ALNUM.fullmatch(compact) is None:
        bad = next(ch for ch in compact if _ALNUM.fullmatch(ch) is None)
        raise ValueError(f"{what} holds letters A-Z and digits only, not {bad!r}")
    # Upper-cased only once it is ASCII: ``"ß".upper()`` is ``"SS"``, a letter never typed.
    return compact.upper()


def _not_placeholder(compact: str, what: str) -> str:
    """``compact`` (ASCII, upper case) unless it has no digit or its digits are all zeros."""
    if _NONZERO_DIGIT.search(compact) is None:
        if "0" in compact:
            raise ValueError(f"{what} cannot be all zeros")
        raise ValueError(f"{what} needs at least one digit")
    return compact


def canonical_a_number(value: str) -> str:
    """Optional ``A`` then 7-9 digits → 9 digits zero-padded (data contract; Nlets ``ARN/``)."""
    match = _A_NUMBER.fullmatch(_SEPARATORS.sub("", value).upper())
    if match is None:
        raise ValueError("not an A-number (optional A, then 7-9 digits)")
    digits = match.group(1).zfill(9)
    if int(digits) == 0:
        raise ValueError("an A-number cannot be all zeros")
    return digits


def canonical_ssn(value: str) -> str:
    """9 digits (separators allowed) → 9 digits; never-issued numbers refused.

    The Social Security Administration never issues area ``000``, ``666`` or ``900``-``999``
    (the 9xx range is the IRS's ITINs and adoption numbers), group ``00`` or serial
    ``0000`` (SSA, "Social Security Number Randomization", 2011). Such values in an SSN
    field are placeholders or keying errors; as identifiers they would join strangers.
    """
    match = _SSN.fullmatch(_SEPARATORS.sub("", value))
    if match is None:
        raise ValueError("not an SSN (9 digits, dashes allowed)")
    area, group, serial = match.groups()
    if area in ("000", "666") or area >= "900":
        raise ValueError(f"not an SSN: area {area} is never issued")
    if group == "00" or serial == "0000":
        raise ValueError("not an SSN: group 00 and serial 0000 are never issued")
    return area + group + serial


def canonical_fin(value: str) -> str:
    """Biometric identity number (IDENT FIN): 4-20 letters and digits, with a digit.

    No public source gives the FIN's format (the reference only names it, §2.4); the bounds
    are the ones intake already used, wide enough for the synthetic 10-digit FINs and
    for any system's numbering, and now the loader's too. Separators are dropped like in
    every identifier, so ``1234-5678-90`` asks for the record stored as ``1234567890``.
    """
    compact = _compact(value, "a FIN")
    if not 4 <= len(compact) <= 20:
        raise ValueError("a FIN is 4 to 20 letters and digits")
    return _not_placeholder(compact, "a FIN")


def canonical_fbi_number(value: str) -> str:
    """FBI number (UCN): 1-9 letters and digits, with a digit.

    The NCIC/Nlets ``FBI/`` field holds 9 characters (``shared/domain/reference.md`` §3.2,
    IAQ field 11; the reference's example is ``FBI/123456AB7``): longer values are not FBI
    numbers, and a value a query could not carry must not be stored either.
    """
    compact = _compact(value, "an FBI number")
    if len(compact) > 9:
        raise ValueError(f"an FBI number is at most 9 letters and digits, not {len(compact)}")
    return _not_placeholder(compact, "an FBI number")


def canonical_sid(value: str) -> str:
    """State ID: a state code then 1-8 letters/digits with a digit; NCIC prefixes → USPS.

    Nlets ``SID/`` holds 10 characters (reference §3.2): the 2-letter state of the issuing
    identification bureau and up to 8 more. ``NB1234567`` (NCIC Nebraska) is stored as
    ``NE1234567``, the USPS code the record store uses for states.
    """
    compact = _compact(value, "a state ID")
    match = _SID.fullmatch(compact)
    if match is None:
        raise ValueError("not a state ID (state code, then 1 to 8 letters or digits)")
    prefix, rest = match.groups()
    prefix = prefix if prefix in _SID_STATES else NCIC_TO_USPS.get(prefix, prefix)
    if prefix not in _SID_STATES:
        raise ValueError(f"state ID prefix is not a state code: {match.group(1)}")
    return prefix + _not_placeholder(rest, "a state ID")


def canonical_passport(value: str) -> str:
    """Passport number: 5-20 letters and digits, with a digit; ``<`` MRZ fillers dropped.

    ICAO Doc 9303 gives the document number 9 characters in the machine-readable zone, with
    longer national numbers continued in the optional data; 20 leaves room for those.
    """
    compact = _compact(value.replace("<", ""), "a passport number")
    if not 5 <= len(compact) <= 20:
        raise ValueError("a passport number is 5 to 20 letters and digits")
    return _not_placeholder(compact, "a passport number")


def canonical_name(value: str) -> str | None:
    """A name part in the record store's form (ASCII upper case, single spaces), or ``None``.

    Letters of any script, spaces, ``-``, ``'`` and ``.`` are accepted; digits and other
    symbols are refused rather than stripped, since ``J0HN`` is a keying error, not a
    spelling. Transliteration leftovers that are not letters (``ع`` → a backtick) are
    dropped, so the canonical form is again a valid name. A blank part is ``None``.
    """
    if _PLAIN_NAME.fullmatch(value) and _ASCII_LETTER.search(value):  # same result, faster
        out = " ".join(value.upper().split())
        if len(out) > MAX_NAME_LENGTH:
            raise ValueError(f"a name part is at most {MAX_NAME_LENGTH} characters")
        return out
    text = " ".join(unicodedata.normalize("NFKC", value).translate(_APOSTROPHES).split())
    if not text:
        return None
    if not any(ch.isalpha() for ch in text):
        raise ValueError("a name needs at least one letter")
    bad = sorted(
        {
            ch
            for ch in text
            if not (ch.isalpha() or unicodedata.category(ch).startswith("M"))
            and ch not in _NAME_PUNCTUATION
        }
    )
    if bad:
        raise ValueError(f"a name may hold letters, spaces, - ' and . only, not {bad[0]!r}")
    ascii_text = _NOT_CANONICAL_NAME.sub("", to_ascii(text).translate(_APOSTROPHES).upper())
    out = " ".join(ascii_text.split())
    if not any("A" <= ch <= "Z" for ch in out):
        raise ValueError("a name needs at least one letter that can be written in A-Z")
    if len(out) > MAX_NAME_LENGTH:
        raise ValueError(f"a name part is at most {MAX_NAME_LENGTH} characters")
    return out


def canonical_dob(value: str, today: date | None = None) -> str:
    """``YYYY-MM-DD``, or partial ``YYYY-MM`` / ``YYYY`` (data contract) → same, validated.

    ``today`` (the load date, or the day a query was received) is the latest date of birth
    accepted; intake passes it separately (``check_dates``) because its model reads no
    clock. Partial dates stay partial: ``1985-03`` never becomes ``1985-03-01``.
    """
    text = value.strip()
    match = _PARTIAL_DATE.fullmatch(text)
    if match is None:
        raise ValueError("a date of birth is YYYY-MM-DD, YYYY-MM or YYYY")
    year_s, month_s, day_s = match.groups()
    if int(year_s) < MIN_BIRTH_YEAR:
        raise ValueError(f"a date of birth before {MIN_BIRTH_YEAR} is not plausible: {text}")
    if month_s is not None and not 1 <= int(month_s) <= 12:
        raise ValueError(f"not a calendar date: {text} has no month {month_s}")
    if day_s is not None:
        try:
            date(int(year_s), int(month_s), int(day_s))
        except ValueError:
            raise ValueError(f"not a calendar date: {text}") from None
    if today is not None and dob_earliest(text) > today:
        raise ValueError(f"after the load date {today.isoformat()}: {text}")
    return text


def dob_earliest(dob: str) -> date:
    """The first day a (possibly partial, canonical) date of birth can stand for."""
    parts = [int(p) for p in dob.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def canonical_sex(value: str) -> str:
    """``M``, ``F`` or ``X`` (data contract), any case."""
    code = value.strip().upper()
    if code not in SEX_VALUES:
        raise ValueError(f"sex is one of {', '.join(sorted(SEX_VALUES))}, not {code!r}")
    return code


def canonical_zip(value: str) -> str:
    """``12345``, ``12345-6789`` or ``123456789`` → ``12345`` or ``12345-6789``."""
    match = _ZIP.fullmatch(value.strip())
    if match is None:
        raise ValueError("not a ZIP code (5 digits or ZIP+4)")
    return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")


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


#: The identity fields a query subject and a record share, and their one validator each.
#: The loader runs these over its columns; the IAQ ``Subject`` model over its fields.
SUBJECT_FIELDS: Final[dict[str, Callable[[str], str | None]]] = {
    "last_name": canonical_name,
    "first_name": canonical_name,
    "middle_name": canonical_name,
    "dob": canonical_dob,
    "sex": canonical_sex,
    "birth_country": canonical_country,
    "a_number": canonical_a_number,
    "fin": canonical_fin,
    "fbi_number": canonical_fbi_number,
    "ssn": canonical_ssn,
    "passport_number": canonical_passport,
    "sid": canonical_sid,
}

#: What identifies a record or a query subject: a name part (last or first: mononymous
#: people are recorded in either) or one identifier. Loader and intake use the same words.
IDENTIFICATION_RULE: Final = (
    "needs a name (last_name or first_name) or an identifier "
    "(a_number, fin, fbi_number, ssn, passport_number, sid)"
)


# --- lists only records carry ----------------------------------------------------------
#
# Aliases and parents' A-numbers are lists in one field. A bad element is set aside and
# the good ones are kept; each function returns ``(canonical list or None, problem or
# None)`` rather than raising, because a list is never refused as a whole.


def canonical_aliases(value: str) -> tuple[str | None, str | None]:
    """``LAST, FIRST MIDDLE|...`` with every name part valid by ``canonical_name``."""
    kept: list[str] = []
    problem: str | None = None
    for part in value.split("|"):
        if not part.strip():
            continue
        last, sep, rest = part.partition(",")
        try:
            if not sep or not last.strip():
                raise ValueError('not in the form "LAST, FIRST MIDDLE"')
            last_c, rest_c = canonical_name(last), canonical_name(rest)
        except ValueError as exc:
            problem = problem or f"alias set aside ({exc}): {part.strip()}"
            continue
        kept.append(f"{last_c}, {rest_c or ''}")
    return ("|".join(kept) or None), problem


def canonical_a_number_list(value: str) -> tuple[str | None, str | None]:
    """``|``-separated A-numbers (``parent_a_numbers``), each by ``canonical_a_number``."""
    kept: list[str] = []
    problem: str | None = None
    for part in value.split("|"):
        if not part.strip():
            continue
        try:
            kept.append(canonical_a_number(part))
        except ValueError as exc:
            problem = problem or f"{exc}: {part.strip()}"
    return ("|".join(kept) or None), problem
