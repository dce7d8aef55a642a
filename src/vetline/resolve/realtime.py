"""Score one subject against its candidate records, reading the index's codes.

``scorer.score`` evaluates each comparison level for a whole batch of pairs with NumPy:
the right shape for many pairs, the wrong one for a query. On the 1M-record world a
subject has a median of 4 candidate records (99th percentile 38), so the hundreds of tiny
array operations per query cost far more than the arithmetic. This scorer walks the
candidates in plain Python on the index's dictionary codes instead: a null level is code
−1, other levels decode only the candidates' values they read (a list index, no
value → code dictionary of a million identifiers per column), and string similarity uses
rapidfuzz's scalar scorers (the C++ code ``cpdist`` runs).

The answer must not move by one bit, so each step reproduces the reference exactly:

* ``cpdist`` returns Jaro-Winkler similarities as float32 and NumPy compares them with the
  threshold in float32; near a threshold this scorer does the same (``_jw_at_least``);
* a term-frequency level's weight depends only on the record's code, so it is computed
  per vocabulary entry with the reference's own NumPy expression (``_tf_table``);
* sums of weights stay NumPy reductions over the same matrices (``Scores``), so their
  rounding is the reference's.

``tests/resolve/test_realtime.py`` checks level and weight of every pair against
``scorer.score``, itself checked against Splink's own output.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vetline.resolve.comparisons import COMPARISONS, Level
from vetline.resolve.index import RecordIndex
from vetline.resolve.model import LevelParams, MatchModel
from vetline.resolve.scorer import Scores
from vetline.resolve.standardise import INT_COLUMNS, LIST_COLUMNS
from vetline.resolve.wide import CharCounts, score_block, within_edits
from vetline.resolve.wide import _jw_at_least as _jw_at_least  # re-exported (tests)

#: From this many candidate records on, a query is scored level by level over all of
#: them (``wide.score_block``: the same answer bit for bit); below, candidate by
#: candidate in plain Python, cheaper than NumPy's per-call overhead. The two cost the
#: same at ≈ 64 candidates at 10M records since null and exact levels compare codes
#: (≈ 160-190 before; bench/README.md, "serve32" and "tail34").
WIDE_MIN = 64


def _tf_table(params: LevelParams, tf: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Weight of a term-frequency level per code (last entry: null), as ``score`` adds it."""
    assert params.tf_u_exact is not None
    known = ~np.isnan(tf)
    adj = params.tf_weight * (
        np.log2(params.tf_u_exact) - np.log2(np.maximum(tf, params.tf_minimum_u))
    )
    base = np.full(len(tf), params.log2_bf, dtype=np.float64)
    out: npt.NDArray[np.float64] = base + np.where(known, adj, 0.0)
    return out


@dataclass
class _Query:
    """One subject against its candidate rows: subject values; the candidates' codes and
    values of a column fetched once, when a level first reads it."""

    index: RecordIndex
    row: dict[str, Any]
    rows: npt.NDArray[np.integer[Any]]

    def __post_init__(self) -> None:
        self._codes: dict[str, list[int]] = {}
        self._values: dict[str, list[Any] | dict[int, Any]] = {}
        self._ints: dict[str, list[float]] = {}
        self._subject: dict[str, Any] = {}

    def codes(self, column: str) -> list[int]:
        if column not in self._codes:
            self._codes[column] = self.index.coded[column].codes[self.rows].tolist()
        return self._codes[column]

    def code(self, column: str, value: Any) -> int | None:
        """The code of ``value`` (a ``str``) in ``column``'s vocabulary, −1 if absent; None
        for another type (the caller compares values). A vocabulary holds each value once
        (``Coded``), so ``v == value`` holds for exactly this code's candidates."""
        if type(value) is not str:
            return None
        return self.index.coded[column].code_of(value)

    def values(self, column: str, todo: list[int]) -> list[Any] | dict[int, Any]:
        """The candidates' values of ``column`` (``None`` for null), by position, at least
        at ``todo``: every candidate's when ``todo`` is all of them, else only those
        asked for (a fuzzy level after null and exact codes reads few)."""
        got = self._values.get(column)
        if isinstance(got, list):
            return got
        codes, coded = self.codes(column), self.index.coded[column]
        if got is None:
            if len(todo) == len(codes):
                self._values[column] = every = coded.decode(codes)
                return every
            self._values[column] = got = {}
        missing = [i for i in todo if i not in got]
        if missing:
            got.update(zip(missing, coded.decode([codes[i] for i in missing]), strict=True))
        return got

    def ints(self, column: str) -> list[float]:
        if column not in self._ints:
            self._ints[column] = self.index.ints[column][self.rows].tolist()
        return self._ints[column]

    def subject(self, column: str) -> Any:
        """The subject's value as the reference broadcasts it (``scorer.broadcast``)."""
        if column in self._subject:
            return self._subject[column]
        value = self.row.get(column)
        if column in INT_COLUMNS:
            value = math.nan if value is None else float(value)
        elif column in LIST_COLUMNS:
            value = tuple(value) if value else None
        self._subject[column] = value
        return value


