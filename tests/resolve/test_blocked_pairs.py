"""The build's candidate pairs made in NumPy are exactly the pairs Splink's own blocking
makes (the same set, each pair once), and the NumPy twin of the ``surname + forename``
date filter decides as its SQL does (``blocked.py``)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import febrl  # the bench's FEBRL loader (not in the package)
from conftest import BuiltWorld
from vetline.resolve import blocked, engine, match_rows, splink_model
from vetline.resolve.comparisons import BLOCKING_FILTERS
from vetline.resolve.match_table import _read_records, build_match_table


def _splink_pairs(table: pd.DataFrame) -> set[tuple[int, int]]:
    linker = splink_model.make_linker(engine.open_engine("duckdb"), match_rows.row_frame(table))
    pairs = linker.inference.compute_blocked_pairs_for_predict().as_pandas_dataframe()
    return set(zip(pairs["join_key_l"].astype(int), pairs["join_key_r"].astype(int), strict=True))


def _numpy_pairs(table: pd.DataFrame) -> list[tuple[int, int]]:
    made: list[tuple[int, int]] = []
    for left, right in blocked.candidate_pairs(table):
        made += zip(left.tolist(), right.tolist(), strict=True)
    return made


@pytest.mark.parametrize("world", ["built world", "FEBRL3"])
def test_the_numpy_pairs_are_splinks_pairs_each_once(
    built_world: BuiltWorld, world: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if world == "FEBRL3":
        table = build_match_table(febrl.load_febrl3())
    else:
        table = build_match_table(_read_records(built_world.data))
    monkeypatch.setattr(blocked, "PAIR_BATCH", 997)  # many batches, a block split across two
    made = _numpy_pairs(table)
    assert len(made) == len(set(made))
    assert all(left < right for left, right in made)
    assert set(made) == _splink_pairs(table)
    assert len(made) > 1000


def _sql_filter(pairs: list[tuple[str | None, str | None]]) -> list[bool]:
    condition = BLOCKING_FILTERS[("surname", "forename")]
    frame = pd.DataFrame(
        {
            "dob_l": [left for left, _ in pairs],
            "dob_r": [right for _, right in pairs],
        }
    )
    sql = (
        "select coalesce("
        + condition.replace("l.dob_", "l_dob_")
        .replace("r.dob_", "r_dob_")
        .replace("l.dob", "l_dob")
        .replace("r.dob", "r_dob")
        + ", false) as ok from ("
        " select dob_l as l_dob, dob_r as r_dob,"
        " try_cast(split_part(dob_l, '-', 1) as int) as l_dob_year,"
        " try_cast(nullif(split_part(dob_l, '-', 2), '') as int) as l_dob_month,"
        " try_cast(nullif(split_part(dob_l, '-', 3), '') as int) as l_dob_day,"
        " try_cast(split_part(dob_r, '-', 1) as int) as r_dob_year,"
        " try_cast(nullif(split_part(dob_r, '-', 2), '') as int) as r_dob_month,"
        " try_cast(nullif(split_part(dob_r, '-', 3), '') as int) as r_dob_day"
        " from frame)"
    )
    con = duckdb.connect()
    con.register("frame", frame)
    return [bool(v) for (v,) in con.sql(sql).fetchall()]


def test_the_date_filter_decides_as_its_sql() -> None:
    rng = random.Random(7)

    def date() -> str | None:
        kind = rng.random()
        year = rng.choice([1950, 1951, 1959, 1960, 1961, 1995, 1915])
        month, day = rng.choice([1, 2, 10, 11, 12]), rng.choice([1, 2, 10, 11, 12, 21, 22])
        if kind < 0.1:
            return None
        if kind < 0.2:
            return f"{year:04d}"
        if kind < 0.3:
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}-{month:02d}-{day:02d}"

    pairs = [(date(), date()) for _ in range(5000)]
    pairs += [("1950-11-14", "1960-11-17"), ("1950-12-01", "1951-21-01"), ("1951", "1950")]
    pairs += [("1950-01-12", "1905-01-21"), ("1950-10", "1959-01"), ("1950", "1950-10")]
    table = pd.DataFrame({"dob": [d for pair in pairs for d in pair]})
    for part, index in (("dob_year", 0), ("dob_month", 1), ("dob_day", 2)):
        table[part] = [
            int(d.split("-")[index]) if d and len(d.split("-")) > index else None
            for d in table["dob"]
        ]
    left = np.arange(0, len(table), 2, dtype=np.int64)
    numpy_says = blocked.dob_compatible(blocked.dob_parts(table), left, left + 1)
    assert numpy_says.tolist() == _sql_filter(pairs)
    assert 0 < int(numpy_says.sum()) < len(pairs)


def test_a_sql_filter_without_its_numpy_twin_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(blocked, "BLOCKING_FILTERS", {**BLOCKING_FILTERS, ("zip",): "true"})
    with pytest.raises(RuntimeError, match="zip"):
        blocked.check_filters()
