"""The real-time index: every record's match columns, its person, and blocking keys.

Memory is what limits a 1M-record index, so every string column is dictionary-encoded
(int32 codes into a vocabulary: names repeat, 4 bytes a row instead of ~60), and each
blocking rule is a sorted array of 64-bit key hashes with the row numbers beside it, so
a lookup is a binary search (``np.searchsorted``), not a Python dict of a million keys.
Hashes are 64-bit BLAKE2b of the key text, the same in every process (Python's ``hash``
is salted per process).

Adding records appends codes into arrays with spare capacity (grown by a quarter when
full, so a row costs amortised O(1), not a copy of every column) and inserts their keys
into a small sorted *tail* per blocking rule, merged into the main table only when the
tail passes 1/16 of it. Before this (issue 18) each added record copied every column
and every key table: ~65 ms a record at 1M rows. A changed record is rewritten in place
(``replace``): its old keys leave the key tables and its new ones enter. Term
frequencies are kept as counts and adjusted by the rows that come and go, not recounted.
A saved index keeps each tail as it is, beside its main table (``saved.py``): an
update's save writes the tails and links the main tables it did not change.

The blocking keys and their sorted key tables are ``keys.py``'s.

Blocking-only columns derived from another (``standardise.DERIVED_KEYS``: the SSN
halves) are not stored: their key hashes come from the source column's vocabulary. So
an index saved before a blocking rule was added still loads; its key tables are rebuilt
from the stored columns (seconds at 1M rows) instead of demanding a full build.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vetline.resolve import saved
from vetline.resolve.comparisons import BLOCKING_RULES, comparison_columns
from vetline.resolve.keys import _MULT, KeyTable, Rows, _hash_values
from vetline.resolve.keys import IndexI32 as IndexI32  # re-exported: the index's row arrays
from vetline.resolve.keys import subject_key as subject_key  # re-exported
from vetline.resolve.mapped import MappedStrings
from vetline.resolve.standardise import DERIVED_KEYS, INT_COLUMNS, LIST_COLUMNS

#: Coded columns: everything a comparison or a blocking rule reads, plus ids.
CODED_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            "unique_id",
            "person_id",
            *(c for c in comparison_columns() if c not in INT_COLUMNS),
            *(
                DERIVED_KEYS[c][0] if c in DERIVED_KEYS else c
                for rule in BLOCKING_RULES
                for c in rule
                if c not in INT_COLUMNS
            ),
        )
    )
)
#: Vocabularies of at least this many entries stay mapped when an index is loaded
#: (shared between processes, decoded per query); smaller ones become Python lists.
MAP_MIN = 50_000
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


@dataclass
class _PersonRows:
    """Rows of each person, grouped once (a scan of 1M person codes per answer cost
    ~0.3 ms); rows appended after grouping are found by scanning only those."""

    order: IndexI32  # row numbers sorted by person code (stable: ascending per person)
    starts: npt.NDArray[np.intp]  # person code k owns order[starts[k] : starts[k + 1]]
    grouped: int  # rows 0..grouped-1 are in ``order``

    @classmethod
    def of(cls, codes: IndexI32) -> _PersonRows:
        order = np.argsort(codes, kind="stable").astype(np.int32)
        top = int(codes.max()) + 1 if len(codes) else 0
        starts = np.searchsorted(codes[order], np.arange(top + 1), "left")
        return cls(order, starts, len(codes))

    def moved(self, codes: IndexI32, rows: Rows) -> _PersonRows:
        """``of(codes)`` when only ``rows`` and the rows appended since grouping have
        another person code than when grouped: the others keep their place in ``order``
        (sorted by code, then row) and the moved ones are merged in, not every row
        sorted again (a stable sort of 10M codes was ≈ 1.7 s of an update's persons)."""
        n = len(codes)
        if self.grouped > n:
            return _PersonRows.of(codes)
        marked = np.zeros(n, dtype=bool)
        marked[np.asarray(rows, dtype=np.intp)] = True
        marked[self.grouped :] = True
        stay = self.order[~marked[self.order]]
        ascending = np.flatnonzero(marked)
        move: IndexI32 = ascending[np.argsort(codes[ascending], kind="stable")].astype(np.int32)

        def by(at: IndexI32) -> npt.NDArray[np.int64]:  # (code, row) as one sortable int
            return (codes[at].astype(np.int64) << 32) | at.astype(np.int64)

        order = np.insert(stay, np.searchsorted(by(stay), by(move)), move)
        top = int(codes.max()) + 1 if n else 0
        below = int((codes < 0).sum())
        counts = np.bincount(codes[codes >= 0], minlength=top)[:top]
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp) + below
        return _PersonRows(order.astype(np.int32), starts, n)

    def rows(self, code: int, codes: IndexI32) -> IndexI32:
        """Ascending rows whose person code is ``code`` (as ``flatnonzero(codes == code)``)."""
        if code < 0:
            return np.flatnonzero(codes == code).astype(np.int32)
        grouped = (
            self.order[self.starts[code] : self.starts[code + 1]]
            if code + 1 < len(self.starts)
            else self.order[:0]
        )
        if len(codes) == self.grouped:
            return grouped.copy()
        tail = np.flatnonzero(codes[self.grouped :] == code).astype(np.int32) + self.grouped
        return np.concatenate([grouped, tail])


