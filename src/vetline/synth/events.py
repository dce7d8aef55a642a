"""The event sink: life-history generators append columnar blocks of records per source.

A block is one vectorised call (e.g. "an ARRIVAL for each of these 3,000 people"): the
person index of each row, the day the record was made, and event columns as arrays or
scalars. ``frame`` concatenates the blocks of a source into one column dict, filling the
columns a block did not set with nulls, so generators only name what they know.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vetline.records.contract import SOURCES
from vetline.synth.columns import People
from vetline.synth.config import NoiseConfig
from vetline.synth.dates import NODATE

DATE_COLUMNS: dict[str, frozenset[str]] = {
    src: frozenset(c.name for c in cols if c.kind == "date") for src, cols in SOURCES.items()
}
EVENT_COLUMNS: dict[str, tuple[str, ...]] = {
    src: tuple(c.name for c in cols) for src, cols in SOURCES.items()
}


class Events:
    """Blocks of records per source, in the order generators produced them."""

    def __init__(self) -> None:
        self._blocks: dict[str, list[dict[str, np.ndarray]]] = defaultdict(list)
        # ``frame`` results until the next ``add`` to that source (the checks, the flags
        # and the renderer all read the same frames).
        self._frames: dict[str, dict[str, np.ndarray]] = {}

    def add(self, source: str, pidx: np.ndarray, when: np.ndarray, **cols: Any) -> None:
        """Append one row per element of ``pidx``; ``when`` is the record's own date."""
        pidx = np.asarray(pidx, dtype=np.int64)
        n = len(pidx)
        if n == 0:
            return
        unknown = set(cols) - set(EVENT_COLUMNS[source])
        if unknown:
            raise ValueError(f"{source}: not event columns: {sorted(unknown)}")
        block = {"_pidx": pidx, "_when": _broadcast(when, n, np.int64)}
        for name, value in cols.items():
            kind = np.int64 if name in DATE_COLUMNS[source] else object
            block[name] = _broadcast(value, n, kind)
        self._blocks[source].append(block)
        self._frames.pop(source, None)

    def count(self, source: str) -> int:
        return sum(len(b["_pidx"]) for b in self._blocks[source])

    def frame(self, source: str) -> dict[str, np.ndarray]:
        """All rows of ``source``: ``_pidx``, ``_when`` and every event column. Callers
        must not modify the arrays (the frame is shared until the next ``add``)."""
        if source not in self._frames:
            self._frames[source] = self._concat(source)
        return self._frames[source]

    def _concat(self, source: str) -> dict[str, np.ndarray]:
        blocks = self._blocks[source]
        names = ("_pidx", "_when", *EVENT_COLUMNS[source])
        out: dict[str, np.ndarray] = {}
        for name in names:
            kind = np.int64 if name in DATE_COLUMNS[source] or name.startswith("_") else object
            parts = [
                b[name] if name in b else _broadcast(None, len(b["_pidx"]), kind) for b in blocks
            ]
            out[name] = np.concatenate(parts) if parts else np.empty(0, dtype=kind)
        return out

    def persons_in(self, source: str) -> np.ndarray:
        """Indices of people with at least one record in ``source``."""
        blocks = self._blocks[source]
        if not blocks:
            return np.empty(0, np.int64)
        return np.unique(np.concatenate([b["_pidx"] for b in blocks]))


def _broadcast(value: Any, n: int, kind: type) -> np.ndarray:
    if isinstance(value, np.ndarray):
        if len(value) != n:
            raise ValueError(f"column of length {len(value)} for {n} rows")
        return value.astype(kind) if kind is np.int64 else value.astype(object)
    if kind is np.int64:
        return np.full(n, NODATE if value is None else value, dtype=np.int64)
    return np.full(n, value, dtype=object)


@dataclass
class Ctx:
    """What a history generator needs: randomness, the people, the sink, the as-of day,
    and per-person ground-truth annotations it fills (removal grounds, notes, typos)."""

    rng: np.random.Generator
    people: People
    ev: Events
    as_of: int
    #: Noise rates; a few are part of a life history (a clerk keying a parent's A-number).
    noise: NoiseConfig = field(default_factory=NoiseConfig)
    ground: np.ndarray = field(init=False)
    note: np.ndarray = field(init=False)
    #: People whose status rows name their parent by a mistyped A-number (Watson).
    parent_typo: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.ground = np.full(self.people.n, None, dtype=object)
        self.note = np.full(self.people.n, None, dtype=object)
        self.parent_typo = np.zeros(self.people.n, dtype=bool)

    def chance(self, idx: np.ndarray, p: float) -> np.ndarray:
        """The subset of ``idx`` drawn with probability ``p`` each."""
        return np.asarray(idx[self.rng.random(len(idx)) < p])

    def pick(self, options: Sequence[Any], n: int, p: Sequence[float] | None = None) -> np.ndarray:
        arr = np.asarray(list(options), dtype=object)
        w = None if p is None else np.asarray(p, dtype=np.float64) / np.sum(p)
        return np.asarray(arr[self.rng.choice(len(arr), size=n, p=w)])
