"""The scenario catalogue: the kinds of lives the synthetic world contains.

Each scenario fixes the ground truth (status code, citizenship, removability) and the
population it draws from; ``histories`` turns it into records following
``docs/world-semantics.md``. The weights are shares of the world's people; a 10,000-person
world holds every scenario (and so every status code) many times over. Scenarios with a
``parent`` also create one naturalized parent per child (the derivation cases).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetline.vocab import StatusCode as S


@dataclass(frozen=True)
class Scenario:
    key: str
    weight: float
    status: S
    us_citizen: bool
    removable: bool
    population: str  # country mix, see COUNTRY_MIX
    age: tuple[float, float]  # age range at as_of, years
    notes: str
    parent: bool = False  # creates a NATURALIZED_PARENT person per child


# fmt: off
CATALOGUE: tuple[Scenario, ...] = (
    Scenario("US_BORN", 0.18, S.US_BORN_CITIZEN, True, False, "US", (19, 70),
             'born in the U.S.; only criminal/custody/biometric records'),
    Scenario("NATURALIZED", 0.07, S.NATURALIZED_CITIZEN, True, False, "BASE", (25, 80),
             'LPR then naturalized (N-400) at least 3 years later'),
    Scenario("NATURALIZED_PARENT", 0.0, S.NATURALIZED_CITIZEN, True, False, "BASE", (40, 85),
             'naturalized parent of a child in the world'),
    Scenario("DERIVED_CERTIFICATE", 0.02, S.DERIVED_CITIZEN, True, False, "BASE", (18, 45),
             'child LPR, then certificate of citizenship (N-600)'),
    Scenario("DERIVED_VIA_PARENT", 0.03, S.DERIVED_CITIZEN, True, False, "BASE", (19, 40),
             "derived citizen (INA 320): LPR as a child, parent naturalized before child's 18th birthday; no certificate; records show only LPR", parent=True),  # noqa: E501
    Scenario("DERIVED_CLAIMED", 0.01, S.DERIVED_CITIZEN, True, False, "BASE", (18, 50),
             'acquired citizenship at birth abroad (INA 301); U.S.-citizen parent claimed on a status row; no certificate'),  # noqa: E501
    Scenario("LPR", 0.1, S.LPR, False, False, "BASE", (18, 75),
             'lawful permanent resident; arrests that are not removable offences'),
    Scenario("LPR_REMOVABLE", 0.05, S.LPR, False, True, "BASE", (22, 70),
             'LPR with a removable conviction'),
    Scenario("LPR_PENDING_CHARGE", 0.025, S.LPR, False, False, "BASE", (20, 70),
             'removable if convicted: LPR with a ground-triggering charge still pending'),
    Scenario("LPR_PARENT_NATURALIZED_LATE", 0.015, S.LPR, False, True, "BASE", (19, 40),
             "LPR as a child; parent naturalized after the child's 18th birthday (no derivation); removable conviction", parent=True),  # noqa: E501
    Scenario("NONIMMIGRANT", 0.05, S.NONIMMIGRANT_IN_STATUS, False, False, "VISA", (18, 60),
             'nonimmigrant admitted and within the admit-until date'),
    Scenario("NONIMMIGRANT_REMOVABLE", 0.01, S.NONIMMIGRANT_IN_STATUS,
             False, True, "VISA", (21, 60),
             'nonimmigrant in status with a removable conviction'),
    Scenario("OVERSTAY", 0.06, S.OVERSTAY, False, True, "VISA", (18, 65),
             'nonimmigrant past the admit-until date, no departure'),
    Scenario("VISITOR_DEPARTED", 0.02, S.UNKNOWN, False, False, "VISA", (18, 70),
             'visitor who left; records do not establish a current status'),
    Scenario("EWI", 0.07, S.ENTERED_WITHOUT_INSPECTION, False, True, "BORDER", (18, 60),
             'apprehended between ports and released; no admission'),
    Scenario("TPS", 0.04, S.TPS, False, False, "TPS", (18, 65),
             'temporary protected status'),
    Scenario("DACA", 0.03, S.DACA, False, False, "DACA", (19, 44),
             'deferred action, arrived as a child'),
    Scenario("ASYLUM_PENDING", 0.03, S.ASYLUM_PENDING, False, False, "ASYLUM", (18, 60),
             'affirmative asylum application pending'),
    Scenario("ASYLEE", 0.02, S.ASYLEE, False, False, "ASYLUM", (18, 65),
             'granted asylum'),
    Scenario("REFUGEE", 0.015, S.REFUGEE, False, False, "REFUGEE", (18, 65),
             'admitted as a refugee within the last year'),
    Scenario("PAROLE", 0.02, S.PAROLE, False, False, "PAROLE", (18, 65),
             'humanitarian parole, still valid'),
    Scenario("FINAL_ORDER", 0.04, S.FINAL_ORDER, False, True, "BORDER", (20, 65),
             'final order of removal, not executed'),
    Scenario("REMOVED_AND_REENTERED", 0.03, S.REMOVED_AND_REENTERED,
             False, True, "BORDER", (22, 65),
             'removed under an order, then found in the U.S. again'),
    Scenario("IN_PROCEEDINGS", 0.04, S.IN_PROCEEDINGS, False, False, "BORDER", (18, 60),
             'NTA issued; case pending before the immigration court'),
    Scenario("UNKNOWN_FOREIGN_POB", 0.03, S.UNKNOWN, False, False, "BASE", (19, 70),
             'only criminal/custody records with a foreign birthplace; no status evidence'),
    Scenario("INTERPOL_ONLY", 0.005, S.UNKNOWN, False, False, "BASE", (20, 70),
             'only an INTERPOL notice'),
    Scenario("U_VISA", 0.005, S.NONIMMIGRANT_IN_STATUS, False, False, "BORDER", (20, 60),
             'U nonimmigrant (crime victim, INA 101(a)(15)(U)), current; protected'),
    Scenario("T_VISA", 0.0035, S.NONIMMIGRANT_IN_STATUS, False, False, "BORDER", (20, 60),
             'T nonimmigrant (trafficking victim, INA 101(a)(15)(T)), current; protected'),
    Scenario("VAWA_PENDING", 0.0035, S.OVERSTAY, False, True, "VISA", (20, 60),
             'overstayed visitor with a pending VAWA self-petition (not a status); protected: supervisory review (8 U.S.C. 1367)'),  # noqa: E501
    Scenario("NATURALIZED_AFTER_ORDER", 0.0035, S.NATURALIZED_CITIZEN, True, False, "BASE",
             (32, 75),
             'LPR ordered removed in absentia, later naturalized: conflict, citizenship prevails'),
    Scenario("CONDITIONAL_TERMINATED", 0.0035, S.UNKNOWN, False, True, "BASE", (25, 60),
             'conditional residence (INA 216) terminated; no status code for it; deportable under 237(a)(1)(D)(i)'),  # noqa: E501
)
# fmt: on

KEYS: tuple[str, ...] = tuple(s.key for s in CATALOGUE)
#: Scenario keys as an array, so ``KEY_ARRAY[codes]`` names everyone's scenario at once.
KEY_ARRAY: np.ndarray = np.asarray(KEYS, dtype=object)


def in_scenarios(codes: np.ndarray, keys: frozenset[str] | set[str]) -> np.ndarray:
    """Whether each scenario code is one of ``keys``: a table lookup, not ``np.isin`` over
    strings (which sorts Python objects)."""
    table = np.asarray([k in keys for k in KEYS], dtype=bool)
    return np.asarray(table[codes])


BY_KEY: dict[str, Scenario] = {s.key: s for s in CATALOGUE}
CODE: dict[str, int] = {s.key: i for i, s in enumerate(CATALOGUE)}

#: Birth-country mixes (ISO alpha-2 → weight), loosely after DHS yearbook and ICE statistics.
_BASE = {
    "MX": 30,
    "GT": 6,
    "SV": 5,
    "HN": 5,
    "CU": 3,
    "DO": 3,
    "HT": 2,
    "CO": 3,
    "VE": 3,
    "EC": 2,
    "PE": 1,
    "BR": 2,
    "CN": 5,
    "IN": 5,
    "VN": 2,
    "PH": 3,
    "KR": 1,
    "NG": 1,
    "GH": 0.5,
    "ET": 0.5,
    "SO": 0.5,
    "EG": 0.5,
    "SA": 0.3,
    "IQ": 0.5,
    "SY": 0.5,
    "AF": 1,
    "PK": 1,
    "BD": 0.5,
    "RU": 1,
    "UA": 1,
    "PL": 0.5,
    "CA": 1,
    "GB": 1,
    "JM": 1,
}
COUNTRY_MIX: dict[str, dict[str, float]] = {
    "BASE": _BASE,
    "US": {"US": 1.0},
    "VISA": {
        "IN": 12,
        "CN": 10,
        "MX": 10,
        "BR": 6,
        "GB": 5,
        "CA": 4,
        "KR": 4,
        "PH": 4,
        "CO": 4,
        "NG": 3,
        "VN": 3,
        "RU": 2,
        "PK": 2,
        "EG": 1,
        "SA": 1,
        "VE": 3,
        "EC": 2,
        "DO": 2,
        "JM": 2,
        "PL": 1,
        "UA": 1,
        "GH": 1,
        "BD": 1,
    },
    "BORDER": {
        "MX": 45,
        "GT": 15,
        "HN": 14,
        "SV": 10,
        "EC": 4,
        "VE": 3,
        "CO": 2,
        "CU": 2,
        "HT": 2,
        "BR": 1,
        "IN": 1,
        "CN": 1,
    },
    "TPS": {"SV": 30, "HN": 15, "HT": 15, "VE": 20, "UA": 5, "AF": 4, "SY": 2, "SO": 2, "ET": 2},
    "DACA": {
        "MX": 80,
        "SV": 4,
        "GT": 3,
        "HN": 3,
        "KR": 2,
        "PE": 1,
        "BR": 1,
        "CO": 1,
        "PH": 1,
        "EC": 1,
        "JM": 1,
        "IN": 1,
    },
    "ASYLUM": {
        "VE": 15,
        "CN": 12,
        "GT": 8,
        "HN": 8,
        "SV": 6,
        "MX": 8,
        "HT": 6,
        "RU": 5,
        "AF": 5,
        "CO": 5,
        "EG": 3,
        "EC": 4,
        "NG": 2,
        "ET": 2,
        "CU": 5,
        "IQ": 2,
        "SY": 2,
        "UA": 2,
    },
    "REFUGEE": {
        "AF": 20,
        "SY": 15,
        "UA": 10,
        "IQ": 10,
        "SO": 8,
        "ET": 6,
        "VE": 6,
        "CU": 5,
        "GT": 5,
        "SV": 5,
        "HN": 5,
        "CO": 5,
    },
    "PAROLE": {"VE": 25, "HT": 25, "CU": 20, "UA": 15, "AF": 10, "MX": 5},
}


def allocate(persons: int, rng: np.random.Generator) -> np.ndarray:
    """Scenario code per person, in a random order so that person ids reveal nothing.

    Largest-remainder allocation keeps counts exact and proportional. A parent scenario's
    share is split in two equal halves: its children and as many NATURALIZED_PARENT people
    (``people.build`` pairs them); an odd one out becomes a plain NATURALIZED person.
    """
    weights = np.asarray([s.weight * (2 if s.parent else 1) for s in CATALOGUE])
    share = weights / weights.sum() * persons
    counts = np.floor(share).astype(np.int64)
    short = persons - int(counts.sum())
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[:short]] += 1
    for i, s in enumerate(CATALOGUE):
        if s.parent:
            pairs = counts[i] // 2
            counts[CODE["NATURALIZED_PARENT"]] += pairs
            counts[CODE["NATURALIZED"]] += counts[i] - 2 * pairs
            counts[i] = pairs
    codes = np.repeat(np.arange(len(CATALOGUE), dtype=np.int16), counts)
    return np.asarray(rng.permutation(codes))
