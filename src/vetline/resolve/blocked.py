"""The build's candidate pairs, made in NumPy from the blocking rules, for Splink to score.

Why (issue 18 goal 2, stop 32): at 10M records the build's predict spent most of its CPU
not scoring pairs but finding them. Splink blocks in SQL: each of the 21 rules is a hash
join of the records with themselves, and a predict chunk repeats every join over the
whole world, then writes the records its pairs touch (nearly all of them, every chunk)
as compressed Parquet. At 3M records a chunk cost 26 CPU s of blocking and 23 of input
pruning against 18.5 of scoring; at 10M in one chunk the joins spilled and passed
500 CPU s before scoring began. Here a rule is a group code per row (``pd.factorize``
of its columns), its pairs are every two rows of a group, and each pair is kept by the
first rule that finds it — Splink's own rule: rule *k* contributes the pairs that no
earlier rule (with that rule's filter) already produced, so the union is the same set,
each pair once, with no global de-duplication. Splink then scores exactly these pairs
(``register_blocked_pairs_for_predict``), so weights and persons are unchanged — a test
compares the set with Splink's own blocking (``tests/resolve/test_blocked_pairs.py``).

Semantics kept from SQL: a missing value equals nothing (``NULL = NULL`` is not true);
pairs are oriented ``left < right`` by row (= ``unique_id``, the table being sorted by
key); a rule's ``BLOCKING_FILTERS`` condition is evaluated here by ``dob_compatible``,
the NumPy twin of its SQL (the test holds them together).

Edit here: a new filter in ``comparisons.BLOCKING_FILTERS`` needs its twin in
``_FILTERS`` (``check_filters`` refuses to build without one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vetline.resolve.comparisons import BLOCKING_FILTERS, BLOCKING_RULES

Codes = npt.NDArray[np.int64]
Rows = npt.NDArray[np.int32]

#: Pairs generated at a time within one rule (bounds the arrays of a huge block).
PAIR_BATCH = 8_000_000


ColumnCodes = dict[str, tuple[npt.NDArray[np.int32], int]]


def rule_codes(
    table: pd.DataFrame, rule: Sequence[str], columns: ColumnCodes | None = None
) -> Codes:
    """Group code of ``rule``'s columns per row; -1 where any of them is missing.

    ``columns`` caches each column's codes across rules (19 distinct columns in 38 uses:
    factorising the text columns is most of this module's CPU)."""
    columns = {} if columns is None else columns
    combined: Codes | None = None
    for column in rule:
        if column not in columns:
            found, uniques = pd.factorize(table[column], use_na_sentinel=True)
            columns[column] = (found.astype(np.int32), len(uniques))  # < rows
        held, count = columns[column]
        codes = held.astype(np.int64)
        if combined is None:
            combined = codes
            continue
        missing = (combined < 0) | (codes < 0)
        combined = combined * np.int64(count + 1) + codes
        # re-number densely so a third column cannot overflow int64
        dense, _ = pd.factorize(combined, use_na_sentinel=False)
        combined = dense.astype(np.int64)
        combined[missing] = -1
    assert combined is not None
    return combined


def _group_pairs(codes: npt.NDArray[np.integer[Any]]) -> Iterator[tuple[Rows, Rows]]:
    """Every two rows sharing a code (code ≥ 0), ``left < right``, in batches."""
    rows = np.flatnonzero(codes >= 0).astype(np.int32)  # int32 gathers: half the traffic
    if len(rows) < 2:
        return
    order = np.argsort(codes[rows], kind="stable")  # rows ascending within a group
    rows = rows[order]
    sorted_codes = codes[rows]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    # each position p of a group [s, e) pairs with the positions p+1 .. e-1
    after = np.repeat(ends, ends - starts) - np.arange(len(rows), dtype=np.int64) - 1
    positions = np.flatnonzero(after > 0)
    counts = after[positions]
    if len(positions) == 0:
        return
    cumulative = np.cumsum(counts)
    begin = 0
    while begin < len(positions):
        # positions [begin, stop) whose pairs fit in one batch (at least one position)
        base = cumulative[begin - 1] if begin else 0
        stop = int(np.searchsorted(cumulative, base + PAIR_BATCH, side="right"))
        stop = max(stop, begin + 1)
        pos = positions[begin:stop]
        cnt = counts[begin:stop]
        total = int(cnt.sum())
        if total:
            left_pos = np.repeat(pos, cnt)
            offsets = np.repeat(np.cumsum(cnt) - cnt, cnt)
            right_pos = left_pos + 1 + (np.arange(total, dtype=np.int64) - offsets)
            yield rows[left_pos], rows[right_pos]
        begin = stop


