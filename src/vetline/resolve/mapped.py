"""The saved index as files every worker process maps, not copies (issue 18 goal 2).

Why: ``vetline serve --workers N`` ran N copies of the index. Measured at 1M records
(bench/README.md), what a loaded index cost a process was less its NumPy arrays than
its vocabularies: a Python ``str`` per distinct value (~75 bytes each, a million record
keys alone ~75 MB), all private to the process. Here every array is an uncompressed
``.npy`` mapped copy-on-write (``np.load(mmap_mode="c")``) and every large vocabulary an
Arrow string array in an IPC file mapped with ``pa.memory_map``: the pages are the page
cache's, shared by every process that maps the same file, and read only where a query
touches them. A live add or an in-place rewrite still works: a written page of a
copy-on-write mapping becomes the writer's own (the file never changes), and growth
moves a column into an owned buffer (``index._grown``).

``MappedStrings`` is a vocabulary over such an array: entries decoded on demand (one
Arrow ``take`` per column and query, not a Python object per entry), a value's code
found by a binary search of the saved, sorted 64-bit hashes of the entries (not a dict
of every entry), and values added after loading kept in a small owned tail.

Files are replaced, never rewritten in place (``save_array``, ``save_strings`` write a
new file and rename it over the old): a process mapping the old file keeps reading it.

Edit here: the file format of one array or vocabulary; which vocabularies are mapped is
``index.MAP_MIN``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pyarrow as pa


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def save_array(path: Path, array: npt.NDArray[Any]) -> None:
    """``array`` as an uncompressed ``.npy`` (a new file renamed over ``path``)."""
    with _tmp(path).open("wb") as fh:
        np.save(fh, np.ascontiguousarray(array), allow_pickle=False)
    os.replace(_tmp(path), path)


def load_array(path: Path) -> npt.NDArray[Any]:
    """``path`` mapped copy-on-write, as a plain ``ndarray`` view (no ``memmap`` subclass
    overhead on every slice of the hot path)."""
    return np.asarray(np.load(path, mmap_mode="c", allow_pickle=False))


def save_strings(path: Path, values: pa.Array) -> None:
    """A string array as one record batch of an Arrow IPC file (one chunk: one mapping,
    zero-copy on load)."""
    batch = pa.record_batch([values.cast(pa.large_string())], names=["v"])
    with pa.OSFile(str(_tmp(path)), "wb") as sink, pa.ipc.new_file(sink, batch.schema) as out:
        out.write_batch(batch)
    os.replace(_tmp(path), path)


def load_strings(path: Path) -> pa.Array:
    """The string array of an IPC file, memory-mapped (its buffers point into the map)."""
    table = pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    column = table.column(0)
    if column.num_chunks == 1:
        return column.chunk(0)
    return pa.concat_arrays(column.chunks) if column.num_chunks else pa.array([], pa.string())


def text_hash(text: str) -> int:
    """The key hash of one vocabulary entry (``index._stable_hash`` of the value)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def as_text(value: Any) -> str:
    """How a value is stored: a tuple (a list column's value) joined by ``|``."""
    return "|".join(value) if isinstance(value, tuple) else str(value)


#: Up to this many codes, ``MappedStrings.take`` slices entries one by one.
TAKE_MIN = 256
#: ``MappedStrings.index_of`` remembers this many recent answers (a query looks its
#: surname up several times; a bounded dict, not one entry per vocabulary value).
FOUND_MAX = 4096


