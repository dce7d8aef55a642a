"""Many subjects at once: the real-time resolver's answers, scored over a whole chunk.

``Resolver.resolve`` scores one subject against its few candidate records in plain
Python (``realtime.py``): right for a query, where NumPy's per-call cost would dominate.
A batch chunk holds hundreds of subjects and thousands of candidate pairs, the shape the
NumPy reference scorer (``scorer.score``: Splink's arithmetic, ``cpdist``) is made for.
``resolve_chunk`` standardises each subject and finds its candidates exactly as
``resolve`` does, scores every pair of the chunk in one ``scorer.score`` call, and hands
each subject's slice to the resolver's own decision code (``Resolver._resolve_row``).

Nothing about the answer may move: ``tests/resolve/test_realtime.py`` holds the two
scorers equal bit for bit per pair, each subject's match weights are summed from its own
``(n, comparisons)`` slice as ``SubjectScorer.score`` sums them, and
``tests/resolve/test_chunk.py`` checks whole resolutions against ``resolve``. The desk's
path is untouched (``resolve`` does not come here).

Edit here: how a chunk's pairs are laid out for the scorer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from vetline.resolve import blocked
from vetline.resolve.comparisons import BLOCKING_FILTERS, BLOCKING_RULES, COMPARISONS
from vetline.resolve.index import IndexI32, RecordIndex, subject_key
from vetline.resolve.model import MatchModel
from vetline.resolve.resolver import Resolution, Resolver, Subject
from vetline.resolve.scorer import Scores, score
from vetline.resolve.standardise import INT_COLUMNS, LIST_COLUMNS, standardise_one

_DOB_PARTS = ("dob_year", "dob_month", "dob_day")
#: The columns the comparison levels read (date parts for the date-of-birth levels).
_READ: tuple[str, ...] = tuple(
    dict.fromkeys(
        [*(c for cmp in COMPARISONS for lv in cmp.levels for c in lv.columns), *_DOB_PARTS]
    )
)


#: The subjects (or rows) that have a key for a blocking rule (``_pairs``'s ``keys_of``).
_Owners = Sequence[int] | npt.NDArray[np.intp]
_Mask = npt.NDArray[np.bool_]


def _left(rows: Sequence[dict[str, Any]], counts: npt.NDArray[np.intp]) -> dict[str, Any]:
    """Each subject's values repeated once per candidate: ``scorer.broadcast`` of every
    subject, laid end to end."""
    out: dict[str, Any] = {}
    for column in _READ:
        if column in INT_COLUMNS:
            values = [r.get(column) for r in rows]
            per: npt.NDArray[Any] = np.array(
                [np.nan if v is None else float(v) for v in values], dtype=np.float64
            )
        else:
            per = np.empty(len(rows), dtype=object)
            for i, r in enumerate(rows):  # one by one: tuples must not broadcast
                v = r.get(column)
                per[i] = (tuple(v) if v else None) if column in LIST_COLUMNS else v
        out[column] = np.repeat(per, counts)
    return out


def _right(index: RecordIndex, rows: IndexI32) -> dict[str, Any]:
    """``index.columns(rows)`` for the columns the levels read."""
    return {
        c: index.coded[c].values(rows) if c in index.coded else index.ints[c][rows] for c in _READ
    }


def candidates_many(
    index: RecordIndex, rows: Sequence[dict[str, Any]], limit: int
) -> list[IndexI32]:
    """``index.candidates(row, limit)`` for every row: one ``searchsorted`` per blocking
    rule (and per tail of live additions) for the whole chunk instead of one per rule per
    row; a block over the cap counts main table and tail together, as ``KeyTable.lookup``
    does."""
    parts: list[dict[str, int]] = [{} for _ in rows]

    def keys_of(rule: tuple[str, ...]) -> tuple[list[int], npt.NDArray[np.uint64]]:
        at: list[int] = []
        keys: list[int] = []
        for i, row in enumerate(rows):
            key = subject_key(rule, row, parts[i])
            if key is not None:
                at.append(i)
                keys.append(key)
        return at, np.array(keys, dtype=np.uint64)

    return _lookup(index, len(rows), keys_of, limit)


def candidates_of_rows(
    index: RecordIndex, rows: IndexI32, limit: int, *, filtered: bool = False
) -> tuple[npt.NDArray[np.intp], IndexI32]:
    """``candidates_many`` for records the index holds (an update's delta, written into
    the index first), as flat pairs ``(owner, candidate)``: ``owner`` the position in
    ``rows``, ascending, each owner's candidates ascending — ``candidates_many``'s lists
    laid end to end. Each rule's keys are the index's own key hashes of those rows
    (``index.row_keys``: the keys the key tables were filled with), and the blocks are
    gathered with array arithmetic (``_pairs``), not a ``subject_key`` per row and rule
    and a ``np.unique`` per row in Python (1.1M and 48k calls for a 48k-record delta).

    ``filtered``: a rule's pairs also meet its ``BLOCKING_FILTERS`` condition, as the
    build's predict applies it (``dob_compatible``), so an update scores the pairs a
    rebuild scores; a pair another rule finds stays. The real-time candidates are never
    filtered (a superset)."""

    def keys_of(rule: tuple[str, ...]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.uint64]]:
        h, ok = index.row_keys(rule, rows)
        return np.flatnonzero(ok), h[ok]

    def keep(rule: tuple[str, ...], owners: npt.NDArray[np.int64], found: IndexI32) -> _Mask:
        if rule not in BLOCKING_FILTERS:
            return np.ones(len(found), dtype=bool)
        return dob_compatible(index, np.asarray(rows)[owners], found)

    return _pairs(index, keys_of, limit, keep if filtered else None)


def dob_compatible(index: RecordIndex, left: IndexI32, right: IndexI32) -> _Mask:
    """``BLOCKING_FILTERS``' date-of-birth condition on index rows, pair by pair: the
    build's own NumPy condition (``blocked.dob_compatible``) read from the index's coded
    date and its parts, so an update scores the pairs a rebuild scores."""
    column = index.coded["dob"]

    def texts(rows: npt.NDArray[np.integer[Any]]) -> list[str]:
        return list(column.values(rows))

    year, month, day = (index.ints[c] for c in _DOB_PARTS)
    parts = blocked.DobParts(column.codes >= 0, year, month, day, texts)
    return blocked.dob_compatible(parts, left, right, workers=1)


def _pairs(
    index: RecordIndex,
    keys_of: Callable[[tuple[str, ...]], tuple[_Owners, npt.NDArray[np.uint64]]],
    limit: int,
    keep: Callable[[tuple[str, ...], npt.NDArray[np.int64], IndexI32], _Mask] | None = None,
) -> tuple[npt.NDArray[np.intp], IndexI32]:
    """Every ``(owner, row)`` pair sharing a blocking key (``keys_of(rule)``: the owners
    that have a key for the rule, and those keys), unique, ordered by owner then row:
    one ``searchsorted`` per rule and the blocks gathered with array arithmetic; a block
    over the cap counts main table and tail together, as ``KeyTable.lookup`` does."""
    owners: list[npt.NDArray[np.int64]] = []
    found: list[npt.NDArray[np.int64]] = []
    for rule, table in zip(BLOCKING_RULES, index.keys, strict=True):
        cap = limit if len(rule) > 1 else 1_000_000  # as ``candidates`` caps a block
        at, wanted = keys_of(rule)
        if not len(at):
            continue
        lo = table.keys.searchsorted(wanted, "left")
        hi = table.keys.searchsorted(wanted, "right")
        tlo = table.tail_keys.searchsorted(wanted, "left")
        thi = table.tail_keys.searchsorted(wanted, "right")
        size = (hi - lo) + (thi - tlo)
        fits = (size > 0) & (size <= cap)  # present, and not a block over the cap
        fit_at = np.asarray(at, dtype=np.int64)[fits]
        for start, stop, source in ((lo, hi, table.rows), (tlo, thi, table.tail_rows)):
            a, n = start[fits], (stop - start)[fits]
            if not n.sum():
                continue
            offsets = np.repeat(a - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
            mine, theirs = np.repeat(fit_at, n), source[offsets]
            if keep is not None:
                kept = keep(rule, mine, theirs)
                mine, theirs = mine[kept], theirs[kept]
            owners.append(mine)
            found.append(theirs.astype(np.int64))
    if not owners:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int32)
    pairs = np.unique((np.concatenate(owners) << 32) | np.concatenate(found))
    return (pairs >> 32).astype(np.intp), (pairs & 0xFFFFFFFF).astype(np.int32)


def _lookup(
    index: RecordIndex,
    n: int,
    keys_of: Callable[[tuple[str, ...]], tuple[list[int], npt.NDArray[np.uint64]]],
    limit: int,
) -> list[IndexI32]:
    """Rows sharing a key with each of ``n`` subjects (``keys_of(rule)``: the subjects
    that have a key for the rule, and those keys), each subject's ascending and unique:
    ``_pairs`` of the whole chunk cut at each subject (was a ``np.unique`` per subject)."""
    owner, rows = _pairs(index, keys_of, limit)
    bounds: list[int] = np.searchsorted(owner, np.arange(n + 1), "left").tolist()
    return [rows[bounds[i] : bounds[i + 1]] for i in range(n)]


def score_rows(model: MatchModel, index: RecordIndex, left: IndexI32, right: IndexI32) -> Scores:
    """Pairs of records the index holds, ``(left[i], right[i])``, scored in one NumPy
    pass: both sides read from the index (``_right``), as ``score_found`` reads the
    right side — the values the index stores are the standardised rows'.

    The rows of both sides are decoded once each (``_right`` of the distinct rows,
    spread to the pairs): a pass's 2,048 delta rows repeat on the left once per
    candidate, and decoding each column of every pair (a ``np.unique`` per column and
    side) was 40 % of an update's scoring at 10M records (bench/README.md)."""
    distinct, spread = np.unique(np.concatenate([left, right]), return_inverse=True)
    spread = spread.reshape(-1)
    once = _right(index, distinct)
    lhs, rhs = spread[: len(left)], spread[len(left) :]
    return score(
        model,
        {c: v[lhs] for c, v in once.items()},
        {c: v[rhs] for c, v in once.items()},
        index.tf_columns(right),
    )


