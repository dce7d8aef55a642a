"""Dates as integer day numbers (days since 1970-01-01), so whole life histories are
array arithmetic. ``NODATE`` marks an absent date (a blank ``end_date``, a person still
in custody)."""

from __future__ import annotations

from datetime import date
from functools import cache

import numpy as np
import pyarrow as pa

NODATE = np.int64(-(10**7))
EPOCH = date(1970, 1, 1)
YEAR = 365.25


def day(d: date) -> int:
    return (d - EPOCH).days


def years(y: float | np.ndarray) -> np.ndarray:
    """A duration of ``y`` years in days."""
    return np.asarray(np.round(np.asarray(y, dtype=np.float64) * YEAR), dtype=np.int64)


def between(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A uniform day in ``[lo, hi]`` per element; where ``hi < lo`` the result is ``lo``.

    Callers build windows that are non-empty by construction (age ranges, as-of limits);
    the clamp only guards rounding at the edges.
    """
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.maximum(np.asarray(hi, dtype=np.int64), lo)
    out: np.ndarray = lo + (rng.random(lo.shape) * (hi - lo + 1)).astype(np.int64)
    return out


#: Days covered by the ISO lookup table (1850-01-01 … 2199-12-31).
_ISO_LO, _ISO_HI = day(date(1850, 1, 1)), day(date(2200, 1, 1))


@cache
def _iso_table() -> pa.Array:
    """Every day's ISO string once: formatting a date column becomes one ``take``, which
    is several times faster than casting date32 to string for each column."""
    days = pa.array(np.arange(_ISO_LO, _ISO_HI, dtype=np.int32), pa.int32())
    return days.cast(pa.date32()).cast(pa.string())


def to_iso(days: np.ndarray) -> pa.Array:
    """ISO ``YYYY-MM-DD`` strings, null where ``NODATE``."""
    days = np.asarray(days, dtype=np.int64)
    mask = days == NODATE
    if not len(days) or (days[~mask].min(initial=_ISO_LO) >= _ISO_LO and days.max() < _ISO_HI):
        return _iso_table().take(pa.array(days - _ISO_LO, mask=mask))
    arr = pa.array(np.where(mask, 0, days).astype(np.int32), type=pa.int32(), mask=mask)
    return arr.cast(pa.date32()).cast(pa.string())


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day arrays of day numbers (vectorised calendar arithmetic)."""
    d = np.asarray(days, dtype="datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    year = y.astype(np.int64) + 1970
    month = (m - y.astype("datetime64[M]")).astype(np.int64) + 1
    dom = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dom


def add_years(days: np.ndarray, n: int) -> np.ndarray:
    """The same calendar day ``n`` years later (29 February → 1 March), as day numbers."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    dom = (d - month.astype("datetime64[D]")).astype(np.int64)
    later = (month + 12 * n).astype("datetime64[D]") + dom
    return np.asarray(later.astype(np.int64))
