"""The people of the world: who they are before any record is written.

Per-person attributes are columns (NumPy arrays): scenario, sex, date of birth, birth
country, the pool indices of their names, address, parent. Look-alikes are made here on
purpose, because they are what wrongly detains people: unrelated people with the same
common name and DOB, twins, and a citizen sharing name and DOB with a removable person.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from vetline.synth.catalogue import CATALOGUE, CODE, COUNTRY_MIX, KEY_ARRAY, in_scenarios
from vetline.synth.dates import YEAR, years
from vetline.synth.names import (
    HISPANIC,
    MIDDLE_NAME_COUNTRIES,
    TABLES_DIR,
    NamePools,
)

STREET_SUFFIXES = np.asarray(["ST", "AVE", "BLVD", "DR", "RD", "LN", "WAY", "CT", "PL"], object)

#: Shares of the world's people made into look-alikes of each kind.
LOOKALIKE_SHARE = {"SAME_NAME_DOB": 0.012, "TWINS": 0.006, "CITIZEN_REMOVABLE": 0.01}
_NO_LOOKALIKE = frozenset({"NATURALIZED_PARENT"})
_CHILD_SCENARIOS = frozenset(s.key for s in CATALOGUE if s.parent)
_REMOVABLE_LEADERS = frozenset(
    {"EWI", "FINAL_ORDER", "REMOVED_AND_REENTERED", "OVERSTAY", "LPR_REMOVABLE"}
)
_CITIZEN_FOLLOWERS = frozenset({"US_BORN", "NATURALIZED", "DERIVED_VIA_PARENT"})


@dataclass(frozen=True)
class Counties:
    state: np.ndarray
    fips: np.ndarray
    county: np.ndarray
    city: np.ndarray
    zip: np.ndarray
    cum: np.ndarray


@cache
def counties() -> Counties:
    with (TABLES_DIR / "counties.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))

    def col(name: str) -> np.ndarray:
        return np.asarray([r[name] for r in rows], dtype=object)

    return Counties(
        col("state"),
        col("county_fips"),
        col("county"),
        col("city"),
        col("zip"),
        np.cumsum([float(r["weight"]) for r in rows]),
    )


@dataclass
class People:
    """Column-wise people of one chunk; index ``i`` is person ``P{base + i + 1:09d}``."""

    base: int
    scenario: np.ndarray
    sex: np.ndarray
    dob: np.ndarray
    birth_country: np.ndarray
    name_country: np.ndarray
    first: np.ndarray
    middle: np.ndarray
    last1: np.ndarray
    last2: np.ndarray
    county: np.ndarray
    street: np.ndarray
    parent: np.ndarray
    lookalike_group: np.ndarray
    lookalike_kind: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.scenario)

    def of(self, key: str) -> np.ndarray:
        """Indices of the people in scenario ``key``."""
        return np.flatnonzero(self.scenario == CODE[key])


def _draw_country(rng: np.random.Generator, mix: dict[str, float], n: int) -> np.ndarray:
    keys = np.asarray(list(mix), dtype=object)
    w = np.asarray(list(mix.values()), dtype=np.float64)
    return np.asarray(keys[rng.choice(len(keys), size=n, p=w / w.sum())])


def draw_names(
    rng: np.random.Generator,
    pools: NamePools,
    country: np.ndarray,
    sex: np.ndarray,
    idx: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """First, middle, paternal and maternal surname pool indices for people ``idx``."""
    n = len(idx)
    first = np.empty(n, np.int64)
    middle = np.full(n, -1, np.int64)
    last1 = np.empty(n, np.int64)
    last2 = np.full(n, -1, np.int64)
    c, s = country[idx], sex[idx]
    # One pass per country (sorted groups), not one boolean mask over everyone per country.
    keys, inverse = np.unique(c.astype(str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(keys) + 1))
    for k, cc in enumerate(keys):
        grp = order[bounds[k] : bounds[k + 1]]
        last1[grp] = pools.last_sampler(cc).draw(rng, len(grp))
        if cc in HISPANIC:
            second = pools.last_sampler(cc).draw(rng, len(grp))
            # "DE LA CRUZ" or "SALINAS VALENZUELA" already fill the surname field.
            one = pools.has_space[last1[grp]] | pools.has_space[second]
            last2[grp] = np.where(one, -1, second)
        p_middle = 0.6 if cc in MIDDLE_NAME_COUNTRIES else 0.2 if cc in HISPANIC else 0.0
        for ss in ("M", "F"):
            sel = grp[s[grp] == ss]
            if not len(sel):
                continue
            sampler = pools.first_sampler(cc, ss)
            first[sel] = sampler.draw(rng, len(sel))
            has_mid = sel[rng.random(len(sel)) < p_middle]
            middle[has_mid] = sampler.draw(rng, len(has_mid))
    return first, middle, last1, last2


def build(
    rng: np.random.Generator, pools: NamePools, codes: np.ndarray, as_of_day: int, base: int
) -> People:
    """Draw everyone's attributes, make look-alikes, pair children with parents."""
    n = len(codes)
    sex = np.where(rng.random(n) < 0.55, "M", "F").astype(object)
    birth = np.empty(n, dtype=object)
    dob = np.empty(n, dtype=np.int64)
    for i, sc in enumerate(CATALOGUE):
        sel = np.flatnonzero(codes == i)
        if not len(sel):
            continue
        birth[sel] = _draw_country(rng, COUNTRY_MIX[sc.population], len(sel))
        lo, hi = sc.age
        dob[sel] = as_of_day - years(lo + rng.random(len(sel)) * (hi - lo))
    name_country = birth.copy()
    us = np.flatnonzero(birth == "US")
    heritage = us[rng.random(len(us)) < 0.45]
    name_country[heritage] = _draw_country(rng, COUNTRY_MIX["BASE"], len(heritage))
    first, middle, last1, last2 = draw_names(rng, pools, name_country, sex, np.arange(n))
    # Children of immigrants born in the U.S. mostly carry one surname.
    last2[us[rng.random(len(us)) < 0.7]] = -1
    c = counties()
    county = np.searchsorted(c.cum, rng.random(n) * c.cum[-1], side="right")
    us_last = pools.last_sampler("US").draw(rng, n)
    number = rng.integers(100, 20000, n)
    suffix = STREET_SUFFIXES[rng.integers(len(STREET_SUFFIXES), size=n)]
    street = number.astype(str).astype(object) + " " + pools.upper[us_last] + " " + suffix
    people = People(
        base=base,
        scenario=codes,
        sex=sex,
        dob=dob,
        birth_country=birth,
        name_country=name_country,
        first=first,
        middle=middle,
        last1=last1,
        last2=last2,
        county=county,
        street=street,
        parent=np.full(n, -1, np.int64),
        lookalike_group=np.full(n, -1, np.int64),
        lookalike_kind=np.full(n, None, dtype=object),
    )
    _make_lookalikes(rng, pools, people, as_of_day)
    _pair_parents(rng, pools, people)
    return people


