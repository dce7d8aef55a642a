"""Dates as integer day numbers (days since 1970-01-01), so whole life histories are
array arithmetic. ``NODATE`` marks an absent date (a blank ``end_date``, a person still
in custody)."""

from __future__ import annotations

from datetime import date

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


def to_iso(days: np.ndarray) -> pa.Array:
    """ISO ``YYYY-MM-DD`` strings, null where ``NODATE``."""
    days = np.asarray(days, dtype=np.int64)
    mask = days == NODATE
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
