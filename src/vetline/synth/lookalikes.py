"""Look-alikes made on purpose: the pairs of people that wrongly detain someone.

Unrelated people with the same common name and DOB, twins, a citizen sharing name and DOB
with a removable person, and the constructions of issue 11 (a citizen whose arrests carry
the stranger's birthplace, name variants, a citizen known only to criminal systems beside
a stranger known only to immigration systems, father and son of one name). Shares:
``LookalikeConfig``. Run by ``people.build`` once everyone's attributes are drawn; each
construction changes the ``People`` columns in place and marks the pair (group, kind,
variant) for the ground truth.

Edit here: a new look-alike kind is a function in ``_MAKERS`` (vectorised over its pairs
with ``_match``) plus a field of ``LookalikeConfig`` and a row in the README.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetline.synth.catalogue import CATALOGUE, KEY_ARRAY, in_scenarios
from vetline.synth.columns import People, counties, in_child_scenarios
from vetline.synth.config import LookalikeConfig
from vetline.synth.dates import YEAR, years
from vetline.synth.names import NamePools

_NO_LOOKALIKE = frozenset({"NATURALIZED_PARENT"})
_REMOVABLE_LEADERS = frozenset(
    {"EWI", "FINAL_ORDER", "REMOVED_AND_REENTERED", "OVERSTAY", "LPR_REMOVABLE"}
)
_CITIZEN_FOLLOWERS = frozenset({"US_BORN", "NATURALIZED", "DERIVED_VIA_PARENT"})
#: Strangers known to immigration systems only (A-number, FIN) once arrests are withheld.
_IMMIGRATION_ONLY_LEADERS = frozenset({"EWI", "FINAL_ORDER"})
_US_BORN = frozenset({"US_BORN"})
_NAME_VARIANTS = ("TRUNCATED_SURNAME", "SWAPPED_SURNAME", "NICKNAME", "TRANSLIT")


_AGE_LO = np.asarray([s.age[0] for s in CATALOGUE], dtype=np.float64)
_AGE_HI = np.asarray([s.age[1] for s in CATALOGUE], dtype=np.float64)


def make_lookalikes(
    rng: np.random.Generator, pools: NamePools, p: People, as_of_day: int, cfg: LookalikeConfig
) -> None:
    free = np.ones(p.n, dtype=bool)
    free[in_scenarios(p.scenario, _NO_LOOKALIKE)] = False
    made = _Made(p, free, p.base)  # group ids are global: base + running number
    for kind, share in cfg.shares().items():
        pairs = int(p.n * share / 2)
        if pairs == 0:
            continue
        if kind in _PAIRWISE:
            _pairwise(rng, pools, p, as_of_day, kind, pairs, made)
        else:
            _MAKERS[kind](rng, pools, p, as_of_day, cfg, pairs, made)


@dataclass
class _Made:
    """Who is still free to join a pair, and the last group id handed out."""

    people: People
    free: np.ndarray
    group: int

    def mark(self, a: np.ndarray, b: np.ndarray, kind: str, variant: np.ndarray | None) -> None:
        p, k = self.people, len(a)
        groups = self.group + 1 + np.arange(k, dtype=np.int64)
        self.group += k
        for side in (a, b):
            p.lookalike_group[side] = groups
            p.lookalike_kind[side] = kind
            if variant is not None:
                p.lookalike_variant[side] = variant
            self.free[side] = False


_PAIRWISE = frozenset({"SAME_NAME_DOB", "TWINS", "CITIZEN_REMOVABLE"})


def _pairwise(
    rng: np.random.Generator,
    pools: NamePools,
    p: People,
    as_of_day: int,
    kind: str,
    pairs: int,
    made: _Made,
) -> None:
    """The first look-alike kinds, pair by pair (a few hundred per chunk)."""
    free = made.free
    key_arr = KEY_ARRAY[p.scenario]
    if kind == "CITIZEN_REMOVABLE":
        leaders = np.flatnonzero(free & in_scenarios(p.scenario, _REMOVABLE_LEADERS))
        followers = np.flatnonzero(free & in_scenarios(p.scenario, _CITIZEN_FOLLOWERS))
    elif kind == "TWINS":
        leaders = np.flatnonzero(free & (p.birth_country != "US") & ~in_child_scenarios(key_arr))
        followers = leaders
    else:
        leaders = np.flatnonzero(free)
        followers = leaders
    leaders = rng.permutation(leaders)[: pairs * 3]
    # Followers come from the leader's naming culture (a U.S.-born GARCIA for a Mexican
    # GARCIA), so look-alikes are as plausible as the collisions they stand for.
    by_country: dict[str, list[int]] = {}
    for b in rng.permutation(followers)[: pairs * 30]:
        by_country.setdefault(p.name_country[b], []).append(int(b))
    count = 0
    for a in leaders:
        if count >= pairs:
            break
        pool = by_country.get(p.name_country[a], [])
        b = -1
        age = (as_of_day - p.dob[a]) / YEAR
        while pool and b < 0:
            cand = pool.pop()
            sc = p.scenario[cand]
            if cand != a and free[cand] and free[a] and _AGE_LO[sc] <= age <= _AGE_HI[sc]:
                b = cand
        if b < 0:
            continue
        if kind == "TWINS":
            # Twins have different first names; a pair that cannot get one is not made.
            sex = "M" if rng.random() < 0.5 else "F"
            sampler = pools.first_sampler(p.name_country[a], sex)
            first = p.first[a]
            for _ in range(5):
                first = sampler.draw(rng, 1)[0]
                if first != p.first[a]:
                    break
            if first == p.first[a]:
                continue
            for attr in ("last1", "last2", "name_country", "birth_country", "county"):
                getattr(p, attr)[b] = getattr(p, attr)[a]
            p.street[b] = p.street[a]
            p.sex[b], p.first[b] = sex, first
        else:
            p.sex[b] = p.sex[a]
            for attr in ("first", "middle", "last1", "last2"):
                getattr(p, attr)[b] = getattr(p, attr)[a]
        p.dob[b] = p.dob[a]
        made.mark(np.asarray([a]), np.asarray([b]), kind, None)
        count += 1


def _rank_within(keys: np.ndarray) -> np.ndarray:
    """Position of each element among the elements with the same key, in array order."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.searchsorted(sorted_keys, sorted_keys, side="left")
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys)) - starts
    return rank


