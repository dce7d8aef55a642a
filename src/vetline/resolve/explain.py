"""An answer's explanation: the waterfall of weights that made the chosen person's score.

Why: every conclusion shows its evidence. The steps are the model's prior, each
comparison's level with its weight (and, apart, its term-frequency adjustment, as
Splink draws them), then the resolver's own corrections beyond the trained model — the
whole name's frequency (``fullname.py``), a disagreement capped at a clerk's error rate
and the namesakes outside the loaded records (``population.py``). Moved from
``resolver.py`` as they were.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from vetline.resolve.comparisons import COMPARISONS
from vetline.resolve.model import MatchModel
from vetline.resolve.population import DISAGREEMENT_M_CEILING


def explain(
    model: MatchModel,
    gamma: np.ndarray[Any, Any],
    weights: np.ndarray[Any, Any],
    decisive: str | None,
) -> list[dict[str, Any]]:
    """The prior and each non-null comparison's step (``decisive``: the comparison that
    settled the identity by biometrics, labelled so)."""
    items: list[dict[str, Any]] = [
        {"field": "prior", "comparison": "prior (two random records match)",
         "weight": round(model.prior_weight, 4)}
    ]  # fmt: skip
    levels: list[int] = gamma.tolist()
    weight_of: list[float] = weights.tolist()
    for c, comparison in enumerate(COMPARISONS):
        level = comparison.levels[levels[c]]
        if level.kind == "null":
            continue
        label = level.label
        if decisive and comparison.name == decisive and level.label == "exact":
            label = "exact: biometric identity, decisive"
        # The level's own weight and the term-frequency adjustment apart (added keys),
        # so the waterfall can show both as Splink draws them.
        level_weight = model.comparisons[comparison.name][levels[c]].log2_bf
        items.append(
            {
                "field": comparison.field,
                "comparison": label,
                "weight": round(weight_of[c], 4),
                "tf_adjustment": round(weight_of[c] - level_weight, 4),
            }
        )
    return items


def corrections(
    whole: float, against: float, lost: float, namesakes: float
) -> list[dict[str, Any]]:
    """The steps beyond the model, each shown when it lowered the weight: ``whole`` (the
    whole-name fix), ``against`` (the disagreement fix), ``lost`` (what the ``namesakes``
    expected outside the loaded records took)."""
    items: list[dict[str, Any]] = []
    if whole < -1e-4:
        items.append(
            {
                "field": "full_name",
                "comparison": "the whole name is more common in the loaded records than "
                "its surname and first name multiplied",
                "weight": round(whole, 4),
            }
        )
    if against < -1e-4:
        items.append(
            {
                "field": "disagreement",
                "comparison": "a disagreement weighed as a clerk's error rate at most "
                f"({DISAGREEMENT_M_CEILING:.0%} of a person's records), not as often "
                "as the trained model found it among look-alikes",
                "weight": round(against, 4),
            }
        )
    if lost < -1e-4:
        items.append(
            {
                "field": "population",
                "comparison": f"{namesakes:.3g} namesakes expected outside "
                "the loaded records (booking population, national name frequencies)",
                "weight": round(lost, 4),
            }
        )
    return items
