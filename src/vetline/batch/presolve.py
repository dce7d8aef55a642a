"""A chunk's subjects resolved together, handed to the person core one by one.

The person core asks its resolver one subject at a time (``PersonLookup.find``). A batch
chunk knows all its subjects up front, so ``Presolved`` resolves them in one call
(``vetline.resolve.chunk.resolve_chunk``: candidate pairs of the whole chunk scored in
one NumPy pass, each subject's answer decided by the resolver's own code) and gives each
resolution out once, when the person core asks for that subject. Anything else (another
subject, a parent's A-number, a second row with the same subject) goes to the resolver
itself, so an answer never depends on whether it was presolved.

Edit here: which calls are served from the chunk's resolutions (only ``resolve``); a
parent's identifiers looked up together (``holders_many``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vetline.errors import BadInput
from vetline.resolve import Resolution, Resolver, Subject


class Presolved:
    """A ``Resolver`` that serves a chunk's presolved subjects once each."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._ready: dict[Subject, Resolution] = {}

    def presolve(self, subjects: Sequence[Subject]) -> None:
        """Resolve ``subjects`` together; forget what an earlier chunk left unused."""
        from vetline.resolve.chunk import resolve_chunk

        self._ready.clear()
        good: list[Subject] = []
        for subject in subjects:
            try:
                subject.check()
            except BadInput:
                continue  # resolved one by one, so it fails exactly as before
            good.append(subject)
        self._ready = dict(zip(good, resolve_chunk(self.resolver, good), strict=True))

    def ready(self) -> list[Resolution]:
        """The chunk's resolutions not given out yet (``PersonLookup.prefetch`` reads them)."""
        return list(self._ready.values())

    def resolve(self, subject: Subject | Mapping[str, Any]) -> Resolution:
        if isinstance(subject, Subject):
            ready = self._ready.pop(subject, None)
            if ready is not None:
                return ready
        return self.resolver.resolve(subject)

    def holders_many(self, wanted: Sequence[tuple[str, str]]) -> list[list[str]]:
        """``[holders(column, value) ...]`` looked up together (``chunk.holders_many``:
        the same persons, in the same order, as one ``holders`` call per value)."""
        from vetline.resolve.chunk import holders_many

        return holders_many(self.resolver, wanted)

    def __getattr__(self, name: str) -> Any:
        """``index``, ``holders``, ``linked``…: the resolver's own."""
        return getattr(self.resolver, name)