def _match(
    rng: np.random.Generator,
    p: People,
    leaders: np.ndarray,
    followers: np.ndarray,
    pairs: int,
    dob: np.ndarray | None,
    as_of_day: int,
    by_culture: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Up to ``pairs`` (leader, follower) pairs of one naming culture, vectorised.

    Both sides are shuffled; the i-th leader of a culture takes its i-th follower (a
    U.S.-born GARCIA for a Mexican GARCIA). With ``dob`` (per person), the follower
    takes the leader's date of birth, so the leader's age must fall within the
    follower's scenario ages; pairs where it does not are dropped. ``by_culture=False``
    pairs across cultures: for U.S.-born followers, who take the leader's names and
    naming culture whole (a U.S.-born child of immigrants), any one will do."""
    leaders = rng.permutation(leaders)
    followers = rng.permutation(followers)
    if not len(leaders) or not len(followers):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if by_culture:
        both = np.concatenate([p.name_country[leaders], p.name_country[followers]]).astype(str)
        _, inverse = np.unique(both, return_inverse=True)
    else:
        inverse = np.zeros(len(leaders) + len(followers), dtype=np.int64)
    kl, kf = inverse[: len(leaders)], inverse[len(leaders) :]
    counts = np.bincount(kf, minlength=int(inverse.max()) + 1)
    start = np.cumsum(counts) - counts
    by_key = np.argsort(kf, kind="stable")
    rank = _rank_within(kl)
    ok = rank < counts[kl]
    a = leaders[ok]
    b = followers[by_key[start[kl[ok]] + rank[ok]]]
    if dob is not None:
        age = (as_of_day - dob[a]) / YEAR
        sc = p.scenario[b]
        fits = (_AGE_LO[sc] <= age) & (age <= _AGE_HI[sc])
        a, b = a[fits], b[fits]
    return a[:pairs], b[:pairs]


def _copy_identity(p: People, a: np.ndarray, b: np.ndarray) -> None:
    """``b`` takes ``a``'s names, naming culture, sex and date of birth."""
    for attr in ("first", "middle", "last1", "last2", "name_country", "sex", "dob"):
        getattr(p, attr)[b] = getattr(p, attr)[a]


def _wrong_birthplace(
    rng: np.random.Generator,
    pools: NamePools,
    p: People,
    as_of_day: int,
    cfg: LookalikeConfig,
    pairs: int,
    made: _Made,
) -> None:
    """A U.S.-born citizen with a removable stranger's name, DOB and sex, whose criminal
    and custody records carry the stranger's birth country (Gonzalez, reference §6.1)."""
    free = made.free
    leaders = np.flatnonzero(
        free & in_scenarios(p.scenario, _REMOVABLE_LEADERS) & (p.birth_country != "US")
    )
    followers = np.flatnonzero(free & in_scenarios(p.scenario, _US_BORN))
    a, b = _match(rng, p, leaders, followers, pairs, p.dob, as_of_day, by_culture=False)
    _copy_identity(p, a, b)
    p.recorded_pob[b] = p.birth_country[a]
    made.mark(a, b, "CITIZEN_WRONG_BIRTHPLACE", None)


def _name_variant(
    rng: np.random.Generator,
    pools: NamePools,
    p: People,
    as_of_day: int,
    cfg: LookalikeConfig,
    pairs: int,
    made: _Made,
) -> None:
    """A citizen whose name is a variant of a removable stranger's: one side carries both
    surnames and the other the first only (GARCIA LOPEZ / GARCIA), or the surnames
    swapped, or a nickname (WILLIAM / BILL), or a transliteration (MOHAMMED / MUHAMMAD);
    same DOB and sex. Which side has the longer or formal form is drawn per pair."""
    free = made.free
    cand = np.flatnonzero(free & in_scenarios(p.scenario, _REMOVABLE_LEADERS))
    avail = np.stack(
        [
            p.last2[cand] >= 0,
            p.last2[cand] >= 0,
            pools.nickname.has(p.first[cand]),
            pools.translit.has(p.first[cand]) | pools.translit.has(p.last1[cand]),
        ],
        axis=1,
    )
    keep = avail.any(axis=1)
    leaders, avail = cand[keep], avail[keep]
    followers = np.flatnonzero(free & in_scenarios(p.scenario, _CITIZEN_FOLLOWERS))
    a, b = _match(rng, p, leaders, followers, pairs, p.dob, as_of_day)
    if not len(a):
        return
    row = np.searchsorted(leaders, a)  # leaders are sorted (flatnonzero)
    # Truncation is the common clerk's variant, swapping the rarer; nicknames and
    # transliterations are weighted up because few strangers' names have one.
    weights = avail[row] * np.asarray([1.0, 0.5, 2.0, 2.0])
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(a)) * cum[:, -1]
    which = np.argmax(cum > u[:, None], axis=1)
    _copy_identity(p, a, b)
    trunc, swap, nick, tr = (which == k for k in range(4))
    p.last2[b[trunc]] = -1
    p.last1[b[swap]], p.last2[b[swap]] = p.last2[a[swap]], p.last1[a[swap]]
    p.first[b[nick]] = pools.nickname.pick(p.first[a[nick]], rng)
    tr_first = (
        tr
        & pools.translit.has(p.first[a])
        & (~pools.translit.has(p.last1[a]) | (rng.random(len(a)) < 0.5))
    )
    tr_last = tr & ~tr_first
    p.first[b[tr_first]] = pools.translit.pick(p.first[a[tr_first]], rng)
    p.last1[b[tr_last]] = pools.translit.pick(p.last1[a[tr_last]], rng)
    # Either side may hold the short, swapped or informal form.
    flip = rng.random(len(a)) < 0.5
    fa, fb = a[flip], b[flip]
    for attr in ("first", "middle", "last1", "last2"):
        col = getattr(p, attr)
        col[fa], col[fb] = col[fb], col[fa].copy()
    made.mark(a, b, "NAME_VARIANT", np.asarray(_NAME_VARIANTS, dtype=object)[which])


