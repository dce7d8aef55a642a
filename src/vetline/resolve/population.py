"""The people who are *not* in the loaded records: namesakes in the booking population.

Why: the subjects of IAQs are everyone that police book — about 10.5 million bookings a
year, mostly U.S. citizens who are in no immigration system at all (issue 11). The
linkage model's term frequencies are computed on the loaded records, which are mostly
immigration records: ``SMITH`` is rare there and common in a county jail. So agreement of
a subject's name and date of birth with a loaded record is weaker evidence than the
model alone says, because the subject may be one of the record's namesakes who were
never loaded.

The figure: the expected number of people in the booking population, besides the
candidate, who agree with the subject on the biographic fields at least as closely as the
candidate does (``namesakes``),

    λ = N · Π_c u_c,

where ``N`` is ``population_size`` (default 10.5 million: U.S. bookings a year, the
order of magnitude of the FBI UCR arrest counts, ≈ 10.1 M in 2019, and the Bureau of
Justice Statistics' jail admissions, ≈ 10.3 M in 2019), and ``u_c`` is the chance that
a random member of that population agrees at the level the candidate took:

* exact surname: the national frequency (``surname_frequency``), or, if larger, the
  loaded records' term frequency times the foreign-born share of the population (the
  loaded records stand for the foreign-born 13.9 %, ACS 2022: a name common among them
  is at least that common in the population); exact first name likewise;
* exact date of birth: 1 / ``dob_spread_days`` (default 18,250: births spread over the
  50 years of age in which most arrests happen; the 100-year spread, 1/36,500, would
  halve λ). A fixed figure, not the model's u: on small extracts that u is inflated by
  one person's duplicate records (0.00095 on a 1,200-record test world);
* exact birth country ``US``: 0.86 (13.9 % of U.S. residents were foreign-born, ACS 2022);
* exact identifier: 0 — an outsider does not hold this person's A-number (whether the
  agreement is contradicted or shared is ``levels.py``'s question, not a namesake's);
* every other level (typos, partial dates, sex…): the model's own ``u``, estimated on
  the loaded records.

Each namesake is, on this evidence, as good a candidate as the loaded person, so the
probability that the subject *is* the candidate becomes ``p / (1 + λ·p)``
(``adjust``, on the match weight): p = 1 and λ = 1 give 1/2.

**Disagreement counts against the candidate, not for the namesakes** (issue 11, 250k
otherworld: absent people reached NO_RECORD only 0.910, nearly all the rest POSSIBLE on an
exact same name with a date of birth "different" or "within a year"). "Agree at least as
closely" is no filter for a disagreeing level — every namesake born on another day
qualifies — while the loaded person would show that disagreement only with its ``m``
(1–5 % for "date of birth different"). The two hypotheses, "the subject is the
candidate" and "the subject is one of the outsiders", weigh Π m against N·Π u, so for the
identity attributes (``DISAGREEMENT_COMPARISONS``: names, date of birth, sex, birth
country) each level that is evidence *against* the match (m < u) divides λ by its m:

    λ = N · Π_c u_c / Π_{c: m_c < u_c} m_c.

For the names and the date of birth (``CAPPED_COMPARISONS``; not the birth country,
whose wrong records are the citizens' documented failure) an ``m`` is capped at
``DISAGREEMENT_M_CEILING`` (5 %): EM, pulled by the look-alikes
every world holds (namesakes born on other days, juniors, twins), estimated "date of birth
different" at m = 0.16 and "first name different" at 0.09 on the otherworld (seed 41,
120,000 persons), so an exact, rare double surname with another birthday kept people in
no system at POSSIBLE (0.5-0.66). Absent people answered NO_RECORD there (6,000
probes): 0.977 before, 0.980 with ``fullname.py``, 0.989 with both. 5 % is an expert
figure, not a fitted one: no clerk's error gives one in twenty of a person's records a
wholly different birth date.
An ``m`` is floored at ``DISAGREEMENT_M_FLOOR`` (1 %): EM estimates the rare levels'
m from a handful of pairs (0.0001 for a one-digit date typo on vetline's own world, where
the generator seldom makes one), and a clerk's keying error is not that rare. Agreeing
levels keep m ≈ 1, as before (their m is 0.74–0.98 and multiplying λ by up to
2 would only move true persons from PROBABLE to POSSIBLE). Address, city, state and
ZIP are left out: people move, their m of "different" is a fixed expert 0.3, and a query
with a new address is no sign of a namesake.

National name frequencies (no census file ships with vetline, so the headline figures
are written here, with their sources):

* surnames: U.S. Census Bureau, *Frequently Occurring Surnames from the 2010 Census*
  (census.gov/topics/population/genealogy/data/2010_surnames.html): SMITH 2,442,977
  bearers of 294,999,114 counted (828 per 100,000) … MARTINEZ 1,060,159; the top ten are
  in ``CENSUS_2010_SURNAMES``. Other names take the rank of ``vetline/data/names``' U.S.
  table (names-dataset) on a Zipf curve anchored at SMITH's share, exponent 0.7
  (``SURNAME_ZIPF``); a surname in no table is assumed no rarer than 1 in 100,000
  (``surname_floor``), a deliberately high floor: overstating how common a name is costs
  an analyst a look, understating it can cost a citizen.
* first names: U.S. Census Bureau, 1990 Census given-name files (``dist.male.first``,
  ``dist.female.first``): JAMES 3.318 % of males, MARY 2.629 % of females; the top five
  of each sex are in ``CENSUS_1990_FORENAMES`` (shares of one sex: the sex comparison's
  own u ≈ 1/2 makes them shares of everyone). Others: names-dataset's U.S. rank on a
  Zipf curve anchored at 3.3 %, exponent 0.6; floor 1 in 10,000 (``forename_floor``).

Edit here: the population figures, the name tables and the λ formula; thresholds stay in
``config.py``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from vetline.resolve.comparisons import COMPARISONS, IDENTIFIER_COMPARISONS
from vetline.resolve.model import MatchModel
from vetline.resolve.standardise import clean_name

NAMES_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "names"

#: 2010 Census surname table, bearers of the ten most frequent surnames (of 294,999,114).
CENSUS_2010_TOTAL: Final = 294_999_114
CENSUS_2010_SURNAMES: Final[dict[str, int]] = {
    "SMITH": 2_442_977,
    "JOHNSON": 1_932_812,
    "WILLIAMS": 1_625_252,
    "BROWN": 1_437_026,
    "JONES": 1_425_470,
    "GARCIA": 1_166_120,
    "MILLER": 1_161_437,
    "DAVIS": 1_116_357,
    "RODRIGUEZ": 1_094_924,
    "MARTINEZ": 1_060_159,
}
#: 1990 Census given-name files: share of people of that sex.
CENSUS_1990_FORENAMES: Final[dict[str, float]] = {
    "JAMES": 0.03318,
    "JOHN": 0.03271,
    "ROBERT": 0.03143,
    "MICHAEL": 0.02629,
    "WILLIAM": 0.02451,
    "MARY": 0.02629,
    "PATRICIA": 0.01073,
    "LINDA": 0.01035,
    "BARBARA": 0.00980,
    "ELIZABETH": 0.00937,
}
#: (share at rank 1, exponent) of the Zipf curves over names-dataset's U.S. ranks.
SURNAME_ZIPF: Final = (CENSUS_2010_SURNAMES["SMITH"] / CENSUS_2010_TOTAL, 0.7)
FORENAME_ZIPF: Final = (0.033, 0.6)
#: Share of U.S. residents born in the U.S. (ACS 2022: 13.9 % foreign-born).
US_BORN_SHARE: Final = 0.861
#: The share of U.S. residents born abroad (ACS 2022), whom the loaded records stand for.
FOREIGN_BORN_SHARE: Final = 1 - US_BORN_SHARE


def _us_ranks(path: Path, name_col: str = "name") -> dict[str, int]:
    ranks: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["country"] != "US":
                continue
            name = clean_name(row[name_col])
            if name and (name not in ranks or int(row["rank"]) < ranks[name]):
                ranks[name] = int(row["rank"])
    return ranks


@cache
def national_surnames() -> dict[str, float]:
    """Standardised surname → national share (census headline, else Zipf over rank)."""
    top, exponent = SURNAME_ZIPF
    out = {n: top * r**-exponent for n, r in _us_ranks(NAMES_DIR / "last_names.csv").items()}
    for name, count in CENSUS_2010_SURNAMES.items():
        out[name] = max(out.get(name, 0.0), count / CENSUS_2010_TOTAL)
    return out


@cache
def national_forenames() -> dict[str, float]:
    """Standardised first name → national share of its sex."""
    top, exponent = FORENAME_ZIPF
    out = {n: top * r**-exponent for n, r in _us_ranks(NAMES_DIR / "first_names.csv").items()}
    for name, share in CENSUS_1990_FORENAMES.items():
        out[name] = max(out.get(name, 0.0), share)
    return out


_SURNAME = next(i for i, c in enumerate(COMPARISONS) if c.name == "surname")
_FORENAME = next(i for i, c in enumerate(COMPARISONS) if c.name == "forename")
_DOB = next(i for i, c in enumerate(COMPARISONS) if c.name == "dob")
_COUNTRY = next(i for i, c in enumerate(COMPARISONS) if c.name == "birth_country")
#: Comparisons whose disagreeing levels count against the candidate (``m`` divides λ).
DISAGREEMENT_COMPARISONS: Final = ("surname", "forename", "dob", "sex", "birth_country")
#: Comparisons whose disagreeing m is capped (``DISAGREEMENT_M_CEILING``): the ones
#: look-alikes pull (namesakes born on other days). Not the birth country: a wrongly
#: recorded birthplace is the documented citizen failure (reference §6.1, Gonzalez), and
#: a lower weight there would push a citizen's own U.S.-birth record out of the persons
#: that may be the subject, whose citizenship evidence counts (issue 11, principle 2).
CAPPED_COMPARISONS: Final = ("surname", "forename", "dob")
_CAPPED: Final = [i for i, c in enumerate(COMPARISONS) if c.name in CAPPED_COMPARISONS]
#: The smallest m a disagreeing level may divide λ by (see the module docstring).
DISAGREEMENT_M_FLOOR: Final = 0.01
#: The largest m a disagreeing level may divide λ by (see the module docstring).
DISAGREEMENT_M_CEILING: Final = 0.05
_EXACT_NAME = 1  # the tf-adjusted exact level of surname and forename
_EXACT_DOB = 1
_EXACT_ID = 1


#: Each candidate person's level per comparison: rows of a list, or an (n, comparisons)
#: array (``aggregate``'s ``gamma``).
Levels = list[list[int]] | npt.NDArray[np.int8]
#: From this many persons on, λ and the disagreement fix are summed with NumPy (the two
#: ways cost the same at ≈ 48 persons, bench/README.md "serve32").
WIDE_MIN = 48


@dataclass(frozen=True)
class Population:
    """The booking population: its size and the chance agreements of its members."""

    size: float
    surname_floor: float
    forename_floor: float
    #: per comparison, per level: log2 u of the level (0 for the null level), less
    #: log2 m where the level is evidence against the match (``DISAGREEMENT_COMPARISONS``)
    log2_u: list[list[float]]
    #: per comparison, per level: log2 (m capped at ``DISAGREEMENT_M_CEILING`` / m) for a
    #: level that is evidence against the match (else 0): what the candidate's own
    #: weight loses when EM's m of a disagreement is more than a clerk's error rate
    disagreement: list[list[float]]

    @cached_property
    def log2_u_array(self) -> npt.NDArray[np.float64]:
        """``log2_u`` as one array (a row per comparison), made once, not per query."""
        return np.asarray(self.log2_u, dtype=np.float64)

    @cached_property
    def disagreement_array(self) -> npt.NDArray[np.float64]:
        return np.asarray(self.disagreement, dtype=np.float64)

    @classmethod
    def of(
        cls,
        model: MatchModel,
        size: float,
        surname_floor: float,
        forename_floor: float,
        dob_spread_days: float = 18_250,
    ) -> Population:
        width = max(len(c.levels) for c in COMPARISONS)
        table = np.zeros((len(COMPARISONS), width), dtype=np.float64)
        capped = np.zeros((len(COMPARISONS), width), dtype=np.float64)
        for c, comparison in enumerate(COMPARISONS):
            for i, params in enumerate(model.comparisons[comparison.name]):
                if params.u is not None and params.u > 0:
                    table[c, i] = min(np.log2(params.u), 0.0)
                    if (
                        comparison.name in DISAGREEMENT_COMPARISONS
                        and params.m is not None
                        and 0 < params.m < params.u
                    ):
                        # the candidate shows this level rarely: λ / m
                        m = params.m
                        if comparison.name in CAPPED_COMPARISONS:
                            m = disagreement_m(m)
                            capped[c, i] = np.log2(m / params.m)
                        table[c, i] -= np.log2(max(m, DISAGREEMENT_M_FLOOR))
        table[_DOB, _EXACT_DOB] = -np.log2(dob_spread_days)
        for c, comparison in enumerate(COMPARISONS):
            if comparison.name in IDENTIFIER_COMPARISONS:
                table[c, _EXACT_ID] = -np.inf  # no outsider holds this person's number
        return cls(size, surname_floor, forename_floor, table.tolist(), capped.tolist())

    def surname_frequency(self, surname: str | None, index_tf: float) -> float:
        """Share of the population with this (standardised) surname."""
        national = national_surnames().get(surname or "", self.surname_floor)
        return max(national, _foreign(index_tf), self.surname_floor)

    def forename_frequency(self, forename: str | None, index_tf: float) -> float:
        national = national_forenames().get(forename or "", self.forename_floor)
        return max(national, _foreign(index_tf), self.forename_floor)

    def namesakes(
        self,
        gamma: Levels,
        surname_u: float,
        forename_u: float,
        birth_country: str | None,
    ) -> list[float]:
        """λ per candidate person (``gamma``: the level each person took per comparison).

        Plain Python over a median of a handful of persons: cheaper than NumPy's per-call
        overhead at this size (the real-time path's budget is a fraction of a millisecond).
        Many persons (a common name at 10M records) are summed column by column in NumPy,
        in the loop's order, so every λ is the loop's to the bit (``_sum_levels``).
        """
        table = self.log2_u
        surname_fix = math.log2(surname_u) - table[_SURNAME][_EXACT_NAME]
        forename_fix = math.log2(forename_u) - table[_FORENAME][_EXACT_NAME]
        country_fix = 0.0
        if birth_country == "US":
            country_fix = max(table[_COUNTRY][1], math.log2(US_BORN_SHARE)) - table[_COUNTRY][1]
        if isinstance(gamma, np.ndarray) and len(gamma) >= WIDE_MIN:
            sums = _sum_levels(self.log2_u_array, gamma, range(len(table)))
            for c, level, fix in (
                (_SURNAME, _EXACT_NAME, surname_fix),
                (_FORENAME, _EXACT_NAME, forename_fix),
                (_COUNTRY, 1, country_fix),
            ):
                sums = np.where(gamma[:, c] == level, sums + fix, sums)
            size = self.size
            return [size * 2.0**t if t > -1075 else 0.0 for t in sums.tolist()]
        out: list[float] = []
        for levels in _rows(gamma):
            total = 0.0
            for row, level in zip(table, levels, strict=True):
                total += row[level]
            if levels[_SURNAME] == _EXACT_NAME:
                total += surname_fix
            if levels[_FORENAME] == _EXACT_NAME:
                total += forename_fix
            if levels[_COUNTRY] == 1:
                total += country_fix
            out.append(self.size * 2.0**total if total > -1075 else 0.0)
        return out


def _rows(gamma: Levels) -> list[list[int]]:
    rows: list[list[int]] = gamma.tolist() if isinstance(gamma, np.ndarray) else gamma
    return rows


def _sum_levels(
    table: npt.NDArray[np.float64], gamma: npt.NDArray[np.int8], columns: Iterable[int]
) -> npt.NDArray[np.float64]:
    """Per person: ``table[c][gamma[c]]`` summed over ``columns`` one column at a time
    from 0.0, the plain loop's additions in the plain loop's order (IEEE addition is
    exact to repeat; a NumPy row sum would pair them otherwise and round differently)."""
    total = np.zeros(len(gamma), dtype=np.float64)
    for c in columns:
        total = total + table[c][gamma[:, c]]
    return total


def disagreement_fix(population: Population, gamma: Levels) -> list[float]:
    """Per candidate (≤ 0): the bits its disagreeing identity levels lose when EM's m
    exceeds ``DISAGREEMENT_M_CEILING`` (the weight becomes log2(m capped / u))."""
    table = population.disagreement
    if isinstance(gamma, np.ndarray) and len(gamma) >= WIDE_MIN:
        fix: list[float] = _sum_levels(population.disagreement_array, gamma, _CAPPED).tolist()
        return fix
    out: list[float] = []
    for levels in _rows(gamma):
        total = 0.0
        for c in _CAPPED:
            total += table[c][levels[c]]
        out.append(total)
    return out


def disagreement_m(m: float) -> float:
    """The m a disagreeing level divides λ by: EM's, within the floor and the ceiling."""
    return min(max(m, DISAGREEMENT_M_FLOOR), DISAGREEMENT_M_CEILING)


def _foreign(index_tf: float) -> float:
    """The loaded records' frequency, scaled to the foreign-born share (NaN: unseen)."""
    return FOREIGN_BORN_SHARE * index_tf if index_tf == index_tf else 0.0


def adjust(match_weight: float, namesakes: float) -> float:
    """The match weight once ``namesakes`` outsiders fit as well as the candidate.

    P(subject is the candidate) = p / (1 + λp), i.e. odds⁻¹ = 2^−w + λ: computed on the
    weight so that p ≈ 1 keeps its precision.
    """
    if namesakes <= 0.0:
        return match_weight
    if match_weight < -1000:
        return match_weight
    return -math.log2(2.0**-match_weight + namesakes)


def adjust_each(
    match_weight: list[float], whole: list[float], against: list[float], namesakes: list[float]
) -> list[float]:
    """``adjust(w + f + d, n)`` per candidate person (the model's weight, the whole-name
    and disagreement fixes, the namesakes): the same arithmetic in one comprehension, no
    call per person (thousands of persons in a common name's block at 10M records)."""
    return [
        x if n <= 0.0 or x < -1000 else -math.log2(2.0**-x + n)
        for w, f, d, n in zip(match_weight, whole, against, namesakes, strict=True)
        for x in (w + f + d,)
    ]
