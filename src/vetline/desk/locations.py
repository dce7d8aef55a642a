"""NCIC place-of-birth codes and their ISO 3166-1 equivalents.

Nlets ``POB/`` carries an NCIC code, not ISO: ``MM`` is Mexico (ISO ``MX``), ``EL`` El
Salvador, ``SP`` Spain while ``ES`` is Estonia, ``NB`` Nebraska while ``NE`` is the
Netherlands. Read as ISO, half of them name the wrong country, and a wrong birth country is
exactly how a citizen ends up screened as foreign-born (reference §6). Every U.S. state maps
to ``US``; the territories keep their own ISO codes (``PR``, ``GU``, ``VI``, ``MP``, ``AS``)
because citizenship at birth differs between them. The table is shipped as data
(``vetline/data/ncic_locations.csv``, built by ``scripts/build_ncic_locations.py``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class NcicPlace:
    """One NCIC place code: its list (Country, UnitedStates, ...), ISO code, description."""

    code: str
    list_name: str
    iso_alpha2: str | None
    description: str


@cache
def ncic_places() -> dict[str, NcicPlace]:
    """NCIC place code -> place, from the shipped table (read once per process)."""
    places: dict[str, NcicPlace] = {}
    source = resources.files("vetline") / "data" / "ncic_locations.csv"
    with source.open("r", encoding="utf-8") as handle:
        for row in csv.DictReader(handle.read().splitlines()):
            code = row["ncic_code"]
            places[code] = NcicPlace(
                code, row["list"], row["iso_alpha2"] or None, row["description"]
            )
    return places


def place_for_ncic(code: str) -> NcicPlace | None:
    """The place an NCIC POB code stands for, or ``None`` for an unknown code."""
    return ncic_places().get(code.strip().upper())
