"""Which scored pairs may join records into one person, and the joining itself.

Plain connected components chain: one wrong edge merges two people, and then every
record of one speaks for the other. For a citizen merged with a removable look-alike
that is the failure the project exists to prevent (measured on the synthetic world: a
record with no birth country and no identifier bridged a U.S.-born citizen and a
same-name, same-birthday foreign national). So persons are grown greedily, strongest
edge first, with two guards:

1. an edge counts only if probable (≥ ``cluster_threshold``) *and* clean — an
   identifier agrees exactly, or something beyond name and birth date corroborates it
   (the birth country agrees, the street address agrees exactly or nearly, or a
   hand-keyed number — A-number, SSN — is one typo from the other record's) and
   nothing conflicts on the pair (no identifier, sex, date of birth or first name in its
   "different" level; a first name "different" only because the names are swapped and
   misspelt, which the surname comparison recognises, is no conflict). Name + birth
   date alone never joins: on the 1M-record world, records carrying only name, birth
   date and sex joined U.S. citizens to same-name, same-birthday removable persons (the
   look-alike scenario). The address counts as corroboration because it is independent
   of the name-and-birthday coincidence that makes look-alikes (FEBRL3, which has no
   birth country, needs it: without it only SSN-agreeing edges joined, cluster recall
   0.86). A typo-close number corroborates for the same reason: two different people's
   9-digit numbers are one edit apart with probability 8.8e-8 (88 of the 10^9 nine-digit
   strings are one substitution or adjacent swap away), so it is no name-and-birthday
   coincidence; it is *not* an agreeing identifier (the conflict checks still apply).
   FEBRL3 (on round 2's pairs): guarded-person recall 0.9151 → 0.9214 from this alone;
2. identifier-agreeing edges are applied first (strongest first), then the others;
3. two partial persons join only if they hold no two different values of any
   identifier (two A-numbers, two FINs: two people; values one keystroke apart count as
   a typo, not a conflict; for the hand-keyed A-number and SSN, two keystrokes — see
   ``TYPO_DISTANCE``), and, unless the joining edge has an agreeing identifier,
   their known birth countries and sexes are the same sets: a person already holding
   ``{US, MX}`` (a citizen whose record carries a wrong foreign birthplace, joined by
   fingerprints) does not absorb a same-name ``{MX}`` person on name and birth date.

A probable pair that fails a guard stays two persons; the resolver then shows both as
candidates and its margin rule keeps the answer below POSITIVE.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein

from vetline.resolve.comparisons import IDENTIFIER_COMPARISONS, TYPO_LABEL
from vetline.resolve.ids import smallest_per_group
from vetline.resolve.model import MatchModel

IDENTIFIERS: tuple[str, ...] = tuple(sorted(IDENTIFIER_COMPARISONS))
#: Largest Damerau-Levenshtein distance at which two values of an identifier are
#: "possibly the same value" for the person guard (never for identifier agreement).
#: Hand-keyed numbers (A-number, SSN) carry one or two keying errors (FEBRL3 corrupts
#: SSNs by several); two different people's 9-digit numbers are within two edits with
#: probability 3.9e-6 (≈3,851 of the 10^9 nine-digit strings, counted by enumerating
#: the neighbourhood), within one with 8.8e-8. The guard is consulted only for persons
#: a probable, clean edge already links (same name and birth date, corroborated), so a
#: false join needs that coincidence *and* a 3.9e-6 one: over the 3,500 look-alike
#: pairs of the 250,000-person world, ≈ 0.014 expected. Other identifiers (FIN, FBI
#: number, passport, SID) are system-issued or copied, not re-keyed: one edit, as before.
#: FEBRL3 (7-digit SSNs, round 2's pairs): guarded-person recall 0.9214 → 0.9264 with
#: distance 2 (0.9283 with the SSN-half blocking rules). What the guard still refuses
#: on FEBRL3 is two *wholly* different SSNs (FEBRL replaced the field): even with no
#: SSN guard at all, guarded persons would reach only 0.978, and that is the guard
#: that keeps a citizen's SSN-bearing records apart from a same-name look-alike's.
TYPO_DISTANCE: dict[str, int] = {c: 2 if c in ("a_number", "ssn") else 1 for c in IDENTIFIERS}
#: Comparisons whose "different" level makes a biographic-only edge unclean.
EDGE_CONFLICTS: tuple[str, ...] = (*IDENTIFIERS, "birth_country", "sex", "dob", "forename")
#: Comparisons (and their levels) that corroborate a biographic edge.
CORROBORATION: tuple[tuple[str, str], ...] = (
    ("birth_country", "exact"),
    ("address", "exact"),
    ("address", "similar (Jaro-Winkler ≥ 0.9)"),
    ("a_number", TYPO_LABEL),
    ("ssn", TYPO_LABEL),
)
#: The surname level under which a first name "different" is the swap, not a conflict.
SWAP_LEVEL: tuple[str, str] = (
    "surname",
    "first and last name swapped, similar spelling (Jaro-Winkler ≥ 0.88)",
)
#: Attributes that must overlap between two persons joined without an identifier.
SOFT_ATTRIBUTES: tuple[str, ...] = ("birth_country", "sex")


def weight_columns() -> list[str]:
    """Splink's per-comparison weight columns (``mw_<name>``) the edge test reads.

    Weights, not the ``gamma_`` level numbers: Splink emits ``gamma_`` only with every
    matched column beside it (tens of string columns per pair, gigabytes at 1M records),
    while the weight columns are a handful of floats; the level is recovered from the
    weight because each level's weight is a distinct constant of the model.
    """
    names = dict.fromkeys([*EDGE_CONFLICTS, *(c for c, _ in CORROBORATION), SWAP_LEVEL[0]])
    return [f"mw_{name}" for name in names]


def _level_is(pairs: pd.DataFrame, model: MatchModel, name: str, label: str) -> np.ndarray:
    params = model.comparisons[name]
    weight = next(p.log2_bf for p in params if p.label == label and p.m is not None)
    values = pairs[f"mw_{name}"].to_numpy(dtype=float)
    same: np.ndarray = np.abs(values - weight) <= 1e-9
    return same


def clean_edges(pairs: pd.DataFrame, threshold: float, model: MatchModel) -> pd.DataFrame:
    """Probable, clean pairs with an ``id_agrees`` column, strongest first."""
    strong = pairs[pairs["match_probability"] >= threshold]
    agrees = np.zeros(len(strong), dtype=bool)
    conflict = np.zeros(len(strong), dtype=bool)
    swapped = _level_is(strong, model, *SWAP_LEVEL)
    for name in EDGE_CONFLICTS:
        if name in IDENTIFIERS:
            agrees |= _level_is(strong, model, name, "exact")
        differs = _level_is(strong, model, name, "different")
        conflict |= differs & ~swapped if name == "forename" else differs
    corroborated = np.zeros(len(strong), dtype=bool)
    for name, label in CORROBORATION:
        corroborated |= _level_is(strong, model, name, label)
    keep = agrees | (~conflict & corroborated)
    edges = strong.loc[keep, ["unique_id_l", "unique_id_r", "match_weight"]].copy()
    edges["id_agrees"] = agrees[keep]
    ordered: pd.DataFrame = edges.sort_values(
        ["id_agrees", "match_weight", "unique_id_l", "unique_id_r"],
        ascending=[False, False, True, True],
    )
    return ordered


def _typo_compatible(a: set[str], b: set[str], distance: int = 1) -> bool:
    """Every value of one side within ``distance`` edits of every value of the other.

    Keyed identifiers carry single-digit typos and transposed digits; two different
    people's numbers that close *and* matching on name and birth date is far rarer
    than a typo (``TYPO_DISTANCE``).
    """
    return all(
        DamerauLevenshtein.distance(x, y, score_cutoff=distance) <= distance for x in a for y in b
    )


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
            if (
                va[c]
                and vb[c]
                and va[c] != vb[c]
                and not _typo_compatible(va[c], vb[c], TYPO_DISTANCE[c])
            ):
                return False
        if not id_agrees:
            for c in SOFT_ATTRIBUTES:
                if va[c] and vb[c] and va[c] != vb[c]:
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
    smallest = frame["root"].map(smallest_per_group(frame, "root", "unique_id"))
    return pd.Series(smallest.to_numpy(), index=table.index, name="cluster_id")
