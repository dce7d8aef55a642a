"""u of an identifier's exact level from its value frequencies, where sampling saw none.

Why (issue 18, 10M records): u — the chance that two records of different people agree
— is estimated by Splink from random record pairs. An identifier is shared by a handful
of records of one person, so among N²/2 pairs only ≈ 1.5 N agree on it; the sample
(1.5 pairs a record, ``splink_model.u_pairs``) finds them for the A-number at 10M, but
not for the sparser SSN and FIN, whose exact level then fell back to Splink's default u
(10 bits instead of 16–18.5 at 1M): an SSN alone no longer found its person.

The rate sampling estimates can be counted exactly instead: of the pairs where both
records carry the identifier, the share that agree, Σ n_v (n_v − 1) / (N (N − 1)) over
the values v held by n_v of the N records. Like Splink's sample it counts every pair,
the same person's included (the standard approximation: u ≈ the agreement rate of
random pairs). Only applied where sampling observed no agreement, so every model whose
sample saw one (every world up to 1M records measured) trains exactly as before.
"""

from __future__ import annotations

import pandas as pd


def exact_agreement_rate(values: pd.Series) -> float | None:
    """Share of pairs of records carrying a value that carry the same one; None when no
    two records share a value (nothing to estimate from: the default stays)."""
    present = values.dropna()
    n = len(present)
    if n < 2:
        return None
    counts = present.value_counts(sort=False).to_numpy(dtype="float64")
    agreeing = float((counts * (counts - 1.0)).sum())
    if agreeing == 0.0:
        return None
    return agreeing / (float(n) * float(n - 1))
