"""A whole name is more common than its two names' frequencies multiplied.

Why: Fellegi-Sunter weighs the surname and the first name as independent evidence, so
agreement on both is worth ``−log2(u_surname · u_forename)`` bits. Names are not
independent: first names go with surnames (a language, a community, a generation), so
"TRAN, VIKRAM" or "ZAMORA ROMERO, EDUARDO" is shared by many more people than the
product of the two frequencies says. Issue 11 (the 1M-person otherworld, seed 31):
people in no system were answered POSSIBLE on a loaded namesake whose date of birth was
one keystroke away (0.87 NO_RECORD; 0.95 is the target) — the model scored the two exact
names as if the whole name were rarer than the loaded records show it is (that world,
like the booking population, draws a person's first name and surname from one
community's names).

The loaded records say how common the whole name is: the ``surname + forename`` blocking
rule's key table counts the records holding exactly this surname and this first name.
The candidate's own records are left out of that count (a name held only by the candidate
tells nothing about namesakes, exactly as for a rare surname), so

    u_whole = (records with this whole name − the candidate's own) / records with both,

and when it exceeds the product the model used, the two names' weight is lowered to
``log2(m_surname · m_forename / u_whole)``: the fix is
``min(0, log2(u_surname · u_forename) − log2(u_whole))``, where the product is read back
from the weights the scorer gave (term-frequency adjustments included). It only lowers a
probability — never raises one — and, like the namesakes outside the records
(``population.py``), it does not re-rank candidates: every candidate with the same
exact name gets the same evidence from it.

Edit here: the correction; the count comes from ``RecordIndex.full_name_count``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from vetline.resolve.comparisons import COMPARISONS
from vetline.resolve.model import MatchModel

SURNAME = next(i for i, c in enumerate(COMPARISONS) if c.name == "surname")
FORENAME = next(i for i, c in enumerate(COMPARISONS) if c.name == "forename")
#: The exact (term-frequency adjusted) level of both name comparisons.
EXACT_NAME = 1


def log2_m_names(model: MatchModel) -> float:
    """log2 (m_surname · m_forename) of the exact levels."""
    total = 0.0
    for name in ("surname", "forename"):
        m = model.comparisons[name][EXACT_NAME].m
        total += math.log2(m) if m else 0.0
    return total


def full_name_fix(
    log2_m: float,
    gamma: Sequence[Sequence[int]] | npt.NDArray[Any],
    weights: Sequence[Sequence[float]] | npt.NDArray[np.float64],
    persons: Sequence[Hashable],
    own: Mapping[Any, int],
    count: int,
    total: int,
) -> list[float]:
    """Per candidate person (≤ 0): the bits its two exact names are worth too much.

    ``gamma``/``weights``: each person's levels and weights (``aggregate``); ``persons``:
    their keys (ids or the index's person codes: ``own`` is keyed alike); ``own``:
    how many of the person's candidate records hold the subject's exact whole name (a
    name block beyond the candidate limit may leave some out: the fix then comes out
    larger, the safe side); ``count``/``total``: ``RecordIndex.full_name_count``.
    """
    out = [0.0] * len(persons)
    if count <= 0 or total <= 0 or not len(persons):
        return out
    # only the persons exact on both names, found at once (thousands of candidate
    # persons at 10M records; the arithmetic per person is the loop's, unchanged)
    g, w = np.asarray(gamma), np.asarray(weights, dtype=np.float64)
    both = np.flatnonzero((g[:, SURNAME] == EXACT_NAME) & (g[:, FORENAME] == EXACT_NAME))
    names = zip(both.tolist(), w[both, SURNAME].tolist(), w[both, FORENAME].tolist(), strict=True)
    log2_u: dict[int, float] = {}  # per count of others: most persons own one such record
    for i, surname_w, forename_w in names:
        others = count - own.get(persons[i], 0)
        if others <= 0:
            continue
        u = log2_u.get(others)
        if u is None:
            u = log2_u[others] = math.log2(others / total)
        fix = (log2_m - (surname_w + forename_w)) - u
        out[i] = fix if fix < 0.0 else 0.0  # min(0.0, fix), NaN and −0.0 alike
    return out
