"""Name pools: who is called what, and every way a clerk may write it.

All names of the world live in one pool of strings; people and records hold integer
indices into it, so drawing a million names or a million variants is array indexing, not
Python string work. For each pool entry we precompute its ASCII form, its transliteration
variants (Mohammed/Muhammad, Al-Hassan/El Hassan, Zhang/Chang) and its English nicknames
(William/Bill), so a record-level variant is one ``take`` into a flat variant table.

Frequencies come from ``vetline/data/names`` (derived from names-dataset, see its README):
rank positions turn into Zipf weights, so common names are common and look-alikes
(different people with the same name) arise naturally as well as on purpose.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from nicknames import NickNamer
from unidecode import unidecode

#: Zipf exponent over rank positions: top name ≈ 5 % of a country's people, as in census
#: surname tables (a steeper exponent would make everyone a Hernandez).
ZIPF_EXPONENT = 0.7

#: Countries whose people carry two surnames (paternal, maternal).
HISPANIC = frozenset({"MX", "GT", "SV", "HN", "CU", "DO", "CO", "VE", "EC", "PE"})
#: Countries whose names are often recorded family-name-first (or swapped by clerks).
FAMILY_FIRST = frozenset({"CN", "VN", "KR"})
#: Anglophone naming customs: middle names are common.
MIDDLE_NAME_COUNTRIES = frozenset({"US", "CA", "GB", "JM", "PH", "NG", "GH"})


@dataclass(frozen=True)
class Variants:
    """A flat variant table: pool index → ``flat[start[i] : start[i] + count[i]]``."""

    start: np.ndarray
    count: np.ndarray
    flat: np.ndarray

    def has(self, idx: np.ndarray) -> np.ndarray:
        return np.asarray(self.count[idx] > 0)

    def pick(self, idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One random variant per index; indices without variants come back unchanged."""
        count = self.count[idx]
        offs = (rng.random(len(idx)) * np.maximum(count, 1)).astype(np.int64)
        out = self.flat[np.minimum(self.start[idx] + offs, len(self.flat) - 1)]
        return np.where(count > 0, out, idx)


@dataclass(frozen=True)
class Sampler:
    """Pool indices of one country's (and sex's) names with cumulative Zipf weights."""

    idx: np.ndarray
    cum: np.ndarray

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        pos = np.searchsorted(self.cum, rng.random(n) * self.cum[-1], side="right")
        return np.asarray(self.idx[np.minimum(pos, len(self.idx) - 1)])


@dataclass(frozen=True)
class NamePools:
    """Every name string of the world and its precomputed variants."""

    upper: np.ndarray  # object: canonical upper-case form (accents kept)
    ascii: np.ndarray  # object: upper-case ASCII form
    has_accent: np.ndarray
    has_punct: np.ndarray  # hyphen, apostrophe or inner space
    has_space: np.ndarray  # two words already (DE LA CRUZ)
    translit: Variants
    nickname: Variants
    first: dict[tuple[str, str], Sampler]
    last: dict[str, Sampler]

    def first_sampler(self, country: str, sex: str) -> Sampler:
        return self.first.get((country, sex)) or self.first[("US", sex)]

    def last_sampler(self, country: str) -> Sampler:
        return self.last.get(country) or self.last["US"]


NAMES_DIR = Path(__file__).resolve().parent.parent / "data" / "names"
TABLES_DIR = Path(__file__).resolve().parent / "tables"


def _read_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def _zipf(n: int) -> np.ndarray:
    return np.cumsum(1.0 / np.arange(1, n + 1, dtype=np.float64) ** ZIPF_EXPONENT)


def _variants(n_pool: int, groups: dict[int, set[int]]) -> Variants:
    start = np.zeros(n_pool, dtype=np.int64)
    count = np.zeros(n_pool, dtype=np.int64)
    flat: list[int] = []
    for i in sorted(groups):
        alts = sorted(groups[i] - {i})
        start[i], count[i] = len(flat), len(alts)
        flat.extend(alts)
    return Variants(start, count, np.asarray(flat or [0], dtype=np.int64))


