"""``aggregate`` (persons from scored candidate records) equals its plain-Python form.

The function reads a one-record person's levels straight from its record and walks
the identifier evidence only for several-record persons (batch CPU, bench/README.md
"Batch CPU per row, round 5"); this holds it to the plain per-person loop, bit for
bit, on random candidate sets: many or one record per person, exact / conflicting /
null identifiers, missing dates of birth, ties and NaN weights.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest

from vetline.resolve import aggregate as aggregate_module
from vetline.resolve.aggregate import _DOB, _ID_COLS, aggregate
from vetline.resolve.comparisons import COMPARISONS
from vetline.resolve.scorer import Scores


def _loop(scores: Scores, persons: list[Any], prior: float) -> tuple[list[str], list[Any]]:
    """The per-person loop ``aggregate`` had (main at 7af2ede), kept as the reference."""
    g_rows, w_rows = scores.gamma.tolist(), scores.weights.tolist()
    members: dict[Any, list[int]] = {}
    for r, p in enumerate(persons):
        members.setdefault(p, []).append(r)
    bio_cols = [i for i in range(len(COMPARISONS)) if i not in _ID_COLS]
    bio = (prior + scores.weights[:, bio_cols].sum(axis=1)).tolist()
    out = []
    for rows in members.values():
        b = max(rows, key=lambda r: (bio[r], -r))  # the first of equals
        g, w = list(g_rows[b]), list(w_rows[b])
        for c in _ID_COLS:
            exact = [r for r in rows if g_rows[r][c] == 1]
            worse = [r for r in rows if g_rows[r][c] > 1]
            if exact:
                g[c], w[c] = 1, w_rows[exact[-1]][c]
            elif worse:
                low = min(worse, key=lambda r: (w_rows[r][c], -g_rows[r][c]))
                g[c], w[c] = g_rows[low][c], w_rows[low][c]
            else:
                g[c], w[c] = 0, 0.0
        dated = [r for r in rows if g_rows[r][_DOB] != 0]
        if g[_DOB] == 0 and dated:
            d = max(dated, key=lambda r: (w_rows[r][_DOB], -r))
            g[_DOB], w[_DOB] = g_rows[d][_DOB], w_rows[d][_DOB]
        out.append((b, g, w, any(g[c] == 1 for c in _ID_COLS)))
    total = (prior + np.array([o[2] for o in out]).sum(axis=1)).tolist()
    rank = np.argsort(-np.array(total), kind="stable").tolist()
    names = list(members)
    return [str(names[i]) for i in rank], [(total[i], *out[i]) for i in rank]


def _scores(rng: random.Random, n: int, nan: float = 0.05) -> Scores:
    k = len(COMPARISONS)
    gamma = np.array([[rng.choice([0, 0, 1, 2, 3]) for _ in range(k)] for _ in range(n)])
    weights = np.array([[rng.choice([-3.5, -1.25, 0.0, -0.0, 2.0, 7.75, rng.uniform(-9, 9)])
                         for _ in range(k)] for _ in range(n)])  # fmt: skip
    weights[gamma == 0] = 0.0
    if rng.random() < nan:
        weights[rng.randrange(n), rng.randrange(k)] = math.nan
    mw = weights.sum(axis=1)
    return Scores(gamma.astype(np.int8), weights, mw, 1.0 / (1.0 + np.exp2(-mw)))


@pytest.mark.parametrize("wide_min", [1, 10**9])  # every set by arrays (``_wide``), or none
@pytest.mark.parametrize("seed", range(40))
def test_aggregate_equals_the_per_person_loop(
    seed: int, wide_min: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aggregate_module, "WIDE_MIN", wide_min)
    rng = random.Random(seed)
    n = rng.choice([1, 2, 4, 9, 60, 300])
    scores = _scores(rng, n, nan=0.05 if seed % 4 else 0.0)
    persons = [f"P{rng.randrange(max(1, n // rng.choice([1, 2, 4])))}" for _ in range(n)]
    got = aggregate(scores, persons, -12.5)
    names, rows = _loop(scores, persons, -12.5)
    assert got.persons == names
    for i, (total, best, g, w, agrees) in enumerate(rows):
        same_total = got.match_weight[i] == total or (
            math.isnan(total) and math.isnan(got.match_weight[i])
        )
        assert same_total
        assert int(got.best_record[i]) == best
        assert got.gamma[i].tolist() == g
        assert [x if x == x else "nan" for x in got.weights[i].tolist()] == [
            x if x == x else "nan" for x in w
        ]
        assert bool(got.identifier_agrees[i]) == agrees
    assert got.gamma.dtype == np.int8 and got.weights.dtype == np.float64
    # bit for bit, not only equal (−0.0 is 0.0 to ``==``): the loop's own answer
    monkeypatch.setattr(aggregate_module, "WIDE_MIN", 10**9)
    loop = aggregate(scores, persons, -12.5)
    for field in ("match_weight", "best_record", "gamma", "weights", "identifier_agrees"):
        a, b = getattr(got, field), getattr(loop, field)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), field
