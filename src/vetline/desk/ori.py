"""ORIs (Originating Agency Identifiers) and the agency directory.

Every Nlets message carries the sender's ORI, and agencies see only their own queries, so
the ORI is both an address and an access key. Format (reference §3.5): 9 characters,
``^[A-Z]{2}[A-Z0-9]{7}$``, the first two a state code (NCIC codes: Nebraska is ``NB``,
Guam ``GM``) or a federal line/member code (``FB`` FBI/NCIC, ``TC`` TECS, ``DN`` NIS, ``AX``
the LESC). A malformed ORI is refused; a well-formed ORI missing from the directory is still
answered (Nlets validated the sender against ORION upstream) but carries the flag
``UNKNOWN_ORI`` so the directory gets fixed (interfaces.md).

The directory shipped in ``vetline/data/agencies.csv`` is synthetic (built by
``scripts/build_agencies.py``); a deployment loads its ORION extract in the same columns.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

from vetline.desk.geo import BY_NCIC, BY_USPS
from vetline.errors import BadInput

ORI_PATTERN: Final = re.compile(r"[A-Z]{2}[A-Z0-9]{7}")

#: Two-letter Nlets line codes of federal members that may head an ORI (reference §3.5).
MEMBER_CODES: Final[dict[str, str]] = {
    "AX": "ICE Law Enforcement Support Center",
    "FB": "FBI / NCIC",
    "TC": "CBP TECS",
    "DN": "NIS",
}

#: ORION agency type codes (reference §3.5).
AGENCY_TYPES: Final[dict[str, str]] = {
    "PD": "city law enforcement",
    "SO": "county law enforcement",
    "SA": "state-wide law enforcement",
    "LE": "other law enforcement",
    "FE": "federal law enforcement",
    "JA": "prosecutor",
    "JC": "corrections",
    "JG": "probation",
    "JJ": "court",
    "JF": "federal non-law-enforcement criminal justice",
    "CJ": "general non-law-enforcement criminal justice",
    "NJ": "non-criminal justice",
}

#: The LESC's own ORI (reference §3.1): the sender of every IAR.
LESC_ORI: Final = "VTICE0900"

AGENCY_COLUMNS: Final = ("ori", "name", "state", "county_fips", "agency_type")


class OriFlag(StrEnum):
    """Flags the ORI check adds to an IAR and its audit record."""

    UNKNOWN_ORI = "UNKNOWN_ORI"


def ori_problem(value: str) -> str | None:
    """Why ``value`` is not a well-formed ORI, or ``None`` when it is."""
    if len(value) != 9:
        return f"an ORI is 9 characters, got {len(value)}"
    if ORI_PATTERN.fullmatch(value) is None:
        return "an ORI is 2 letters then 7 letters or digits, upper case"
    if value[:2] not in BY_NCIC and value[:2] not in MEMBER_CODES:
        return f"an ORI starts with a state or member code; {value[:2]!r} is neither"
    return None


def validate_ori(value: str) -> str:
    """The ORI, trimmed and upper-cased, or ``ValueError`` saying what is wrong with it."""
    ori = value.strip().upper()
    problem = ori_problem(ori)
    if problem is not None:
        raise ValueError(problem)
    return ori


def ori_state(ori: str) -> str | None:
    """USPS code of the state an ORI belongs to (``NB...`` -> ``NE``); ``None`` for members."""
    place = BY_NCIC.get(ori[:2])
    return place.usps if place is not None else None


@dataclass(frozen=True)
class Agency:
    """One directory entry."""

    ori: str
    name: str
    state: str
    county_fips: str | None
    agency_type: str


class AgencyDirectory:
    """ORI -> agency, read once; lookups are dictionary hits."""

    def __init__(self, agencies: list[Agency]) -> None:
        self._by_ori: dict[str, Agency] = {}
        for agency in agencies:
            if agency.ori in self._by_ori:
                raise BadInput("agencies.ori", f"{agency.ori} is listed twice")
            self._by_ori[agency.ori] = agency

    def __len__(self) -> int:
        return len(self._by_ori)

    def __contains__(self, ori: object) -> bool:
        return ori in self._by_ori

    def __iter__(self) -> Iterator[Agency]:
        return iter(self._by_ori.values())

    def get(self, ori: str) -> Agency | None:
        """The agency with this ORI, or ``None``."""
        return self._by_ori.get(ori)

    def flags_for(self, ori: str) -> tuple[OriFlag, ...]:
        """``(UNKNOWN_ORI,)`` for a well-formed ORI missing from the directory, else ``()``."""
        return () if ori in self._by_ori else (OriFlag.UNKNOWN_ORI,)


def _agency_from_row(row: dict[str, str], line: int, source: str) -> Agency:
    where = f"{source} line {line}"
    ori = (row.get("ori") or "").strip()
    problem = ori_problem(ori)
    if problem is not None:
        raise BadInput(f"{where}: ori", problem)
    state = (row.get("state") or "").strip()
    if state not in BY_USPS:
        raise BadInput(f"{where}: state", f"{state!r} is not a USPS state code")
    county = (row.get("county_fips") or "").strip() or None
    if county is not None and not (
        len(county) == 5 and county.isdigit() and county[:2] == BY_USPS[state].fips
    ):
        raise BadInput(f"{where}: county_fips", f"{county!r} is not a county of {state}")
    agency_type = (row.get("agency_type") or "").strip()
    if agency_type not in AGENCY_TYPES:
        raise BadInput(f"{where}: agency_type", f"{agency_type!r} is not an ORION type code")
    name = (row.get("name") or "").strip()
    if not name:
        raise BadInput(f"{where}: name", "an agency needs a name")
    return Agency(ori, name, state, county, agency_type)


def read_agencies(path: Path) -> AgencyDirectory:
    """Read a directory CSV (columns ``AGENCY_COLUMNS``), validating every row."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(AGENCY_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise BadInput(str(path), f"missing columns {sorted(missing)}")
        agencies = [
            _agency_from_row(row, line, path.name) for line, row in enumerate(reader, start=2)
        ]
    return AgencyDirectory(agencies)


@cache
def shipped_agencies() -> AgencyDirectory:
    """The synthetic directory shipped with the package (read once per process)."""
    with resources.as_file(resources.files("vetline") / "data" / "agencies.csv") as path:
        return read_agencies(path)
