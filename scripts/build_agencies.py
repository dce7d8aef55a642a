"""Build ``src/vetline/data/agencies.csv``: a SYNTHETIC agency directory (ORI table).

Real ORION data is not public and not ours to ship; this directory only has to look like
one so the desk, the demo and the tests have agencies to answer. Deterministic (seeded):
the same script gives the same file.

Per state, district and territory: a state police and a department of corrections. In a
sample of real counties (addfips 2020 vintage; two per field office in the split states
so every AOR has agencies): a sheriff's office, a county jail and one or two police
departments of fictional towns (Faker city names). ORIs follow the Nlets template: NCIC
state code, 3-digit county part (the county's FIPS code), agency number. The examples used
in the specs (``CA0194200``, ``CA0190000``, ``MD0030000``) and the LESC (``VTICE0900``) are
included so the documented queries are answered without ``UNKNOWN_ORI``; the ERO field
offices get federal ORIs.

    .venv/bin/pip install addfips && .venv/bin/python scripts/build_agencies.py
"""

from __future__ import annotations

import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

from addfips import AddFIPS
from faker import Faker

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vetline.desk.geo import BY_FIPS, BY_USPS  # noqa: E402

OUT = ROOT / "src" / "vetline" / "data" / "agencies.csv"
AOR = ROOT / "src" / "vetline" / "data" / "aor.csv"
SEED = 20261124
COUNTIES_PER_STATE = 3

FIXED = [
    ("CA0194200", "SYNTHETIC COUNTY SHERIFF'S DEPARTMENT (SPEC EXAMPLE)", "CA", "06037", "SO"),
    ("CA0190000", "SYNTHETIC COUNTY MEN'S CENTRAL JAIL (SPEC EXAMPLE)", "CA", "06037", "JC"),
    ("MD0030000", "SYNTHETIC COUNTY POLICE DEPARTMENT (SPEC EXAMPLE)", "MD", "24003", "PD"),
    ("VTICE0900", "ICE LAW ENFORCEMENT SUPPORT CENTER", "VT", "50007", "FE"),
]
#: State each ERO field office sits in (for its federal ORI).
OFFICE_STATE = {
    "ATL": "GA",
    "BAL": "MD",
    "BOS": "MA",
    "BUF": "NY",
    "CHI": "IL",
    "DAL": "TX",
    "DEN": "CO",
    "DET": "MI",
    "ELP": "TX",
    "HLG": "TX",
    "HOU": "TX",
    "LOS": "CA",
    "MIA": "FL",
    "NOL": "LA",
    "NYC": "NY",
    "NEW": "NJ",
    "PHI": "PA",
    "PHO": "AZ",
    "SLC": "UT",
    "SNA": "TX",
    "SND": "CA",
    "SFR": "CA",
    "SEA": "WA",
    "SPM": "MN",
    "WAS": "VA",
}


def load_counties() -> dict[str, list[tuple[str, str]]]:
    """USPS state -> [(5-digit FIPS, county name)] from addfips's 2020 county list."""
    path = Path(str(AddFIPS.data.joinpath("data/counties_2020.csv")))
    counties: dict[str, list[tuple[str, str]]] = defaultdict(list)
    seen: set[str] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fips = row["statefp"] + row["countyfp"]
            place = BY_FIPS.get(row["statefp"])
            if place is not None and fips not in seen:
                seen.add(fips)
                counties[place.usps].append((fips, row["name"].upper()))
    return counties


def split_picks(rng: random.Random) -> dict[str, list[str]]:
    """For split states: two counties per field office, so every AOR has agencies."""
    by_office: dict[tuple[str, str], list[str]] = defaultdict(list)
    with AOR.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["county_fips"]:
                by_office[(row["state"], row["aor_code"])].append(row["county_fips"])
    picks: dict[str, list[str]] = defaultdict(list)
    for (state, _), fips_list in sorted(by_office.items()):
        picks[state] += rng.sample(sorted(fips_list), 2)
    return picks


def main() -> None:
    rng = random.Random(SEED)
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    counties = load_counties()
    picks = split_picks(rng)
    rows = list(FIXED)
    with AOR.open(newline="", encoding="utf-8") as handle:
        offices = sorted({(r["aor_code"], r["field_office"]) for r in csv.DictReader(handle)})
    for number, (code, office) in enumerate(offices):
        home = OFFICE_STATE[code]
        ori = f"{BY_USPS[home].ncic}ICE{number + 10:02d}00"
        rows.append((ori, f"ICE ERO {office.upper()} FIELD OFFICE ({code})", home, "", "FE"))
    for usps, place in sorted(BY_USPS.items()):
        rows.append((f"{place.ncic}0000100", f"{place.name.upper()} STATE POLICE", usps, "", "SA"))
        rows.append(
            (
                f"{place.ncic}0000200",
                f"{place.name.upper()} DEPARTMENT OF CORRECTIONS",
                usps,
                "",
                "JC",
            )
        )
        names = dict(counties[usps])
        chosen = picks.get(usps) or rng.sample(sorted(names), min(COUNTIES_PER_STATE, len(names)))
        for fips in chosen:
            county, part = names[fips], fips[2:]
            rows.append((f"{place.ncic}{part}0000", f"{county} SHERIFF'S OFFICE", usps, fips, "SO"))
            rows.append((f"{place.ncic}{part}0300", f"{county} JAIL", usps, fips, "JC"))
            for n in range(1, rng.randint(1, 2) + 1):
                town = fake.city().upper()
                rows.append(
                    (f"{place.ncic}{part}0{n}00", f"{town} POLICE DEPARTMENT", usps, fips, "PD")
                )
    oris = [r[0] for r in rows]
    if len(oris) != len(set(oris)):
        raise SystemExit("duplicate ORI generated")
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["ori", "name", "state", "county_fips", "agency_type"])
        writer.writerows(sorted(rows))
    print(f"wrote {len(rows)} agencies to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
