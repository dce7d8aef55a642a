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

The blocking keys and their sorted key tables are ``keys.py``'s; a dictionary-encoded
column and its rows' key hashes are ``coded.py``'s; the rows grouped by person,
``person_rows.py``'s.

Blocking-only columns derived from another (``identifiers.DERIVED_KEYS``: the SSN
halves) are not stored: their key hashes come from the source column's vocabulary. So
an index saved before a blocking rule was added still loads; its key tables are rebuilt
from the stored columns (seconds at 1M rows) instead of demanding a full build.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from vetline.resolve import saved
from vetline.resolve.coded import Coded, _grown, _row_hashes
from vetline.resolve.comparisons import BLOCKING_RULES, comparison_columns
from vetline.resolve.identifiers import DERIVED_KEYS
from vetline.resolve.keys import IndexI32 as IndexI32  # re-exported: the index's row arrays
from vetline.resolve.keys import KeyTable, Rows
from vetline.resolve.keys import subject_key as subject_key  # re-exported
from vetline.resolve.person_rows import _PersonRows
from vetline.resolve.standardise import INT_COLUMNS, LIST_COLUMNS

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

    #: Term-frequency columns (as Splink adjusts them). ``ClassVar``: mypyc makes an
    #: annotated name without it an instance attribute (the class then holds a descriptor).
    TF_COLUMNS: ClassVar[tuple[str, ...]] = ("surname", "forename", "city")

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
    FULL_NAME_RULE: ClassVar[tuple[str, ...]] = ("surname", "forename")

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
        return _sorted_distinct(np.concatenate(found))

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


def _sorted_distinct(rows: IndexI32) -> IndexI32:
    """``np.unique(rows)`` for a fresh 1-D array, sorted in place: the same sorted
    distinct rows at a sixth of the cost (≈ 4 against 27 µs a query for the 10M world's
    slowest queries: ``np.unique``'s wrappers, not its sort, were most of it)."""
    rows.sort()
    keep = np.empty(len(rows), dtype=bool)
    keep[:1] = True
    np.not_equal(rows[1:], rows[:-1], out=keep[1:])
    out: IndexI32 = rows[keep]
    return out
