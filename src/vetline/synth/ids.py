"""Identifiers: unique per person, stable across that person's records.

Each identifier is a bijective scramble of the person's global index (multiply by a
constant coprime with the modulus), so it is unique without bookkeeping, looks random,
is the same whichever chunk the person falls in, and costs a few array operations
(formatting is Arrow compute, not Python string formatting).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_A_BASE, _A_MOD, _A_MUL = 10_000_000, 240_000_000, 104_729_113
_FIN_BASE, _FIN_MOD, _FIN_MUL = 1_000_000_000, 8_000_000_000, 2_654_435_761
_FBI_MOD, _FBI_MUL = 900_000, 7_919
_SSN_MOD, _SSN_MUL = 660_000_000, 1_000_003
_PP_MOD, _PP_MUL = 90_000_000, 15_485_863
_SID_MOD, _SID_MUL = 90_000_000, 32_452_843
_LETTERS = pa.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), pa.string())


def _scramble(g: np.ndarray, mul: int, mod: int) -> np.ndarray:
    return np.asarray((np.asarray(g, dtype=np.int64) % mod) * mul % mod, dtype=np.int64)


def _digits(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values, pa.int64()), pa.string()), width, "0")


def _letters(g: np.ndarray, div: int) -> pa.Array:
    return _LETTERS.take(pa.array((np.asarray(g) // div) % len(_LETTERS)))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def a_numbers(g: np.ndarray) -> pa.Array:
    """Canonical 9-digit A-numbers (``012345678``)."""
    return _digits(_A_BASE + _scramble(g, _A_MUL, _A_MOD), 9)


def canonical_a_number(g: int) -> str:
    return str(a_numbers(np.asarray([g]))[0].as_py())


def fins(g: np.ndarray) -> pa.Array:
    """10-digit biometric identity numbers."""
    return _digits(_FIN_BASE + _scramble(g, _FIN_MUL, _FIN_MOD), 10)


def fbi_numbers(g: np.ndarray) -> pa.Array:
    """FBI UCN-like: six digits, two letters, one digit (``761349KA4``)."""
    v = _scramble(g, _FBI_MUL, _FBI_MOD) + 100_000
    return _join(
        _digits(v, 6), _letters(g, 1), _letters(g, len(_LETTERS)), _digits(np.asarray(g) % 10, 1)
    )


def ssns(g: np.ndarray) -> pa.Array:
    """Nine digits with a valid area (001-665, 667-899), group and serial never zero."""
    v = _scramble(g, _SSN_MUL, _SSN_MOD)
    area = v // 1_000_000 + 1  # 1..660
    area = np.where(area >= 666, area + 1, area)
    return _join(_digits(area, 3), _digits((v // 10_000) % 99 + 1, 2), _digits(v % 9_999 + 1, 4))


def passports(g: np.ndarray) -> pa.Array:
    """One letter and eight digits."""
    v = _scramble(g, _PP_MUL, _PP_MOD) + 10_000_000
    return _join(_letters(g, 7), _digits(v, 8))


def sids(g: np.ndarray, state: np.ndarray) -> pa.Array:
    """State identification numbers, prefixed by the state code (``CA12345678``)."""
    v = _scramble(g, _SID_MUL, _SID_MOD) + 10_000_000
    return _join(pa.array(state, pa.string()), _digits(v, 8))
