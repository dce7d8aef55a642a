"""The whole name's frequency in the loaded records (``resolve/fullname.py``)."""

from __future__ import annotations

import math

import pytest

from vetline.resolve.comparisons import COMPARISONS
from vetline.resolve.fullname import EXACT_NAME, FORENAME, SURNAME, full_name_fix

LOG2_M = math.log2(0.9 * 0.9)
TOTAL = 1_000_000


def _person(
    surname_level: int, forename_level: int, u_surname: float, u_forename: float
) -> tuple[list[int], list[float]]:
    """Levels and weights of one person, as the scorer weighs two exact names."""
    gamma = [0] * len(COMPARISONS)
    weights = [0.0] * len(COMPARISONS)
    gamma[SURNAME], gamma[FORENAME] = surname_level, forename_level
    weights[SURNAME] = math.log2(0.9 / u_surname)
    weights[FORENAME] = math.log2(0.9 / u_forename)
    return gamma, weights


def test_a_whole_name_more_common_than_its_parts_loses_the_difference() -> None:
    """ "TRAN, VIKRAM": each name 1 in 1,000 records, the pair in 40 (not 1)."""
    gamma, weights = _person(EXACT_NAME, EXACT_NAME, 1e-3, 1e-3)
    fix = full_name_fix(LOG2_M, [gamma], [weights], ["P1"], {"P1": 2}, 42, TOTAL)
    assert fix[0] == pytest.approx(math.log2(1e-6) - math.log2(40 / TOTAL))
    assert fix[0] < -5


def test_a_name_only_the_candidate_holds_is_left_alone() -> None:
    """Its own records say nothing about namesakes (as for a rare surname)."""
    gamma, weights = _person(EXACT_NAME, EXACT_NAME, 1e-5, 1e-5)
    assert full_name_fix(LOG2_M, [gamma], [weights], ["P1"], {"P1": 3}, 3, TOTAL) == [0.0]


def test_names_as_independent_as_they_look_are_left_alone() -> None:
    """The fix only lowers: a whole name rarer than the product changes nothing."""
    gamma, weights = _person(EXACT_NAME, EXACT_NAME, 1e-2, 1e-2)
    assert full_name_fix(LOG2_M, [gamma], [weights], ["P1"], {}, 5, TOTAL) == [0.0]


def test_only_two_exact_names_are_corrected() -> None:
    gamma, weights = _person(EXACT_NAME + 1, EXACT_NAME, 1e-3, 1e-3)
    assert full_name_fix(LOG2_M, [gamma], [weights], ["P1"], {}, 500, TOTAL) == [0.0]
