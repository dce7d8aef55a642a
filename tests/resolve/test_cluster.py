"""Which probable pairs may join records into a person (``cluster.clean_edges``)."""

from __future__ import annotations

import pandas as pd
import pytest

from vetline.resolve.cluster import clean_edges, weight_columns
from vetline.resolve.comparisons import COMPARISONS
from vetline.resolve.model import LevelParams, MatchModel


def _model() -> MatchModel:
    """Every level gets a distinct weight, so a weight names its level (as after training)."""
    comparisons = {
        c.name: [
            LevelParams(level.label, None, None, 0.0)
            if level.kind == "null"
            else LevelParams(level.label, 0.5, 0.5, 100.0 * k + i)
            for i, level in enumerate(c.levels)
        ]
        for k, c in enumerate(COMPARISONS, start=1)
    }
    return MatchModel(prior=1e-4, comparisons=comparisons)


def _weight(model: MatchModel, name: str, label: str) -> float:
    return next(p.log2_bf for p in model.comparisons[name] if p.label == label)


SWAP = "first and last name swapped, similar spelling (Jaro-Winkler ≥ 0.88)"


@pytest.mark.parametrize(
    ("levels", "kept", "why"),
    [
        ({"address": "exact"}, True, "the street address corroborates name and birth date"),
        ({"birth_country": "exact"}, True, "the birth country corroborates"),
        ({}, False, "name and birth date alone never join (look-alikes)"),
        ({"address": "exact", "forename": "different"}, False, "a first-name conflict"),
        ({"address": "exact", "ssn": "different"}, False, "two SSNs: two people"),
        (
            {"address": "exact", "forename": "different", "surname": SWAP},
            True,
            "first name 'different' only because the names are swapped",
        ),
        ({"ssn": "exact", "dob": "different"}, True, "an agreeing identifier is clean"),
    ],
)
def test_clean_edges(levels: dict[str, str], kept: bool, why: str) -> None:
    model = _model()
    row: dict[str, object] = {"unique_id_l": "a", "unique_id_r": "b", "match_weight": 30.0}
    row["match_probability"] = 0.99999
    for column in weight_columns():
        row[column] = 0.0  # every comparison "missing on one side" unless set below
    for name, label in levels.items():
        row[f"mw_{name}"] = _weight(model, name, label)
    edges = clean_edges(pd.DataFrame([row]), 0.9999, model)
    assert (len(edges) == 1) is kept, why
