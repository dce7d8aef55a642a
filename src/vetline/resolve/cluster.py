"""Which scored pairs may join records into one person, the joining, and the links left.

Plain connected components chain: one wrong edge merges two people, and then every
record of one speaks for the other. For a citizen merged with a removable look-alike
that is the failure the project exists to prevent: a false merge can cost a liberty,
a false split costs an analyst a minute (issue 11, ``shared/domain/reference.md`` §6).
So persons are grown greedily, strongest edge first, and every edge must earn its join.

What joins (an edge is *clean*):

* an identifier agrees exactly (A-number, FIN, FBI number, SSN, passport, SID); or
* the pair is probable (≥ ``cluster_threshold``) on biographic fields *and* something
  independent of the name-and-birthday coincidence corroborates it (``CORROBORATION``):
  the street address agrees exactly *in the same ZIP code or city* and both records'
  dates of birth agree *and* both records give a first name *and* the two records give
  the same middle names (a household holds same-surname, same-birthday people: twins),
  or a hand-keyed number (A-number,
  SSN) is one keystroke from the other record's — and nothing conflicts
  on the pair (no identifier, birth country, sex, date of birth or first name in its
  "different" level; a first name "different" only because the names are swapped and
  misspelt, which the surname comparison recognises, is no conflict).

What is *not* corroboration, and why:

* **birth country.** It was, until issue 11: an outside evaluator's world merged 73 of
  200 U.S.-citizen look-alikes into removable strangers on name + DOB + sex + a wrongly
  recorded foreign birthplace (the citizen's only record was in criminal systems with an
  FBI number and SID, the stranger's records carried a FIN and an A-number, and they
  lived in different states). Birthplace is a weak identity field: it is copied from
  what a booking officer heard, it is wrong exactly for the citizens at risk, and in the
  subject population it is shared by millions. Birth country *disagreement* still
  counts as a conflict.
* **state, city or ZIP code.** A state holds millions of people, a city up to
  millions, a ZIP code thousands to tens of thousands; a look-alike in the same state or
  county is one of the adversarial constructions (issue 11 item 4). ZIP agreement was
  corroboration for one afternoon: on the look-alike world every same-county
  criminal-only citizen (``CRIMINAL_ONLY_CITIZEN``, same state) joined the removable
  stranger through it (6 of 15 pairs in ``tests/resolve/test_lookalike_kinds.py``). The
  ZIP stays a blocking key (records without identifiers are still *compared*) and a
  weighted comparison; it does not join on its own.
* **parents' names.** The extract contract has none in its identity columns; parent
  A-numbers (``status.parent_a_numbers``) are event data and never reach the match table.

The corroborating fields and why each is independent of a name-and-birthday
coincidence: a street address (a household) is where the person lived, not who they
are called; a
typo-close number is one keying error from the other record's — two different people's
9-digit numbers are one edit apart with probability 8.8e-8 (88 of the 10^9 nine-digit
strings are one substitution or adjacent swap away), so it is no coincidence of names;
it is *not* an agreeing identifier (the conflict checks still apply). FEBRL3 (no birth
country) needs the address: without it only SSN-agreeing edges joined.

How persons grow:

1. identifier-agreeing edges are applied first (strongest first), then the others;
2. two partial persons join only if they hold no two different values of any
   identifier (two A-numbers, two FINs: two people; values one keystroke apart count as
   a typo, not a conflict; for the hand-keyed A-number and SSN, two keystrokes — see
   ``TYPO_DISTANCE``) — for *every* edge kind, an agreeing identifier included;
3. unless the joining edge has an agreeing identifier, the two persons' known birth
   countries and sexes must be the same sets (``SOFT_ATTRIBUTES``). This is the
   citizenship guard: a person holding a U.S. birth country never absorbs a person
   holding a foreign one (or the reverse) on biographic evidence, however the edge was
   corroborated, and a person already holding ``{US, MX}`` (a citizen whose record carries
   a wrong foreign birthplace, joined by fingerprints) does not absorb a same-name
   ``{MX}`` person. Only an agreeing identifier may put conflicting birth countries in
   one person: that is the citizen's own wrong record, joined by his own number. The
   persons' full dates of birth must also be typo-close (``DOB_DISTANCE``): a record
   without a date of birth must not carry a son's record into his namesake father's
   person at their shared address (Jr/Sr); and their middle names must not differ
   (``middles_agree``: "BLANCA MARIA" and "BLANCA LUCIA" are two people).

Middle names (issue 11, the 250,000-person otherworld): two same-birthday sisters at one
address, "HERRERA BRISENO, BLANCA" and "BRISENO, BLANCA MARIA" (the otherworld's twins
take "MARIA" when their drawn first name clashes with their sister's), were one person:
name (a nested double surname), date of birth and address all agree. At one address
the name-and-birthday coincidence is not rare at all (twins, a household's namesakes),
so an address corroborates only records whose given names agree in full: a middle name
on one record only, or two different middle names, leave the pair a link. A middle name
is not treated as a conflict elsewhere: clerks drop it all the time, and a typo-close
number or an agreeing identifier is corroboration a household does not share.

First names at one address (issue 11, the 1M-person otherworld, seed 31): a twin's
record with no first name ("DE LA CRUZ, , 1999-01-18", her sister's FBI number on it)
agreed with the other twin's record ("DE LA CRUZ, CARMEN") on everything else at their
address, so the address joined CARMEN's record to CLAUDIA's person through it — two
citizens in one person. A missing first name is no conflict (clerks leave it out), but
at one address it is exactly what tells two same-birthday siblings apart, so an address
corroborates only a pair whose records both give a first name (the record still joins
its own person by an identifier, as that one did by its FBI number).

The edge kinds and the guards they meet (tested in ``tests/resolve/test_cluster.py``):

=========================  ================  ================  ==================
edge                       pair conflicts    identifier guard  citizenship guard
=========================  ================  ================  ==================
identifier agrees exactly  not checked       yes               no (identity proven)
typo-close A-number / SSN  yes               yes               yes
address corroborated       yes + middles     yes               yes
=========================  ================  ================  ==================

What is left: every pair ≥ the threshold whose records end in different persons —
uncorroborated, in conflict, or refused by a guard — becomes a **"possible same
person" link** (``possible_links``) with the reason, which the build writes
(``links.py``) and the resolver and analysts see. A probable pair that fails a guard
stays two persons; the resolver shows both as candidates.

Edit here: what corroborates (``CORROBORATION``), what conflicts (``EDGE_CONFLICTS``),
the guards (``union_find._Persons.try_join``), middle-name agreement
(``union_find.middles_agree``), the typo tolerance (``TYPO_DISTANCE``) and the link
reasons.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vetline.resolve.comparisons import IDENTIFIER_COMPARISONS, TYPO_LABEL
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
#: Comparisons (and their levels) that corroborate a biographic edge: fields independent
#: of the name-and-birthday coincidence (see the module docstring; birth country is not).
CORROBORATION: tuple[tuple[str, str], ...] = (
    ("a_number", TYPO_LABEL),
    ("ssn", TYPO_LABEL),
)
#: A street address corroborates only *in the same place*: the address level and a
#: locality level must both hold. "2456 CEDAR LN" in Charlotte and "10212 CEDAR LN" in
#: Miami are Jaro-Winkler-similar; on the outside evaluator's world (bench/otherworld,
#: seed 7) that joined all 200 look-alike citizens to their removable strangers (the
#: otherworld reuses a few dozen street names), and "123 MAIN ST" is in every town.
#: Only the *exact* (standardised) street address: "2743 SUNSET ST" and "1546 SUNSET ST"
#: in one ZIP are Jaro-Winkler-similar and two households; on the 250,000-person
#: otherworld (seed 31) that similarity joined 5 citizens' records to same-name strangers
#: on the same street, one side without a date of birth.
ADDRESS_LEVELS: tuple[tuple[str, str], ...] = (("address", "exact"),)
#: ... and only for a pair whose dates of birth are both present and agree (exactly, or
#: as a keying error): a Jr's record with no date of birth at his namesake father's
#: address joined the father's person on name + address alone (250,000-person
#: otherworld, seed 31).
DOB_AGREES: tuple[tuple[str, str], ...] = (
    ("dob", "exact"),
    ("dob", "partial date agrees"),
    ("dob", "day and month swapped"),
    ("dob", TYPO_LABEL),
)
LOCALITY_LEVELS: tuple[tuple[str, str], ...] = (
    ("zip", "exact"),
    ("zip", TYPO_LABEL),
    ("city", "exact"),
    ("city", "similar (Jaro-Winkler ≥ 0.9)"),
)
#: The surname level under which a first name "different" is the swap, not a conflict.
SWAP_LEVEL: tuple[str, str] = (
    "surname",
    "first and last name swapped, similar spelling (Jaro-Winkler ≥ 0.88)",
)
#: Attributes whose known values must be the same sets for two persons joined without
#: an agreeing identifier (the citizenship guard, for birth country).
SOFT_ATTRIBUTES: tuple[str, ...] = ("birth_country", "sex")
#: Full dates of birth of two persons joined without an agreeing identifier must be
#: typo-close (Damerau-Levenshtein on ``YYYY-MM-DD``): a pair edge sees only its two
#: records, and a record with no date of birth let a father's person absorb his
#: same-name son's record at their shared address (bench/otherworld, seed 8 with doubled
#: noise: the son's criminal record joined the father's encounter record, which had no
#: date of birth, on name + address; the father's person already held 1963-09-16, the
#: son's record 1993-04-20). Two keystrokes, as for hand-keyed numbers.
DOB_DISTANCE = 2

#: How a link's reason names an identifier ("two different A-numbers").
IDENTIFIER_NAMES: dict[str, str] = {
    "a_number": "A-numbers",
    "fin": "FINs",
    "fbi_number": "FBI numbers",
    "ssn": "SSNs",
    "passport_number": "passport numbers",
    "sid": "SIDs",
}
#: Reasons of a pair left unjoined, by the comparison whose "different" level refused it.
CONFLICT_REASONS: dict[str, str] = {
    **{c: f"two different {IDENTIFIER_NAMES[c]}" for c in IDENTIFIERS},
    "birth_country": "birth countries differ",
    "sex": "sexes differ",
    "dob": "dates of birth differ",
    "forename": "first names differ",
}
UNCORROBORATED = "uncorroborated: name and date of birth only"
#: Reason when an address was the only corroboration and the given names differ in full.
MIDDLE_AT_ADDRESS = (
    "same address, but a middle name on one record only or two different middle names "
    "(a household member?)"
)
#: Reason when an address was the only corroboration and one record has no first name.
FORENAME_AT_ADDRESS = "same address, but a first name on one record only (a household member?)"
#: Reason when the persons hold different middle names.
MIDDLES_DIFFER = "middle names differ"
#: Reason when the persons (not the pair) hold a U.S. and a foreign birth country.
CITIZENSHIP_CONFLICT = "a U.S. and a foreign birth country (citizenship evidence conflicts)"


def weight_columns() -> list[str]:
    """Splink's per-comparison weight columns (``mw_<name>``) the edge test reads.

    Weights, not the ``gamma_`` level numbers: Splink emits ``gamma_`` only with every
    matched column beside it (tens of string columns per pair, gigabytes at 1M records),
    while the weight columns are a handful of floats; the level is recovered from the
    weight because each level's weight is a distinct constant of the model.
    """
    corroborating = (*CORROBORATION, *ADDRESS_LEVELS, *LOCALITY_LEVELS, *DOB_AGREES)
    names = dict.fromkeys([*EDGE_CONFLICTS, *(c for c, _ in corroborating), SWAP_LEVEL[0]])
    return [f"mw_{name}" for name in names]


def _level_is(pairs: pd.DataFrame, model: MatchModel, name: str, label: str) -> np.ndarray:
    params = model.comparisons[name]
    weight = next(p.log2_bf for p in params if p.label == label and p.m is not None)
    values = pairs[f"mw_{name}"].to_numpy(dtype=float)
    same: np.ndarray = np.abs(values - weight) <= 1e-9
    return same


def _level_given(pairs: pd.DataFrame, name: str) -> np.ndarray:
    """Whether the comparison ``name`` took a level other than "missing on one side".

    The null level weighs exactly 0 (a Bayes factor of 1) in Splink's ``mw_*`` columns
    and in the NumPy scorer's (whose exact-name weights include the term-frequency
    adjustment, so they are not the level's constant: ``_level_is`` cannot name them).
    A trained level of weight 0 (m = u exactly) would read as missing too: the refusal
    side, which costs a join, never a merge.
    """
    given: np.ndarray = np.abs(pairs[f"mw_{name}"].to_numpy(dtype=float)) > 1e-9
    return given


def classify(pairs: pd.DataFrame, threshold: float, model: MatchModel) -> pd.DataFrame:
    """Pairs ≥ ``threshold`` with ``id_agrees``, ``clean`` and, if not clean, ``reason``,
    identifier-agreeing pairs first, then strongest first (the order persons grow in).

    The reason names the first conflict found (identifiers first: they are the strongest
    evidence of two people), else the missing corroboration.
    """
    out = classify_unsorted(pairs, threshold, model)
    ordered: pd.DataFrame = out.sort_values(
        ["id_agrees", "match_weight", "unique_id_l", "unique_id_r"],
        ascending=[False, False, True, True],
    )
    return ordered


def classify_unsorted(pairs: pd.DataFrame, threshold: float, model: MatchModel) -> pd.DataFrame:
    """``classify`` without the sort (the build sorts the pairs of all batches at once)."""
    strong = pairs[pairs["match_probability"] >= threshold]
    n = len(strong)
    agrees = np.zeros(n, dtype=bool)
    conflict = np.zeros(n, dtype=bool)
    reason = np.full(n, None, dtype=object)
    swapped = _level_is(strong, model, *SWAP_LEVEL)
    for name in EDGE_CONFLICTS:
        if name in IDENTIFIERS:
            agrees |= _level_is(strong, model, name, "exact")
        differs = _level_is(strong, model, name, "different")
        if name == "forename":
            differs &= ~swapped
        reason[differs & ~conflict] = CONFLICT_REASONS[name]
        conflict |= differs
    corroborated = np.zeros(n, dtype=bool)
    for name, label in CORROBORATION:
        corroborated |= _level_is(strong, model, name, label)
    at_address = np.zeros(n, dtype=bool)
    for name, label in ADDRESS_LEVELS:
        at_address |= _level_is(strong, model, name, label)
    in_place = np.zeros(n, dtype=bool)
    for name, label in LOCALITY_LEVELS:
        in_place |= _level_is(strong, model, name, label)
    dob_agrees = np.zeros(n, dtype=bool)
    for name, label in DOB_AGREES:
        dob_agrees |= _level_is(strong, model, name, label)
    named = _level_given(strong, "forename")
    by_number = corroborated.copy()
    household = at_address & in_place & dob_agrees
    corroborated |= household & named
    clean = agrees | (~conflict & corroborated)
    reason[~conflict & ~clean] = UNCORROBORATED
    reason[~conflict & ~clean & household & ~named] = FORENAME_AT_ADDRESS
    reason[clean] = None
    out = strong[["unique_id_l", "unique_id_r", "match_weight", "match_probability"]].copy()
    out["id_agrees"] = agrees
    out["clean"] = clean
    out["by_address"] = clean & ~agrees & ~by_number  # the address was the corroboration
    out["reason"] = reason
    return out


def clean_edges(pairs: pd.DataFrame, threshold: float, model: MatchModel) -> pd.DataFrame:
    """Probable, clean pairs with ``id_agrees`` and ``by_address`` columns, strongest first."""
    edges = classify(pairs, threshold, model)
    kept: pd.DataFrame = edges.loc[
        edges["clean"], ["unique_id_l", "unique_id_r", "match_weight", "id_agrees", "by_address"]
    ]
    return kept


#: Columns of ``possible_links`` (by record; the build maps them to person ids).
LINK_COLUMNS: tuple[str, ...] = (
    "unique_id_l",
    "unique_id_r",
    "cluster_l",
    "cluster_r",
    "match_probability",
    "match_weight",
    "reason",
)


def possible_links(
    scored: pd.DataFrame, clusters: pd.Series, refused: dict[tuple[str, str], str]
) -> pd.DataFrame:
    """ "Possible same person" links: the strongest pair between each two clusters.

    ``scored`` is ``classify``'s output (every pair ≥ the threshold), ``clusters`` maps
    unique id → cluster id, ``refused`` the guard's reasons (``components``). A pair
    whose records ended in one person (through other edges) is no link.
    """
    left = scored["unique_id_l"].map(clusters)
    right = scored["unique_id_r"].map(clusters)
    apart = (left != right).to_numpy() & left.notna().to_numpy() & right.notna().to_numpy()
    found = scored.loc[apart].copy()
    found["cluster_l"] = left[apart].astype(str)
    found["cluster_r"] = right[apart].astype(str)
    why = [
        r if isinstance(r, str) else refused.get((str(a), str(b)), UNCORROBORATED)
        for a, b, r in zip(found["unique_id_l"], found["unique_id_r"], found["reason"], strict=True)
    ]
    found["reason"] = why
    swap = found["cluster_l"] > found["cluster_r"]
    for a, b in (("cluster_l", "cluster_r"), ("unique_id_l", "unique_id_r")):
        found.loc[swap, [a, b]] = found.loc[swap, [b, a]].to_numpy()
    found = found.sort_values(
        ["match_weight", "unique_id_l", "unique_id_r"], ascending=[False, True, True]
    ).drop_duplicates(["cluster_l", "cluster_r"], keep="first")
    ordered: pd.DataFrame = found[list(LINK_COLUMNS)].sort_values(["cluster_l", "cluster_r"])
    return ordered.reset_index(drop=True)