class RecordIndex:
    """Match columns of every record, its person, and one key table per blocking rule."""

    def __init__(
        self,
        coded: dict[str, Coded],
        ints: dict[str, npt.NDArray[np.float64]],
        keys: list[KeyTable] | None = None,
        symbols: dict[str, tuple[str, ...]] | None = None,
        by_person: _PersonRows | None = None,
    ) -> None:
        self.coded = coded
        self.ints = ints
        #: given name → rigour symbols, for every given name in the index
        self.symbols = symbols or {}
        self.keys = keys if keys is not None else self._build_keys()
        #: per key table: the files its main arrays were mapped from and those arrays
        #: (``load``); ``save`` links the files while the table still holds them
        self._key_origins: list[tuple[saved.Origin | None, object, object]] = [
            (None, None, None) for _ in self.keys
        ]
        self._int_spare: dict[str, npt.NDArray[Any]] = {}  # growth buffers behind ``ints``
        self._refresh_tf()
        person = self.coded["person_id"].codes
        if by_person is None or by_person.grouped != len(person):
            by_person = _PersonRows.of(person)
        self._by_person = by_person

    def __len__(self) -> int:
        return len(self.coded["unique_id"].codes)

    @classmethod
    def from_match_table(cls, table: pd.DataFrame, person_ids: Sequence[str]) -> RecordIndex:
        """The index of a (built) match table, ``person_ids`` one per row.

        Reads the table's columns in place: a copy with the person ids beside (as
        ``assign`` made) was every column's pointers again, ≈ 2.5 GB at 10M records."""
        coded = {
            c: Coded.encode_scalars(pd.Series(list(person_ids), dtype=object))
            if c == "person_id"
            else Coded.encode_lists(table[c])
            if c in LIST_COLUMNS
            else Coded.encode_scalars(table[c])
            for c in CODED_COLUMNS
        }
        ints = {c: np.asarray(table[c].astype("float64"), dtype=np.float64) for c in INT_COLUMNS}
        symbols: dict[str, tuple[str, ...]] = {}
        if "given" in table.columns:
            pairs = table[["given", "given_symbols"]].dropna(subset=["given"])
            pairs = pairs.drop_duplicates(subset=["given"])
            symbols = {
                g: tuple(v) for g, v in zip(pairs["given"], pairs["given_symbols"], strict=True)
            }
        return cls(coded, ints, symbols=symbols)

    def _build_keys(self) -> list[KeyTable]:
        tables = []
        for rule in BLOCKING_RULES:
            h, ok = _row_hashes(rule, self.coded, self.ints)
            rows = np.flatnonzero(ok).astype(np.int32)
            order = np.argsort(h[rows], kind="stable")
            tables.append(KeyTable(h[rows][order], rows[order]))
        return tables

    #: Term-frequency columns (as Splink adjusts them).
    TF_COLUMNS: tuple[str, ...] = ("surname", "forename", "city")

    def _refresh_tf(self) -> None:
        """Term frequencies as Splink computes them: count / non-null count."""
        self._tf_counts = {c: self.coded[c].counts() for c in self.TF_COLUMNS}
        self._tf_from_counts()

    def _tf_from_counts(self) -> None:
        self.tf: dict[str, npt.NDArray[np.float64]] = {}
        for column, counts in self._tf_counts.items():
            total = max(int(counts.sum()), 1)
            self.tf[column] = np.append(counts / total, np.nan)

    def _count_tf(self, rows: Rows, sign: int) -> None:
        """Add (``sign`` 1) or take away (−1) ``rows``' values from the TF counts."""
        for column in self.TF_COLUMNS:
            codes = self.coded[column].codes[rows]
            size = len(self.coded[column].vocab)
            counts = self._tf_counts[column]
            if len(counts) < size:
                counts = np.concatenate([counts, np.zeros(size - len(counts), np.int64)])
            np.add.at(counts, codes[codes >= 0], sign)
            self._tf_counts[column] = counts

    def row_keys(
        self, rule: tuple[str, ...], rows: Rows
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
        """The key hash of ``rule`` of each of ``rows`` and whether it has one: what the
        key tables hold for those rows (``subject_key`` of the row, vectorised)."""
        return _row_hashes(rule, self.coded, self.ints, rows=np.asarray(rows))

    def tf_of(self, column: str, value: Any) -> float:
        code = self.coded[column].code_of(value)
        return float(self.tf[column][code]) if code >= 0 else float("nan")

    #: The blocking rule whose key is a record's whole name (``full_name_count``).
    FULL_NAME_RULE: tuple[str, ...] = ("surname", "forename")

    def full_name_count(self, row: dict[str, Any]) -> tuple[int, int]:
        """(records with ``row``'s exact surname *and* first name, records with both):
        the whole name's term frequency, read from its blocking rule's key table."""
        at = BLOCKING_RULES.index(self.FULL_NAME_RULE)
        key = subject_key(self.FULL_NAME_RULE, row)
        table = self.keys[at]
        return (table.count(key) if key is not None else 0), len(table)

    def candidates(self, row: dict[str, Any], limit: int) -> IndexI32:
        """Rows sharing at least one blocking key with ``row``."""
        found: list[IndexI32] = []
        parts: dict[str, int] = {}
        for rule, table in zip(BLOCKING_RULES, self.keys, strict=True):
            key = subject_key(rule, row, parts)
            if key is None:
                continue
            rows = table.lookup(key, limit if len(rule) > 1 else 1_000_000)
            if rows is not None and len(rows):
                found.append(rows)
        if not found:
            return np.zeros(0, dtype=np.int32)
        return np.unique(np.concatenate(found))

    def columns(self, rows: Rows) -> dict[str, Any]:
        """Right-hand columns for the scorer."""
        out: dict[str, Any] = {c: self.coded[c].values(rows) for c in CODED_COLUMNS}
        out.update({c: v[rows] for c, v in self.ints.items()})
        return out

    def tf_columns(self, rows: Rows) -> dict[str, npt.NDArray[np.float64]]:
        return {c: tf[self.coded[c].codes[rows]] for c, tf in self.tf.items()}

    def rows_of_person(self, person_id: str) -> IndexI32:
        code = self.coded["person_id"].code_of(person_id)
        return self._by_person.rows(code, self.coded["person_id"].codes)

    def rows_of_persons(self, person_ids: Iterable[str]) -> IndexI32:
        """Ascending rows of every person in ``person_ids`` (unknown ids: none): the
        persons' slices of the grouped order, gathered at once, and the rows appended
        since grouping scanned once (an update's touched persons, ~50k at a time)."""
        col = self.coded["person_id"]
        found = col.codes_of(sorted(set(person_ids)))
        codes = np.unique(found[found >= 0])
        by = self._by_person
        grouped = codes[codes + 1 < len(by.starts)]
        lo, hi = by.starts[grouped], by.starts[grouped + 1]
        sizes = (hi - lo).astype(np.int64)
        at = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        tail = np.flatnonzero(np.isin(col.codes[by.grouped :], codes)) + by.grouped
        return np.sort(np.concatenate([by.order[at], tail.astype(np.int32)])).astype(np.int32)

    def add(self, table: pd.DataFrame, person_ids: Sequence[str]) -> None:
        """Append standardised rows with their person ids; keys inserted in place.

        Amortised O(rows added), not O(index): columns grow into spare capacity, keys go
        to each table's tail, term frequencies are adjusted by the new rows' counts.
        """
        start = len(self)
        frame = table.assign(person_id=list(person_ids))
        for c in CODED_COLUMNS:
            self.coded[c].append(frame[c].tolist())
        for c in INT_COLUMNS:
            new = frame[c].astype("float64").to_numpy()
            self.ints[c], self._int_spare[c] = _grown(self.ints[c], self._int_spare.get(c), new)
        new_rows = np.arange(start, len(self), dtype=np.int32)
        for rule, key_table in zip(BLOCKING_RULES, self.keys, strict=True):
            h, ok = _row_hashes(rule, self.coded, self.ints, start)
            key_table.insert(h[ok], new_rows[ok])
        self._count_tf(new_rows, 1)
        self._tf_from_counts()

    def replace(self, rows: Rows, table: pd.DataFrame) -> None:
        """Rewrite existing ``rows`` with ``table``'s standardised values (changed records,
        same keys); the person ids stay (``set_persons`` moves them).

        Only the key-table entries whose key changed leave and enter: a changed record
        keeps most of its keys (a source completing an A-number changes one rule's), and
        removing every rule's entries rewrote every key table (≈ 3 s at 10M records; the
        saved tables could not be kept, ``saved.write``). What a table answers is the same:
        a key's rows are the same set (their order within a key is never read — every
        reader takes ``np.unique`` of them — and the counts are the same)."""
        at: IndexI32 = np.asarray(rows, dtype=np.int32)
        if not len(at):
            return
        rows = at
        self._count_tf(rows, -1)
        before = [_row_hashes(rule, self.coded, self.ints, rows=at) for rule in BLOCKING_RULES]
        for c in CODED_COLUMNS:
            if c != "person_id":
                self.coded[c].assign(rows, table[c].tolist())
        for c in INT_COLUMNS:
            self.ints[c][rows] = table[c].astype("float64").to_numpy()
        for rule, key_table, (h0, ok0) in zip(BLOCKING_RULES, self.keys, before, strict=True):
            h, ok = _row_hashes(rule, self.coded, self.ints, rows=at)
            same = (ok == ok0) & (~ok | (h == h0))  # the row's key for the rule is unchanged
            if (ok0 & ~same).any():
                key_table.remove(at[ok0 & ~same], len(self))
            if (ok & ~same).any():
                key_table.insert(h[ok & ~same], at[ok & ~same])
        self._count_tf(rows, 1)
        self._tf_from_counts()

    def set_persons(self, rows: Rows, person_ids: Sequence[str]) -> None:
        """Give ``rows`` new person ids (a merge, a split, a record that moved)."""
        column = self.coded["person_id"]
        at = np.asarray(rows, dtype=np.intp)
        was = column.codes[at].copy()
        column.assign(at, list(person_ids))
        self._by_person = self._by_person.moved(column.codes, at[column.codes[at] != was])

    def rows_of_keys(self, unique_ids: Sequence[str]) -> IndexI32:
        """Row of each record key (−1 if the index has none), in the order asked.

        A record's key is coded in the order rows were first written, so code = row for
        every key the index holds (``replace`` keeps rows and keys); checked, and found
        by one scan when it does not hold.
        """
        col = self.coded["unique_id"]
        codes = col.codes_of(unique_ids)
        out = np.full(len(codes), -1, dtype=np.int32)
        known = codes >= 0
        n = len(col.codes)
        direct = known & (codes < n)
        direct[direct] = col.codes[codes[direct]] == codes[direct]
        out[direct] = codes[direct]
        rest = known & ~direct
        if rest.any():
            found = np.flatnonzero(np.isin(col.codes, codes[rest]))
            row_of = dict(zip(col.codes[found].tolist(), found.tolist(), strict=True))
            out[rest] = [row_of.get(int(c), -1) for c in codes[rest]]
        return out

    # --- persistence (the folder's format: ``saved.py``) ------------------------------

    def save(self, directory: Path) -> None:
        """Write the index as files a server's workers map and share (format 2): each key
        table as its main arrays (linked from the folder loaded when unchanged) and its
        tail (``saved.py``), not merged."""
        origins: list[saved.Origin | None] = [
            origin if t.keys is keys and t.rows is rows else None
            for t, (origin, keys, rows) in zip(self.keys, self._key_origins, strict=True)
        ]
        person = self.coded["person_id"].codes
        if self._by_person.grouped != len(person):  # rows added since grouping
            self._by_person = _PersonRows.of(person)
        parts = saved.Saved(
            codes={c: col.codes for c, col in self.coded.items()},
            vocabs={c: col.vocab for c, col in self.coded.items()},
            ints=self.ints,
            keys=[(t.keys, t.rows) for t in self.keys],
            tails=[(t.tail_keys, t.tail_rows) for t in self.keys],
            origins=origins,
            symbols=self.symbols,
            hashes={c: col.hashes() for c, col in self.coded.items()},
            by_person=(self._by_person.order, self._by_person.starts),
        )
        saved.write(directory, parts, [list(r) for r in BLOCKING_RULES])

    @classmethod
    def load(cls, directory: Path, map_min: int | None = None) -> RecordIndex:
        """Map a saved index (format 2; an older ``arrays.npz`` is read into memory).

        ``map_min``: vocabularies of at least this many entries stay mapped
        (default ``MAP_MIN``; 0 maps every one, as the tests do)."""
        parts = saved.read(
            directory,
            CODED_COLUMNS,
            set(LIST_COLUMNS),
            list(INT_COLUMNS),
            list(BLOCKING_RULES),
            MAP_MIN if map_min is None else map_min,
        )
        coded = {c: Coded(parts.codes[c], parts.vocabs[c]) for c in CODED_COLUMNS}
        for c, hashes in parts.hashes.items():
            coded[c]._hashes = hashes
        keys = None
        if parts.keys is not None:
            tails = parts.tails or [(np.zeros(0, np.uint64), np.zeros(0, np.int32))] * len(
                parts.keys
            )
            keys = [
                KeyTable(k, r, tk, tr) for (k, r), (tk, tr) in zip(parts.keys, tails, strict=True)
            ]
        by_person = None
        if parts.by_person is not None:
            order, starts = parts.by_person
            by_person = _PersonRows(order, starts, len(order))
        index = cls(coded, parts.ints, keys, parts.symbols, by_person)
        if keys is not None and parts.origins is not None:
            index._key_origins = [
                (origin, t.keys, t.rows) for origin, t in zip(parts.origins, keys, strict=True)
            ]
        return index
