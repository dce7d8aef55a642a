"""The people of one chunk as columns, and the county table their addresses index.

``People`` (one NumPy array per attribute) is what every later stage reads: the look-alike
constructions (``lookalikes.py``) change it in place, the histories and records are drawn
from it (``events.py``, ``crime.py``, ``identity.py``). Its own module so that those read
the columns without importing how the people are drawn (``people.build``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from vetline.synth.catalogue import CATALOGUE, CODE
from vetline.synth.names import TABLES_DIR

_CHILD_SCENARIOS = frozenset(s.key for s in CATALOGUE if s.parent)


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
    #: How a look-alike pair differs within its kind (``NICKNAME``, ``OTHER_STATE``...).
    lookalike_variant: np.ndarray
    #: Birth country the criminal and custody systems recorded, where it is not the true
    #: one by construction (a look-alike citizen carrying the stranger's country).
    recorded_pob: np.ndarray
    #: Never arrested (a stranger known to immigration systems only).
    no_arrest: np.ndarray
    #: Never fingerprinted into IDENT (a citizen known to criminal systems only).
    no_prints: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.scenario)

    def of(self, key: str) -> np.ndarray:
        """Indices of the people in scenario ``key``."""
        return np.flatnonzero(self.scenario == CODE[key])


def in_child_scenarios(keys: np.ndarray) -> np.ndarray:
    """Who is in a child scenario: paired with a parent, never made a twin."""
    return np.asarray(np.isin(keys, list(_CHILD_SCENARIOS)))
