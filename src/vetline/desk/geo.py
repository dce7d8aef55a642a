"""U.S. states and territories: USPS code, FIPS code and NCIC code.

Three code systems meet at the desk: encounters are given as USPS state codes with
5-digit county FIPS codes, ORIs and Nlets POB fields use NCIC state codes, and the AOR
table is keyed by USPS code. They differ in a handful of places (Nebraska is ``NE`` for
USPS but ``NB`` for NCIC, because NCIC's ``NE`` is the Netherlands; Guam is ``GU``/``GM``;
the Northern Mariana Islands ``MP``/``MK``; American Samoa ``AS``/``AM``, and NCIC's
``AS`` is Australia). Mixing them up silently moves a subject to another country, so the
mapping is spelled out here once. These are federal standard codes (FIPS 5-2, USPS
Publication 28, NCIC 5.0.1 state and territory lists), stable for decades.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Place:
    """One state-level jurisdiction in all three code systems."""

    usps: str
    fips: str
    ncic: str
    name: str


_PLACES: Final[tuple[Place, ...]] = (
    Place("AL", "01", "AL", "Alabama"),
    Place("AK", "02", "AK", "Alaska"),
    Place("AZ", "04", "AZ", "Arizona"),
    Place("AR", "05", "AR", "Arkansas"),
    Place("CA", "06", "CA", "California"),
    Place("CO", "08", "CO", "Colorado"),
    Place("CT", "09", "CT", "Connecticut"),
    Place("DE", "10", "DE", "Delaware"),
    Place("DC", "11", "DC", "District of Columbia"),
    Place("FL", "12", "FL", "Florida"),
    Place("GA", "13", "GA", "Georgia"),
    Place("HI", "15", "HI", "Hawaii"),
    Place("ID", "16", "ID", "Idaho"),
    Place("IL", "17", "IL", "Illinois"),
    Place("IN", "18", "IN", "Indiana"),
    Place("IA", "19", "IA", "Iowa"),
    Place("KS", "20", "KS", "Kansas"),
    Place("KY", "21", "KY", "Kentucky"),
    Place("LA", "22", "LA", "Louisiana"),
    Place("ME", "23", "ME", "Maine"),
    Place("MD", "24", "MD", "Maryland"),
    Place("MA", "25", "MA", "Massachusetts"),
    Place("MI", "26", "MI", "Michigan"),
    Place("MN", "27", "MN", "Minnesota"),
    Place("MS", "28", "MS", "Mississippi"),
    Place("MO", "29", "MO", "Missouri"),
    Place("MT", "30", "MT", "Montana"),
    Place("NE", "31", "NB", "Nebraska"),
    Place("NV", "32", "NV", "Nevada"),
    Place("NH", "33", "NH", "New Hampshire"),
    Place("NJ", "34", "NJ", "New Jersey"),
    Place("NM", "35", "NM", "New Mexico"),
    Place("NY", "36", "NY", "New York"),
    Place("NC", "37", "NC", "North Carolina"),
    Place("ND", "38", "ND", "North Dakota"),
    Place("OH", "39", "OH", "Ohio"),
    Place("OK", "40", "OK", "Oklahoma"),
    Place("OR", "41", "OR", "Oregon"),
    Place("PA", "42", "PA", "Pennsylvania"),
    Place("RI", "44", "RI", "Rhode Island"),
    Place("SC", "45", "SC", "South Carolina"),
    Place("SD", "46", "SD", "South Dakota"),
    Place("TN", "47", "TN", "Tennessee"),
    Place("TX", "48", "TX", "Texas"),
    Place("UT", "49", "UT", "Utah"),
    Place("VT", "50", "VT", "Vermont"),
    Place("VA", "51", "VA", "Virginia"),
    Place("WA", "53", "WA", "Washington"),
    Place("WV", "54", "WV", "West Virginia"),
    Place("WI", "55", "WI", "Wisconsin"),
    Place("WY", "56", "WY", "Wyoming"),
    Place("AS", "60", "AM", "American Samoa"),
    Place("GU", "66", "GM", "Guam"),
    Place("MP", "69", "MK", "Northern Mariana Islands"),
    Place("PR", "72", "PR", "Puerto Rico"),
    Place("VI", "78", "VI", "U.S. Virgin Islands"),
)

#: USPS code -> place, for every state, DC and the five inhabited territories.
BY_USPS: Final[dict[str, Place]] = {p.usps: p for p in _PLACES}
#: NCIC state/territory code -> place (``NB`` is Nebraska, ``GM`` Guam, ...).
BY_NCIC: Final[dict[str, Place]] = {p.ncic: p for p in _PLACES}
#: FIPS state code -> place.
BY_FIPS: Final[dict[str, Place]] = {p.fips: p for p in _PLACES}
