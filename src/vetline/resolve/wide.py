"""Score one subject against a large block of candidates: NumPy per level, each value
tested once.

``realtime.SubjectScorer`` walks the candidates in plain Python, the right shape for the
median query (a handful of records). At 10M records a common name with a date of birth
meets thousands of records (``NGUYEN NAM 1952-02-02``: 2,859), and the per-candidate
Python became the resolver's tail: p99 3.6 ms, the slowest queries 30 ms (bench/README.md,
"serve32"). Here each level is a mask over all candidates: null and exact levels compare
vocabulary codes (no value decoded), and a fuzzy level tests each *distinct* value among
the candidates still undecided once (a block of one surname holds a few hundred distinct
forenames), then spreads the answer by code; typo levels make one rapidfuzz call for all
those values, after a character-count bound has ruled most of them out ("tail34").

Bit for bit ``SubjectScorer.score``: every test is the same function of the subject's
value and the candidate's value (``_jw_at_least``, shared with ``realtime``; the same
``==``, which a code decides exactly; Damerau-Levenshtein within one edit, which OSA
decides exactly), evaluated once per distinct value instead of once per candidate; dates
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
from rapidfuzz.distance import OSA, DamerauLevenshtein, JaroWinkler, Levenshtein
from rapidfuzz.process import cdist

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
#: Up to this many candidates, ``_Block.many`` groups their codes with a dict.
FEW = 48
#: From this many values on, ``within_edits`` makes one ``cdist`` call (≈ 6 µs of
#: overhead) rather than a scalar call per value (≈ 0.4 µs each).
EDITS_MANY = 24
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


def within_edits(kind: str, mine: str, values: list[str], threshold: float) -> Mask:
    """``distance(mine, v) <= threshold`` for each of ``values``, in one C++ call.

    A Python call per value was the largest cost of a query at 10M records (the date of
    birth's typo level over the thousand dates of a name block). Damerau-Levenshtein
    within one edit is exactly OSA within one edit: a single insertion, deletion,
    substitution or adjacent transposition is also an OSA alignment, and OSA ≥ DL
    always; OSA is rapidfuzz's bit-parallel scorer (several times faster). Beyond one
    edit the two differ (OSA never edits a substring twice), so wider thresholds keep
    the scalar test; distances are integers, so either way the same values pass."""
    if len(values) < EDITS_MANY:
        scalar = _DISTANCE[kind]
        return np.fromiter(
            (scalar(mine, v) <= threshold for v in values), dtype=bool, count=len(values)
        )
    if kind == "damerau" and threshold < 2:
        scorer: Callable[..., int] = OSA.distance
    elif kind == "levenshtein":
        scorer = Levenshtein.distance
    else:
        distance = _DISTANCE[kind]
        return np.fromiter(
            (distance(mine, v) <= threshold for v in values), dtype=bool, count=len(values)
        )
    within: Mask = cdist([mine], values, scorer=scorer, dtype=np.int32, workers=1)[0] <= threshold
    return within


#: Character counts in this many buckets (``ord(ch) % 16``: the ten digits and "-" apart).
_BUCKETS = 16


_ONES = np.ones(_BUCKETS, dtype=np.float32)


def _char_counts(values: list[Any]) -> npt.NDArray[np.int8]:
    """Per value, how many of its characters fall in each bucket (null: none), capped at
    127 (a cap only narrows a difference: the bound below still holds)."""
    out = []
    for v in values:
        counts = [0] * _BUCKETS
        if v is not None:
            for ch in str(v):
                counts[ord(ch) % _BUCKETS] += 1
        out.append([min(c, 127) for c in counts])
    return np.array(out, dtype=np.int8).reshape(len(values), _BUCKETS)


def _counts_apart(
    counts: npt.NDArray[np.int8], codes: npt.NDArray[Any], mine: str
) -> npt.NDArray[np.float32]:
    """L1 difference of each code's character counts from ``mine``'s: small integers,
    summed exactly in float32 (a matrix-vector product: a NumPy sum along 16 columns
    cost twice as much)."""
    gathered = np.take(counts, codes, axis=0)
    apart: npt.NDArray[np.float32] = (
        np.abs(gathered - _char_counts([mine])[0]).astype(np.float32) @ _ONES
    )
    return apart


class CharCounts:
    """Each entry's character counts of the small (in-memory) vocabularies, kept across
    queries: a cheap bound that rules most of a block out of a typo level before any
    value is decoded or compared (``_edits``). One edit changes the counts by at most 2
    (a substitution moves one character from one bucket to another; an insertion or a
    deletion changes one; a transposition none), so ``distance ≤ t`` needs the counts'
    L1 difference ≤ 2t: values beyond it cannot pass, the others get the exact test."""

    def __init__(self) -> None:
        #: column → (the coded column counted, its counts): a reloaded index counts anew
        self._of: dict[str, tuple[object, npt.NDArray[np.int8]]] = {}

    def of(self, index: RecordIndex, column: str) -> npt.NDArray[np.int8] | None:
        """Counts per code of ``column`` (grown with the vocabulary), None if mapped."""
        coded = index.coded[column]
        vocab = coded.vocab
        if not isinstance(vocab, list):
            return None
        got = self._of.get(column)
        if got is not None and got[0] is coded and len(got[1]) == len(vocab):
            return got[1]
        if got is not None and got[0] is coded and len(got[1]) < len(vocab):
            counts = np.concatenate([got[1], _char_counts(vocab[len(got[1]) :])])
        else:
            counts = _char_counts(vocab)
        self._of[column] = (coded, counts)
        return counts


class _Block:
    """One subject against its candidate rows: a column's codes fetched once, when a level
    first reads the column; its values decoded only for the codes a level still tests."""

    def __init__(
        self,
        index: RecordIndex,
        row: dict[str, Any],
        rows: npt.NDArray[Any],
        counts: CharCounts | None = None,
    ) -> None:
        self.index, self.row, self.n = index, row, len(rows)
        # ascending (``RecordIndex.candidates``) and as ``intp`` once: ``np.take`` of the
        # mapped columns then neither converts the positions per column nor goes through
        # fancy indexing's checks (≈ a fifth of a large block's reads)
        self.rows = rows.astype(np.intp, copy=False)
        self.counts = counts
        self._codes: dict[str, npt.NDArray[np.int32]] = {}
        self._decoded: dict[str, dict[int, Any]] = {}
        self._ints: dict[str, npt.NDArray[np.float64]] = {}

    def codes(self, column: str) -> npt.NDArray[np.int32]:
        if column not in self._codes:
            self._codes[column] = np.take(self.index.coded[column].codes, self.rows)
        return self._codes[column]

    def equal(self, column: str, value: Any) -> Mask | None:
        """Candidates whose ``column`` equals ``value`` (a ``str``), found by code, or None
        when a code cannot say it (another type: the caller compares values).

        A vocabulary holds each value once (``Coded``: factorized, then grown only by
        values it lacks), so ``v == value`` holds for exactly the entry ``code_of`` finds
        (−1 when none does: no candidate equals it; null rows are −1 too, hence the
        test)."""
        if type(value) is not str:
            return None
        code = self.index.coded[column].code_of(value)
        if code < 0:
            return np.zeros(self.n, dtype=bool)
        out: Mask = self.codes(column) == code
        return out

    def null(self, column: str) -> Mask:
        """Candidates whose ``column`` is null: code −1 (a vocabulary entry is never None)."""
        out: Mask = self.codes(column) < 0
        return out

    def each(self, column: str, test: Callable[[Any], bool], todo: Mask) -> Mask:
        """``test(value)`` of the candidates' values of ``column``, one call per distinct
        value among the ``todo`` candidates (``many``)."""
        return self.many(
            column,
            lambda values: np.fromiter((bool(test(v)) for v in values), bool, len(values)),
            todo,
        )

    def many(self, column: str, test: Callable[[list[Any]], Mask], todo: Mask) -> Mask:
        """``test`` of the distinct values of ``column`` among the ``todo`` candidates
        (one answer per value), spread to those candidates; the others are left False (a
        level's hit is ``todo &`` its test). Values are decoded once per block and code,
        and only for codes some level still tests: the earlier levels of a comparison
        (null, an exact code) have usually decided most candidates."""
        at = np.flatnonzero(todo)
        out = np.zeros(self.n, dtype=bool)
        if not len(at):
            return out
        codes = self.codes(column)[at]
        inverse: npt.NDArray[np.intp] | list[int]
        if len(at) > FEW:  # a hash table, not a sort: 3-4x ``np.unique``'s speed
            inverse, uniq = pd.factorize(codes)
            distinct: list[int] = uniq.tolist()
        else:  # a dict: ``factorize``'s fixed cost (≈ 10 µs) is most of a few codes'
            position: dict[int, int] = {}
            inverse = [position.setdefault(c, len(position)) for c in codes.tolist()]
            distinct = list(position)
        known = self._decoded.setdefault(column, {})
        wanted = [c for c in distinct if c not in known]
        if wanted:
            known.update(zip(wanted, self.index.coded[column].decode(wanted), strict=True))
        once = test([known[c] for c in distinct])
        out[at] = once[inverse]
        return out

    def missing(self, column: str) -> bool:
        """Whether the subject lacks ``column`` (a null level then holds for everyone)."""
        value = self.subject(column)
        return math.isnan(value) if column in INT_COLUMNS else value is None

    def ints(self, column: str) -> npt.NDArray[np.float64]:
        if column not in self._ints:
            self._ints[column] = np.take(self.index.ints[column], self.rows)
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


def _null(level: Level, b: _Block, todo: Mask) -> Mask:
    column = level.columns[0]
    if column in INT_COLUMNS:
        if math.isnan(b.subject(column)):
            return np.ones(b.n, dtype=bool)
        nan: Mask = np.isnan(b.ints(column))
        return nan
    if b.subject(column) is None:
        return np.ones(b.n, dtype=bool)
    return b.null(column)


def _equal(column: str, value: Any, b: _Block, todo: Mask) -> Mask:
    """``v == value`` of the candidates' values of ``column``: by code when it can be."""
    by_code = b.equal(column, value)
    return by_code if by_code is not None else b.each(column, lambda v: v == value, todo)


def _exact(level: Level, b: _Block, todo: Mask) -> Mask:
    mine = b.subject(level.columns[0])
    if mine is None:
        return _none(b)
    return _equal(level.columns[0], mine, b, todo)


def _reversed(level: Level, b: _Block, todo: Mask) -> Mask:
    a, c = level.columns
    sa, sc = b.subject(a), b.subject(c)
    if sa is None or sc is None:
        return _none(b)
    return _equal(c, sa, b, todo) & _equal(a, sc, b, todo)


def _intersect(level: Level, b: _Block, todo: Mask) -> Mask:
    mine = b.subject(level.columns[0])
    if not mine:
        return _none(b)
    wanted = set(mine)
    return b.each(level.columns[0], lambda v: bool(v) and not wanted.isdisjoint(v), todo)


def _reversed_similar(level: Level, b: _Block, todo: Mask) -> Mask:
    a, c = level.columns
    sa, sc = b.subject(a), b.subject(c)
    if sa is None or sc is None:
        return _none(b)
    t = level.threshold
    first = b.each(c, lambda v: v is not None and _jw_at_least(str(sa), str(v), t), todo)
    return first & b.each(
        a, lambda v: v is not None and _jw_at_least(str(sc), str(v), t), todo & first
    )


def _jaro_winkler(level: Level, b: _Block, todo: Mask) -> Mask:
    mine = b.subject(level.columns[0])
    if mine is None:
        return _none(b)
    t = level.threshold
    return b.each(
        level.columns[0], lambda v: v is not None and _jw_at_least(str(mine), str(v), t), todo
    )


def _edits(level: Level, b: _Block, todo: Mask) -> Mask:
    mine = b.subject(level.columns[0])
    if mine is None:
        return _none(b)
    column, kind, t = level.columns[0], level.kind, level.threshold

    def test(values: list[Any]) -> Mask:
        present = [i for i, v in enumerate(values) if v is not None]
        out = np.zeros(len(values), dtype=bool)
        out[present] = within_edits(kind, str(mine), [str(values[i]) for i in present], t)
        return out

    counts = b.counts.of(b.index, column) if b.counts is not None else None
    if counts is not None:  # only values within reach of ``t`` edits are tested
        codes = b.codes(column)
        at = np.flatnonzero(todo & (codes >= 0))
        apart = _counts_apart(counts, codes[at], str(mine))
        todo = np.zeros(b.n, dtype=bool)
        todo[at[apart <= 2 * t]] = True
    return b.many(column, test, todo)


def _dob(level: Level, b: _Block, todo: Mask) -> Mask:
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


_TESTS: dict[str, Callable[[Level, _Block, Mask], Mask]] = {
    "else": lambda level, b, todo: todo,  # every candidate still to decide (``todo &``)
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
    counts: CharCounts | None = None,
) -> Scores:
    """``SubjectScorer.score`` of ``row`` against ``rows``, level by level over all rows
    (``levels`` and ``tables``: the scorer's per-comparison levels and term-frequency
    weight tables)."""
    n, width = len(rows), len(COMPARISONS)
    b = _Block(index, row, rows, counts)
    gamma = np.zeros((n, width), dtype=np.int8)
    weights = np.zeros((n, width), dtype=np.float64)
    for c, comparison in enumerate(levels):
        _, first, _, params = comparison[0]
        if first.kind == "null" and b.missing(first.columns[0]):
            # the subject lacks the value: level 0 holds for every candidate (as the loop
            # below finds, with fewer array calls: most of an identifier-less query)
            table = tables[c][0]
            weights[:, c] = (
                table[b.codes(params.tf_column or "")] if table is not None else params.log2_bf
            )
            continue
        todo = np.ones(n, dtype=bool)
        levels_c = np.zeros(n, dtype=np.int8)  # this comparison's column, assigned once
        weights_c = np.zeros(n, dtype=np.float64)
        left = n
        for i, level, _, params in comparison:  # the first level that holds decides
            hit = todo & _TESTS[level.kind](level, b, todo)
            k = int(np.count_nonzero(hit))
            if not k:
                continue
            todo ^= hit  # hit ⊆ todo: todo & ~hit in one step
            levels_c[hit] = i
            table = tables[c][i]
            if table is not None:
                weights_c[hit] = table[b.codes(params.tf_column or "")[hit]]
            else:
                weights_c[hit] = params.log2_bf
            left -= k
            if not left:
                break
        gamma[:, c] = levels_c
        weights[:, c] = weights_c
    match_weight = prior_weight + weights.sum(axis=1)
    return Scores(gamma, weights, match_weight, 1.0 / (1.0 + np.exp2(-match_weight)))