@cache
def load_pools() -> NamePools:
    """Build the pools once per process (~0.3 s): tables, translit groups, nicknames."""
    firsts = _read_rows(NAMES_DIR / "first_names.csv")
    lasts = _read_rows(NAMES_DIR / "last_names.csv")
    groups = [r["group"].split("|") for r in _read_rows(TABLES_DIR / "translit_groups.csv")]
    index: dict[str, int] = {}
    strings: list[str] = []

    def intern(name: str) -> int:
        key = name.upper()
        if key not in index:
            index[key] = len(strings)
            strings.append(key)
        return index[key]

    first_rows: dict[tuple[str, str], list[int]] = {}
    for r in firsts:
        first_rows.setdefault((r["country"], r["sex"]), []).append(intern(r["name"]))
    last_rows: dict[str, list[int]] = {}
    for r in lasts:
        last_rows.setdefault(r["country"], []).append(intern(r["name"]))

    translit: dict[int, set[int]] = {}
    for group in groups:
        members = {intern(g) for g in group}
        for m in members:
            translit.setdefault(m, set()).update(members)

    nicknamer = NickNamer()
    nick: dict[int, set[int]] = {}
    first_pool = sorted({i for ids in first_rows.values() for i in ids})
    for i in first_pool:
        # Shorter forms only: William → Bill, not Sandra → Cassandra (the table is symmetric).
        nicks = {x for x in nicknamer.nicknames_of(strings[i].lower()) if len(x) < len(strings[i])}
        if nicks:
            nick[i] = {intern(x) for x in sorted(nicks)}

    upper = np.asarray(strings, dtype=object)
    ascii_ = np.asarray([unidecode(s).upper() for s in strings], dtype=object)
    return NamePools(
        upper=upper,
        ascii=ascii_,
        has_accent=np.asarray([a != s for a, s in zip(ascii_, strings, strict=True)]),
        has_punct=np.asarray([("-" in s) or ("'" in s) or (" " in s) for s in strings]),
        has_space=np.asarray([" " in s for s in strings]),
        translit=_variants(len(strings), translit),
        nickname=_variants(len(strings), nick),
        first={
            k: Sampler(np.asarray(v, dtype=np.int64), _zipf(len(v))) for k, v in first_rows.items()
        },
        last={
            k: Sampler(np.asarray(v, dtype=np.int64), _zipf(len(v))) for k, v in last_rows.items()
        },
    )


PUNCT_FORMS = ("-", "'", " ")


def punct_variant(name: str, u: float) -> str:
    """Another accepted spelling of a name with a hyphen/apostrophe/space: O'BRIEN → OBRIEN,
    AL-HASSAN → AL HASSAN or ALHASSAN, DE LA CRUZ → DELA CRUZ. ``u`` in [0, 1) chooses."""
    for ch in PUNCT_FORMS:
        if ch in name:
            options = [c for c in ("", " ", "-") if c != ch]
            return name.replace(ch, options[int(u * len(options))], 1)
    return name


_KEYS = "QWERTYUIOPASDFGHJKLZXCVBNM"


def typo(name: str, u: float) -> str:
    """One keying error: substitute, drop, double or transpose a letter (never empties).

    ``u`` in [0, 1) is the only randomness (so callers draw it vectorised)."""
    if len(name) < 2:
        return name
    r = int(u * 2**30)
    pos = r % (len(name) - 1)
    op = (r // 97) % 4
    if op == 0:
        letter = _KEYS[(r // 997) % len(_KEYS)]
        if letter == name[pos]:
            letter = "E" if name[pos] != "E" else "A"
        return name[:pos] + letter + name[pos + 1 :]
    if op == 1 and len(name) > 3:
        return name[:pos] + name[pos + 1 :]
    if op == 2 or name[pos] == name[pos + 1]:
        return name[: pos + 1] + name[pos] + name[pos + 1 :]
    return name[:pos] + name[pos + 1] + name[pos] + name[pos + 2 :]


def wrong_digit(value: str, u: float) -> str:
    """One digit keyed one higher or lower (``A012345678`` → ``A012345778``)."""
    pos = [i for i, ch in enumerate(value) if ch.isdigit()]
    if not pos:
        return value
    r = int(u * 2**30)
    i = pos[r % len(pos)]
    step = 1 if (r // 7) % 2 else 9
    return value[:i] + str((int(value[i]) + step) % 10) + value[i + 1 :]
