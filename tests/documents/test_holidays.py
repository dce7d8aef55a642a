"""Observed federal holidays, computed from 5 U.S.C. 6103, against OPM's published lists."""

from __future__ import annotations

from datetime import date

import pytest

from vetline.documents import federal_holidays
from vetline.errors import BadInput

# OPM's federal holiday lists for 2026 and 2027 (observed dates).
OPM_2026 = [
    date(2026, 1, 1),
    date(2026, 1, 19),
    date(2026, 2, 16),
    date(2026, 5, 25),
    date(2026, 6, 19),
    date(2026, 7, 3),  # Independence Day (Saturday) observed Friday
    date(2026, 9, 7),
    date(2026, 10, 12),
    date(2026, 11, 11),
    date(2026, 11, 26),
    date(2026, 12, 25),
]
OPM_2027 = [
    date(2027, 1, 1),
    date(2027, 1, 18),
    date(2027, 2, 15),
    date(2027, 5, 31),
    date(2027, 6, 18),  # Juneteenth (Saturday) observed Friday
    date(2027, 7, 5),  # Independence Day (Sunday) observed Monday
    date(2027, 9, 6),
    date(2027, 10, 11),
    date(2027, 11, 11),
    date(2027, 11, 25),
    date(2027, 12, 24),  # Christmas (Saturday) observed Friday
    date(2027, 12, 31),  # New Year's Day 2028 (Saturday) observed Friday
]


@pytest.mark.parametrize(("year", "expected"), [(2026, OPM_2026), (2027, OPM_2027)])
def test_matches_opm_lists(year: int, expected: list[date]) -> None:
    assert list(federal_holidays(year)) == expected


def test_observed_names_say_so() -> None:
    assert federal_holidays(2026)[date(2026, 7, 3)] == "Independence Day (observed)"
    assert federal_holidays(2027)[date(2027, 12, 24)] == "Christmas Day (observed)"
    assert federal_holidays(2027)[date(2027, 12, 31)] == "New Year's Day (observed)"


def test_juneteenth_from_2021_only() -> None:
    assert date(2021, 6, 18) in federal_holidays(2021)  # first year, observed Friday
    assert not [d for d in federal_holidays(2020) if d.month == 6]


def test_a_saturday_new_year_belongs_to_the_year_before() -> None:
    assert date(2021, 12, 31) in federal_holidays(2021)
    assert date(2022, 1, 1) not in federal_holidays(2022)


@pytest.mark.parametrize("year", range(2020, 2036))
def test_every_observed_holiday_is_a_weekday(year: int) -> None:
    days = federal_holidays(year)
    assert all(d.weekday() < 5 and d.year == year for d in days)
    assert 10 <= len(days) <= 12


def test_years_before_the_rules_are_refused() -> None:
    with pytest.raises(BadInput) as err:
        federal_holidays(1985)
    assert err.value.field == "year"
