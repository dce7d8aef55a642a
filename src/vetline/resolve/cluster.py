"""Which scored pairs may join records into one person, and the joining itself.

Plain connected components chain: one wrong edge merges two people, and then every
record of one speaks for the other. For a citizen merged with a removable look-alike
that is the failure the project exists to prevent (measured on the synthetic world: a
record with no birth country and no identifier bridged a U.S.-born citizen and a
same-name, same-birthday foreign national). So persons are grown greedily, strongest
edge first, with two guards:

1. an edge counts only if probable (≥ ``cluster_threshold``) *and* clean — an
   identifier agrees exactly, or nothing conflicts on the pair (no identifier,
   birth country, sex, date of birth or first name in its "different" level);
2. two partial persons join only if they hold no two different values of any
   identifier (two A-numbers, two FINs: two people; values one keystroke apart count as
   a typo, not a conflict), and, unless the joining edge has an
   agreeing identifier, their known birth countries and sexes overlap.

A probable pair that fails a guard stays two persons; the resolver then shows both as
candidates and its margin rule keeps the answer below POSITIVE.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from vetline.resolve.comparisons import COMPARISONS, IDENTIFIER_COMPARISONS

IDENTIFIERS: tuple[str, ...] = tuple(sorted(IDENTIFIER_COMPARISONS))
#: Comparisons whose "different" level makes a biographic-only edge unclean.
EDGE_CONFLICTS: tuple[str, ...] = (*IDENTIFIERS, "birth_country", "sex", "dob", "forename")
#: Attributes that must overlap between two persons joined without an identifier.
SOFT_ATTRIBUTES: tuple[str, ...] = ("birth_country", "sex")


def gamma_columns() -> list[str]:
    return [f"gamma_{name}" for name in EDGE_CONFLICTS]


def _exact_gamma(name: str) -> int:
    """Splink numbers non-null levels from n-1 (first) down to 0 (the else level)."""
    comparison = next(c for c in COMPARISONS if c.name == name)
    return len(comparison.levels) - 2


def clean_edges(pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Probable, clean pairs with an ``id_agrees`` column, strongest first."""
    strong = pairs[pairs["match_probability"] >= threshold]
    agrees = np.zeros(len(strong), dtype=bool)
    conflict = np.zeros(len(strong), dtype=bool)
    for name in EDGE_CONFLICTS:
        gamma = strong[f"gamma_{name}"].to_numpy()
        if name in IDENTIFIERS:
            agrees |= gamma == _exact_gamma(name)
        conflict |= gamma == 0
    keep = agrees | ~conflict
    edges = strong.loc[keep, ["unique_id_l", "unique_id_r", "match_weight"]].copy()
    edges["id_agrees"] = agrees[keep]
    return edges.sort_values(
        ["match_weight", "unique_id_l", "unique_id_r"], ascending=[False, True, True]
    )


def _typo_compatible(a: set[str], b: set[str]) -> bool:
    """Every value of one side within one edit of every value of the other.

    Keyed identifiers carry single-digit typos; two different people's numbers one edit
    apart *and* matching on name and birth date is far rarer than a typo.
    """
    return all(Levenshtein.distance(x, y, score_cutoff=1) <= 1 for x in a for y in b)


class _Persons:
    """Union-find whose roots carry the identifier and attribute values of their person."""

    def __init__(self, table: pd.DataFrame) -> None:
        n = len(table)
        self.parent = np.arange(n)
        self.columns = {
            c: table[c].astype(object).where(table[c].notna(), None).to_numpy()
            for c in (*IDENTIFIERS, *SOFT_ATTRIBUTES)
        }
        self.values: dict[int, dict[str, set[str]]] = {}

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return int(root)

    def _values(self, root: int) -> dict[str, set[str]]:
        found = self.values.get(root)
        if found is None:
            found = {c: ({v} if (v := col[root]) is not None else set())
                     for c, col in self.columns.items()}  # fmt: skip
            self.values[root] = found
        return found

    def try_join(self, a: int, b: int, id_agrees: bool) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        va, vb = self._values(ra), self._values(rb)
        for c in IDENTIFIERS:
            if va[c] and vb[c] and va[c] != vb[c] and not _typo_compatible(va[c], vb[c]):
                return False
        if not id_agrees:
            for c in SOFT_ATTRIBUTES:
                if va[c] and vb[c] and not va[c] & vb[c]:
                    return False
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self.parent[gone] = keep
        merged = self.values[keep] = self.values.get(keep) or (va if keep == ra else vb)
        for c, vals in (vb if keep == ra else va).items():
            merged[c] = merged[c] | vals
        self.values.pop(gone, None)
        return True


def components(table: pd.DataFrame, edges: pd.DataFrame) -> pd.Series:
    """Cluster id (smallest member key) per record of ``table``, from ``clean_edges``."""
    ids = table["unique_id"].to_numpy()
    position = pd.Series(np.arange(len(ids)), index=ids)
    left = position.reindex(edges["unique_id_l"]).to_numpy()
    right = position.reindex(edges["unique_id_r"]).to_numpy()
    persons = _Persons(table)
    for a, b, agrees in zip(left, right, edges["id_agrees"].to_numpy(), strict=True):
        if not (np.isnan(a) or np.isnan(b)):
            persons.try_join(int(a), int(b), bool(agrees))
    roots = np.array([persons.find(i) for i in range(len(ids))])
    frame = pd.DataFrame({"unique_id": ids, "root": roots})
    smallest = frame.groupby("root")["unique_id"].transform("min")
    return pd.Series(smallest.to_numpy(), index=table.index, name="cluster_id")