def _criminal_only(
    rng: np.random.Generator,
    pools: NamePools,
    p: People,
    as_of_day: int,
    cfg: LookalikeConfig,
    pairs: int,
    made: _Made,
) -> None:
    """The issue-11 case: a U.S.-born citizen known only to criminal systems (FBI number,
    SID, SSN; never fingerprinted into IDENT) and a stranger known only to immigration
    systems (A-number, FIN; never arrested), with the same name, DOB, sex and, on the
    citizen's arrests, the stranger's birth country. Same county or different states;
    some citizens carry only the first of the stranger's two surnames."""
    free = made.free
    leaders = np.flatnonzero(free & in_scenarios(p.scenario, _IMMIGRATION_ONLY_LEADERS))
    followers = np.flatnonzero(free & in_scenarios(p.scenario, _US_BORN))
    a, b = _match(rng, p, leaders, followers, pairs, p.dob, as_of_day, by_culture=False)
    _copy_identity(p, a, b)
    p.recorded_pob[b] = p.birth_country[a]
    p.no_arrest[a] = True
    p.no_prints[b] = True
    short = (p.last2[a] >= 0) & (rng.random(len(a)) < cfg.criminal_only_truncated)
    p.last2[b[short]] = -1
    same = rng.random(len(a)) < cfg.criminal_only_same_state
    p.county[b[same]] = p.county[a[same]]
    c = counties()
    other = b[~same]
    for _ in range(20):
        clash = c.state[p.county[other]] == c.state[p.county[a[~same]]]
        if not clash.any():
            break
        redraw = np.searchsorted(c.cum, rng.random(int(clash.sum())) * c.cum[-1], side="right")
        p.county[other[clash]] = redraw
    variant = np.where(same, "SAME_STATE", "OTHER_STATE").astype(object)
    variant[short] = variant[short] + "+TRUNCATED_SURNAME"
    made.mark(a, b, "CRIMINAL_ONLY_CITIZEN", variant)


