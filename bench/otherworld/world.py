"""People of the outside evaluator's world: who they are, and what each system holds.

Why a second world: vetline's own generator and vetline's matcher were written by the
same hands, so they share blind spots. This module is another author's idea of the same
world (issue 11): its own name pools (``names.py``), its own identifier formats, its own
mix of systems per person and its own noise (``noise.py``). It imports nothing from
``vetline``; the bench checks that the extract ingests with 0 rejects.

Everything is vectorised over people (NumPy / pandas), so 1M people take minutes, not
hours: a person is a row of ``People``, a record is a row of a per-source frame that points
at its person by index; identity columns are copied from the person, then noised.

Edit here: a scenario's share or its records (``SCENARIOS`` and ``_records_for``), the
look-alike constructions (``_lookalikes``, ``_twins``, ``_juniors``), identifier formats
(``_ids``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from .names import DOUBLE_SURNAME, GROUPS

#: The world's reference day: statuses and removability hold as of this day.
AS_OF: Final = np.datetime64("2026-11-01", "D")

#: scenario -> (share, expected status, U.S. citizen, removable)
SCENARIOS: Final[dict[str, tuple[float, str, bool, bool]]] = {
    "USC_BOOKED": (0.34, "US_BORN_CITIZEN", True, False),
    "NATURALIZED": (0.10, "NATURALIZED_CITIZEN", True, False),
    "DERIVED": (0.03, "DERIVED_CITIZEN", True, False),
    "LPR": (0.16, "LPR", False, False),
    "LPR_REMOVABLE": (0.04, "LPR", False, True),
    "NONIMMIGRANT": (0.07, "NONIMMIGRANT_IN_STATUS", False, False),
    "OVERSTAY": (0.06, "OVERSTAY", False, True),
    "EWI": (0.06, "ENTERED_WITHOUT_INSPECTION", False, True),
    "FINAL_ORDER": (0.05, "FINAL_ORDER", False, True),
    "TPS": (0.04, "TPS", False, False),
    "ASYLEE": (0.03, "ASYLEE", False, False),
    "REFUGEE": (0.02, "REFUGEE", False, False),
}
#: Scenarios outside the random mix (built by the constructions).
EXTRA_SCENARIOS: Final[dict[str, tuple[str, bool, bool]]] = {
    "USC_LOOKALIKE": ("US_BORN_CITIZEN", True, False),
    "ABSENT": ("US_BORN_CITIZEN", True, False),
}

#: (state, city, zip, county FIPS): real places, so every code is valid.
PLACES: Final = (
    ("CA", "LOS ANGELES", "90011", "06037"),
    ("CA", "SAN DIEGO", "92113", "06073"),
    ("CA", "FRESNO", "93706", "06019"),
    ("TX", "HOUSTON", "77036", "48201"),
    ("TX", "DALLAS", "75211", "48113"),
    ("TX", "EL PASO", "79905", "48141"),
    ("NY", "BROOKLYN", "11220", "36047"),
    ("NY", "BRONX", "10453", "36005"),
    ("FL", "MIAMI", "33125", "12086"),
    ("FL", "ORLANDO", "32822", "12095"),
    ("IL", "CHICAGO", "60623", "17031"),
    ("AZ", "PHOENIX", "85009", "04013"),
    ("GA", "ATLANTA", "30303", "13121"),
    ("NJ", "NEWARK", "07104", "34013"),
    ("WA", "SEATTLE", "98108", "53033"),
    ("NC", "CHARLOTTE", "28205", "37119"),
    ("NV", "LAS VEGAS", "89101", "32003"),
    ("CO", "DENVER", "80219", "08031"),
    ("MA", "BOSTON", "02128", "25025"),
    ("PA", "PHILADELPHIA", "19120", "42101"),
    ("MI", "DETROIT", "48209", "26163"),
    ("MN", "MINNEAPOLIS", "55407", "27053"),
    ("OR", "PORTLAND", "97266", "41051"),
    ("UT", "SALT LAKE CITY", "84104", "49035"),
    ("VA", "ARLINGTON", "22204", "51013"),
    ("OH", "COLUMBUS", "43211", "39049"),
)
STREETS: Final = (
    "MAIN",
    "OAK",
    "PINE",
    "MAPLE",
    "CEDAR",
    "ELM",
    "WASHINGTON",
    "LAKE",
    "HILL",
    "PARK",
    "CENTRAL",
    "MISSION",
    "SUNSET",
    "JEFFERSON",
    "LINCOLN",
    "MADISON",
    "FIRST",
    "SECOND",
    "THIRD",
    "FOURTH",
    "VALLEY",
    "RIVER",
    "HIGHLAND",
    "FOREST",
    "DEL MAR",
    "ALAMEDA",
)
STREET_KINDS: Final = ("ST", "AVE", "RD", "BLVD", "DR", "LN", "CT", "WAY")


@dataclass
class People:
    """One row per person; every column a NumPy array of the same length."""

    cols: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return len(self.cols["pid"])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name]

    def __setitem__(self, name: str, value: np.ndarray) -> None:
        self.cols[name] = value

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.cols)


def days(value: str) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def iso(day: np.ndarray) -> np.ndarray:
    """Day numbers → ``YYYY-MM-DD`` strings (object array)."""
    return np.datetime_as_string(np.asarray(day, np.int64).astype("datetime64[D]")).astype(object)


def _pick(rng: np.random.Generator, pool: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(pool, dtype=object)[rng.integers(0, len(pool), n)]


def _affine_ids(n: int, start: int, modulus: int, mult: int, offset: int) -> np.ndarray:
    """``n`` distinct pseudo-random numbers in ``[start, start + modulus)``.

    An affine map ``i → (a·i + b) mod m`` with ``gcd(a, m) = 1`` is a permutation, so the
    numbers are unique without a set or a shuffle of the whole range (1M people).
    """
    i = np.arange(n, dtype=np.int64)
    return start + (i * mult + offset) % modulus


def make_people(rng: np.random.Generator, n: int) -> People:
    """``n`` people of the random mix: names, birth, residence, scenario, identifiers."""
    group_names = list(GROUPS)
    shares = np.array([GROUPS[g][0] for g in group_names])
    group = rng.choice(len(group_names), n, p=shares / shares.sum())
    sex = np.where(rng.random(n) < 0.62, "M", "F").astype(object)  # booked people: mostly men
    first = np.empty(n, object)
    middle = np.full(n, "", object)
    last1 = np.empty(n, object)
    last2 = np.full(n, "", object)
    pob_abroad = np.empty(n, object)
    for g, name in enumerate(group_names):
        _, countries, males, females, surnames = GROUPS[name]
        at = group == g
        k = int(at.sum())
        male = sex[at] == "M"
        first[at] = np.where(male, _pick(rng, males, k), _pick(rng, females, k))
        with_middle = rng.random(k) < (0.35 if name in ("anglo", "hispanic") else 0.1)
        mids = np.where(male, _pick(rng, males, k), _pick(rng, females, k))
        middle[at] = np.where(with_middle & (mids != first[at]), mids, "")
        last1[at] = _pick(rng, surnames, k)
        double = rng.random(k) < DOUBLE_SURNAME.get(name, 0.0)
        second = _pick(rng, surnames, k)
        last2[at] = np.where(double & (second != last1[at]), second, "")
        pob_abroad[at] = _pick(rng, countries, k)
    keys = list(SCENARIOS)
    p = np.array([SCENARIOS[k][0] for k in keys])
    scenario = np.asarray(keys, object)[rng.choice(len(keys), n, p=p / p.sum())]
    age = rng.integers(18, 72, n)
    dob = days("2026-11-01") - age * 365 - rng.integers(0, 365, n)
    # permanent residents arrived as adults (≥ 19) at least six years ago
    settled = np.isin(scenario, ["NATURALIZED", "LPR", "LPR_REMOVABLE"])
    k = int(settled.sum())
    dob[settled] = days("2026-11-01") - rng.integers(26, 72, k) * 365 - rng.integers(0, 365, k)
    derived = scenario == "DERIVED"
    dob[derived] = days("2026-11-01") - rng.integers(19, 40, int(derived.sum())) * 365
    us_born = scenario == "USC_BOOKED"
    pob = np.where(us_born, "US", pob_abroad).astype(object)
    # Some citizens by birth have names of any group: pob is US for all of them.
    place = rng.integers(0, len(PLACES), n)
    people = People(
        {
            "pid": np.asarray([f"OW{i:08d}" for i in range(n)], object),
            "group": np.asarray(group_names, object)[group],
            "scenario": scenario,
            "sex": sex,
            "first": first,
            "middle": middle,
            "last1": last1,
            "last2": last2,
            "dob": dob.astype(np.int64),
            "pob": pob,
            "place": place.astype(np.int64),
            "street_no": rng.integers(100, 19999, n).astype(np.int64),
            "street": _pick(rng, STREETS, n),
            "street_kind": _pick(rng, STREET_KINDS, n),
            "construct": np.full(n, "", object),
            "group_id": np.full(n, "", object),
            "wrong_pob": np.full(n, "", object),
        }
    )
    return people


def assign_ids(rng: np.random.Generator, people: People) -> None:
    """Every person's identifiers (blank where their history gives them none).

    Formats are this author's: A-numbers 9 digits from 2xxxxxxxx, FINs 12 digits,
    FBI numbers 7 digits and 2 letters, SIDs the state plus 8 digits, passports a letter
    and 8 digits. All within the contract and the IAQ intake's checks.
    """
    n = people.n
    sc = people["scenario"]
    citizen_by_birth = np.isin(sc, ["USC_BOOKED", "USC_LOOKALIKE", "ABSENT"])
    a = _affine_ids(n, 200_000_000, 700_000_000, 7_919_993, int(rng.integers(1, 10**8)))
    people["a_number"] = np.where(citizen_by_birth, "", np.char.zfill(a.astype(str), 9)).astype(
        object
    )
    f = _affine_ids(n, 100_000_000_000, 800_000_000_000, 104_729_007, int(rng.integers(1, 10**9)))
    people["fin"] = np.where(citizen_by_birth, "", f.astype(str)).astype(object)
    fb = _affine_ids(n, 1_000_000, 8_999_999, 6_700_417, int(rng.integers(1, 10**6)))
    letters = np.array(list("ABCDEFGHJKLMNPRTUVWXY"))
    l1, l2 = letters[rng.integers(0, 21, n)], letters[rng.integers(0, 21, n)]
    people["fbi"] = fb.astype(str).astype(object) + l1.astype(object) + l2.astype(object)
    sid_no = _affine_ids(n, 10_000_000, 89_999_999, 15_485_863, int(rng.integers(1, 10**7)))
    states = np.asarray([p[0] for p in PLACES], object)[people["place"]]
    people["sid"] = states + sid_no.astype(str).astype(object)
    ssn = _affine_ids(n, 100_000_000, 560_000_000, 9_999_991, int(rng.integers(1, 10**8)))
    has_ssn = citizen_by_birth | np.isin(
        sc, ["NATURALIZED", "DERIVED", "LPR", "LPR_REMOVABLE", "ASYLEE", "REFUGEE", "TPS"]
    )
    people["ssn"] = np.where(has_ssn, ssn.astype(str), "").astype(object)
    pp = _affine_ids(n, 10_000_000, 89_999_999, 1_299_709, int(rng.integers(1, 10**7)))
    pl = letters[rng.integers(0, 21, n)].astype(object)
    people["passport"] = np.where(citizen_by_birth, "", pl + pp.astype(str).astype(object)).astype(
        object
    )


def full_last(people: People) -> np.ndarray:
    """The true surname: paternal and maternal joined by a space when double."""
    l1, l2 = people["last1"], people["last2"]
    return np.where(l2 != "", l1 + " " + l2, l1).astype(object)


def _copy_rows(people: People, rows: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[rows].copy() for k, v in people.cols.items()}


def _append(people: People, extra: dict[str, np.ndarray]) -> None:
    """Append people (one array per column)."""
    for k in people.cols:
        people.cols[k] = np.concatenate([people.cols[k], extra[k]])


def lookalikes(rng: np.random.Generator, people: People, k: int) -> None:
    """``k`` U.S.-citizen look-alikes of removable strangers, as the outside evaluator built them.

    The stranger: a Hispanic removable person (FINAL_ORDER or EWI) with a double surname,
    whose records carry a FIN and an A-number. The citizen: born in the U.S., whose only
    record is one criminal charge with an FBI number and a SID, in another state, that
    wrongly records the stranger's birth country; same first name, date of birth and sex;
    the surname agrees except that one side is the truncated double surname.
    """
    candidates = np.flatnonzero(
        np.isin(people["scenario"], ["FINAL_ORDER", "EWI"])
        & (people["group"] == "hispanic")
        & (people["last2"] != "")
        & (people["construct"] == "")
    )
    need = k - len(candidates)
    if need > 0:  # make strangers: turn random Hispanic non-citizens into removable ones
        more = np.flatnonzero(
            (people["group"] == "hispanic")
            & (people["construct"] == "")
            & ~np.isin(people["scenario"], ["USC_BOOKED", "FINAL_ORDER", "EWI"])
        )
        more = rng.choice(more, min(need, len(more)), replace=False)
        people["scenario"][more] = np.where(rng.random(len(more)) < 0.5, "FINAL_ORDER", "EWI")
        people["pob"][more] = _pick(rng, ("MX", "GT", "SV", "HN"), len(more))
        surnames = GROUPS["hispanic"][4]
        while (same := more[people["last2"][more] == ""]).size:
            people["last2"][same] = _pick(rng, surnames, len(same))
            clash = same[people["last2"][same] == people["last1"][same]]
            people["last2"][clash] = ""
        candidates = np.concatenate([candidates, more])
    strangers = rng.choice(candidates, k, replace=False)
    citizens = _copy_rows(people, strangers)
    citizens["scenario"][:] = "USC_LOOKALIKE"
    citizens["pob"][:] = "US"
    citizens["middle"][:] = ""
    # different state: shift the place index until the state differs
    place = citizens["place"].copy()
    states = np.asarray([p[0] for p in PLACES], object)
    for _ in range(5):
        same = states[place] == states[people["place"][strangers]]
        place[same] = rng.integers(0, len(PLACES), int(same.sum()))
    citizens["place"] = place
    citizens["street_no"] = rng.integers(100, 19999, k).astype(np.int64)
    # which side is truncated: "C" the citizen's own record, "S" the stranger's records
    side = np.where(rng.random(k) < 0.5, "C", "S").astype(object)
    citizens["last2"] = np.where(side == "C", "", citizens["last2"]).astype(object)
    gid = np.asarray([f"LA{i:05d}" for i in range(k)], object)
    citizens["construct"][:] = np.where(
        side == "C", "LOOKALIKE_CITIZEN_TRUNCATED", "LOOKALIKE_CITIZEN_FULL"
    )
    citizens["group_id"] = gid
    people["construct"][strangers] = np.where(
        side == "C", "LOOKALIKE_STRANGER_FULL", "LOOKALIKE_STRANGER_TRUNCATED"
    )
    people["group_id"][strangers] = gid
    citizens["wrong_pob"] = people["pob"][strangers]
    _append(people, citizens)


def twins(rng: np.random.Generator, people: People, k: int) -> None:
    """``k`` twin pairs: same surname, date of birth, birthplace and address; own first name."""
    base = rng.choice(np.flatnonzero(people["construct"] == ""), k, replace=False)
    twin = _copy_rows(people, base)
    male = twin["sex"] == "M"
    for g, (_, _, males, females, _) in GROUPS.items():
        at = twin["group"] == g
        m = int(at.sum())
        twin["first"][at] = np.where(male[at], _pick(rng, males, m), _pick(rng, females, m))
    twin["sex"] = np.where(rng.random(k) < 0.5, twin["sex"], np.where(male, "F", "M")).astype(
        object
    )
    clash = twin["first"] == people["first"][base]
    twin["first"][clash] = twin["first"][clash] + np.where(
        twin["sex"][clash] == "M", " ANTONIO", " MARIA"
    )
    twin["middle"][:] = ""
    gid = np.asarray([f"TW{i:05d}" for i in range(k)], object)
    twin["construct"][:] = "TWIN"
    twin["group_id"] = gid
    people["construct"][base] = "TWIN"
    people["group_id"][base] = gid
    _append(people, twin)


def juniors(rng: np.random.Generator, people: People, k: int) -> None:
    """``k`` father/son pairs with the same name and address: the son a U.S.-born citizen
    in criminal systems only, the father a removable non-citizen (Jr/Sr)."""
    fathers = rng.choice(
        np.flatnonzero(
            np.isin(people["scenario"], ["LPR_REMOVABLE", "FINAL_ORDER", "OVERSTAY", "EWI"])
            & (people["sex"] == "M")
            & (people["construct"] == "")
            & (people["dob"] < days("1975-01-01"))
        ),
        k,
        replace=False,
    )
    son = _copy_rows(people, fathers)
    son["dob"] = son["dob"] + rng.integers(20, 33, k) * 365 + rng.integers(0, 365, k)
    son["scenario"][:] = "USC_BOOKED"
    son["pob"][:] = "US"
    son["middle"] = np.where(rng.random(k) < 0.4, "JR", "").astype(object)
    gid = np.asarray([f"JS{i:05d}" for i in range(k)], object)
    son["construct"][:] = "JUNIOR"
    son["group_id"] = gid
    people["construct"][fathers] = "SENIOR"
    people["group_id"][fathers] = gid
    _append(people, son)


def absent(rng: np.random.Generator, people: People, k: int, k_like: int) -> None:
    """Citizens in no system at all (queried to check NO_RECORD): ``k`` drawn from the same
    name pools, ``k_like`` with the name, date of birth and sex of a loaded removable person."""
    fresh = make_people(rng, k)
    fresh["scenario"][:] = "ABSENT"
    fresh["pob"][:] = "US"
    fresh["construct"][:] = "ABSENT"
    removable = np.flatnonzero(
        np.isin(people["scenario"], ["LPR_REMOVABLE", "FINAL_ORDER", "OVERSTAY", "EWI"])
    )
    like = _copy_rows(people, rng.choice(removable, k_like, replace=False))
    like["scenario"][:] = "ABSENT"
    like["pob"][:] = "US"
    like["middle"][:] = ""
    like["construct"][:] = "ABSENT_LOOKALIKE"
    like["group_id"][:] = ""
    like["place"] = rng.integers(0, len(PLACES), k_like).astype(np.int64)
    for extra in (fresh.cols, like):
        _append(people, extra)


def renumber(people: People) -> None:
    """Person ids in row order, after the constructions appended their people."""
    people["pid"] = np.asarray([f"OW{i:08d}" for i in range(people.n)], object)