#: A level's test: the candidates (positions among ``todo``) for which its condition holds.
Test = Callable[[Level, _Query, list[int]], list[int]]


def _else(level: Level, q: _Query, todo: list[int]) -> list[int]:
    return todo


def _null(level: Level, q: _Query, todo: list[int]) -> list[int]:
    column = level.columns[0]
    if column in INT_COLUMNS:
        if math.isnan(q.subject(column)):
            return todo
        parts = q.ints(column)
        return [i for i in todo if math.isnan(parts[i])]
    if q.subject(column) is None:
        return todo
    codes = q.codes(column)  # null is code −1: a vocabulary entry is never None
    return [i for i in todo if codes[i] < 0]


def _equal(column: str, value: Any, q: _Query, todo: list[int]) -> list[int]:
    """Candidates among ``todo`` whose ``column`` ``== value``: by code when it can be."""
    code = q.code(column, value)
    if code is None:
        values = q.values(column, todo)
        return [i for i in todo if values[i] == value]
    if code < 0:
        return []
    codes = q.codes(column)
    return [i for i in todo if codes[i] == code]


def _exact(level: Level, q: _Query, todo: list[int]) -> list[int]:
    """Values compared as the reference does (``==``): by vocabulary code."""
    mine = q.subject(level.columns[0])
    if mine is None:
        return []
    return _equal(level.columns[0], mine, q, todo)


def _reversed(level: Level, q: _Query, todo: list[int]) -> list[int]:
    a, b = level.columns
    sa, sb = q.subject(a), q.subject(b)
    if sa is None or sb is None:
        return []
    return _equal(a, sb, q, _equal(b, sa, q, todo))


def _intersect(level: Level, q: _Query, todo: list[int]) -> list[int]:
    mine = q.subject(level.columns[0])
    if not mine:
        return []
    wanted, theirs = set(mine), q.values(level.columns[0], todo)
    return [i for i in todo if theirs[i] and not wanted.isdisjoint(theirs[i])]


def _reversed_similar(level: Level, q: _Query, todo: list[int]) -> list[int]:
    a, b = level.columns
    sa, sb = q.subject(a), q.subject(b)
    if sa is None or sb is None:
        return []
    values_a, values_b = q.values(a, todo), q.values(b, todo)
    return [
        i
        for i in todo
        if values_a[i] is not None
        and values_b[i] is not None
        and _jw_at_least(str(sa), str(values_b[i]), level.threshold)
        and _jw_at_least(str(sb), str(values_a[i]), level.threshold)
    ]


def _jaro_winkler(level: Level, q: _Query, todo: list[int]) -> list[int]:
    mine = q.subject(level.columns[0])
    if mine is None:
        return []
    values = q.values(level.columns[0], todo)
    return [
        i
        for i in todo
        if values[i] is not None and _jw_at_least(str(mine), str(values[i]), level.threshold)
    ]


def _edits(level: Level, q: _Query, todo: list[int]) -> list[int]:
    mine = q.subject(level.columns[0])
    if mine is None:
        return []
    values = q.values(level.columns[0], todo)
    present = [i for i in todo if values[i] is not None]
    within = within_edits(level.kind, str(mine), [str(values[i]) for i in present], level.threshold)
    return [i for i, ok in zip(present, within.tolist(), strict=True) if ok]


def _dob(level: Level, q: _Query, todo: list[int]) -> list[int]:
    """Date-of-birth part levels: float parts, NaN for a missing part, as the reference."""
    kind = level.kind
    y, m, d = q.subject("dob_year"), q.subject("dob_month"), q.subject("dob_day")
    ys, ms, ds = q.ints("dob_year"), q.ints("dob_month"), q.ints("dob_day")
    nan = math.isnan
    if kind == "dob_exact":
        return [i for i in todo if y == ys[i] and m == ms[i] and d == ds[i]]
    if kind == "dob_partial":
        return [
            i
            for i in todo
            if y == ys[i]
            and (nan(m) or nan(ms[i]) or m == ms[i])
            and (nan(d) or nan(ds[i]) or d == ds[i])
        ]
    if kind == "dob_swap":
        return [i for i in todo if y == ys[i] and m == ds[i] and d == ms[i]]
    return [i for i in todo if abs(y - ys[i]) <= level.threshold]  # year_within


