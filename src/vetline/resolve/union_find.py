"""The guarded union-find: records joined into persons, strongest edge first, unless a
guard refuses (``_Persons.try_join``), and ``components``, which runs it over the edges.

Split from ``cluster.py``, which decides what an edge is (``classify``: corroborated,
in conflict, by address) and holds the guards' settings and reasons; this module is the
state those guards are applied to — each person's identifier and attribute values as it
grows — shared by the build (``components``), the bulk build (``bulk.py``) and an
update, which seeds the persons it touches (``_Persons.seed``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein

from vetline.resolve.cluster import (
    CITIZENSHIP_CONFLICT,
    CONFLICT_REASONS,
    DOB_DISTANCE,
    IDENTIFIERS,
    MIDDLE_AT_ADDRESS,
    MIDDLES_DIFFER,
    SOFT_ATTRIBUTES,
    TYPO_DISTANCE,
)
from vetline.resolve.ids import smallest_per_group


def _typo_compatible(a: set[str], b: set[str], distance: int = 1) -> bool:
    """Every value of one side within ``distance`` edits of every value of the other.

    Keyed identifiers carry single-digit typos and transposed digits; two different
    people's numbers that close *and* matching on name and birth date is far rarer
    than a typo (``TYPO_DISTANCE``).
    """
    return all(
        DamerauLevenshtein.distance(x, y, score_cutoff=distance) <= distance for x in a for y in b
    )


def _middle_compatible(a: str, b: str) -> bool:
    """Two middle names of one person: equal, one the other's initial(s), or a typo apart."""
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    if len(ta) == len(tb) and all(
        x == y or (min(len(x), len(y)) == 1 and x[0] == y[0]) for x, y in zip(ta, tb, strict=True)
    ):
        return True
    return DamerauLevenshtein.distance(a, b, score_cutoff=1) <= 1


def middles_agree(a: str | None, b: str | None) -> bool:
    """Whether two records give the same middle names, *in full*: both none, or compatible.

    A middle name on one record only does not agree (at one address, that is the
    difference between two sisters, "BLANCA" and "BLANCA MARIA"; see the module docstring).
    """
    if a is None or b is None:
        return a is None and b is None
    return _middle_compatible(a, b)


def middles_conflict(a: set[str], b: set[str]) -> bool:
    """Two persons whose known middle names share no compatible pair: two people."""
    return bool(a and b) and not any(_middle_compatible(x, y) for x in a for y in b)


#: A person's values of one column: ``None`` (none known), the one value (a ``str``), or a
#: ``frozenset`` of two or more. One string is stored as itself (the column's own object),
#: so a person costs a tuple of pointers, not a set per column: at 10M records the build
#: holds millions of partial persons at once (a dict of sets each was ~2.5 KB a person).
Held = str | frozenset[str] | None


def _members(held: Held) -> tuple[str, ...] | frozenset[str]:
    if held is None:
        return ()
    if isinstance(held, str):
        return (held,)
    return held


def _union(a: Held, b: Held) -> Held:
    if a is None or a == b:
        return b if a is None else a
    if b is None:
        return a
    return frozenset((*_members(a), *_members(b)))


def _differ(a: Held, b: Held) -> bool:
    """Both known and not the same set (a ``str`` and a ``frozenset`` always differ: a
    ``frozenset`` holds two values or more)."""
    return a is not None and b is not None and a != b


