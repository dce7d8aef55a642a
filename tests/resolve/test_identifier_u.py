"""An identifier's exact-level u from value frequencies where random sampling saw no
agreement (issue 18: at 10M records SSN and FIN fell back to Splink's default u)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import BuiltWorld
from vetline.resolve import engine, splink_model
from vetline.resolve.identifier_u import exact_agreement_rate
from vetline.resolve.match_table import _read_records, build_match_table


def test_agreement_rate_counts_pairs_of_records_that_carry_a_value() -> None:
    # a, a, b, c carry a value (4 records, 6 pairs); one pair agrees: 2 / (4 × 3)
    assert exact_agreement_rate(pd.Series(["a", "a", "b", None, "c"])) == pytest.approx(1 / 6)
    assert exact_agreement_rate(pd.Series(["a", "a", "a"])) == 1.0
    assert exact_agreement_rate(pd.Series(["a", "b", None])) is None  # no two agree
    assert exact_agreement_rate(pd.Series([None, "a"])) is None


def test_unobserved_identifier_u_comes_from_value_frequencies(built_world: BuiltWorld) -> None:
    """With a random sample too small to hold two records sharing an SSN (as at 10M
    records), the SSN's exact level gets the counted rate, not Splink's default."""
    table = build_match_table(_read_records(built_world.data))
    rate = exact_agreement_rate(table["ssn"])
    assert rate is not None

    small = splink_model.train(engine.open_engine("duckdb"), table, max_pairs=20)
    exact = small.comparisons["ssn"][1]
    assert exact.m is not None and exact.u is not None
    assert exact.u == pytest.approx(rate, rel=1e-12)
    assert exact.log2_bf == pytest.approx(math.log2(exact.m / rate), rel=1e-9)
    assert exact.log2_bf > 0  # agreement is evidence (its size is the world's: ≈ 17 bits at 10M)
