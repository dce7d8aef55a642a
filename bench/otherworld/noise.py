"""The outside evaluator's noise: how clerks, officers and old systems garble identity.

Why its own: a matcher tuned on one generator's noise learns that generator's habits.
Rates here are this author's guesses, applied per record (vectorised masks; the string
edits themselves run only on the few rows selected). Records of the look-alike
constructions are left clean: their exact agreement is the point of the construction.

Edit here: ``Noise`` (rates), and one function per kind of error.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Final, cast

import numpy as np
import pandas as pd

from .names import NICKNAMES, TRANSLIT

FOREIGN_FOR_CITIZENS: Final = (
    "MX",
    "MX",
    "PR",
    "PH",
    "DE",
    "GT",
)  # PR: a real birthplace, still U.S.
ACCENTS: Final = str.maketrans("ÑÁÉÍÓÚÜ", "NAEIOUU")


@dataclass(frozen=True)
class Noise:
    typo: float = 0.02
    nickname: float = 0.05
    translit: float = 0.25
    surname_truncate: float = 0.22
    surname_maternal_only: float = 0.03
    surname_hyphen: float = 0.10
    surname_swap: float = 0.04
    accent_strip: float = 0.5
    middle_into_first: float = 0.10
    middle_dropped: float = 0.30
    missing_dob: float = 0.03
    missing_sex: float = 0.06
    missing_pob: float = 0.12
    missing_first: float = 0.01
    dob_swap: float = 0.015
    dob_year: float = 0.01
    dob_partial: float = 0.015
    dob_day: float = 0.01
    wrong_sex: float = 0.004
    citizen_wrong_pob: float = 0.04
    id_typo: float = 0.006
    mixed_case: float = 0.05
    alias: float = 0.08

    @classmethod
    def scaled(cls, factor: float) -> Noise:
        """Every rate times ``factor`` (capped at 1): "the same world, dirtier"."""
        return cls(**{f.name: min(1.0, getattr(cls(), f.name) * factor) for f in fields(cls)})


def _typo(rng: np.random.Generator, s: str) -> str:
    if len(s) < 3:
        return s
    i = int(rng.integers(1, len(s) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return s[:i] + "AEIOURNSTL"[int(rng.integers(0, 10))] + s[i + 1 :]
    if kind == 1:
        return s[:i] + s[i + 1 :]
    if kind == 2:
        return s[: i - 1] + s[i] + s[i - 1] + s[i + 1 :]
    return s[:i] + s[i] + s[i:]


def _digit(rng: np.random.Generator, s: str) -> str:
    spots = [i for i, c in enumerate(s) if c.isdigit()]
    if not spots:
        return s
    i = spots[int(rng.integers(0, len(spots)))]
    return s[:i] + str((int(s[i]) + int(rng.integers(1, 10))) % 10) + s[i + 1 :]


def _rows(rng: np.random.Generator, ok: np.ndarray, rate: float) -> np.ndarray:
    return np.flatnonzero(ok & (rng.random(len(ok)) < rate))


def apply(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    clean: np.ndarray,
    us_born: np.ndarray,
    source: str,
    noise: Noise,
) -> pd.DataFrame:
    """Noise ``frame``'s identity columns in place (rows with ``clean`` untouched)."""
    ok = ~clean
    first = frame["first_name"].to_numpy(object).copy()
    last = frame["last_name"].to_numpy(object).copy()
    middle = frame["middle_name"].to_numpy(object).copy()
    # double surnames: truncated, maternal only, hyphenated, swapped
    double = ok & np.asarray(
        [" " in x and not x.startswith(("DE ", "DEL ", "DELA ")) for x in last]
    )
    r = rng.random(len(last))
    cuts = np.cumsum(
        [
            noise.surname_truncate,
            noise.surname_maternal_only,
            noise.surname_hyphen,
            noise.surname_swap,
        ]
    )
    for i in np.flatnonzero(double & (r < cuts[-1])):
        a, b = last[i].split(" ", 1)
        last[i] = (
            a
            if r[i] < cuts[0]
            else b
            if r[i] < cuts[1]
            else f"{a}-{b}"
            if r[i] < cuts[2]
            else f"{b} {a}"
        )
    for i in _rows(rng, ok, noise.translit):
        if last[i] in TRANSLIT:
            v = TRANSLIT[last[i]]
            last[i] = v[int(rng.integers(0, len(v)))]
        if first[i] in TRANSLIT:
            v = TRANSLIT[first[i]]
            first[i] = v[int(rng.integers(0, len(v)))]
    for i in _rows(rng, ok, noise.nickname):
        if first[i] in NICKNAMES:
            v = NICKNAMES[first[i]]
            first[i] = v[int(rng.integers(0, len(v)))]
    has_mid = middle != ""
    for i in _rows(rng, ok & has_mid, noise.middle_into_first):
        first[i], middle[i] = f"{first[i]} {middle[i]}", ""
    middle[_rows(rng, ok & (middle != ""), noise.middle_dropped)] = ""
    for i in _rows(rng, ok, noise.typo):
        if rng.random() < 0.5:
            last[i] = _typo(rng, last[i])
        else:
            first[i] = _typo(rng, first[i])
    strip = ok & (rng.random(len(last)) < noise.accent_strip)
    for i in np.flatnonzero(strip):
        last[i] = last[i].translate(ACCENTS)
    for i in _rows(rng, ok, noise.mixed_case):
        last[i], first[i] = last[i].title(), first[i].title()
    first[_rows(rng, ok, noise.missing_first)] = ""
    frame["first_name"], frame["last_name"], frame["middle_name"] = first, last, middle

    dob = frame["dob"].to_numpy(object).copy()
    for i in _rows(rng, ok, noise.dob_swap):
        y, m, d = dob[i].split("-")
        if int(d) <= 12 and d != m:
            dob[i] = f"{y}-{d}-{m}"
    for i in _rows(rng, ok, noise.dob_year):
        y, m, d = dob[i].split("-")
        d = "28" if (m, d) == ("02", "29") else d  # a clerk's wrong year is still a date
        dob[i] = f"{int(y) + (1 if rng.random() < 0.5 else -1)}-{m}-{d}"
    for i in _rows(rng, ok, noise.dob_day):
        y, m, d = dob[i].split("-")
        dob[i] = f"{y}-{m}-{max(1, min(28, int(d) + (1 if int(d) < 28 else -1))):02d}"
    for i in _rows(rng, ok, noise.dob_partial):
        dob[i] = dob[i][:7]
    dob[_rows(rng, ok, noise.missing_dob)] = ""
    frame["dob"] = dob

    sex = frame["sex"].to_numpy(object).copy()
    flip = _rows(rng, ok, noise.wrong_sex)
    sex[flip] = np.where(sex[flip] == "M", "F", "M")
    sex[_rows(rng, ok, noise.missing_sex)] = ""
    frame["sex"] = sex

    pob = frame["birth_country"].to_numpy(object).copy()
    if source in (
        "criminal",
        "custody",
    ):  # the Gonzalez error: a booking records a foreign birthplace
        wrong = _rows(rng, ok & us_born, noise.citizen_wrong_pob)
        pob[wrong] = np.asarray(FOREIGN_FOR_CITIZENS, object)[
            rng.integers(0, len(FOREIGN_FOR_CITIZENS), len(wrong))
        ]
    pob[_rows(rng, ok, noise.missing_pob)] = ""
    frame["birth_country"] = pob

    for col in ("a_number", "ssn", "fbi_number", "sid", "fin"):
        vals = frame[col].to_numpy(object).copy()
        for i in _rows(rng, ok & (vals != ""), noise.id_typo):
            vals[i] = _digit(rng, vals[i])
        if col == "a_number":  # how the A-number is written varies by system and clerk
            r2 = rng.random(len(vals))
            has = vals != ""
            pref = has & (r2 < 0.25)
            dash = has & (r2 >= 0.25) & (r2 < 0.35)
            vals[pref] = "A" + vals[pref]
            vals[dash] = np.asarray([f"A{v[:3]}-{v[3:6]}-{v[6:]}" for v in vals[dash]], object)
        if col == "ssn":
            has = (vals != "") & (rng.random(len(vals)) < 0.5)
            vals[has] = np.asarray([f"{v[:3]}-{v[3:5]}-{v[5:]}" for v in vals[has]], object)
        frame[col] = vals

    aliases = np.full(len(frame), "", object)
    if source in ("criminal", "custody", "encounters", "warrants"):
        for i in _rows(rng, ok, noise.alias):
            base = cast(str, frame["last_name"].iat[i]).upper().split(" ")[0].split("-")[0]
            aliases[i] = f"{base}, {_typo(rng, str(frame['first_name'].iat[i]).upper() or 'JOHN')}"
    frame["aliases"] = aliases
    return frame
