""" "Possible same person" links: pairs of built persons that agree biographically but
were kept apart because nothing independent of name and date of birth corroborated them.

Why a file of its own: splitting one person in two costs an analyst a minute, merging a
citizen into a stranger can cost a liberty (issue 11). So the build keeps uncorroborated
pairs apart and records them here; the real-time path shows them as candidates and sends
a match with a link to an analyst, and the status engine reads the linked person's
records in the safe direction only (citizenship evidence counts, removal evidence does
not).

A server holds the links as one Arrow table and a sorted array of person ids
(``LinkTable``), not as Python objects: two ``Link`` objects and their strings per link
were ~100 MB a worker process at 1M records (bench/README.md, issue 18 goal 2), built
for the few links a query ever reads.

Edit here: the columns of ``links.parquet`` and how they are read. The build writes it
(``write_links``), an update writes a part beside it (``layout.py``: base + parts, one
reader), the resolver reads it (``LinkTable.read``; ``read_links``: every link
as objects, for tests and tools).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vetline.resolve.layout import links_file, read_person_links

#: Column order of ``<data>/persons/links.parquet``.
LINK_SCHEMA = pa.schema(
    [
        ("person_id_l", pa.string()),
        ("person_id_r", pa.string()),
        ("unique_id_l", pa.string()),
        ("unique_id_r", pa.string()),
        ("match_probability", pa.float64()),
        ("match_weight", pa.float64()),
        ("reason", pa.string()),
    ]
)


@dataclass(frozen=True)
class Link:
    """One side's view of a link: the other person, the strongest pair, why it was kept apart."""

    person_id: str
    other_person_id: str
    unique_id: str
    other_unique_id: str
    match_probability: float
    match_weight: float
    reason: str


def write_links(data_dir: Path, table: pa.Table) -> Path:
    """Write the links table (``LINK_SCHEMA``; an empty table is written, too)."""
    path = links_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.select(LINK_SCHEMA.names).cast(LINK_SCHEMA), path)
    return path


def read_links(data_dir: Path) -> dict[str, list[Link]]:
    """Links by person id, both directions; ``{}`` when the build wrote none."""
    table = read_person_links(data_dir)  # the build's base and every update's part
    if table is None:
        return {}
    out: dict[str, list[Link]] = defaultdict(list)
    for row in table.to_pylist():
        pl, pr = row["person_id_l"], row["person_id_r"]
        ul, ur = row["unique_id_l"], row["unique_id_r"]
        p, w, why = float(row["match_probability"]), float(row["match_weight"]), row["reason"] or ""
        out[pl].append(Link(pl, pr, ul, ur, p, w, why))
        out[pr].append(Link(pr, pl, ur, ul, p, w, why))
    return dict(out)


class LinkTable(Mapping[str, list[Link]]):
    """``read_links``' mapping (person id → its links, both directions, in file order),
    answered on demand from the table: a binary search of the sorted person ids of
    both sides, then ``Link`` objects for the rows found only."""

    def __init__(self, table: pa.Table) -> None:
        table = table.select(LINK_SCHEMA.names).cast(LINK_SCHEMA).combine_chunks()
        self._table = table
        self._strings = {
            name: table.column(name).chunk(0) if table.num_rows else pa.array([], pa.string())
            for name in ("person_id_l", "person_id_r", "unique_id_l", "unique_id_r", "reason")
        }
        n = table.num_rows
        ids = (
            _id_bytes(self._strings["person_id_l"], self._strings["person_id_r"])
            if n
            else np.zeros(0, dtype="S1")
        )
        # stable: equal ids keep left-before-right, then row order is restored per query
        self._order = np.argsort(ids, kind="stable").astype(np.int64)
        self._ids = ids[self._order]
        self._n = n
        self._p = table.column("match_probability").to_numpy()
        self._w = table.column("match_weight").to_numpy()

    @classmethod
    def read(cls, data_dir: Path) -> LinkTable:
        found = read_person_links(data_dir)  # the build's base and every update's part
        table = cls(found if found is not None else LINK_SCHEMA.empty_table())
        # The Parquet decoder's scratch space stays in Arrow's allocator otherwise
        # (~30 MB a process at 1M records): given back to the system here.
        pa.default_memory_pool().release_unused()
        return table

    def _positions(self, person_id: str) -> npt.NDArray[np.int64]:
        key = np.bytes_(person_id.encode())
        lo = int(np.searchsorted(self._ids, key, "left"))
        if lo == len(self._ids) or self._ids[lo] != key:
            return self._order[:0]  # most persons have no link: one search
        hi = int(np.searchsorted(self._ids, key, "right"))
        found: npt.NDArray[np.int64] = self._order[lo:hi]
        # file order, as ``read_links`` appends: row by row, the left side first
        return found[np.lexsort((found >= self._n, found % max(self._n, 1)))]

    def _text(self, column: str, row: int) -> str:
        value = self._strings[column][row].as_py()
        return "" if value is None else str(value)

    def __getitem__(self, person_id: str) -> list[Link]:
        links = self._links(person_id) if isinstance(person_id, str) else []
        if not links:
            raise KeyError(person_id)
        return links

    def get(self, person_id: str, default: Any = None) -> Any:
        """``Mapping.get`` without raising and catching ``KeyError`` for the many persons
        with no link (the resolver asks once per answer)."""
        links = self._links(person_id) if isinstance(person_id, str) else []
        return links if links else default

    def _links(self, person_id: str) -> list[Link]:
        """``person_id``'s links in file order (none: an empty list)."""
        links = []
        for at in self._positions(person_id).tolist():
            row, right = at % self._n, at >= self._n
            pl, pr = self._text("person_id_l", row), self._text("person_id_r", row)
            ul, ur = self._text("unique_id_l", row), self._text("unique_id_r", row)
            p, w, why = float(self._p[row]), float(self._w[row]), self._text("reason", row)
            links.append(
                Link(pr, pl, ur, ul, p, w, why) if right else Link(pl, pr, ul, ur, p, w, why)
            )
        return links

    def __iter__(self) -> Iterator[str]:
        seen: dict[str, None] = {}
        left = self._table.column("person_id_l").to_pylist()
        right = self._table.column("person_id_r").to_pylist()
        for pl, pr in zip(left, right, strict=True):
            seen.setdefault(pl)
            seen.setdefault(pr)
        return iter(seen)

    def __len__(self) -> int:
        return len(np.unique(self._ids))


def _id_bytes(left: pa.Array, right: pa.Array) -> npt.NDArray[np.bytes_]:
    """Both sides' person ids as one NumPy bytes array (left side first).

    Built persons' ids all have one length (``P`` + 12 hex digits), so the Arrow data
    buffer already *is* the fixed-width array: viewed, not converted through 2.2M Python
    strings (0.4 CPU s of every worker's start at 10M records). Ids of varying length
    (older folders, tests) go through Python as before; either way the same array."""
    both = pa.concat_arrays([left, right])
    if both.null_count == 0 and len(both):
        lengths = pc.binary_length(both)
        low, high = pc.min_max(lengths).values()
        width = low.as_py()
        if width and width == high.as_py():
            offsets = np.frombuffer(both.buffers()[1], dtype=np.int32)[both.offset :]
            data = both.buffers()[2]
            fixed: npt.NDArray[np.bytes_] = np.frombuffer(
                data, dtype=f"S{width}", count=len(both), offset=int(offsets[0])
            )
            if not (fixed == b"").any():  # no id ends in NUL bytes (``S`` strips them)
                return fixed
    return np.array(both.to_pylist(), dtype=np.bytes_)
