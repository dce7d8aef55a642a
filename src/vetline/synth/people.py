"""The people of the world: who they are before any record is written.

Per-person attributes are columns (``columns.People``: NumPy arrays): scenario, sex, date
of birth, birth country, the pool indices of their names, address, parent. ``build``
draws them, has the look-alikes made (``lookalikes.py``: what wrongly detains people,
made on purpose) and pairs children with their parents.
"""

from __future__ import annotations

import numpy as np

from vetline.synth.catalogue import CATALOGUE, COUNTRY_MIX, KEY_ARRAY
from vetline.synth.columns import People, counties, in_child_scenarios
from vetline.synth.config import LookalikeConfig
from vetline.synth.dates import years
from vetline.synth.lookalikes import make_lookalikes
from vetline.synth.names import HISPANIC, MIDDLE_NAME_COUNTRIES, NamePools

STREET_SUFFIXES = np.asarray(["ST", "AVE", "BLVD", "DR", "RD", "LN", "WAY", "CT", "PL"], object)


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
    rng: np.random.Generator,
    pools: NamePools,
    codes: np.ndarray,
    as_of_day: int,
    base: int,
    lookalikes: LookalikeConfig | None = None,
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
        lookalike_variant=np.full(n, None, dtype=object),
        recorded_pob=np.full(n, None, dtype=object),
        no_arrest=np.zeros(n, dtype=bool),
        no_prints=np.zeros(n, dtype=bool),
    )
    make_lookalikes(rng, pools, people, as_of_day, lookalikes or LookalikeConfig())
    _pair_parents(rng, pools, people)
    return people


def _pair_parents(rng: np.random.Generator, pools: NamePools, p: People) -> None:
    """Each child of a parent scenario gets one NATURALIZED_PARENT: same family name and
    birth country, 20-40 years older. A child's twin (never made for these scenarios)
    would otherwise need the same parent dates."""
    children = np.flatnonzero(in_child_scenarios(KEY_ARRAY[p.scenario]))
    parents = p.of("NATURALIZED_PARENT")
    k = min(len(children), len(parents))
    children, parents = children[:k], parents[:k]
    p.parent[children] = parents
    p.dob[parents] = p.dob[children] - years(20 + rng.random(k) * 20)
    for attr in ("birth_country", "name_country", "last1", "county", "street"):
        getattr(p, attr)[parents] = getattr(p, attr)[children]
    first, middle, _, last2 = draw_names(rng, pools, p.name_country, p.sex, parents)
    p.first[parents], p.middle[parents], p.last2[parents] = first, middle, last2