@dataclass(frozen=True)
class DobParts:
    """Per row: whether a date of birth is present and its parts (NaN where missing, so
    that a missing part equals nothing, as NULL in SQL); ``texts`` gives the canonical
    date texts of some rows; ``length`` (when known) their lengths, so that dates of
    different lengths (4, 7 or 10 characters: at least 3 edits apart) skip Levenshtein.
    The build reads them from its match table (``dob_parts``), an update from the index
    (``chunk.dob_compatible``)."""

    present: npt.NDArray[np.bool_]
    year: npt.NDArray[np.float64]
    month: npt.NDArray[np.float64]
    day: npt.NDArray[np.float64]
    texts: Callable[[npt.NDArray[np.integer[Any]]], list[str]]
    length: npt.NDArray[np.int64] | None = None


def dob_parts(table: pd.DataFrame) -> DobParts:
    """The date-of-birth columns of the build's match table, as arrays."""

    def part(column: str) -> npt.NDArray[np.float64]:
        return pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=np.float64)

    present = pd.notna(table["dob"]).to_numpy()
    length = np.zeros(len(table), dtype=np.int64)
    length[present] = table["dob"][present].str.len().to_numpy(dtype=np.int64)
    dob = table["dob"].to_numpy(dtype=object)

    def texts(rows: npt.NDArray[np.integer[Any]]) -> list[str]:
        out: list[str] = dob[rows].tolist()
        return out

    return DobParts(present, part("dob_year"), part("dob_month"), part("dob_day"), texts, length)


def dob_compatible(
    parts: DobParts,
    left: npt.NDArray[np.integer[Any]],
    right: npt.NDArray[np.integer[Any]],
    workers: int = -1,
) -> npt.NDArray[np.bool_]:
    """The ``surname + forename`` filter (``comparisons.BLOCKING_FILTERS``) per pair.

    ``l.dob IS NULL OR r.dob IS NULL OR l.dob_year = r.dob_year OR (l.dob_month =
    r.dob_month AND l.dob_day = r.dob_day) OR levenshtein(l.dob, r.dob) <= 2`` — with
    SQL's NULLs (a comparison with a missing part is not true). Levenshtein (as DuckDB's)
    only for the pairs the cheap tests leave. The one place this condition is written in
    NumPy: the build's candidate pairs and an update's scoring both call it, and
    ``tests/resolve/test_blocked_pairs.py`` holds it to the SQL.
    """
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import cpdist

    present, year, month, day = parts.present, parts.year, parts.month, parts.day
    ok: npt.NDArray[np.bool_] = ~present[left] | ~present[right]
    ok |= year[left] == year[right]  # NaN == NaN is False, as NULL = NULL in SQL
    ok |= (month[left] == month[right]) & (day[left] == day[right])
    rest = ~ok
    if parts.length is not None:
        rest &= parts.length[left] == parts.length[right]
    at = np.flatnonzero(rest)
    if len(at):
        distance = cpdist(
            parts.texts(left[at]),
            parts.texts(right[at]),
            scorer=Levenshtein.distance,
            score_cutoff=2,
            workers=workers,
        )
        ok[at[np.asarray(distance) <= 2]] = True
    return ok


FilterFn = Callable[[DobParts, Rows, Rows], npt.NDArray[np.bool_]]
#: NumPy twins of ``comparisons.BLOCKING_FILTERS`` (same rule keys).
_FILTERS: dict[tuple[str, ...], FilterFn] = {("surname", "forename"): dob_compatible}


def check_filters() -> None:
    """Every SQL filter has its NumPy twin (and no twin is left without its SQL)."""
    if set(_FILTERS) != set(BLOCKING_FILTERS):
        raise RuntimeError(
            "blocked.py's filters do not match comparisons.BLOCKING_FILTERS: "
            f"{sorted(set(_FILTERS) ^ set(BLOCKING_FILTERS))}"
        )


def candidate_pairs(
    table: pd.DataFrame, rules: Sequence[tuple[str, ...]] = BLOCKING_RULES
) -> Iterator[tuple[Rows, Rows]]:
    """Every pair some rule finds, each once (by the first rule that finds it), in
    batches of ``(left rows, right rows)``; ``table`` is the build's match table."""
    check_filters()
    parts = dob_parts(table)
    columns: ColumnCodes = {}
    earlier: list[tuple[npt.NDArray[np.int32], FilterFn | None]] = []
    for rule in rules:
        codes = rule_codes(table, rule, columns).astype(np.int32)  # < rows: half the memory
        own_filter = _FILTERS.get(rule)
        for left, right in _group_pairs(codes):
            keep = np.ones(len(left), dtype=bool)
            if own_filter is not None:
                keep &= own_filter(parts, left, right)
            for before, before_filter in earlier:
                found = before[left] == before[right]
                found &= before[left] >= 0
                if before_filter is not None and found.any():
                    hit = np.flatnonzero(found)
                    found[hit] = before_filter(parts, left[hit], right[hit])
                keep &= ~found
            if keep.any():
                yield left[keep], right[keep]
        earlier.append((codes, own_filter))
    del columns
