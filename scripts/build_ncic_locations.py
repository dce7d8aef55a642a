"""Build ``src/vetline/data/ncic_locations.csv``: NCIC place-of-birth codes -> ISO 3166-1.

Input: ``shared/domain/data/ncic_location_codes.csv`` (NCIC 5.0.1 code tables from NIEM
``ncic-5.0.1.xsd``, reference Appendix A). Only the place lists are kept (Country,
UnitedStates, USTerritories, Canadian); race, ethnicity, eye and hair lists are left out on
purpose: vetline never takes race or ethnicity as an input.

The ISO code is found by pycountry's name lookup on the NCIC description, then corrected by
the hand-checked ``OVERRIDES`` below (NCIC codes and names differ from ISO in many places:
``MM`` Mexico, ``ZR`` is the DR Congo, ``TY`` Turkey ...). A blank ISO code means no single
country fits (``XX`` unknown, ``YY`` unlisted, dissolved Yugoslavia, the Netherlands
Antilles, disputed islands); the parser keeps the NCIC code in the remarks instead.

    .venv/bin/python scripts/build_ncic_locations.py [SOURCE_CSV]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "domain" / "data" / "ncic_location_codes.csv"
OUT = ROOT / "src" / "vetline" / "data" / "ncic_locations.csv"
PLACE_LISTS = ("Country", "UnitedStates", "USTerritories", "Canadian")

#: Hand-checked NCIC country code -> ISO alpha-2 ("" = no single ISO country).
OVERRIDES: dict[str, str] = {
    "AH": "AU",  # Ashmore and Cartier Islands, Australian external territory
    "AQ": "PT",  # Azores
    "BF": "TF",  # Bassas da India, French Southern Territories
    "BP": "BA",  # Bosnia and Herzegovina
    "BR": "MM",  # Burma
    "BW": "ES",  # Balearic Islands
    "BX": "BN",  # Brunei
    "CV": "CV",  # Cape Verde
    "DB": "FR",  # Clipperton Island
    "DD": "CC",  # Cocos (Keeling) Islands
    "DJ": "AU",  # Coral Sea Islands
    "EN": "GB",  # England
    "ER": "TF",  # Europa Island
    "FA": "FK",  # Falkland Islands
    "FR": "TF",  # French Southern and Antarctic Lands
    "FS": "FM",  # Micronesia
    "GO": "TF",  # Glorioso Islands
    "GS": "GS",  # South Georgia and South Sandwich Islands
    "GZ": "PS",  # Gaza
    "HC": "BA",  # Herzegovina (reference only)
    "HE": "HM",  # Heard Island and McDonald Islands
    "HS": "SH",  # Saint Helena
    "IB": "IM",  # Isle of Man
    "IM": "PT",  # Madeira
    "IY": "CI",  # Ivory Coast
    "JN": "SJ",  # Jan Mayen
    "JU": "TF",  # Juan de Nova Island
    "KH": "CK",  # Manihiki, Cook Islands
    "KN": "KP",  # North Korea
    "KV": "XK",  # Kosovo (user-assigned code in common use)
    "NI": "GB",  # Northern Ireland
    "NO": "PG",  # Papua New Guinea
    "NQ": "NC",  # New Caledonia
    "NR": "NR",  # Nauru
    "NX": "",  # Netherlands Antilles (dissolved 2010: BQ or CW)
    "OC": "MO",  # Macau
    "OI": "JP",  # Okinawa
    "PF": "",  # Paracel Islands (disputed)
    "RA": "RU",  # Russia (formerly USSR)
    "RE": "RE",  # Reunion
    "SA": "SL",  # Sierra Leone
    "SS": "GB",  # Scotland
    "SV": "SJ",  # Svalbard
    "SW": "SZ",  # Swaziland / Eswatini
    "TD": "",  # Trust Territory of the Pacific Islands (dissolved)
    "TE": "",  # Spratly Islands (disputed)
    "TF": "PF",  # Tuamotu Archipelago, French Polynesia
    "TM": "TF",  # Tromelin Island
    "TQ": "CK",  # Tongareva (Penrhyn), Cook Islands
    "TR": "TC",  # Turks and Caicos Islands
    "TS": "KN",  # Saint Kitts and Nevis
    "TY": "TR",  # Turkey
    "VY": "VA",  # Vatican City
    "WB": "PS",  # West Bank
    "WF": "WF",  # Wallis and Futuna
    "WL": "GB",  # Wales
    "WN": "",  # West Indies, islands not separately listed
    "WS": "WS",  # Western Samoa
    "XX": "",  # unknown place of birth
    "YG": "",  # Yugoslavia (dissolved)
    "YY": "",  # unlisted foreign country
    "ZC": "SR",  # Suriname
    "ZD": "MK",  # North Macedonia
    "ZI": "ES",  # Canary Islands
    "ZR": "CD",  # DR Congo (pycountry's name lookup wrongly gives CG)
}

#: U.S. territories -> their own ISO codes (citizenship at birth depends on which one).
TERRITORIES: dict[str, str] = {
    "AM": "AS",  # American Samoa (U.S. nationals, not citizens, at birth)
    "GM": "GU",
    "MK": "MP",
    "PR": "PR",
    "VI": "VI",
    "MH": "MH",  # Marshall Islands, independent since 1986
    "CG": "",  # Caroline Islands: FM or PW
    "BK": "UM",
    "HO": "UM",
    "JI": "UM",
    "JR": "UM",
    "KI": "UM",
    "MW": "UM",
    "PL": "UM",
    "WK": "UM",
    "VL": "UM",
}


def iso_for(code: str, description: str, list_name: str) -> str:
    """The ISO alpha-2 code for one NCIC place code."""
    if list_name == "UnitedStates":
        return "US"
    if list_name == "Canadian":
        return "CA"
    if list_name == "USTerritories":
        return TERRITORIES[code]
    if code in OVERRIDES:
        return OVERRIDES[code]
    name = re.split(r" \(|,| - |/", description)[0].strip()
    return str(pycountry.countries.lookup(name).alpha_2)


def main(source: Path) -> None:
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["list"] in PLACE_LISTS]
    codes = [r["code"] for r in rows]
    if len(codes) != len(set(codes)):
        raise SystemExit("duplicate NCIC place code across lists")
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["ncic_code", "list", "iso_alpha2", "description"])
        for r in sorted(rows, key=lambda r: (PLACE_LISTS.index(r["list"]), r["code"])):
            writer.writerow([r["code"], r["list"], iso_for(*r.values()), r["description"]])
    print(f"wrote {len(rows)} codes to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
