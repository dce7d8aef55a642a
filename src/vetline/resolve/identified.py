"""What ties a person's records together: their identifiers, read for an answer.

Why: a person the build joined on biographic agreement may hold records under
identifiers that nothing ties to the subject's (issue 11: a citizen's SID record merged
with a stranger's FIN and FBI-number records), and a subject's identifier may differ
beyond a typo from one the person holds. The resolver asks both of its best person
(``apart``, ``contradicted``); the per-record identifiers are decoded once per person and
kept (``Identifiers``). Moved from ``resolver.py`` as they were.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz.distance import DamerauLevenshtein

from vetline.resolve.comparisons import COMPARISONS, IDENTIFIER_COMPARISONS
from vetline.resolve.index import RecordIndex

_POSITION = {c.name: i for i, c in enumerate(COMPARISONS)}
#: Identifier comparisons, in model order (each compares the column of its name).
IDENTIFIER_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in COMPARISONS if c.name in IDENTIFIER_COMPARISONS
)
_ID_POSITIONS = [_POSITION[c] for c in IDENTIFIER_COLUMNS]
_EXACT = 1  # identifier comparisons: level 1 is exact
#: Persons whose identifiers ``Identifiers`` keeps decoded (≈ 1 KB each).
_IDS_CACHE_SIZE = 100_000


class Identifiers:
    """Per person of ``index``: each record's (identifier type, value) pairs and state."""

    def __init__(self, index: RecordIndex) -> None:
        self.index = index
        self._cache: dict[str, tuple[list[set[tuple[str, str]]], list[Any]]] = {}

    def forget(self, person_id: str) -> None:
        """Drop ``person_id``'s kept identifiers (a record was added to it)."""
        self._cache.pop(person_id, None)

    def identified(self, person_id: str) -> tuple[list[set[tuple[str, str]]], list[Any]]:
        """Per record of ``person_id``: its (identifier type, value) pairs, and its state.

        Cached per person (the index changes only in ``Resolver.add_records``, which calls
        ``forget``): decoding six identifier columns per answer was a tenth of a
        millisecond."""
        cached = self._cache.get(person_id)
        if cached is not None:
            return cached
        rows = self.index.rows_of_person(person_id)
        columns = [(c, self.index.coded[c].values(rows).tolist()) for c in IDENTIFIER_COLUMNS]
        held = [
            {(c, str(values[i])) for c, values in columns if values[i] is not None}
            for i in range(len(rows))
        ]
        out = (held, self.index.coded["state"].values(rows).tolist())
        if len(self._cache) >= _IDS_CACHE_SIZE:
            self._cache.clear()
        self._cache[person_id] = out
        return out

    def apart(self, row: dict[str, Any], person_id: str, gamma: list[int]) -> tuple[str, ...]:
        """Identifiers of ``person_id``'s records that no chain of identifiers ties to the
        subject's agreeing one, when those records also live in other states than the
        agreeing ones: the person joins separately identified records on biographic
        agreement (issue 11: a citizen's SID record merged with a stranger's FIN and
        FBI-number records). Values one typo apart count as tied."""
        held, states = self.identified(person_id)
        if len(held) < 2:
            return ()
        reached = {
            (c, str(row[c]))
            for c, at in zip(IDENTIFIER_COLUMNS, _ID_POSITIONS, strict=True)
            if gamma[at] == _EXACT
        }
        inside = [False] * len(held)
        changed = True
        while changed:
            changed = False
            for i, ids in enumerate(held):
                if not inside[i] and ids and _tied(ids, reached):
                    inside[i] = True
                    reached |= ids
                    changed = True
        outside = [i for i, ids in enumerate(held) if ids and not inside[i]]
        if not outside:
            return ()
        near = {states[i] for i in range(len(held)) if inside[i] and states[i] is not None}
        far = {states[i] for i in outside if states[i] is not None}
        if not near or not far or not near.isdisjoint(far):
            return ()  # one place of life: a person's records under several identifiers
        return tuple(sorted({c for i in outside for c, _ in held[i]}))

    def contradicted(self, row: dict[str, Any], person_id: str) -> tuple[str, ...]:
        """Identifier types the subject gives that differ beyond a typo from a value any
        record of ``person_id`` holds (all its records, not only the candidates)."""
        given = [c for c in IDENTIFIER_COLUMNS if row.get(c)]
        if not given:
            return ()
        held, _ = self.identified(person_id)
        out: list[str] = []
        for column in given:
            mine = str(row[column])
            for ids in held:
                if any(
                    c == column and v != mine and DamerauLevenshtein.distance(mine, v) > 1
                    for c, v in ids
                ):
                    out.append(column)
                    break
        return tuple(out)


def _tied(ids: set[tuple[str, str]], reached: set[tuple[str, str]]) -> bool:
    """Some identifier of ``ids`` equals, or is one typo from, one of ``reached``."""
    if not ids.isdisjoint(reached):
        return True
    return any(
        c == d and DamerauLevenshtein.distance(v, w) <= 1 for c, v in ids for d, w in reached
    )


def shared(gamma: list[list[int]], best: int) -> tuple[str, ...]:
    """Identifier types on which ``best`` agrees exactly and so does another person."""
    return tuple(
        name
        for name, c in zip(IDENTIFIER_COLUMNS, _ID_POSITIONS, strict=True)
        if gamma[best][c] == _EXACT and sum(1 for g in gamma if g[c] == _EXACT) > 1
    )
