"""Score record pairs with the trained model in NumPy: Splink's arithmetic, no SQL.

Splink's maintainers advise this for real time: retrieve candidates yourself and score
them with the model. A pair's match weight is the prior weight plus, per comparison,
log2(m/u) of the first level whose condition holds, plus the term-frequency adjustment
``w · (log2 u_exact − log2 max(tf_l, tf_r, min_u))`` on term-frequency levels — exactly
the expression Splink's predict SQL computes (``tests/resolve/test_scorer.py`` checks
agreement with Splink's own output on FEBRL pairs).

Columns are arrays: strings as object arrays with ``None`` for null, date parts as float
arrays with NaN, list columns as arrays of tuples. String distances use rapidfuzz's
element-wise ``cpdist`` (C loops), so a batch of candidates costs microseconds per pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein
from rapidfuzz.process import cpdist

from vetline.resolve.comparisons import COMPARISONS, Level
from vetline.resolve.model import MatchModel
from vetline.resolve.standardise import INT_COLUMNS, LIST_COLUMNS

Columns = Mapping[str, npt.NDArray[np.object_] | npt.NDArray[np.float64]]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Scores:
    """Per pair: the level index chosen per comparison, its weight, total and probability."""

    gamma: npt.NDArray[np.int8]  # (pairs, comparisons): level index, as in COMPARISONS
    weights: npt.NDArray[np.float64]  # (pairs, comparisons): level weight + tf adjustment
    match_weight: npt.NDArray[np.float64]
    probability: npt.NDArray[np.float64]


def broadcast(row: dict[str, Any], n: int) -> dict[str, Any]:
    """One standardised row as ``n``-long left-hand columns (a subject against n records)."""
    out: dict[str, Any] = {}
    for column, value in row.items():
        if column in INT_COLUMNS:
            out[column] = np.full(n, np.nan if value is None else float(value))
            continue
        arr = np.empty(n, dtype=object)
        if column in LIST_COLUMNS:
            arr.fill(tuple(value) if value else None)
        else:
            arr.fill(value)
        out[column] = arr
    return out


def _notnull(values: npt.NDArray[np.object_] | npt.NDArray[np.float64]) -> Mask:
    if values.dtype.kind == "f":
        return ~np.isnan(values)
    # ``v != None`` per element in C (a Python comprehension was ~3x the CPU); the
    # values are strings, tuples or None, none of which equals None but None itself
    present: Mask = np.asarray(values != None, dtype=bool)  # noqa: E711
    return present


def _strings(values: npt.NDArray[np.object_]) -> list[str]:
    listed: list[str] = values.tolist()
    if all(type(v) is str for v in listed):  # the usual case: no conversion per value
        return listed
    return ["" if v is None else str(v) for v in listed]


class _Present:
    """Each column's not-null mask, computed once per ``score`` call: a comparison's
    levels ask for the same columns again and again (90 passes over the pairs per call
    before, ~40 % of an update's scoring CPU)."""

    def __init__(self, left: Columns, right: Columns) -> None:
        self.left, self.right = left, right
        self._left: dict[str, Mask] = {}
        self._right: dict[str, Mask] = {}

    def both(self, a: str, b: str | None = None) -> Mask:
        """Where ``left[a]`` and ``right[b]`` (``b`` defaults to ``a``) are both present."""
        b = a if b is None else b
        if a not in self._left:
            self._left[a] = _notnull(self.left[a])
        if b not in self._right:
            self._right[b] = _notnull(self.right[b])
        return self._left[a] & self._right[b]


def _equal(
    left: npt.NDArray[np.object_], right: npt.NDArray[np.object_], both: Mask | None = None
) -> Mask:
    if both is None:
        both = _notnull(left) & _notnull(right)
    eq: Mask = np.asarray(left == right, dtype=bool)
    return both & eq


def _similar(
    left: npt.NDArray[np.object_] | npt.NDArray[np.float64],
    right: npt.NDArray[np.object_] | npt.NDArray[np.float64],
    threshold: float,
    both: Mask | None = None,
) -> Mask:
    """Jaro-Winkler similarity ≥ ``threshold`` where both sides are present."""
    n = len(left)
    if both is None:
        both = _notnull(left) & _notnull(right)
    out = np.zeros(n, dtype=bool)
    if both.any():
        idx = np.flatnonzero(both)
        ls, rs = _strings(left[idx]), _strings(right[idx])  # type: ignore[arg-type]
        sim = cpdist(ls, rs, scorer=JaroWinkler.normalized_similarity, workers=1)
        out[idx] = sim >= threshold
    return out


def _level_mask(
    level: Level, left: Columns, right: Columns, n: int, present: _Present | None = None
) -> Mask:
    kind, cols = level.kind, level.columns
    present = present or _Present(left, right)
    if kind == "else":
        return np.ones(n, dtype=bool)
    if kind == "null":
        return ~present.both(cols[0])
    if kind == "exact":
        return _equal(left[cols[0]], right[cols[0]], present.both(cols[0]))  # type: ignore[arg-type]
    if kind == "reversed":
        a, b = cols
        return _equal(left[a], right[b], present.both(a, b)) & _equal(  # type: ignore[arg-type]
            left[b],  # type: ignore[arg-type]
            right[a],  # type: ignore[arg-type]
            present.both(b, a),
        )
    if kind == "array_intersect":
        lv, rv = left[cols[0]], right[cols[0]]
        return np.fromiter(
            (bool(x) and bool(y) and not set(x).isdisjoint(y) for x, y in zip(lv, rv, strict=True)),
            dtype=bool,
            count=n,
        )
    if kind == "reversed_similar":
        a, b = cols
        return _similar(left[a], right[b], level.threshold, present.both(a, b)) & _similar(
            left[b], right[a], level.threshold, present.both(b, a)
        )
    if kind in ("jaro_winkler", "levenshtein", "damerau"):
        lv, rv = left[cols[0]], right[cols[0]]
        both = present.both(cols[0])
        if not both.any():
            return both
        idx = np.flatnonzero(both)
        ls, rs = _strings(lv[idx]), _strings(rv[idx])  # type: ignore[arg-type]
        out = np.zeros(n, dtype=bool)
        if kind == "jaro_winkler":
            sim = cpdist(ls, rs, scorer=JaroWinkler.normalized_similarity, workers=1)
            out[idx] = sim >= level.threshold
        else:
            metric = Levenshtein if kind == "levenshtein" else DamerauLevenshtein
            dist = cpdist(ls, rs, scorer=metric.distance, workers=1)
            out[idx] = dist <= level.threshold
        return out
    y_l, y_r = left["dob_year"], right["dob_year"]
    m_l, m_r = left["dob_month"], right["dob_month"]
    d_l, d_r = left["dob_day"], right["dob_day"]
    with np.errstate(invalid="ignore"):
        same_year = y_l == y_r
        if kind == "dob_exact":
            return same_year & (m_l == m_r) & (d_l == d_r)  # type: ignore[no-any-return]
        if kind == "dob_partial":
            month_ok = np.isnan(m_l) | np.isnan(m_r) | (m_l == m_r)
            day_ok = np.isnan(d_l) | np.isnan(d_r) | (d_l == d_r)
            return same_year & month_ok & day_ok  # type: ignore[no-any-return]
        if kind == "dob_swap":
            return same_year & (m_l == d_r) & (d_l == m_r)  # type: ignore[no-any-return]
        if kind == "year_within":
            return np.abs(y_l - y_r) <= level.threshold
    raise ValueError(f"unknown level kind {kind!r}")


def score(
    model: MatchModel,
    left: Columns,
    right: Columns,
    tf: Mapping[str, npt.NDArray[np.float64]] | None = None,
) -> Scores:
    """Score pairs ``(left[i], right[i])``. ``tf[col]`` is the term frequency of the
    right-hand value of ``col`` (NaN when unknown); where left and right agree exactly,
    Splink's ``max(tf_l, tf_r)`` is that value.
    """
    n = len(next(iter(right.values())))
    tf = tf or {}
    gamma = np.zeros((n, len(COMPARISONS)), dtype=np.int8)
    weights = np.zeros((n, len(COMPARISONS)), dtype=np.float64)
    present = _Present(left, right)
    for c, comparison in enumerate(COMPARISONS):
        params = model.comparisons[comparison.name]
        todo = np.ones(n, dtype=bool)
        for i, level in enumerate(comparison.levels):
            if not todo.any():
                break
            hit = todo & _level_mask(level, left, right, n, present)
            if not hit.any():
                continue
            todo &= ~hit
            gamma[hit, c] = i
            p = params[i]
            weights[hit, c] = p.log2_bf
            if p.tf_column and p.tf_u_exact and p.tf_column in tf:
                tf_vals = tf[p.tf_column][hit]
                known = ~np.isnan(tf_vals)
                adj = p.tf_weight * (
                    np.log2(p.tf_u_exact) - np.log2(np.maximum(tf_vals, p.tf_minimum_u))
                )
                weights[hit, c] += np.where(known, adj, 0.0)
    match_weight = model.prior_weight + weights.sum(axis=1)
    probability = 1.0 / (1.0 + np.exp2(-match_weight))
    return Scores(gamma, weights, match_weight, probability)
