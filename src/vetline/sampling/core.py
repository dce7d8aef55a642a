"""The blind audit sample of a batch job and the precision it measures: the one mechanism
``vetline.batch`` (its ``audit_sample.csv`` and ``--judged`` review) and ``vetline.leads``
(the sample reviewed over the API and the web, the precision gate) both use. Pure: numpy
and scipy, nothing of vetline, so either workflow imports it without importing the other.

Why a sample per band, drawn before any lead goes out: the batch model's bands were tuned
on synthetic truth; each real list differs. Humans review a stratified random sample of
every band — including rows below the review threshold, to estimate what the model missed
— without seeing the band or the score (a reviewer who sees "0.998" agrees with it). The
verdicts give the precision of each band with a Wilson interval (scipy), shown on the job
and on each of its leads (reference §11.3 item 2).

Verdicts: ``SAME`` (the candidate person is the listed person), ``DIFFERENT`` (it is not),
``MISSED`` (no candidate, or a wrong one, and the listed person IS in the records: a miss),
``UNSURE`` (left out of every figure, counted). A filled ``audit_sample.csv`` says the same
with ``same_person`` Y / N / U (``FILE_ANSWERS``).

One sample per result: ``draw`` is seeded by the result's SHA-256 (the manifest's
``result_sha256``) and a band's smaller sample is the start of its larger one, so the
batch job's file sample and the leads import's sample of the same result are one sample
(the same rows where the per-band sizes agree, else the smaller inside the larger).

Edit here: the verdict vocabulary, how rows are drawn, or the interval method.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np


class Verdict(StrEnum):
    """A reviewer's blind judgement of one sampled row."""

    SAME = "SAME"
    DIFFERENT = "DIFFERENT"
    MISSED = "MISSED"
    UNSURE = "UNSURE"


#: ``same_person`` in a filled ``audit_sample.csv`` → the verdict it stands for.
FILE_ANSWERS: Final[Mapping[str, Verdict]] = {
    "Y": Verdict.SAME,
    "N": Verdict.DIFFERENT,
    "U": Verdict.UNSURE,
}


def draw(
    rows_by_band: Mapping[str, Sequence[int]], per_band: Mapping[str, int], seed_text: str
) -> dict[str, list[int]]:
    """Row numbers drawn per band: ``per_band[band]`` at random, or the whole band if smaller.

    Seeded from ``seed_text`` (the result's SHA-256), so the same result always gives the
    same sample and a re-import cannot be used to fish for a kinder one. Each band has its
    own seeded order of its rows and a sample is the first ``n`` of it: of one result, a
    smaller sample of a band is always part of a larger one, so the batch job's file sample
    and the leads' sample (sizes set by two policies) are one sample, not two that happen
    to overlap — a row reviewed for one counts in the other wherever both drew it.
    """
    out: dict[str, list[int]] = {}
    for band in sorted(rows_by_band):
        rows = np.asarray(sorted(rows_by_band[band]), dtype=np.int64)
        want = per_band.get(band, 0)
        if want <= 0 or rows.size == 0:
            continue
        if rows.size <= want:
            out[band] = [int(r) for r in rows]
            continue
        digest = hashlib.sha256(f"{seed_text}|{band}".encode()).digest()
        order = np.random.default_rng(int.from_bytes(digest[:8], "big")).permutation(rows.size)
        out[band] = sorted(int(r) for r in rows[order[:want]])
    return out


@dataclass(frozen=True)
class BandPrecision:
    """What the reviewed sample of one band says.

    ``precision``: SAME / (SAME + DIFFERENT) over rows that had a candidate; ``ci_low``,
    ``ci_high``: the Wilson interval at ``confidence``; ``census``: the whole band was
    sampled and reviewed, so the figure is exact for this job, not an estimate.
    ``miss_rate``: MISSED / judged rows (what the model left below its thresholds).
    """

    band: str
    band_rows: int
    sampled: int
    reviewed: int
    same: int
    different: int
    missed: int
    unsure: int
    precision: float | None
    ci_low: float | None
    ci_high: float | None
    miss_rate: float | None
    confidence: float
    census: bool

    @property
    def complete(self) -> bool:
        """Every sampled row has a verdict."""
        return self.reviewed == self.sampled

    def gate_value(self) -> float | None:
        """The figure a precision gate compares: exact for a census, else the lower end."""
        if self.precision is None:
            return None
        return self.precision if self.census else self.ci_low

    def to_dict(self) -> dict[str, object]:
        return {
            "band": self.band,
            "band_rows": self.band_rows,
            "sampled": self.sampled,
            "reviewed": self.reviewed,
            "same": self.same,
            "different": self.different,
            "missed": self.missed,
            "unsure": self.unsure,
            "precision": self.precision,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "confidence": self.confidence,
            "miss_rate": self.miss_rate,
            "census": self.census,
            "complete": self.complete,
        }


def wilson(successes: int, trials: int, confidence: float) -> tuple[float, float] | None:
    """The Wilson score interval (``None`` for no trials)."""
    if trials <= 0:
        return None
    from scipy.stats import binomtest  # ~0.3 s to import: paid by the first precision read

    ci = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def band_precision(
    band: str,
    band_rows: int,
    verdicts: Sequence[str | None],
    confidence: float,
) -> BandPrecision:
    """Precision, interval and miss rate of one band from its sample's verdicts."""
    counts = {v: 0 for v in Verdict}
    reviewed = 0
    for verdict in verdicts:
        if verdict is None:
            continue
        reviewed += 1
        counts[Verdict(verdict)] += 1
    same, different = counts[Verdict.SAME], counts[Verdict.DIFFERENT]
    judged = reviewed - counts[Verdict.UNSURE]
    interval = wilson(same, same + different, confidence)
    return BandPrecision(
        band=band,
        band_rows=band_rows,
        sampled=len(verdicts),
        reviewed=reviewed,
        same=same,
        different=different,
        missed=counts[Verdict.MISSED],
        unsure=counts[Verdict.UNSURE],
        precision=same / (same + different) if same + different else None,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        miss_rate=counts[Verdict.MISSED] / judged if judged else None,
        confidence=confidence,
        census=len(verdicts) == band_rows and reviewed == band_rows,
    )


def precision_gate(strong: BandPrecision | None, minimum: float) -> str | None:
    """Why a job's leads may not go out yet, or ``None`` when the measured precision holds."""
    if strong is None or strong.sampled == 0:
        return "the job has no reviewed strong-band sample"
    if not strong.complete:
        return (
            f"the strong-band audit sample is not fully reviewed "
            f"({strong.reviewed} of {strong.sampled})"
        )
    value = strong.gate_value()
    if value is None:
        return "the strong-band sample has no SAME/DIFFERENT verdict to measure precision"
    if value < minimum:
        what = "precision" if strong.census else "lower end of the precision interval"
        return f"measured strong-band {what} {value:.3f} is below the policy's {minimum:.3f}"
    return None