def score_found(
    model: MatchModel,
    index: RecordIndex,
    rows: Sequence[dict[str, Any]],
    found: Sequence[IndexI32],
) -> Scores:
    """Every ``(rows[i], found[i][j])`` pair scored in one NumPy pass, laid end to end
    (row by row, candidates in order): ``scorer.score`` on the pairs."""
    counts = np.array([len(f) for f in found], dtype=np.intp)
    pairs: IndexI32 = (
        np.concatenate(found).astype(np.int32, copy=False)
        if len(found)
        else np.zeros(0, dtype=np.int32)
    )
    return score(model, _left(rows, counts), _right(index, pairs), index.tf_columns(pairs))


def score_many(
    resolver: Resolver, rows: Sequence[dict[str, Any]], found: Sequence[IndexI32]
) -> list[Scores]:
    """``resolver.scorer.score(row, candidates)`` for every row, in one NumPy pass."""
    counts = np.array([len(f) for f in found], dtype=np.intp)
    if not counts.sum():
        return [resolver.scorer.score(r, f) for r, f in zip(rows, found, strict=True)]
    every = score_found(resolver.model, resolver.index, rows, found)
    out: list[Scores] = []
    start = 0
    for n in counts.tolist():
        gamma, weights = every.gamma[start : start + n], every.weights[start : start + n]
        match_weight = resolver.model.prior_weight + weights.sum(axis=1)  # as SubjectScorer sums
        out.append(Scores(gamma, weights, match_weight, 1.0 / (1.0 + np.exp2(-match_weight))))
        start += n
    return out


