"""ORI format, the shipped synthetic directory, and the UNKNOWN_ORI flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from vetline.desk import OriFlag, shipped_agencies, validate_ori
from vetline.desk.ori import AGENCY_TYPES, LESC_ORI, ori_state, read_agencies
from vetline.errors import BadInput


@pytest.mark.parametrize(
    ("given", "ori"),
    [
        ("CA0194200", "CA0194200"),
        (" md0030000 ", "MD0030000"),
        ("VTICE0900", "VTICE0900"),
        ("NB0550000", "NB0550000"),  # Nebraska's NCIC code
        ("GM0100000", "GM0100000"),  # Guam
        ("FBWASHDC0", "FBWASHDC0"),  # federal member code
        ("AXADMHELP", "AXADMHELP"),
    ],
)
def test_well_formed_oris(given: str, ori: str) -> None:
    assert validate_ori(given) == ori


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("CA019420", "9 characters, got 8"),
        ("CA01942000", "9 characters, got 10"),
        ("C10194200", "2 letters then 7"),
        ("CA-194200", "2 letters then 7"),
        ("NE0550000", "'NE' is neither"),  # NE is the Netherlands in NCIC
        ("ZZ0194200", "'ZZ' is neither"),
        ("", "9 characters, got 0"),
    ],
)
def test_malformed_oris_say_why(given: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        validate_ori(given)


def test_ori_state_uses_ncic_codes() -> None:
    assert ori_state("NB0550000") == "NE"
    assert ori_state("CA0194200") == "CA"
    assert ori_state("FBWASHDC0") is None


def test_the_shipped_directory_is_a_few_hundred_valid_agencies() -> None:
    directory = shipped_agencies()
    assert 300 <= len(directory) <= 1000
    agencies = list(directory)
    assert {a.agency_type for a in agencies} <= set(AGENCY_TYPES)
    assert {a.state for a in agencies} >= {"CA", "TX", "NY", "PR", "GU", "DC"}
    for ori in ("CA0194200", "CA0190000", "MD0030000", LESC_ORI):
        assert ori in directory


def test_unknown_but_well_formed_ori_is_flagged_not_refused() -> None:
    directory = shipped_agencies()
    assert directory.flags_for("CA0194200") == ()
    assert directory.flags_for(validate_ori("CA9999999")) == (OriFlag.UNKNOWN_ORI,)
    assert directory.get("CA9999999") is None


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("CA019,X,CA,06037,SO", "ori"),
        ("CA0194201,X,ZZ,,SO", "state"),
        ("CA0194201,X,CA,48201,SO", "county_fips"),
        ("CA0194201,X,CA,06037,XX", "agency_type"),
        ("CA0194201,,CA,06037,SO", "name"),
        ("CA0194200,X,CA,06037,SO", "agencies.ori"),  # listed twice
    ],
)
def test_a_bad_directory_row_is_refused_with_its_line(tmp_path: Path, row: str, field: str) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text(
        "ori,name,state,county_fips,agency_type\nCA0194200,A,CA,06037,SO\n" + row + "\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInput) as caught:
        read_agencies(path)
    assert caught.value.field.endswith(field)
