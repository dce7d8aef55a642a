"""From scored candidate records to scored candidate persons.

A person may have several records, and the one that matches the subject's name best may
lack the identifier another record contradicts. Taking only the best record would hide
that conflict (a different A-number on the person's other record is strong evidence
against identity), so a person's score is:

* biographic evidence (names, date of birth, sex, place, address) from the person's
  best-matching candidate record, plus
* identifier evidence from *all* its candidate records: an exact agreement anywhere
  counts; otherwise the strongest conflict counts; otherwise nothing;
* and if the best record has no date of birth, the date of birth of the person's other
  candidate records (the most favourable of them): a person is not "date of birth
  unknown" because one of its records lacks it. On the 20k otherworld, absent people
  reached POSSIBLE on a same-name person whose dated records said "different" but whose
  undated record scored best (issue 11: "a different or missing birth date").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from vetline.resolve.comparisons import COMPARISONS, IDENTIFIER_COMPARISONS
from vetline.resolve.scorer import Scores

_ID_COLS = [i for i, c in enumerate(COMPARISONS) if c.name in IDENTIFIER_COMPARISONS]
_BIO_COLS = [i for i, c in enumerate(COMPARISONS) if c.name not in IDENTIFIER_COMPARISONS]
_EXACT = 1  # identifier comparisons: level 0 null, 1 exact, then typo/different
_DOB = next(i for i, c in enumerate(COMPARISONS) if c.name == "dob")
#: The biographic columns come first: a slice is a view, cheaper than a fancy-index copy.
_BIO: slice | list[int] = (
    slice(0, len(_BIO_COLS)) if list(range(len(_BIO_COLS))) == _BIO_COLS else _BIO_COLS
)
#: From this many candidate records on, persons are formed with array operations
#: (``_wide``: the same answer bit for bit); below, the plain-Python loop is cheaper
#: (the two cost the same at ≈ 64-96 records, bench/README.md "serve32").
WIDE_MIN = 64


#: Person ids of person keys, in the order given (``aggregate``'s ``names``).
Names = Callable[[list[Any]], list[str]]
#: The key of a person id, or None when it has none (``PersonIds.index``).
KeyOf = Callable[[str], Any]


class PersonIds(Sequence[str]):
    """Ranked person ids from person keys (the index's codes), each decoded when first
    read. At 10M records a common name meets hundreds of persons, of which an answer
    reads a few (the best, the listed candidates, those above POSSIBLE): decoding every
    id was a tenth of the slowest queries' CPU. ``str`` of each decoded id, as a list of
    ids holds them."""

    def __init__(self, keys: list[Any], names: Names, key_of: KeyOf | None = None) -> None:
        self.keys, self._names, self._key_of = keys, names, key_of
        self._ids: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        got = self._ids.get(i)
        if got is None:
            got = self._ids[i] = str(self._names([self.keys[i]])[0])
        return got

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        """Position of ``value``, as ``list.index``: found by its key when it has one
        (checked against the decoded id), else by reading ids in order."""
        stop = len(self) if stop is None else stop
        key = self._key_of(value) if self._key_of is not None and isinstance(value, str) else None
        if key is not None:
            try:
                at = self.keys.index(key, start, stop)
            except ValueError:
                at = -1
            if at >= 0 and self[at] == value:
                return at
        for i in range(start, min(stop, len(self))):
            if self[i] == value:
                return i
        raise ValueError(f"{value!r} is not a ranked person")


@dataclass(frozen=True)
class PersonScores:
    """Candidate persons ranked best first (``keys``: the person keys ``aggregate`` was
    given, in the same order: ids, or codes decoded into ``persons`` when read)."""

    persons: Sequence[str]
    match_weight: npt.NDArray[np.float64]
    best_record: npt.NDArray[np.intp]  # position in the candidate arrays
    #: (persons, comparisons): level index and weight used for each person
    gamma: npt.NDArray[np.int8]
    weights: npt.NDArray[np.float64]
    identifier_agrees: npt.NDArray[np.bool_]
    keys: list[Any]

    @property
    def probability(self) -> npt.NDArray[np.float64]:
        return 1.0 / (1.0 + np.exp2(-self.match_weight))


def _identifier(
    rows: list[int], c: int, gamma: list[list[int]], weights: list[list[float]]
) -> tuple[int, float]:
    """(level, weight) of identifier comparison ``c`` for a person with candidate ``rows``:
    an exact agreement anywhere (the last one's weight), else the strongest conflict (the
    lowest weight; of equal weights, the higher level), else nothing."""
    exact: float | None = None
    low: float | None = None
    level = 0
    for r in rows:
        g = gamma[r][c]
        if g == _EXACT:
            exact = weights[r][c]
        elif g > _EXACT:
            w = weights[r][c]
            if low is None or w < low or (w == low and g > level):
                low, level = w, g
    if exact is not None:
        return _EXACT, exact
    if low is not None:
        return level, low
    return 0, 0.0


def aggregate(
    scores: Scores,
    persons: Sequence[Any] | npt.NDArray[Any],
    prior_weight: float,
    names: Names | None = None,
    key_of: KeyOf | None = None,
) -> PersonScores:
    """Rank the persons of the candidate records (``persons[i]`` owns record ``i``).

    ``persons`` are person ids, or any keys that stand one for one for them (the index's
    person codes) with ``names`` turning keys into ids and ``key_of`` ids into keys: the
    grouping, the first-seen order and so the ranking are the same, and a person's id is
    decoded only when read (``PersonIds``).

    Candidate sets are small (a median of 4 records on the 1M-record world), so the
    per-person bookkeeping is plain Python; the sums stay NumPy reductions over the same
    matrices, so every weight rounds exactly as before. Most persons own one candidate
    record (``_one``: no best record to choose, no other record's identifier or date of
    birth to weigh), and the biographic sums that choose a best record are only taken
    when some person owns several.
    """
    if len(persons) >= WIDE_MIN:
        wide = _wide(scores, persons, prior_weight, lambda keys: _ids(keys, names, key_of))
        if wide is not None:
            return wide
    gamma_rows: list[list[int]] = scores.gamma.tolist()
    weight_rows: list[list[float]] = scores.weights.tolist()
    members: dict[Any, list[int]] = {}  # person → its candidate rows, in first-seen order
    for r, person in enumerate(persons.tolist() if isinstance(persons, np.ndarray) else persons):
        members.setdefault(person, []).append(r)
    bio: list[float] = (
        (prior_weight + scores.weights[:, _BIO].sum(axis=1)).tolist()
        if len(members) < len(persons)
        else []
    )
    best: list[int] = []
    gamma: list[list[int]] = []
    weights: list[list[float]] = []
    agrees: list[bool] = []
    for rows in members.values():
        if len(rows) == 1:
            b = rows[0]
            g_row, w_row, agree = _one(gamma_rows[b], weight_rows[b])
        else:
            b, g_row, w_row, agree = _many(rows, bio, gamma_rows, weight_rows)
        best.append(b)
        gamma.append(g_row)
        weights.append(w_row)
        agrees.append(agree)
    total: list[float] = (prior_weight + np.array(weights).sum(axis=1)).tolist()
    if any(math.isnan(x) for x in total):
        rank: list[int] = np.argsort(-np.array(total), kind="stable").tolist()
    else:  # a stable sort, best first, as the stable argsort of −total
        rank = sorted(range(len(total)), key=lambda i: -total[i])
    uniques = list(members)
    ranked = [uniques[i] for i in rank]
    return PersonScores(
        _ids(ranked, names, key_of),
        np.array([total[i] for i in rank], dtype=np.float64),
        np.array([best[i] for i in rank], dtype=np.intp),
        np.array([gamma[i] for i in rank], dtype=np.int8),
        np.array([weights[i] for i in rank], dtype=np.float64),
        np.array([agrees[i] for i in rank], dtype=bool),
        ranked,
    )


def _one(g_row: list[int], w_row: list[float]) -> tuple[list[int], list[float], bool]:
    """A person with one candidate record: that record's levels and weights, with an
    identifier level below exact read as null (``_identifier`` of one row). The lists
    are changed in place: they are this record's own (``tolist``), and a record has one
    person."""
    agree = False
    for c in _ID_COLS:
        level = g_row[c]
        if level == _EXACT:
            agree = True
        elif level < _EXACT:
            g_row[c], w_row[c] = 0, 0.0
    return g_row, w_row, agree


def _many(
    rows: list[int], bio: list[float], gamma_rows: list[list[int]], weight_rows: list[list[float]]
) -> tuple[int, list[int], list[float], bool]:
    """A person with several candidate records: the best biographic record, identifier
    evidence from all of them, the date of birth from the others when the best lacks it."""
    b = rows[0]
    for r in rows[1:]:  # the best-scoring record; the first of equals
        if bio[r] > bio[b]:
            b = r
    g_row, w_row = list(gamma_rows[b]), list(weight_rows[b])
    for c in _ID_COLS:
        g_row[c], w_row[c] = _identifier(rows, c, gamma_rows, weight_rows)
    if g_row[_DOB] == 0:  # no date of birth on the best record: the person's others
        dated = [r for r in rows if gamma_rows[r][_DOB] != 0]
        if dated:
            d = max(dated, key=lambda r: weight_rows[r][_DOB])
            g_row[_DOB], w_row[_DOB] = gamma_rows[d][_DOB], weight_rows[d][_DOB]
    return b, g_row, w_row, any(g_row[c] == _EXACT for c in _ID_COLS)


def _first_of_each(keys: npt.NDArray[Any], order: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Of ``order`` (sorted by ``keys`` first), the first position of each key."""
    ks = keys[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    out: npt.NDArray[np.intp] = order[first]
    return out


def _ids(keys: list[Any], names: Names | None, key_of: KeyOf | None) -> Sequence[str]:
    """Person ids of ``keys`` (ranked): ``str`` of each id, decoded when read if keyed."""
    if names is not None:
        return PersonIds(keys, names, key_of)
    return [str(p) for p in keys]


def _wide(
    scores: Scores,
    persons: Sequence[Any] | npt.NDArray[Any],
    prior_weight: float,
    ids: Callable[[list[Any]], Sequence[str]] | None = None,
) -> PersonScores | None:
    """``aggregate`` of a large candidate set (at 10M records a common name and date of
    birth meet thousands of records): each rule of the loop as a sort, per person.

    The loop's choices, restated: the best record is the first of the highest
    biographic sums; an identifier takes the *last* exact agreement's weight, else the
    lowest conflict weight (of equal weights the higher level, then the first); a
    missing date of birth the first of the highest weights among the person's dated
    records. Stable sorts with the row number as the last key keep every "first".
    None when a weight is NaN (the loop's comparisons with NaN are order-dependent):
    the caller then runs the loop.
    """
    weights, gamma = scores.weights, scores.gamma
    keys = persons if isinstance(persons, np.ndarray) else np.asarray(persons, dtype=object)
    k, uniques = pd.factorize(keys)
    bio = prior_weight + weights[:, _BIO].sum(axis=1)
    if (k < 0).any() or np.isnan(weights).any() or np.isnan(bio).any():
        return None
    k = k.astype(np.intp)
    n, count = len(k), len(uniques)
    row = np.arange(n)
    best = _first_of_each(k, np.lexsort((row, -bio, k)))  # person by person, in code order
    g_p, w_p = gamma[best], weights[best]
    for c in _ID_COLS:
        g, w = gamma[:, c], weights[:, c]
        if not g.any():  # the subject lacks it (or no candidate has it): null for all
            g_p[:, c], w_p[:, c] = 0, 0.0
            continue
        level = np.zeros(count, dtype=np.int8)
        weight = np.zeros(count, dtype=np.float64)
        worse = np.flatnonzero(g > _EXACT)
        if len(worse):
            by = np.lexsort((worse, -g[worse].astype(np.int16), w[worse], k[worse]))
            pick = worse[_first_of_each(k[worse], by)]
            level[k[pick]], weight[k[pick]] = g[pick], w[pick]
        exact = np.flatnonzero(g == _EXACT)[::-1]  # last first: the loop keeps the last
        if len(exact):
            pick = exact[_first_of_each(k[exact], np.argsort(k[exact], kind="stable"))]
            level[k[pick]], weight[k[pick]] = _EXACT, w[pick]
        g_p[:, c], w_p[:, c] = level, weight
    undated = g_p[:, _DOB] == 0
    dated = np.flatnonzero((gamma[:, _DOB] != 0) & undated[k])
    if len(dated):
        by = np.lexsort((dated, -weights[dated, _DOB], k[dated]))
        pick = dated[_first_of_each(k[dated], by)]
        g_p[k[pick], _DOB], w_p[k[pick], _DOB] = gamma[pick, _DOB], weights[pick, _DOB]
    total = prior_weight + w_p.sum(axis=1)
    if np.isnan(total).any():
        return None
    rank = np.argsort(-total, kind="stable")
    ranked = uniques[rank].tolist()
    return PersonScores(
        ids(ranked) if ids is not None else _ids(ranked, None, None),
        total[rank],
        best[rank].astype(np.intp),
        g_p[rank],
        w_p[rank],
        (g_p[:, _ID_COLS] == _EXACT).any(axis=1)[rank],
        ranked,
    )