def resolve_chunk(resolver: Resolver, subjects: Sequence[Subject]) -> list[Resolution]:
    """``[resolver.resolve(s) for s in subjects]``, the pairs scored together.

    Every subject must pass ``Subject.check`` (its ``BadInput`` is raised as ``resolve``
    raises it); a caller with unchecked subjects resolves those one by one."""
    for subject in subjects:
        subject.check()
    rows = [standardise_one(s.as_row()) for s in subjects]
    limit = resolver.settings.max_block_size
    found = candidates_many(resolver.index, rows, limit)
    scores = score_many(resolver, rows, found)
    persons = persons_many(resolver.index, found)
    return [
        resolver._resolve_row(r, (f, sc), p)
        for r, f, sc, p in zip(rows, found, scores, persons, strict=True)
    ]


def persons_many(index: RecordIndex, found: Sequence[IndexI32]) -> list[list[str]]:
    """Each row's candidates' person ids (``_resolve_row``'s ``persons``), decoded in one
    ``Coded.values`` call for the whole chunk: a candidate record shared by several
    subjects, or a person's several records, is decoded once (``Coded.values`` spreads
    each distinct code), not once per row."""
    if not len(found):
        return []
    every: list[str] = index.coded["person_id"].values(np.concatenate(found)).tolist()
    out: list[list[str]] = []
    start = 0
    for f in found:
        out.append(every[start : start + len(f)])
        start += len(f)
    return out


def holders_many(resolver: Resolver, wanted: Sequence[tuple[str, str]]) -> list[list[str]]:
    """``[resolver.holders(column, value) for column, value in wanted]``, the candidate
    blocks of all the values looked up together (``candidates_many``: one ``searchsorted``
    per rule) and the index columns decoded once: a parent's identifiers, each of which
    ``PersonLookup`` asks about (the holders of a passport number the parent's
    naturalization record carries...)."""
    from vetline.resolve.resolver import IDENTIFIER_COLUMNS

    for column, _ in wanted:
        if column not in IDENTIFIER_COLUMNS:
            return [resolver.holders(c, v) for c, v in wanted]  # its BadInput, as asked
    rows = [standardise_one({column: value}) for column, value in wanted]
    index = resolver.index
    found = candidates_many(index, rows, resolver.settings.max_block_size)
    out: list[list[str]] = []
    for (column, _), row, rows_found, persons in zip(
        wanted, rows, found, persons_many(index, found), strict=True
    ):
        canon = row.get(column)
        if canon is None:
            out.append([])
            continue
        values = index.coded[column].values(rows_found)
        held = (str(p) for v, p in zip(values, persons, strict=True) if v == canon)
        out.append(list(dict.fromkeys(held)))
    return out