class _Persons:
    """Union-find whose roots carry the identifier and attribute values of their person.

    A root that never joined reads its values from its own row; only joined persons keep
    theirs (``values``: root → one ``Held`` per column of ``names``).
    """

    def __init__(self, table: pd.DataFrame) -> None:
        n = len(table)
        self.parent = np.arange(n)
        wanted = (*IDENTIFIERS, *SOFT_ATTRIBUTES, "dob", "middle")
        self.names: tuple[str, ...] = tuple(c for c in wanted if c in table.columns)
        self.slot = {c: i for i, c in enumerate(self.names)}
        self.columns = [
            table[c].astype(object).where(table[c].notna(), None).to_numpy() for c in self.names
        ]
        self.values: dict[int, tuple[Held, ...]] = {}

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return int(root)

    def _values(self, root: int) -> tuple[Held, ...]:
        found = self.values.get(root)
        if found is None:
            return tuple(col[root] for col in self.columns)
        return found

    def _held(self, values: tuple[Held, ...], column: str) -> Held:
        i = self.slot.get(column)
        return None if i is None else values[i]

    def _merge(self, keep: int, gone: int, va: tuple[Held, ...], vb: tuple[Held, ...]) -> None:
        self.parent[gone] = keep
        self.values[keep] = tuple(_union(a, b) for a, b in zip(va, vb, strict=True))
        self.values.pop(gone, None)

    def seed(self, groups: np.ndarray) -> None:
        """Start from persons already built: rows with one ``groups`` label are one person.

        No guard is consulted here: the build (or update) that made each person applied
        them when it joined its records. An incremental update (``delta.py``) seeds the
        persons it touches and then applies only the new edges with ``try_join``, so new
        records meet exactly the guards of a full build.
        """
        first: dict[object, int] = {}
        for i, label in enumerate(groups.tolist()):
            root = first.setdefault(label, i)
            if root == i:
                continue
            self._merge(root, i, self._values(root), self._values(i))

    def try_join(self, a: int, b: int, id_agrees: bool, by_address: bool = False) -> str | None:
        """Join the persons of records ``a`` and ``b``; ``None``, or why not.

        ``by_address``: the edge was corroborated by the address alone, so the two
        records' given names must agree in full (``middles_agree``).
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        middle = self.slot.get("middle")
        if by_address and middle is not None:
            column = self.columns[middle]
            if not middles_agree(column[a], column[b]):
                return MIDDLE_AT_ADDRESS
        va, vb = self._values(ra), self._values(rb)
        for c in IDENTIFIERS:
            x, y = self._held(va, c), self._held(vb, c)
            if _differ(x, y) and not _typo_compatible(
                set(_members(x)), set(_members(y)), TYPO_DISTANCE[c]
            ):
                return CONFLICT_REASONS[c]
        if not id_agrees:
            for c in SOFT_ATTRIBUTES:
                x, y = self._held(va, c), self._held(vb, c)
                if _differ(x, y):
                    if c == "birth_country" and ("US" in _members(x)) != ("US" in _members(y)):
                        return CITIZENSHIP_CONFLICT
                    return CONFLICT_REASONS[c]
            da = {d for d in _members(self._held(va, "dob")) if len(d) == 10}
            db = {d for d in _members(self._held(vb, "dob")) if len(d) == 10}
            if da and db and not _typo_compatible(da, db, DOB_DISTANCE):
                return CONFLICT_REASONS["dob"]
            ma, mb = self._held(va, "middle"), self._held(vb, "middle")
            if middles_conflict(set(_members(ma)), set(_members(mb))):
                return MIDDLES_DIFFER
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self._merge(keep, gone, va, vb)
        return None


def components(
    table: pd.DataFrame,
    edges: pd.DataFrame,
    refused: dict[tuple[str, str], str] | None = None,
    seed: np.ndarray | None = None,
) -> pd.Series:
    """Cluster id (smallest member key) per record of ``table``, from ``clean_edges``.

    ``refused``, if given, receives the guard's reason for every edge it refused, keyed
    by the edge's ``(unique_id_l, unique_id_r)``. ``seed``, if given, labels the rows of
    ``table`` that already form one person (``_Persons.seed``): the edges grow those.
    """
    ids = table["unique_id"].to_numpy()
    position = pd.Series(np.arange(len(ids)), index=ids)
    left = position.reindex(edges["unique_id_l"]).to_numpy()
    right = position.reindex(edges["unique_id_r"]).to_numpy()
    persons = _Persons(table)
    if seed is not None:
        persons.seed(seed)
    by_address = (
        edges["by_address"].to_numpy()
        if "by_address" in edges.columns
        else np.zeros(len(edges), dtype=bool)
    )
    for a, b, agrees, address, key_l, key_r in zip(
        left,
        right,
        edges["id_agrees"].to_numpy(),
        by_address,
        edges["unique_id_l"].to_numpy(),
        edges["unique_id_r"].to_numpy(),
        strict=True,
    ):
        if not (np.isnan(a) or np.isnan(b)):
            why = persons.try_join(int(a), int(b), bool(agrees), bool(address))
            if why is not None and refused is not None:
                refused[(str(key_l), str(key_r))] = why
    roots = np.array([persons.find(i) for i in range(len(ids))])
    frame = pd.DataFrame({"unique_id": ids, "root": roots})
    smallest = frame["root"].map(smallest_per_group(frame, "root", "unique_id"))
    return pd.Series(smallest.to_numpy(), index=table.index, name="cluster_id")
