"""Build ``src/vetline/data/aor.csv``: the 25 ERO field offices and their areas.

Source: reference §8 (Deportation Data Project scrape of ICE's field-office lists, Sept
2025, `ice-areas-of-responsibility.csv`; office codes from UWCHR `aor_codes.yaml`; the
Harlingen code ``HLG`` is unverified). States wholly inside one AOR get one row with a blank
county; the three split states (California, New York, Texas) get one row per county, named
in §8 and turned into 5-digit FIPS codes with the ``addfips`` package (2020 county vintage).
The script refuses to write a table in which a split state's counties are not covered
exactly once.

    .venv/bin/pip install addfips && .venv/bin/python scripts/build_aor.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from addfips import AddFIPS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "vetline" / "data" / "aor.csv"
AS_OF = "2025-09-01"

#: code -> (field office, whole states by USPS code)
OFFICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ATL": ("Atlanta", ("GA", "NC", "SC")),
    "BAL": ("Baltimore", ("MD",)),
    "BOS": ("Boston", ("CT", "ME", "MA", "NH", "RI", "VT")),
    "BUF": ("Buffalo", ()),
    "CHI": ("Chicago", ("IL", "IN", "WI", "MO", "KY", "KS")),
    "DAL": ("Dallas", ("OK",)),
    "DEN": ("Denver", ("CO", "WY")),
    "DET": ("Detroit", ("MI", "OH")),
    "ELP": ("El Paso", ("NM",)),
    "HLG": ("Harlingen", ()),
    "HOU": ("Houston", ()),
    "LOS": ("Los Angeles", ()),
    "MIA": ("Miami", ("FL", "PR", "VI")),
    "NOL": ("New Orleans", ("AL", "AR", "LA", "MS", "TN")),
    "NYC": ("New York City", ()),
    "NEW": ("Newark", ("NJ",)),
    "PHI": ("Philadelphia", ("DE", "PA", "WV")),
    "PHO": ("Phoenix", ("AZ",)),
    "SLC": ("Salt Lake City", ("UT", "ID", "MT", "NV")),
    "SNA": ("San Antonio", ()),
    "SND": ("San Diego", ()),
    "SFR": ("San Francisco", ("HI", "GU", "MP")),
    "SEA": ("Seattle", ("AK", "OR", "WA")),
    "SPM": ("St. Paul", ("IA", "MN", "NE", "ND", "SD")),
    "WAS": ("Washington", ("DC", "VA")),
}

#: (code, state) -> counties named in reference §8 (verbatim lists).
SPLIT: dict[tuple[str, str], str] = {
    ("LOS", "CA"): "Los Angeles, Orange, Riverside, San Bernardino, Ventura, Santa Barbara, "
    "San Luis Obispo",
    ("SND", "CA"): "San Diego, Imperial",
    ("SFR", "CA"): "Alameda, Alpine, Amador, Butte, Calaveras, Colusa, Contra Costa, Del Norte, "
    "El Dorado, Fresno, Glenn, Humboldt, Inyo, Kern, Kings, Lake, Lassen, Madera, Marin, "
    "Mariposa, Mendocino, Merced, Modoc, Mono, Monterey, Napa, Nevada, Placer, Plumas, "
    "Sacramento, San Benito, San Francisco, San Joaquin, San Mateo, Santa Clara, Santa Cruz, "
    "Shasta, Sierra, Siskiyou, Solano, Sonoma, Stanislaus, Sutter, Tehama, Trinity, Tulare, "
    "Tuolumne, Yolo, Yuba",
    ("NYC", "NY"): "New York, Kings, Queens, Bronx, Richmond, Dutchess, Nassau, Putnam, "
    "Suffolk, Sullivan, Orange, Rockland, Ulster, Westchester",
    ("BUF", "NY"): "Albany, Allegany, Broome, Cattaraugus, Cayuga, Chautauqua, Chemung, "
    "Chenango, Clinton, Columbia, Cortland, Delaware, Erie, Essex, Franklin, Fulton, Genesee, "
    "Greene, Hamilton, Herkimer, Jefferson, Lewis, Livingston, Madison, Monroe, Montgomery, "
    "Niagara, Oneida, Onondaga, Ontario, Orleans, Oswego, Otsego, Rensselaer, Saratoga, "
    "Schenectady, Schoharie, Schuyler, Seneca, St. Lawrence, Steuben, Tioga, Tompkins, "
    "Warren, Washington, Wayne, Wyoming, Yates",
    ("HOU", "TX"): "Angelina, Austin, Bee, Bell, Bosque, Brazoria, Brazos, Burleson, Calhoun, "
    "Chambers, Colorado, Coryell, DeWitt, Falls, Fayette, Fort Bend, Freestone, Galveston, "
    "Goliad, Grimes, Hardin, Hamilton, Harris, Hill, Houston, Jackson, Jasper, Jefferson, "
    "Lavaca, Lee, Leon, Liberty, Limestone, Live Oak, Madison, Matagorda, McLennan, Milam, "
    "Montgomery, Nacogdoches, Newton, Orange, Polk, Refugio, Robertson, Sabine, "
    "San Augustine, San Jacinto, Shelby, Somervell, Trinity, Tyler, Victoria, Walker, Waller, "
    "Washington, Wharton",
    ("HLG", "TX"): "Cameron, Willacy, Kenedy, Kleberg, Nueces, San Patricio, Hidalgo, Brooks, "
    "Starr, Jim Hogg, Zapata, Webb, Duval, Jim Wells, Aransas",
    ("ELP", "TX"): "Andrews, Brewster, Crane, Culberson, Ector, El Paso, Hudspeth, Jeff Davis, "
    "Loving, Martin, Midland, Pecos, Presidio, Reeves, Terrell, Upton, Ward, Winkler",
    ("SNA", "TX"): "Atascosa, Bandera, Bastrop, Bexar, Blanco, Burnet, Caldwell, Comal, Dimmit, "
    "Edwards, Frio, Gillespie, Gonzales, Guadalupe, Hays, Karnes, Kendall, Kerr, Kimble, "
    "Kinney, Lampasas, La Salle, Llano, McCulloch, McMullen, Mason, Maverick, Medina, Real, "
    "San Saba, Travis, Uvalde, Val Verde, Williamson, Wilson, Zavala",
    ("DAL", "TX"): "Anderson, Archer, Armstrong, Bailey, Baylor, Borden, Bowie, Briscoe, Brown, "
    "Callahan, Camp, Carson, Cass, Castro, Cherokee, Childress, Clay, Cochran, Coke, Coleman, "
    "Collin, Collingsworth, Comanche, Concho, Cooke, Cottle, Crockett, Crosby, Dallam, "
    "Dallas, Dawson, Deaf Smith, Delta, Denton, Dickens, Donley, Eastland, Ellis, Erath, "
    "Fannin, Fisher, Floyd, Foard, Franklin, Gaines, Garza, Glasscock, Gray, Grayson, Gregg, "
    "Hale, Hall, Hansford, Hardeman, Harrison, Hartley, Haskell, Hemphill, Henderson, "
    "Hockley, Hood, Hopkins, Howard, Hunt, Hutchinson, Irion, Jack, Johnson, Jones, Kaufman, "
    "Kent, King, Knox, Lamar, Lamb, Lipscomb, Lubbock, Lynn, Marion, Menard, Mills, "
    "Mitchell, Montague, Moore, Morris, Motley, Navarro, Nolan, Ochiltree, Oldham, "
    "Palo Pinto, Panola, Parker, Parmer, Potter, Rains, Randall, Reagan, Red River, Roberts, "
    "Rockwall, Runnels, Rusk, Schleicher, Scurry, Shackelford, Sherman, Smith, Stephens, "
    "Sterling, Stonewall, Sutton, Swisher, Tarrant, Taylor, Terry, Throckmorton, Titus, "
    "Tom Green, Upshur, Van Zandt, Wheeler, Wichita, Wilbarger, Wise, Wood, Yoakum, Young",
}
SPLIT_STATE_COUNTIES = {"CA": 58, "NY": 62, "TX": 254}


def county_counts(state_fips: str) -> int:
    """How many counties addfips's 2020 vintage lists for a state."""
    path = Path(str(AddFIPS.data.joinpath("data/counties_2020.csv")))
    with path.open(newline="", encoding="utf-8") as handle:
        return len({r["countyfp"] for r in csv.DictReader(handle) if r["statefp"] == state_fips})


def main() -> None:
    fips = AddFIPS(vintage=2020)
    rows: list[list[str]] = []
    for code, (office, states) in OFFICES.items():
        rows += [[code, office, s, str(fips.get_state_fips(s)), "", "", AS_OF] for s in states]
    for (code, state), names in SPLIT.items():
        for name in (n.strip() for n in names.split(",")):
            county = fips.get_county_fips(name, state)
            if county is None:
                raise SystemExit(f"addfips does not know {name!r} in {state}")
            rows.append([code, OFFICES[code][0], state, county[:2], county, name, AS_OF])
    for state, expected in SPLIT_STATE_COUNTIES.items():
        counties = [r[4] for r in rows if r[2] == state]
        known = county_counts(str(fips.get_state_fips(state)))
        if len(counties) != len(set(counties)) or not len(set(counties)) == expected == known:
            raise SystemExit(f"{state}: {len(set(counties))} counties, expected {expected}")
    rows.sort(key=lambda r: (r[2], r[4], r[0]))
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["aor_code", "field_office", "state", "state_fips", "county_fips", "county", "as_of"]
        )
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