def _jr_sr(
    rng: np.random.Generator,
    pools: NamePools,
    p: People,
    as_of_day: int,
    cfg: LookalikeConfig,
    pairs: int,
    made: _Made,
) -> None:
    """A removable father (Sr) and his U.S.-born son (Jr) of the same full name, 20-35
    years apart (no suffix in the records: most systems drop it); some share an address."""
    free = made.free
    age = (as_of_day - p.dob) / YEAR
    leaders = np.flatnonzero(
        free & in_scenarios(p.scenario, _REMOVABLE_LEADERS) & (p.sex == "M") & (age >= 40)
    )
    followers = np.flatnonzero(free & in_scenarios(p.scenario, _US_BORN))
    a, b = _match(rng, p, leaders, followers, 2 * pairs, None, as_of_day, by_culture=False)
    age_a = age[a]
    hi = np.minimum(35.0, age_a - 19.5)  # the son is an adult (US_BORN ages 19-70)
    gap = 20.0 + rng.random(len(a)) * (hi - 20.0)
    ok = (hi >= 20.0) & (age_a - gap <= _AGE_HI[p.scenario[b]])
    a, b, gap = a[ok][:pairs], b[ok][:pairs], gap[ok][:pairs]
    for attr in ("first", "middle", "last1", "last2", "name_country"):
        getattr(p, attr)[b] = getattr(p, attr)[a]
    p.sex[b] = "M"
    p.dob[b] = p.dob[a] + years(gap)
    same = rng.random(len(a)) < cfg.jr_sr_same_address
    p.county[b[same]] = p.county[a[same]]
    p.street[b[same]] = p.street[a[same]]
    made.mark(a, b, "JR_SR", np.where(same, "SAME_ADDRESS", "OTHER_ADDRESS"))


_MAKERS = {
    "CITIZEN_WRONG_BIRTHPLACE": _wrong_birthplace,
    "NAME_VARIANT": _name_variant,
    "CRIMINAL_ONLY_CITIZEN": _criminal_only,
    "JR_SR": _jr_sr,
}
