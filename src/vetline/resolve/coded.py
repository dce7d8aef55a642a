"""A dictionary-encoded column (``Coded``) and the blocking-key hashes of stored rows.

Split from ``index.py`` because the column is a unit of its own: its codes, its
vocabulary (a Python list, or ``MappedStrings`` shared between a server's workers) and
the caches it keeps beside them (decoded values, key hashes, derived keys' hashes), which
grow into spare room as records are added, so a live add costs amortised O(1), not a copy.
``RecordIndex`` (``index.py``) holds one ``Coded`` per string column and asks
``_row_hashes`` for each blocking rule's keys of its rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vetline.resolve.identifiers import DERIVED_KEYS
from vetline.resolve.keys import _MULT, IndexI32, Rows, _hash_values
from vetline.resolve.mapped import MappedStrings

#: Above this many rows, ``Coded.values`` of a mapped vocabulary decodes distinct codes.
DISTINCT_MIN = 64


def _grown(
    current: npt.NDArray[Any], spare: npt.NDArray[Any] | None, new: npt.NDArray[Any]
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """``current`` + ``new`` as a view of a buffer with spare room (returned beside it).

    ``current`` must be the buffer's head (the previous call's view) for the room to be
    reused; otherwise (a freshly loaded array) a buffer 25 % larger is allocated once.
    """
    n, k = len(current), len(new)
    if spare is None or len(spare) < n + k or current.base is not spare:
        spare = np.empty(max(n + k, n + n // 4 + 1024), dtype=current.dtype)
        spare[:n] = current
    spare[n : n + k] = new
    return spare[: n + k], spare


@dataclass
class Coded:
    """A dictionary-encoded column: ``codes`` (−1 = null) into ``vocab``."""

    codes: IndexI32
    vocab: list[Any] | MappedStrings

    def __post_init__(self) -> None:
        self._lookup: dict[Any, int] | None = None
        self._values: npt.NDArray[np.object_] | None = None
        self._hashes: npt.NDArray[np.uint64] | None = None
        #: derived column → (hash, present) per vocabulary entry (``derived_hashes``)
        self._derived: dict[str, tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]] = {}
        #: derived column → (hash, present, derived yet) of the entries asked (``derived_of``)
        self._some: dict[
            str, tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]
        ] = {}
        self._spare: npt.NDArray[Any] | None = None  # growth buffer behind ``codes``
        self._cache_spare: dict[str, npt.NDArray[Any]] = {}  # ... behind the caches

    @classmethod
    def encode(cls, values: Iterable[Any]) -> Coded:
        keyed = [tuple(v) if isinstance(v, list | np.ndarray) else v for v in values]
        keyed = [None if (v is None or v == () or v is pd.NA) else v for v in keyed]
        codes, uniques = pd.factorize(pd.Series(keyed, dtype=object), use_na_sentinel=True)
        return cls(codes.astype(np.int32), list(uniques))

    @classmethod
    def encode_lists(cls, values: pd.Series) -> Coded:
        """``encode`` for a column of lists (and nulls) whose rows share list objects
        (``standardise_frame`` gives rows of one name one list): each distinct object
        is made a tuple once, not each row (≈ 1.5 CPU s a million records). Same codes:
        objects are numbered in order of first appearance, then their values."""
        column = values.to_numpy(dtype=object)
        by_object, _ = pd.factorize(np.fromiter(map(id, column), np.uint64, len(column)))
        first = np.unique(by_object, return_index=True)[1]
        distinct = cls.encode(column[first].tolist())
        return cls(distinct.codes[by_object], distinct.vocab)

    @classmethod
    def encode_scalars(cls, values: pd.Series) -> Coded:
        """``encode`` for a column of strings and nulls (no lists): one factorize, no
        Python pass per row (≈ 9 s saved over the 23 columns of a 1M-record build)."""
        column = pd.Series(values.to_numpy(dtype=object), dtype=object)
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        return cls(codes.astype(np.int32), list(uniques))

    def values(self, rows: Rows) -> npt.NDArray[np.object_]:
        """Decoded values of ``rows`` (``None`` for null).

        From a mapped vocabulary, a long list of rows decodes each distinct code once
        and spreads it (a chunk of an update's pairs repeats the same candidates'
        names, dates and addresses many times; each decode slices and builds a string)."""
        if isinstance(self.vocab, MappedStrings):
            codes = self.codes[rows]
            if len(codes) > DISTINCT_MIN:
                distinct, spread = np.unique(codes, return_inverse=True)
                once = np.empty(len(distinct), dtype=object)
                for i, value in enumerate(self.vocab.take(distinct)):  # tuples stay whole
                    once[i] = value
                spread_out: npt.NDArray[np.object_] = once[spread.reshape(-1)]
                return spread_out
            decoded = self.vocab.take(codes)
            out = np.empty(len(decoded), dtype=object)
            if not self.vocab.split:
                out[:] = decoded
                return out
            for i, value in enumerate(decoded):  # one by one: tuples must not broadcast
                out[i] = value
            return out
        if self._values is None:
            self._values = np.empty(len(self.vocab) + 1, dtype=object)
            self._values[: len(self.vocab)] = self.vocab if self.vocab else []
            self._values[-1] = None
        return self._values[self.codes[rows]]

    def decode(self, codes: list[int]) -> list[Any]:
        """Values of ``codes`` (``None`` for −1), as a list (the real-time scorer's form)."""
        if isinstance(self.vocab, MappedStrings):
            return self.vocab.take(codes)
        vocab = self.vocab
        return [vocab[c] if c >= 0 else None for c in codes]

    def hashes(self) -> npt.NDArray[np.uint64]:
        if self._hashes is None:
            self._hashes = _hash_values(self.vocab)
        return self._hashes

    def derived_hashes(self, column: str) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
        """Key hash of derived ``column`` per vocabulary entry, and whether it exists."""
        if column not in self._derived:
            self._derived[column] = _derive(column, self.vocab)
        return self._derived[column]

    def derived_of(
        self, column: str, codes: IndexI32
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
        """``derived_hashes`` at ``codes`` (≥ 0): what ``derived_hashes()[0][codes]``
        and ``[1][codes]`` give, deriving only the entries not derived yet.

        Why: an update keys ~50k rows against a vocabulary of ~1.2M SSNs at 10M records;
        deriving every entry (a Python call each) was ≈ 3 s of its index writes. Entries
        derived once are kept (``_some``) for the next rows asked."""
        if column in self._derived or 4 * len(codes) >= len(self.vocab):
            h, ok = self.derived_hashes(column)
            return h[codes], ok[codes]
        h, ok, known = self._some.get(column) or (
            np.zeros(0, np.uint64),
            np.zeros(0, bool),
            np.zeros(0, bool),
        )
        if len(known) < len(self.vocab):  # the vocabulary grew: room for its new entries
            more = len(self.vocab) - len(known)
            h = np.concatenate([h, np.zeros(more, np.uint64)])
            ok = np.concatenate([ok, np.zeros(more, bool)])
            known = np.concatenate([known, np.zeros(more, bool)])
        todo = np.unique(codes[~known[codes]])
        if len(todo):
            h[todo], ok[todo] = _derive(column, self.decode(todo.tolist()))
            known[todo] = True
        self._some[column] = (h, ok, known)
        return h[codes], ok[codes]

    def codes_of(self, values: Sequence[Any]) -> npt.NDArray[np.int64]:
        """``code_of`` of each value (−1 if unseen); a mapped vocabulary searches all
        the values' hashes at once (``MappedStrings.index_many``)."""
        if isinstance(self.vocab, MappedStrings):
            return self.vocab.index_many(values)
        return np.fromiter((self.code_of(v) for v in values), np.int64, len(values))

    def code_of(self, value: Any) -> int:
        """Code of ``value``, −1 if unseen."""
        if isinstance(self.vocab, MappedStrings):
            return self.vocab.index_of(value)
        if self._lookup is None:
            self._lookup = {v: i for i, v in enumerate(self.vocab)}
        return self._lookup.get(value, -1)

    def _codes_for(self, values: Sequence[Any]) -> IndexI32:
        """Codes of ``values``, growing the vocabulary (and its caches) for unseen ones."""
        self.code_of(None)  # build the lookup
        new = np.empty(len(values), dtype=np.int32)
        added: list[Any] = []
        keyed = [tuple(v) if isinstance(v, list | np.ndarray) else v for v in values]
        keyed = [None if (v is None or v is pd.NA or v == ()) else v for v in keyed]
        mapped = self.vocab if isinstance(self.vocab, MappedStrings) else None
        if mapped is not None and not any(isinstance(v, float) for v in keyed):
            return self._mapped_codes_for(mapped, keyed)
        for i, v in enumerate(keyed):
            if v is None:
                new[i] = -1
                continue
            code = self.code_of(v)
            if code < 0:
                code = len(self.vocab)
                self.vocab.append(v)
                if self._lookup is not None:
                    self._lookup[v] = code
                added.append(v)
            new[i] = code
        self._grow_caches(added)
        return new

    def _mapped_codes_for(self, mapped: MappedStrings, keyed: list[Any]) -> IndexI32:
        """``_codes_for`` into a mapped vocabulary: each distinct value looked up once,
        all at once (``index_many``; a value per row, one search each, cost ~10 µs a
        value: most of an update's index writes), unseen ones appended in the order
        they first appear — the codes the loop gives."""
        first, distinct = pd.factorize(pd.Series(keyed, dtype=object), use_na_sentinel=True)
        codes = mapped.index_many(list(distinct))
        added: list[Any] = []
        for j in np.flatnonzero(codes < 0).tolist():
            value = distinct[j]
            codes[j] = len(self.vocab)
            self.vocab.append(value)
            added.append(value)
        self._grow_caches(added)
        if not len(codes):  # nothing but nulls
            return np.full(len(keyed), -1, dtype=np.int32)
        return np.where(first >= 0, codes[np.maximum(first, 0)], -1).astype(np.int32)

    def _grow_caches(self, added: list[Any]) -> None:
        """Extend the decode and hash caches by ``added`` vocabulary entries."""
        if added:  # extend the decode and hash caches (with spare room) rather than rebuild
            if self._values is not None:
                self._extend_values(added)
            spare = self._cache_spare
            if self._hashes is not None:
                self._hashes, spare["h"] = _grown(self._hashes, spare.get("h"), _hash_values(added))
            for column, (h, ok) in self._derived.items():
                more_h, more_ok = _derive(column, added)
                h, spare[f"h:{column}"] = _grown(h, spare.get(f"h:{column}"), more_h)
                ok, spare[f"ok:{column}"] = _grown(ok, spare.get(f"ok:{column}"), more_ok)
                self._derived[column] = (h, ok)

    def _extend_values(self, added: list[Any]) -> None:
        """Append to the decode cache, whose last entry is the ``None`` of code −1.

        A copy of the cache per added record (a million objects for the record keys)
        was most of a live add's cost at 1M rows; the cache now grows into spare room.
        """
        assert self._values is not None
        n, k = len(self._values) - 1, len(added)
        buf = self._cache_spare.get("values")
        if buf is None or len(buf) < n + k + 1 or self._values.base is not buf:
            buf = np.empty(max(n + k + 1, n + n // 4 + 1024), dtype=object)
            buf[:n] = self._values[:n]
        for j, value in enumerate(added):  # one by one: tuples must not broadcast
            buf[n + j] = value
        buf[n + k] = None
        self._values = buf[: n + k + 1]
        self._cache_spare["values"] = buf

    def append(self, values: Sequence[Any]) -> None:
        """Append rows, growing the vocabulary for unseen values (amortised O(1) a row)."""
        self.codes, self._spare = _grown(self.codes, self._spare, self._codes_for(values))

    def assign(self, rows: Rows, values: Sequence[Any]) -> None:
        """Overwrite the values of existing ``rows`` (a changed record, a new person id)."""
        self.codes[rows] = self._codes_for(values)

    def counts(self) -> npt.NDArray[np.int64]:
        valid = self.codes[self.codes >= 0]
        return np.bincount(valid, minlength=len(self.vocab)).astype(np.int64)


def _derive(
    column: str, vocab: Sequence[Any]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
    derive = DERIVED_KEYS[column][1]
    values = [derive(v) for v in vocab]
    ok = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    return _hash_values([v or "" for v in values]), ok


def _row_hashes(
    rule: tuple[str, ...],
    coded: dict[str, Coded],
    ints: dict[str, npt.NDArray[np.float64]],
    start: int = 0,
    rows: Rows | None = None,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
    """Combined key hash of ``rule`` for rows ``start:`` (or the given ``rows``) and
    whether every part is present."""
    pick: slice | Rows = slice(start, None) if rows is None else rows
    n = len(coded["unique_id"].codes[pick])
    h = np.zeros(n, dtype=np.uint64)
    ok = np.ones(n, dtype=bool)
    for column in rule:
        if column in ints:
            vals = ints[column][pick]
            present = ~np.isnan(vals)
            whole = np.where(present, vals, 0).astype(np.int64)
            uniques, inverse = np.unique(whole, return_inverse=True)
            part = _hash_values([int(u) for u in uniques])[inverse]
        elif column in DERIVED_KEYS:
            col = coded[DERIVED_KEYS[column][0]]
            codes = col.codes[pick]
            safe = np.where(codes >= 0, codes, 0)
            if len(col.vocab):
                hashes, exists = col.derived_of(column, safe)
                present, part = (codes >= 0) & exists, hashes
            else:
                present, part = codes >= 0, h
        else:
            col = coded[column]
            codes = col.codes[pick]
            present = codes >= 0
            part = col.hashes()[np.where(present, codes, 0)] if col.vocab else h
        with np.errstate(over="ignore"):
            h = (h * _MULT) ^ part
        ok &= present
    return h, ok