_TESTS: dict[str, Test] = {
    "else": _else,
    "null": _null,
    "exact": _exact,
    "reversed": _reversed,
    "array_intersect": _intersect,
    "reversed_similar": _reversed_similar,
    "jaro_winkler": _jaro_winkler,
    "levenshtein": _edits,
    "damerau": _edits,
    "dob_exact": _dob,
    "dob_partial": _dob,
    "dob_swap": _dob,
    "year_within": _dob,
}


class SubjectScorer:
    """The trained model applied to one subject and its candidate rows of ``index``."""

    def __init__(self, model: MatchModel, index: RecordIndex) -> None:
        self.model = model
        self.index = index
        #: per comparison, per level: (level index, level, its test, its parameters)
        self._levels = [
            [
                (i, level, _TESTS[level.kind], params)
                for i, (level, params) in enumerate(
                    zip(c.levels, model.comparisons[c.name], strict=True)
                )
            ]
            for c in COMPARISONS
        ]
        self._counts = CharCounts()  # the typo levels' bound, kept across queries
        self._tf_of: dict[str, npt.NDArray[np.float64]] | None = None
        self._tf_tables: list[list[npt.NDArray[np.float64] | None]] = []

    def _tables(self) -> list[list[npt.NDArray[np.float64] | None]]:
        """Per comparison, per level: weight per code if the level is term-frequency
        adjusted. Rebuilt when the index refreshes its term frequencies (``add``)."""
        tf = self.index.tf
        if self._tf_of is not tf:
            self._tf_tables = [
                [
                    _tf_table(p, tf[p.tf_column])
                    if p.tf_column and p.tf_u_exact and p.tf_column in tf
                    else None
                    for _, _, _, p in levels
                ]
                for levels in self._levels
            ]
            self._tf_of = tf
        return self._tf_tables

    def score(self, row: dict[str, Any], rows: npt.NDArray[np.integer[Any]]) -> Scores:
        """Score ``row`` (a standardised subject) against index ``rows``; ``scorer.score``'s
        result for the same pairs."""
        n, width = len(rows), len(COMPARISONS)
        tables = self._tables()
        if n >= WIDE_MIN:
            prior = self.model.prior_weight
            return score_block(self.index, self._levels, tables, prior, row, rows, self._counts)
        q = _Query(self.index, row, rows)
        gamma = [0] * (n * width)  # row-major (n, width), as the matrices it becomes
        weights = [0.0] * (n * width)
        everyone = list(range(n))
        for c, levels in enumerate(self._levels):
            todo = everyone
            for i, level, test, params in levels:  # the first level that holds decides
                hit = test(level, q, todo)
                if not hit:
                    continue
                table = tables[c][i]
                if table is not None:
                    codes = q.codes(params.tf_column or "")
                    for r in hit:
                        gamma[r * width + c] = i
                        weights[r * width + c] = float(table[codes[r]])
                elif i or params.log2_bf or math.copysign(1.0, params.log2_bf) < 0:
                    for r in hit:  # (level 0 at weight +0.0 is what the lists hold already)
                        gamma[r * width + c] = i
                        weights[r * width + c] = params.log2_bf
                if len(hit) == len(todo):
                    break
                done = set(hit)
                todo = [r for r in todo if r not in done]
        g = np.array(gamma, dtype=np.int8).reshape(n, width)
        w = np.array(weights, dtype=np.float64).reshape(n, width)
        match_weight = self.model.prior_weight + w.sum(axis=1)
        return Scores(g, w, match_weight, 1.0 / (1.0 + np.exp2(-match_weight)))

    def first_equal(
        self, column: str, row: dict[str, Any], rows: npt.NDArray[np.integer[Any]]
    ) -> int | None:
        """Position of the first of ``rows`` whose ``column`` equals the subject's, if any."""
        value = row.get(column)
        if value is None:
            return None
        q = _Query(self.index, row, rows)
        code = q.code(column, value)
        if code is not None:  # by code, as ``_equal``
            if code < 0:
                return None
            at = np.flatnonzero(self.index.coded[column].codes[rows] == code)
            return int(at[0]) if len(at) else None
        values = q.values(column, list(range(len(rows))))
        return next((i for i, v in enumerate(values) if v == value), None)