_AGE_LO = np.asarray([s.age[0] for s in CATALOGUE], dtype=np.float64)
_AGE_HI = np.asarray([s.age[1] for s in CATALOGUE], dtype=np.float64)


def _make_lookalikes(rng: np.random.Generator, pools: NamePools, p: People, as_of_day: int) -> None:
    key_arr = KEY_ARRAY[p.scenario]
    free = np.ones(p.n, dtype=bool)
    free[in_scenarios(p.scenario, _NO_LOOKALIKE)] = False
    group = p.base  # group ids are global: base + running number
    for kind, share in LOOKALIKE_SHARE.items():
        pairs = int(p.n * share / 2)
        if pairs == 0:
            continue
        if kind == "CITIZEN_REMOVABLE":
            leaders = np.flatnonzero(free & in_scenarios(p.scenario, _REMOVABLE_LEADERS))
            followers = np.flatnonzero(free & in_scenarios(p.scenario, _CITIZEN_FOLLOWERS))
        elif kind == "TWINS":
            leaders = np.flatnonzero(free & (p.birth_country != "US") & ~_children(key_arr))
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
        made = 0
        for a in leaders:
            if made >= pairs:
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
            p.dob[b] = p.dob[a]
            if kind == "TWINS":
                for attr in ("last1", "last2", "name_country", "birth_country", "county"):
                    getattr(p, attr)[b] = getattr(p, attr)[a]
                p.street[b] = p.street[a]
                p.sex[b] = "M" if rng.random() < 0.5 else "F"
                sampler = pools.first_sampler(p.name_country[a], p.sex[b])
                for _ in range(5):
                    p.first[b] = sampler.draw(rng, 1)[0]
                    if p.first[b] != p.first[a]:
                        break
            else:
                p.sex[b] = p.sex[a]
                for attr in ("first", "middle", "last1", "last2"):
                    getattr(p, attr)[b] = getattr(p, attr)[a]
            group += 1
            pair = np.asarray([a, b], dtype=np.int64)
            p.lookalike_group[pair] = group
            p.lookalike_kind[pair] = kind
            free[pair] = False
            made += 1


def _children(keys: np.ndarray) -> np.ndarray:
    return np.asarray(np.isin(keys, list(_CHILD_SCENARIOS)))


def _pair_parents(rng: np.random.Generator, pools: NamePools, p: People) -> None:
    """Each child of a parent scenario gets one NATURALIZED_PARENT: same family name and
    birth country, 20-40 years older. A child's twin (never made for these scenarios)
    would otherwise need the same parent dates."""
    children = np.flatnonzero(_children(KEY_ARRAY[p.scenario]))
    parents = p.of("NATURALIZED_PARENT")
    k = min(len(children), len(parents))
    children, parents = children[:k], parents[:k]
    p.parent[children] = parents
    p.dob[parents] = p.dob[children] - years(20 + rng.random(k) * 20)
    for attr in ("birth_country", "name_country", "last1", "county", "street"):
        getattr(p, attr)[parents] = getattr(p, attr)[children]
    first, middle, _, last2 = draw_names(rng, pools, p.name_country, p.sex, parents)
    p.first[parents], p.middle[parents], p.last2[parents] = first, middle, last2
