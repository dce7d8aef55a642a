"""Run a function once per distinct value of a column, and spread the results by code.

Standardisation's functions are pure and names repeat (1M records hold ≈ 50k surnames),
so each is called once per distinct value. What remained per row was Python all the
same: a ``Series.map`` with a lambda per row (a dict lookup, a tuple index, a ``zip`` of
two columns), ≈ 25 CPU s per million records, far more than the functions themselves
(issue 18: standardise was the build's largest single-core stage). Here the rows are
``pd.factorize``d (C), the function runs per distinct value, and the results go back to
the rows by a NumPy ``take`` on the codes.

A null (``None``; ``pd.factorize`` also counts ``NaN``) is given ``fn(None)``, as the
per-row ``map`` did: nulls get the code after the last distinct value, and every
per-distinct result array ends with the nulls' result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

Objects = npt.NDArray[np.object_]
Codes = npt.NDArray[np.intp]


def objects(values: Iterable[Any]) -> Objects:
    """An object array, element by element (``np.array`` would read a list of lists, or
    of tuples, as a second dimension)."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    for i, value in enumerate(items):
        out[i] = value
    return out


def codes_of(values: Any) -> tuple[Codes, Objects]:
    """(code per row, distinct values followed by ``None``): a null's code is the last."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    codes = codes.astype(np.intp, copy=False)
    codes[codes < 0] = len(uniques)
    return codes, objects([*uniques.tolist(), None])


def pair_codes(
    left: tuple[Codes, Objects], right: tuple[Codes, Objects]
) -> tuple[Codes, Objects, Objects]:
    """(code per row, left value of each distinct pair, its right value): the distinct
    pairs of two columns, each given as its ``codes_of``."""
    (lcodes, lvalues), (rcodes, rvalues) = left, right
    width = len(rvalues)
    codes, pairs = pd.factorize(lcodes.astype(np.int64) * width + rcodes)
    return codes.astype(np.intp, copy=False), lvalues[pairs // width], rvalues[pairs % width]


def apply(fn: Callable[..., Any], *distinct: Objects) -> Objects:
    """``fn`` of each distinct value (or of each distinct pair's two values)."""
    return objects(fn(*args) for args in zip(*(d.tolist() for d in distinct), strict=True))


def field(results: Objects, i: int) -> Objects:
    """The ``i``-th element of each (tuple) result."""
    return objects(r[i] for r in results.tolist())


def take(results: Objects, codes: Codes) -> Objects:
    """Per-distinct ``results`` spread to the rows."""
    out: Objects = results[codes]
    return out


def shared(results: Objects, pool: dict[Any, Any] | None) -> Objects:
    """``results`` with each value replaced by the pool's equal one (added if new): one
    object per value across calls (lists keyed by their tuple; never mutated)."""
    if pool is None:
        return results
    return objects(
        pool.setdefault(tuple(v) if isinstance(v, list) else v, v) for v in results.tolist()
    )


def mapped(values: Any, fn: Callable[[Any], Any]) -> Objects:
    """``fn(value)`` for every row, ``fn`` called once per distinct value."""
    codes, uniques = codes_of(values)
    return take(apply(fn, uniques), codes)


def int_column(results: Objects, codes: Codes) -> pd.arrays.IntegerArray:
    """A nullable ``Int64`` column from per-distinct ints (``None`` = missing)."""
    values = results.tolist()
    mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    data = np.fromiter((0 if v is None else v for v in values), np.int64, len(values))
    return pd.arrays.IntegerArray(data[codes], mask[codes])
