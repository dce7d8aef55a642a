"""AOR routing: every field office, every split state, and the undetermined cases."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from vetline.desk import (
    IAQ,
    Route,
    RoutingDecision,
    parse_iaq_json,
    route,
    route_query,
    shipped_agencies,
)
from vetline.desk.routing import read_aor_table, shipped_aor_table
from vetline.errors import BadInput


def test_all_25_field_offices_are_in_the_table() -> None:
    table = shipped_aor_table()
    offices = set(table.by_state.values()) | set(table.by_county.values())
    assert len(offices) == 25
    assert table.split_states == {"CA", "NY", "TX"}


@pytest.mark.parametrize(
    ("state", "county", "aor"),
    [
        # California: LOS / SND / SFR
        ("CA", "06037", "LOS"),  # Los Angeles
        ("CA", "06059", "LOS"),  # Orange
        ("CA", "06079", "LOS"),  # San Luis Obispo
        ("CA", "06073", "SND"),  # San Diego
        ("CA", "06025", "SND"),  # Imperial
        ("CA", "06075", "SFR"),  # San Francisco
        ("CA", "06029", "SFR"),  # Kern
        ("CA", "06019", "SFR"),  # Fresno
        # New York: NYC / BUF
        ("NY", "36061", "NYC"),  # New York (Manhattan)
        ("NY", "36085", "NYC"),  # Richmond
        ("NY", "36111", "NYC"),  # Ulster
        ("NY", "36029", "BUF"),  # Erie
        ("NY", "36001", "BUF"),  # Albany
        ("NY", "36089", "BUF"),  # St. Lawrence
        # Texas: DAL / ELP / HLG / HOU / SNA
        ("TX", "48113", "DAL"),  # Dallas
        ("TX", "48439", "DAL"),  # Tarrant
        ("TX", "48117", "DAL"),  # Deaf Smith
        ("TX", "48141", "ELP"),  # El Paso
        ("TX", "48329", "ELP"),  # Midland
        ("TX", "48061", "HLG"),  # Cameron
        ("TX", "48479", "HLG"),  # Webb
        ("TX", "48355", "HLG"),  # Nueces
        ("TX", "48201", "HOU"),  # Harris
        ("TX", "48123", "HOU"),  # DeWitt
        ("TX", "48309", "HOU"),  # McLennan
        ("TX", "48029", "SNA"),  # Bexar
        ("TX", "48453", "SNA"),  # Travis
        ("TX", "48283", "SNA"),  # La Salle
    ],
)
def test_split_states_route_by_county(state: str, county: str, aor: str) -> None:
    found = route(state, county)
    assert found is not None and found.aor_code == aor


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("GA", Route("ATL", "Atlanta")),
        ("NE", Route("SPM", "St. Paul")),
        ("PR", Route("MIA", "Miami")),
        ("VI", Route("MIA", "Miami")),
        ("GU", Route("SFR", "San Francisco")),
        ("MP", Route("SFR", "San Francisco")),
        ("HI", Route("SFR", "San Francisco")),
        ("DC", Route("WAS", "Washington")),
        ("OK", Route("DAL", "Dallas")),
        ("NM", Route("ELP", "El Paso")),
        ("NJ", Route("NEW", "Newark")),
    ],
)
def test_whole_states_route_with_or_without_a_county(state: str, expected: Route) -> None:
    assert route(state) == expected
    assert route(state, None) == expected


def test_whole_state_with_county_checks_the_county_belongs_to_it() -> None:
    assert route("GA", "13121") == Route("ATL", "Atlanta")
    with pytest.raises(BadInput, match="not a county FIPS code of GA"):
        route("GA", "06037")


def test_undetermined_areas_return_none_rather_than_a_guess() -> None:
    assert route("TX") is None  # split state, no county
    assert route("CA", None) is None
    assert route("AS") is None  # American Samoa: no AOR lists it


@pytest.mark.parametrize(
    ("state", "county", "field"),
    [
        ("ZZ", None, "encounter.state"),
        ("TX", "4820", "encounter.county_fips"),
        ("TX", "06037", "encounter.county_fips"),
        ("TX", "48999", "encounter.county_fips"),  # no such Texas county
    ],
)
def test_bad_places_are_bad_input(state: str, county: str | None, field: str) -> None:
    with pytest.raises(BadInput) as caught:
        route(state, county)
    assert caught.value.field == field


def test_every_county_of_the_split_states_is_routed() -> None:
    """Cross-check the table against the Census county list shipped by ``addfips``."""
    import addfips

    path = Path(str(addfips.AddFIPS.data.joinpath("data/counties_2020.csv")))
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for state, fips in (("CA", "06"), ("NY", "36"), ("TX", "48")):
        counties = {r["statefp"] + r["countyfp"] for r in rows if r["statefp"] == fips}
        assert len(counties) == {"CA": 58, "NY": 62, "TX": 254}[state]
        assert all(route(state, c) is not None for c in counties)


def test_a_table_listing_a_state_both_whole_and_split_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "aor.csv"
    path.write_text(
        "aor_code,field_office,state,state_fips,county_fips,county,as_of\n"
        "LOS,Los Angeles,CA,06,06037,Los Angeles,2025-09-01\n"
        "SFR,San Francisco,CA,06,,,2025-09-01\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInput, match="both whole and split"):
        read_aor_table(path)


def _query(**parts: Any) -> IAQ:
    return parse_iaq_json({"query_type": "IAQ", "subject": {"last_name": "DOE"}, **parts})


def test_a_held_subject_is_routed_by_the_jail_not_the_encounter() -> None:
    iaq = _query(
        ori="TX2270000",
        encounter={"state": "TX", "county_fips": "48201"},  # Houston
        custody={"in_custody": True, "facility_ori": "CA0190000"},  # a Los Angeles jail
    )
    decision = route_query(iaq, shipped_agencies())
    assert decision == RoutingDecision(Route("LOS", "Los Angeles"), "custody facility CA0190000")


def test_released_or_unknown_facility_falls_back_to_the_encounter() -> None:
    for custody in (
        {"in_custody": False, "facility_ori": "CA0190000"},
        {"in_custody": True, "facility_ori": "CA9999999"},
    ):
        iaq = _query(
            ori="CA0194200", encounter={"state": "TX", "county_fips": "48029"}, custody=custody
        )
        assert route_query(iaq, shipped_agencies()) == RoutingDecision(
            Route("SNA", "San Antonio"), "encounter location"
        )


def test_no_location_falls_back_to_the_agency_then_its_state() -> None:
    directory = shipped_agencies()
    by_agency = route_query(_query(ori="MD0030000"), directory)
    assert by_agency == RoutingDecision(Route("BAL", "Baltimore"), "requesting agency MD0030000")
    by_state = route_query(_query(ori="GA9999999", encounter={"state": "TX"}), directory)
    assert by_state == RoutingDecision(Route("ATL", "Atlanta"), "state of ORI GA9999999")


def test_nothing_decisive_leaves_the_route_to_an_analyst() -> None:
    decision = route_query(_query(ori="TX9999999", encounter={"state": "TX"}), shipped_agencies())
    assert decision.route is None
    assert decision.basis == (
        "undetermined from encounter location, state of ORI TX9999999; assign by hand"
    )
