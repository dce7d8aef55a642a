"""Score one subject against a large block of candidates: NumPy per level, each value
tested once.

``realtime.SubjectScorer`` walks the candidates in plain Python, the right shape for the
median query (a handful of records). At 10M records a common name with a date of birth
meets thousands of records (``NGUYEN NAM 1952-02-02``: 2,859), and the per-candidate
Python became the resolver's tail: p99 3.6 ms, the slowest queries 30 ms (bench/README.md,
"serve32"). Here each level is a mask over all candidates, and a level that reads a
string column tests each *distinct* value of the block once (a block of one surname holds
a few hundred distinct forenames, one surname), then spreads the answer by code.

Bit for bit ``SubjectScorer.score``: every test is the same Python function of the
subject's value and the candidate's value (``_jw_at_least``, shared with ``realtime``;
the same ``==``), evaluated once per distinct value instead of once per candidate; dates
compare as floats with NaN as Python compares them; a term-frequency weight is read
from the same per-code table; and the weights become the same (n, comparisons) matrix,
summed by the same NumPy reduction. ``tests/resolve/test_realtime.py`` runs its checks
against the reference on both paths (every level reached; a built world's candidates,
small vocabularies as lists and all mapped).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

from vetline.resolve.comparisons import COMPARISONS, Level
from vetline.resolve.index import RecordIndex
from vetline.resolve.scorer import Scores
from vetline.resolve.standardise import INT_COLUMNS, LIST_COLUMNS

Mask = npt.NDArray[np.bool_]
_JW = JaroWinkler.normalized_similarity
_DISTANCE: dict[str, Callable[..., int]] = {
    "levenshtein": Levenshtein.distance,
    "damerau": DamerauLevenshtein.distance,
}
#: Far from the threshold, float32 rounding of a similarity cannot change the comparison
#: (float32 spacing near 1 is 6e-8); closer, compare exactly as ``cpdist`` + NumPy do.
_NEAR = 1e-6


def _jw_at_least(left: str, right: str, threshold: float) -> bool:
    """Jaro-Winkler similarity ≥ ``threshold``, decided as ``cpdist`` + NumPy decide it
    (the one test both scorers, this and ``realtime``'s, call)."""
    sim = _JW(left, right)
    if abs(sim - threshold) > _NEAR:
        return sim >= threshold
    return bool((np.array([sim], dtype=np.float32) >= threshold)[0])


class _Block:
    """One subject against its candidate rows: a column's codes, its distinct codes and
    their decoded values, fetched once, when a level first reads the column."""

    def __init__(self, index: RecordIndex, row: dict[str, Any], rows: npt.NDArray[Any]) -> None:
        self.index, self.row, self.rows, self.n = index, row, rows, len(rows)
        self._codes: dict[str, npt.NDArray[np.int32]] = {}
        self._distinct: dict[str, tuple[list[Any], npt.NDArray[np.intp]]] = {}
        self._ints: dict[str, npt.NDArray[np.float64]] = {}

    def codes(self, column: str) -> npt.NDArray[np.int32]:
        if column not in self._codes:
            self._codes[column] = self.index.coded[column].codes[self.rows]
        return self._codes[column]

    def distinct(self, column: str) -> tuple[list[Any], npt.NDArray[np.intp]]:
        """The block's distinct values of ``column`` (``None`` for null) and, per
        candidate, the position of its value among them."""
        if column not in self._distinct:
            # a hash table, not a sort: 3-4x ``np.unique``'s speed on a block's codes
            inverse, uniq = pd.factorize(self.codes(column))
            values = self.index.coded[column].decode(uniq.tolist())
            self._distinct[column] = (values, inverse)
        return self._distinct[column]

    def each(self, column: str, test: Callable[[Any], bool]) -> Mask:
        """``test(value)`` of every candidate's value of ``column``, one call per value."""
        values, inverse = self.distinct(column)
        once = np.fromiter((bool(test(v)) for v in values), dtype=bool, count=len(values))
        spread: Mask = once[inverse]
        return spread

    def ints(self, column: str) -> npt.NDArray[np.float64]:
        if column not in self._ints:
            self._ints[column] = self.index.ints[column][self.rows]
        return self._ints[column]

    def subject(self, column: str) -> Any:
        """The subject's value as ``realtime._Query.subject`` gives it."""
        value = self.row.get(column)
        if column in INT_COLUMNS:
            return math.nan if value is None else float(value)
        if column in LIST_COLUMNS:
            return tuple(value) if value else None
        return value


def _none(b: _Block) -> Mask:
    return np.zeros(b.n, dtype=bool)


def _null(level: Level, b: _Block) -> Mask:
    column = level.columns[0]
    if column in INT_COLUMNS:
        if math.isnan(b.subject(column)):
            return np.ones(b.n, dtype=bool)
        nan: Mask = np.isnan(b.ints(column))
        return nan
    if b.subject(column) is None:
        return np.ones(b.n, dtype=bool)
    return b.each(column, lambda v: v is None)


def _exact(level: Level, b: _Block) -> Mask:
    mine = b.subject(level.columns[0])
    if mine is None:
        return _none(b)
    return b.each(level.columns[0], lambda v: v == mine)


def _reversed(level: Level, b: _Block) -> Mask:
    a, c = level.columns
    sa, sc = b.subject(a), b.subject(c)
    if sa is None or sc is None:
        return _none(b)
    return b.each(c, lambda v: v == sa) & b.each(a, lambda v: v == sc)


def _intersect(level: Level, b: _Block) -> Mask:
    mine = b.subject(level.columns[0])
    if not mine:
        return _none(b)
    wanted = set(mine)
    return b.each(level.columns[0], lambda v: bool(v) and not wanted.isdisjoint(v))


def _reversed_similar(level: Level, b: _Block) -> Mask:
    a, c = level.columns
    sa, sc = b.subject(a), b.subject(c)
    if sa is None or sc is None:
        return _none(b)
    t = level.threshold
    return b.each(c, lambda v: v is not None and _jw_at_least(str(sa), str(v), t)) & b.each(
        a, lambda v: v is not None and _jw_at_least(str(sc), str(v), t)
    )


def _jaro_winkler(level: Level, b: _Block) -> Mask:
    mine = b.subject(level.columns[0])
    if mine is None:
        return _none(b)
    t = level.threshold
    return b.each(level.columns[0], lambda v: v is not None and _jw_at_least(str(mine), str(v), t))


def _edits(level: Level, b: _Block) -> Mask:
    mine = b.subject(level.columns[0])
    if mine is None:
        return _none(b)
    distance, t = _DISTANCE[level.kind], level.threshold
    return b.each(level.columns[0], lambda v: v is not None and distance(str(mine), str(v)) <= t)


def _dob(level: Level, b: _Block) -> Mask:
    """As ``realtime._dob``: NaN equals nothing, a missing part of either side passes
    ``dob_partial``."""
    y, m, d = b.subject("dob_year"), b.subject("dob_month"), b.subject("dob_day")
    ys, ms, ds = b.ints("dob_year"), b.ints("dob_month"), b.ints("dob_day")
    kind = level.kind
    with np.errstate(invalid="ignore"):
        if kind == "dob_exact":
            out: Mask = (ys == y) & (ms == m) & (ds == d)
        elif kind == "dob_partial":
            month_ok = np.isnan(ms) | (ms == m) if not math.isnan(m) else np.ones(b.n, bool)
            day_ok = np.isnan(ds) | (ds == d) if not math.isnan(d) else np.ones(b.n, bool)
            out = (ys == y) & month_ok & day_ok
        elif kind == "dob_swap":
            out = (ys == y) & (ds == m) & (ms == d)
        else:  # year_within
            out = np.abs(y - ys) <= level.threshold
    return out


_TESTS: dict[str, Callable[[Level, _Block], Mask]] = {
    "else": lambda level, b: np.ones(b.n, dtype=bool),
    "null": _null,
    "exact": _exact,
    "reversed": _reversed,
    "array_intersect": _intersect,
    "reversed_similar": _reversed_similar,
    "jaro_winkler": _jaro_winkler,
    **dict.fromkeys(("levenshtein", "damerau"), _edits),
    **dict.fromkeys(("dob_exact", "dob_partial", "dob_swap", "year_within"), _dob),
}


def score_block(
    index: RecordIndex,
    levels: list[list[tuple[int, Level, Any, Any]]],
    tables: list[list[npt.NDArray[np.float64] | None]],
    prior_weight: float,
    row: dict[str, Any],
    rows: npt.NDArray[np.integer[Any]],
) -> Scores:
    """``SubjectScorer.score`` of ``row`` against ``rows``, level by level over all rows
    (``levels`` and ``tables``: the scorer's per-comparison levels and term-frequency
    weight tables)."""
    n, width = len(rows), len(COMPARISONS)
    b = _Block(index, row, rows)
    gamma = np.zeros((n, width), dtype=np.int8)
    weights = np.zeros((n, width), dtype=np.float64)
    for c, comparison in enumerate(levels):
        todo = np.ones(n, dtype=bool)
        for i, level, _, params in comparison:  # the first level that holds decides
            hit = todo & _TESTS[level.kind](level, b)
            if not hit.any():
                continue
            todo &= ~hit
            gamma[hit, c] = i
            table = tables[c][i]
            if table is not None:
                weights[hit, c] = table[b.codes(params.tf_column or "")[hit]]
            else:
                weights[hit, c] = params.log2_bf
            if not todo.any():
                break
    match_weight = prior_weight + weights.sum(axis=1)
    return Scores(gamma, weights, match_weight, 1.0 / (1.0 + np.exp2(-match_weight)))