class MappedStrings(Sequence[Any]):
    """A vocabulary over a mapped Arrow string array, plus values added after loading.

    ``split``: entries are tuples stored joined by ``|`` (``LIST_COLUMNS``). ``hashes``
    sorted with the code of each (``sorted_hashes``, ``order``) find a value's code.
    """

    def __init__(
        self,
        array: pa.Array,
        sorted_hashes: npt.NDArray[np.uint64],
        order: npt.NDArray[np.int32],
        split: bool = False,
    ) -> None:
        if array.null_count:
            raise ValueError("a vocabulary holds no nulls")
        self.array = array.cast(pa.large_string()) if array.type != pa.large_string() else array
        self.base = len(array)
        self.sorted_hashes, self.order, self.split = sorted_hashes, order, split
        offsets = self.array.buffers()[1]
        first = self.array.offset  # a sliced array starts here
        #: a memoryview: indexing it gives a Python int (~40 ns), no NumPy scalar
        raw = memoryview(offsets) if offsets is not None and offsets.size else bytes(8)
        self._offsets = memoryview(raw).cast("q")[first : first + self.base + 1]
        data = self.array.buffers()[2]
        self._data = memoryview(data) if data is not None else memoryview(b"")
        self.tail: list[Any] = []
        self._tail_codes: dict[Any, int] = {}
        self._found: dict[Any, int] = {}  # recent ``index_of`` answers (bounded)

    def __len__(self) -> int:
        return self.base + len(self.tail)

    def _decode(self, text: str) -> Any:
        return tuple(text.split("|")) if self.split else text

    def _text(self, code: int) -> str:
        return str(self._data[self._offsets[code] : self._offsets[code + 1]], "utf-8")

    @overload
    def __getitem__(self, code: int) -> Any: ...
    @overload
    def __getitem__(self, code: slice) -> list[Any]: ...
    def __getitem__(self, code: int | slice) -> Any:
        if isinstance(code, slice):
            return [self[i] for i in range(*code.indices(len(self)))]
        if code < 0:
            code += len(self)
        if code < self.base:
            return self._decode(self._text(code))
        return self.tail[code - self.base]

    def __iter__(self) -> Iterator[Any]:
        step = 65_536
        for start in range(0, self.base, step):
            for text in self.array.slice(start, step).to_pylist():
                yield self._decode(text)
        yield from self.tail

    def take(self, codes: Sequence[int] | npt.NDArray[np.integer[Any]]) -> list[Any]:
        """Values of ``codes`` (``None`` for −1), no per-entry objects kept.

        A query's few candidates are sliced from the mapped bytes one by one, in plain
        Python (an Arrow ``take`` cost ~37 µs a call whatever its size, and a query
        makes several: it doubled the resolver's CPU); long lists go through one Arrow
        ``take``."""
        listed = codes if isinstance(codes, list) else np.asarray(codes).tolist()
        if not listed:
            return []
        if self.tail and max(listed) >= self.base:  # some added after loading
            return [self[c] if c >= 0 else None for c in listed]
        if len(listed) > TAKE_MIN:
            at = np.asarray(listed, dtype=np.int64)
            texts: list[Any] = self.array.take(pa.array(at, mask=at < 0)).to_pylist()
        else:
            data, offsets = self._data, self._offsets
            texts = [
                str(data[offsets[c] : offsets[c + 1]], "utf-8") if c >= 0 else None for c in listed
            ]
        if not self.split:
            return texts
        return [tuple(t.split("|")) if t is not None else None for t in texts]

    def index_of(self, value: Any) -> int:
        """Code of ``value``, −1 if absent: a binary search of the sorted hashes, each
        hit checked against the entry itself (two values may share a 64-bit hash)."""
        if value is None:
            return -1
        code = self._tail_codes.get(value)
        if code is None:
            code = self._found.get(value)
        if code is not None:
            return code
        text = as_text(value)
        h = np.uint64(text_hash(text))
        i = int(self.sorted_hashes.searchsorted(h, "left"))
        code = -1
        while i < len(self.sorted_hashes) and self.sorted_hashes[i] == h:
            if self._text(int(self.order[i])) == text:
                code = int(self.order[i])
                break
            i += 1
        if len(self._found) >= FOUND_MAX:  # a query asks the same name several times
            self._found.clear()
        self._found[value] = code
        return code

    def index_many(self, values: Sequence[Any]) -> npt.NDArray[np.int64]:
        """``index_of`` of every value, the saved hashes searched once for all (an
        update looks up ~50,000 record keys at a time; one binary search per key from
        Python cost ~5 µs each). A hash met twice in the vocabulary, or a hit whose
        entry differs (two values sharing a hash), is settled by ``index_of``."""
        out = np.full(len(values), -1, dtype=np.int64)
        if not len(values):
            return out
        if not len(self.sorted_hashes):
            out[:] = [self.index_of(v) for v in values]
            return out
        texts = [None if v is None else as_text(v) for v in values]
        hashes = np.fromiter(
            (text_hash(t) if t is not None else 0 for t in texts), np.uint64, len(texts)
        )
        n = len(self.sorted_hashes)
        at = self.sorted_hashes.searchsorted(hashes, "left")
        inside = at < n
        hit = np.zeros(len(values), dtype=bool)
        hit[inside] = self.sorted_hashes[at[inside]] == hashes[inside]
        nxt = np.minimum(at + 1, max(n - 1, 0))
        twice = hit & (at + 1 < n) & (self.sorted_hashes[nxt] == hashes)
        codes = np.where(hit, self.order[np.minimum(at, max(n - 1, 0))], -1)
        for i, (value, text) in enumerate(zip(values, texts, strict=True)):
            if text is None:
                continue
            tail = self._tail_codes.get(value)
            if tail is not None:
                out[i] = tail
            elif twice[i]:
                out[i] = self.index_of(value)
            elif hit[i]:
                code = int(codes[i])
                out[i] = code if self._text(code) == text else self.index_of(value)
        return out

    def tail_code(self, value: Any) -> int:
        """Code of ``value`` among the values added after loading, −1 if not one."""
        return self._tail_codes.get(value, -1)

    def append(self, value: Any) -> None:
        """A value first seen after loading (an add): owned by this process."""
        self._found.pop(value, None)  # was absent (−1): now it has a code
        self._tail_codes[value] = len(self)
        self.tail.append(value)

    def as_arrow(self) -> pa.Array:
        """Every entry as stored (for saving)."""
        if not self.tail:
            return self.array
        added = pa.array([as_text(v) for v in self.tail], pa.large_string())
        return pa.concat_arrays([self.array, added])


def hash_order(
    hashes: npt.NDArray[np.uint64],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]:
    """The hashes sorted, and the code of each (what ``MappedStrings.index_of`` searches)."""
    order = np.argsort(hashes, kind="stable").astype(np.int32)
    return hashes[order], order
