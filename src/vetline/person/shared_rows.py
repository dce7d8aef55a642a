"""One source's JSON rows in a file every server worker maps (issue 18 goal 2).

Why: ``MemoryRecords`` held each source's rows as JSON text in process memory plus a
dict of every record id (a Python ``str`` and ``int`` per record): ~470 MB a worker
process at 1M records, so two workers paid twice (bench/README.md). The first process to
load a source's Parquet file writes its rows, ordered by a 64-bit hash of the record
id, into an Arrow IPC file beside the store (``<store>/.served/``), under a file lock;
every process then maps that file: the pages are the page cache's, shared. A record id
is found by a binary search of the hashes (checked against the id itself).

The file is named after the Parquet file's inode, modification time and size (and a
digest of its segments', ``records/current.py``), so an ingest (a new segment) gets a new
one; older ones are removed when a new one is written. A file is written under a
temporary name, synced, then renamed into place (and the folder synced). When the folder
cannot be written, ``MemoryRecords`` keeps its rows in memory as before (``open_shared``
returns ``None``).

Edit here: the cached file's layout; ``records.py`` decides what is cached.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from vetline.records.layout import publish

FOLDER = ".served"
#: What ``build`` returns: the record ids, their JSON rows (one string array, same
#: order), the row columns and whether ``source`` is added to each row.
Built = tuple[list[str], pa.Array, tuple[str, ...], bool]


def _hash(text: str) -> int:
    return _hash_bytes(text.encode())


def _hash_bytes(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


class SharedIds(Mapping[str, int]):
    """Record id → row of the mapped file (the last row of an id given twice, as the
    dict it replaces kept)."""

    def __init__(self, ids: pa.Array, hashes: npt.NDArray[np.uint64]) -> None:
        self._ids, self._hashes = ids, hashes
        # The ids' UTF-8 bytes and where each starts (views of the mapped file, no copy):
        # an id is checked against its bytes, without making a pyarrow scalar (``as_py``).
        # An array with nulls keeps ``as_py`` (a null is no id, an empty text may be one).
        buffers = ids.buffers()
        self._bytes: tuple[npt.NDArray[np.int64], memoryview] | None = None
        if pa.types.is_large_string(ids.type) and ids.null_count == 0 and buffers[1] is not None:
            at = np.frombuffer(buffers[1], dtype=np.int64)[ids.offset : ids.offset + len(ids) + 1]
            # as unsigned bytes: a signed-byte view (pyarrow's) compares item by item
            self._bytes = (at, memoryview(buffers[2] or b"").cast("B"))

    def __getitem__(self, record_id: str) -> int:
        row = self._row(record_id)
        if row is None:
            raise KeyError(record_id)
        return row

    def get(self, key: str, default: Any = None) -> Any:
        """``Mapping.get`` without its ``KeyError`` round trip (every record a batch job
        reads is looked up here)."""
        row = self._row(key)
        return default if row is None else row

    def _row(self, record_id: object) -> int | None:
        """One binary search, then the rows of equal hash (almost always one) walked
        from the last (was a second binary search for the end of the run)."""
        if not isinstance(record_id, str):
            return None
        wanted = record_id.encode()
        h = _hash_bytes(wanted)
        hashes = self._hashes
        lo = int(hashes.searchsorted(np.uint64(h), "left"))
        hi, n = lo, len(hashes)
        while hi < n and hashes.item(hi) == h:
            hi += 1
        if self._bytes is None:
            for row in range(hi - 1, lo - 1, -1):  # stable order: the last written first
                if self._ids[row].as_py() == record_id:
                    return row
            return None
        at, data = self._bytes
        for row in range(hi - 1, lo - 1, -1):  # the same order, compared as bytes
            if data[at.item(row) : at.item(row + 1)] == wanted:
                return row
        return None

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(self._ids.to_pylist()))

    def __len__(self) -> int:
        return len(self._ids)


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def _name(files: Sequence[Path]) -> str:
    """The cached file's name: the base's stamp, and a digest of the segments' stamps
    when the source has segments (an ingest adds one, so the name changes)."""
    base, *segments = files
    name = f"{base.stem}.{_stamp(base)}"
    if segments:
        digest = hashlib.blake2b("|".join(map(_stamp, segments)).encode(), digest_size=8)
        name += f"+{digest.hexdigest()}"
    return name + ".arrow"


def _write(path: Path, built: Built) -> None:
    ids, rows, columns, add_source = built
    hashes = np.fromiter((_hash(i) for i in ids), dtype=np.uint64, count=len(ids))
    order = np.argsort(hashes, kind="stable")
    meta = {"columns": list(columns), "add_source": add_source}
    batch = pa.record_batch(
        [
            pa.array(hashes[order], pa.uint64()),
            pa.array(ids, pa.large_string()).take(pa.array(order)),
            rows.cast(pa.large_string()).take(pa.array(order)),
        ],
        schema=pa.schema(
            [("h", pa.uint64()), ("id", pa.large_string()), ("row", pa.large_string())],
            metadata={"vetline": json.dumps(meta)},
        ),
    )
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, batch.schema) as out:
        out.write_batch(batch)
    # On disk before it is published: a power cut after an unsynced rename can leave the
    # name on a file whose pages never reached the disk, which every later start would map
    # (the name, not the content, says the file is current). It also keeps the writeback of
    # these hundreds of megabytes inside start-up: left to the kernel, it fell some 30 s
    # after the server said ready and stalled the desk's commits (bench/README.md).
    publish(tmp, path)


def open_shared(
    files: Path | Sequence[Path], build: Callable[[], Built | None]
) -> tuple[SharedIds, pa.Array, tuple[str, ...], bool] | None:
    """The mapped rows of a source's Parquet file, or of its store files (base, then
    segments), written first by ``build`` if no process has: the ids, the JSON rows, the
    columns and ``add_source``; ``None`` if ``build`` gives nothing (rows JSON cannot
    carry) or the folder cannot be written."""
    listed = [files] if isinstance(files, Path) else list(files)
    parquet = listed[0]
    folder = parquet.parent / FOLDER
    path = folder / _name(listed)
    try:
        folder.mkdir(exist_ok=True)
        with (folder / f"{parquet.stem}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one process writes, the others wait, then map
            if not path.exists():
                built = build()
                if built is None:
                    return None
                _write(path, built)
                for old in folder.glob(f"{parquet.stem}.*.arrow"):
                    if old != path:
                        old.unlink(missing_ok=True)
    except OSError:
        return None
    table = pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    meta = json.loads((table.schema.metadata or {})[b"vetline"])
    hashes = table.column("h").chunk(0).to_numpy() if table.num_rows else np.zeros(0, np.uint64)
    ids = table.column("id").chunk(0) if table.num_rows else pa.array([], pa.large_string())
    rows = table.column("row").chunk(0) if table.num_rows else pa.array([], pa.large_string())
    return SharedIds(ids, hashes), rows, tuple(meta["columns"]), bool(meta["add_source"])
