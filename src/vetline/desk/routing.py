"""Which ICE ERO field office an IAR goes to: (state, county FIPS) -> area of responsibility.

The table is data (``vetline/data/aor.csv``, built by ``scripts/build_aor.py`` from
reference §8 with its source and as-of date), because AORs change: Harlingen was split off
San Antonio and Houston. States wholly inside one AOR have one row with a blank county;
California, New York and Texas are split and have a row per county. Route by the custody
location (the jail) when the subject is held, else by the encounter (reference §8 note).

An area that cannot be determined (a split state without a county, American Samoa, which
no AOR lists) yields ``None``: the analyst assigns the office by hand, and nothing guesses.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final, NamedTuple

from vetline.desk.geo import BY_USPS
from vetline.desk.iaq import IAQ
from vetline.desk.ori import AgencyDirectory, ori_state
from vetline.errors import BadInput

AOR_COLUMNS: Final = ("aor_code", "field_office", "state", "state_fips", "county_fips", "county")


class Route(NamedTuple):
    """Where an IAR is routed: the AOR code (``LOS``) and the field office (``Los Angeles``)."""

    aor_code: str
    field_office: str


@dataclass(frozen=True)
class AorTable:
    """Whole states by USPS code, and counties of split states by 5-digit FIPS."""

    by_state: dict[str, Route]
    by_county: dict[str, Route]
    split_states: frozenset[str]
    as_of: str

    def route(self, state: str, county_fips: str | None = None) -> Route | None:
        """The field office covering ``county_fips`` in ``state``; ``None`` if undetermined.

        ``state`` is a USPS code; ``county_fips`` (5 digits) must lie in that state. A county
        is not needed for a whole state, and is required for a split one.
        """
        place = BY_USPS.get(state)
        if place is None:
            raise BadInput("encounter.state", f"{state!r} is not a USPS state code")
        if county_fips is not None and not (
            len(county_fips) == 5 and county_fips.isdigit() and county_fips[:2] == place.fips
        ):
            raise BadInput(
                "encounter.county_fips", f"{county_fips!r} is not a county FIPS code of {state}"
            )
        if state in self.split_states:
            if county_fips is None:
                return None
            found = self.by_county.get(county_fips)
            if found is None:
                raise BadInput("encounter.county_fips", f"{county_fips} is not a county of {state}")
            return found
        return self.by_state.get(state)


def read_aor_table(path: Path) -> AorTable:
    """Read and check an AOR table: every row valid, no county or state listed twice."""
    by_state: dict[str, Route] = {}
    by_county: dict[str, Route] = {}
    split: set[str] = set()
    as_of: set[str] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(AOR_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise BadInput(str(path), f"missing columns {sorted(missing)}")
        for line, row in enumerate(reader, start=2):
            where = f"{path.name} line {line}"
            state, county = row["state"], row["county_fips"] or None
            place = BY_USPS.get(state)
            if place is None or place.fips != row["state_fips"]:
                raise BadInput(f"{where}: state", f"{state!r}/{row['state_fips']!r} mismatch")
            route = Route(row["aor_code"], row["field_office"])
            if county is None:
                if state in by_state:
                    raise BadInput(f"{where}: state", f"{state} listed twice")
                by_state[state] = route
            else:
                if county[:2] != place.fips or county in by_county:
                    raise BadInput(f"{where}: county_fips", f"{county} bad or listed twice")
                by_county[county] = route
                split.add(state)
            as_of.add(row.get("as_of") or "")
    overlap = split & set(by_state)
    if overlap:
        raise BadInput(str(path), f"states both whole and split: {sorted(overlap)}")
    return AorTable(by_state, by_county, frozenset(split), ",".join(sorted(as_of)))


@cache
def shipped_aor_table() -> AorTable:
    """The AOR table shipped with the package (read once per process)."""
    with resources.as_file(resources.files("vetline") / "data" / "aor.csv") as path:
        return read_aor_table(path)


def route(state: str, county_fips: str | None = None) -> Route | None:
    """Route with the shipped table: ``route("CA", "06037") == Route("LOS", "Los Angeles")``."""
    return shipped_aor_table().route(state, county_fips)


class RoutingDecision(NamedTuple):
    """The office an IAR goes to (``None``: an analyst assigns it) and why, in words."""

    route: Route | None
    basis: str


def route_query(
    iaq: IAQ, directory: AgencyDirectory, table: AorTable | None = None
) -> RoutingDecision:
    """Route a query by the best location it carries, saying which one was used.

    Order: the custody facility (the jail, when the subject is held and the facility is in
    the directory), then the encounter's state and county, then the requesting agency's
    directory entry, then the state of the requesting ORI. A split state without a county
    falls through to the next source; when nothing decides, the route is ``None``.
    """
    aor = table or shipped_aor_table()
    tried: list[str] = []
    custody = iaq.custody
    if custody is not None and custody.in_custody and custody.facility_ori:
        facility = directory.get(custody.facility_ori)
        if facility is not None:
            found = aor.route(facility.state, facility.county_fips)
            if found is not None:
                return RoutingDecision(found, f"custody facility {facility.ori}")
            tried.append(f"custody facility {facility.ori}")
    encounter = iaq.encounter
    if encounter is not None and encounter.state is not None:
        found = aor.route(encounter.state, encounter.county_fips)
        if found is not None:
            return RoutingDecision(found, "encounter location")
        tried.append("encounter location")
    agency = directory.get(iaq.ori)
    if agency is not None:
        found = aor.route(agency.state, agency.county_fips)
        if found is not None:
            return RoutingDecision(found, f"requesting agency {agency.ori}")
        tried.append(f"requesting agency {agency.ori}")
    state = ori_state(iaq.ori)
    if state is not None:
        found = aor.route(state)
        if found is not None:
            return RoutingDecision(found, f"state of ORI {iaq.ori}")
    tried.append(f"state of ORI {iaq.ori}")
    return RoutingDecision(None, "undetermined from " + ", ".join(tried) + "; assign by hand")
