"""The measured precision of a match-probability band, from a shipped table.

Why measured and shown: a probability of 0.97 is the model's belief, not a promise; the
analyst needs to know how often queries in that band were truly this person on a world
whose truth is known. ``data/precision_bands.csv`` is produced by
``bench/bench_precision_bands.py`` (its source, world and date are in the file's own
columns and in bench/README.md); nothing here computes or guesses a number.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Band:
    """One probability band: [low, high), pairs seen, precision measured, and the source."""

    low: float
    high: float
    pairs: int
    correct: int
    precision: float | None
    source: str


@functools.cache
def bands() -> tuple[Band, ...]:
    """The shipped bands (empty when the table is missing: the page then says so)."""
    try:
        text = (resources.files("vetline") / "data" / "precision_bands.csv").read_text("utf-8")
    except FileNotFoundError:
        return ()
    out = []
    for row in csv.DictReader(text.splitlines()):
        pairs = int(row["pairs"])
        out.append(
            Band(
                low=float(row["low"]), high=float(row["high"]), pairs=pairs,
                correct=int(row["correct"]),
                precision=float(row["precision"]) if row["precision"] else None,
                source=row["source"],
            )
        )  # fmt: skip
    return tuple(out)


def band_of(probability: float | None) -> Band | None:
    """The band ``probability`` falls in (the top band includes 1.0)."""
    if probability is None:
        return None
    for band in bands():
        if band.low <= probability < band.high or (band.high >= 1.0 and probability >= 1.0):
            return band
    return None
