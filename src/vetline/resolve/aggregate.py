"""From scored candidate records to scored candidate persons.

A person may have several records, and the one that matches the subject's name best may
lack the identifier another record contradicts. Taking only the best record would hide
that conflict (a different A-number on the person's other record is strong evidence
against identity), so a person's score is:

* biographic evidence (names, date of birth, sex, place, address) from the person's
  best-matching candidate record, plus
* identifier evidence from *all* its candidate records: an exact agreement anywhere
  counts; otherwise the strongest conflict counts; otherwise nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vetline.resolve.comparisons import COMPARISONS, IDENTIFIER_COMPARISONS
from vetline.resolve.scorer import Scores

_ID_COLS = [i for i, c in enumerate(COMPARISONS) if c.name in IDENTIFIER_COMPARISONS]
_BIO_COLS = [i for i, c in enumerate(COMPARISONS) if c.name not in IDENTIFIER_COMPARISONS]
_EXACT = 1  # identifier comparisons: level 0 null, 1 exact, then typo/different


@dataclass(frozen=True)
class PersonScores:
    """Candidate persons ranked best first."""

    persons: list[str]
    match_weight: npt.NDArray[np.float64]
    best_record: npt.NDArray[np.intp]  # position in the candidate arrays
    #: (persons, comparisons): level index and weight used for each person
    gamma: npt.NDArray[np.int8]
    weights: npt.NDArray[np.float64]
    identifier_agrees: npt.NDArray[np.bool_]

    @property
    def probability(self) -> npt.NDArray[np.float64]:
        return 1.0 / (1.0 + np.exp2(-self.match_weight))


def aggregate(scores: Scores, persons: npt.NDArray[Any], prior_weight: float) -> PersonScores:
    codes, uniques = pd.factorize(persons)
    n_persons = len(uniques)
    bio = prior_weight + scores.weights[:, _BIO_COLS].sum(axis=1)
    order = np.lexsort((-bio, codes))
    first = np.ones(len(order), dtype=bool)
    first[1:] = codes[order][1:] != codes[order][:-1]
    best = np.empty(n_persons, dtype=np.intp)
    best[codes[order][first]] = order[first]
    gamma = scores.gamma[best].copy()
    weights = scores.weights[best].copy()
    agrees = np.zeros(n_persons, dtype=bool)
    for c in _ID_COLS:
        g, w = scores.gamma[:, c], scores.weights[:, c]
        exact = g == _EXACT
        has_exact = np.zeros(n_persons, dtype=bool)
        has_exact[codes[exact]] = True
        exact_w = np.zeros(n_persons)
        exact_w[codes[exact]] = w[exact]
        worst = np.full(n_persons, np.inf)
        other = g > _EXACT
        np.minimum.at(worst, codes[other], w[other])
        worst_level = np.zeros(n_persons, dtype=np.int8)
        for level in np.unique(g[other]):
            sel = other & (g == level)
            hit = np.zeros(n_persons, dtype=bool)
            hit[codes[sel][w[sel] == worst[codes[sel]]]] = True
            worst_level[hit] = level
        has_other = np.isfinite(worst)
        weights[:, c] = np.where(has_exact, exact_w, np.where(has_other, worst, 0.0))
        gamma[:, c] = np.where(has_exact, _EXACT, np.where(has_other, worst_level, 0))
        agrees |= has_exact
    total = prior_weight + weights.sum(axis=1)
    rank = np.argsort(-total, kind="stable")
    return PersonScores(
        [str(uniques[i]) for i in rank],
        total[rank],
        best[rank],
        gamma[rank],
        weights[rank],
        agrees[rank],
    )
