"""Blocking keys: the 64-bit key hash of a blocking rule's values, and the sorted key
table each rule's rows are found by (split out of ``index.py``, which holds the coded
columns and the persons).

Hashes are 64-bit BLAKE2b of the key text, the same in every process (Python's ``hash``
is salted per process); a rule's key combines its columns' hashes FNV-style in uint64
(``coded._row_hashes`` for stored rows, ``subject_key`` for one query row). A key table
is a sorted array of key hashes with the row of each beside it, so a lookup is a binary
search; insertions go to a small sorted tail, merged into the main arrays only when the
tail passes ``TAIL_MIN`` or 1/16 of the table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from vetline.resolve.standardise import INT_COLUMNS

IndexI32 = npt.NDArray[np.int32]
Rows = npt.NDArray[np.integer[Any]]

_MULT_INT = 0x100000001B3
_MULT = np.uint64(_MULT_INT)


def _digest(value: Any) -> bytes:
    """8-byte BLAKE2b of the value's text (tuples joined by ``|``)."""
    text = "|".join(value) if isinstance(value, tuple) else str(value)
    return hashlib.blake2b(text.encode(), digest_size=8).digest()


def _stable_hash(value: Any) -> int:
    """64-bit BLAKE2b of the value's text (tuples joined by ``|``): same in every process."""
    return int.from_bytes(_digest(value), "little")


def _hash_values(values: Sequence[Any]) -> npt.NDArray[np.uint64]:
    """``_stable_hash`` of each value: the digests joined and read as little-endian
    uint64 at once (a Python int per value cost ≈ 30 % more: ≈ 3.5M vocabulary entries
    are hashed at a 1M-record build)."""
    digests = b"".join([_digest(v) for v in values])
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


_MASK = (1 << 64) - 1


def subject_key(
    rule: tuple[str, ...], row: dict[str, Any], parts: dict[str, int] | None = None
) -> int | None:
    """The key hash of ``rule`` for one standardised row, ``None`` if a part is missing.

    Python integers modulo 2**64: the uint64 arithmetic of ``_row_hashes``, without
    creating NumPy arrays per query. ``parts`` caches each column's hash across the rules
    of one row (``dob`` alone is in four).
    """
    h = 0
    for column in rule:
        part = parts.get(column) if parts is not None else None
        if part is None:
            value = row.get(column)
            if value is None or value == [] or value == ():
                return None
            key = int(value) if column in INT_COLUMNS else value
            part = _stable_hash(tuple(key) if isinstance(key, list) else key)
            if parts is not None:
                parts[column] = part
        h = ((h * _MULT_INT) & _MASK) ^ part
    return h


#: A key table's tail is merged into its main arrays past this many entries, or 1/16
#: of the main table, whichever is larger: each merge copies the table once, so a day's
#: additions cost a few copies in all instead of one per record.
TAIL_MIN = 65_536


def _empty_keys() -> npt.NDArray[np.uint64]:
    return np.zeros(0, dtype=np.uint64)


def _empty_rows() -> IndexI32:
    return np.zeros(0, dtype=np.int32)


@dataclass
class KeyTable:
    """One blocking rule: sorted key hashes and the row of each, plus a small sorted
    tail of recent insertions (searched beside the main arrays, merged when it grows)."""

    keys: npt.NDArray[np.uint64]
    rows: IndexI32
    tail_keys: npt.NDArray[np.uint64] = field(default_factory=_empty_keys)
    tail_rows: IndexI32 = field(default_factory=_empty_rows)

    def lookup(self, key: int, limit: int) -> IndexI32 | None:
        k = np.uint64(key)
        lo = int(self.keys.searchsorted(k, "left"))
        if len(self.tail_keys):
            tlo = int(self.tail_keys.searchsorted(k, "left"))
            thi = int(self.tail_keys.searchsorted(k, "right"))
            hi = int(self.keys.searchsorted(k, "right")) if lo < len(self.keys) else lo
            if (hi - lo) + (thi - tlo) > limit:
                return None
            if thi == tlo:
                return self.rows[lo:hi]
            return np.concatenate([self.rows[lo:hi], self.tail_rows[tlo:thi]])
        if lo == len(self.keys) or self.keys[lo] != k:
            return self.rows[lo:lo]  # most keys of a query are absent: one search
        hi = int(self.keys.searchsorted(k, "right"))
        if hi - lo > limit:
            return None
        return self.rows[lo:hi]

    def count(self, key: int) -> int:
        """How many records have this key (no limit: a count, not the rows)."""
        k = np.uint64(key)
        n = int(self.keys.searchsorted(k, "right")) - int(self.keys.searchsorted(k, "left"))
        if len(self.tail_keys):
            n += int(self.tail_keys.searchsorted(k, "right"))
            n -= int(self.tail_keys.searchsorted(k, "left"))
        return n

    def __len__(self) -> int:
        return len(self.keys) + len(self.tail_keys)

    def insert(self, keys: npt.NDArray[np.uint64], rows: IndexI32) -> None:
        """Insert into the tail (sorted); merge it into the main arrays once it is large."""
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        pos = np.searchsorted(self.tail_keys, keys, "right")
        self.tail_keys = np.insert(self.tail_keys, pos, keys)
        self.tail_rows = np.insert(self.tail_rows, pos, rows.astype(np.int32))
        if len(self.tail_keys) > max(TAIL_MIN, len(self.keys) // 16):
            self.compact()

    def compact(self) -> None:
        """Merge the tail into the main arrays (one copy of the table)."""
        if not len(self.tail_keys):
            return
        pos = np.searchsorted(self.keys, self.tail_keys, "right")
        self.keys = np.insert(self.keys, pos, self.tail_keys)
        self.rows = np.insert(self.rows, pos, self.tail_rows)
        self.tail_keys, self.tail_rows = _empty_keys(), _empty_rows()

    def remove(self, rows: Rows, size: int | None = None) -> None:
        """Drop every entry of ``rows`` (a changed record's old keys).

        ``size``: the index's row count; with it the rows are marked in a boolean array
        and each entry looked up there (one gather, O(table)), instead of ``np.isin``'s
        sort of the whole table (O(table log table), per rule, per update)."""
        if size is None:
            size = int(max(self.rows.max(initial=-1), self.tail_rows.max(initial=-1))) + 1
        marked = np.zeros(max(size, 1), dtype=bool)
        marked[np.asarray(rows, dtype=np.intp)] = True
        keep = ~marked[self.rows]
        if not keep.all():
            self.keys, self.rows = self.keys[keep], self.rows[keep]
        keep = ~marked[self.tail_rows]
        if not keep.all():
            self.tail_keys, self.tail_rows = self.tail_keys[keep], self.tail_rows[keep]
