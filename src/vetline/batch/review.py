"""Measured precision per band from the blind-reviewed audit sample (issue 16 item 4).

The job draws ``audit_sample.csv`` (the list row and the candidate person, never the
score or the band); reviewers fill ``same_person`` (Y, N, or U for cannot tell) and
``reviewer``. ``measure`` joins the judgements with ``audit_key.csv`` and gives, per band,
the share of judged rows that are the same person with a 95 % Wilson score interval
(exact enough at the sample sizes used, and never outside [0, 1]). For STRONG and
REVIEW that share is the band's precision; for WEAK and NONE it is the share of misses.
The figures go to ``precision.json`` in the job folder, shown on the job (API) and read
by the leads (``vetline.leads``) for each lead. Reviews are the reviewers', so a sample
row judged twice with different answers is refused, not averaged.

Edit here: the interval (``wilson``), which answers count.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from vetline.batch.layout import AUDIT_SAMPLE, write_json
from vetline.errors import BadInput

PRECISION = "precision.json"
_Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = _Z95) -> tuple[float, float]:
    """The Wilson score interval of a binomial share (``(0, 1)`` when ``n`` is 0)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def measure(out: Path, judged: Path) -> dict[str, Any]:
    """Per-band measured precision of the job in ``out`` from the filled sample ``judged``."""
    key_file = out / "audit_key.csv"
    if not key_file.exists():
        raise BadInput("out", f"{out} has no audit sample (is the job finished?)")
    with key_file.open(encoding="utf-8") as handle:
        band_of = {r["sample_id"]: r["match_band"] for r in csv.DictReader(handle)}
    answers: dict[str, str] = {}
    reviewers: set[str] = set()
    try:
        handle = judged.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise BadInput("judged", f"cannot read {judged}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        for column in ("sample_id", "same_person", "reviewer"):
            if column not in (reader.fieldnames or []):
                raise BadInput("judged", f"needs a {column} column (fill {AUDIT_SAMPLE})")
        for line, row in enumerate(reader, start=2):
            sample, answer = (row["sample_id"] or "").strip(), (row["same_person"] or "").strip()
            if not answer:
                continue
            if sample not in band_of:
                raise BadInput(f"judged line {line}", f"unknown sample_id {sample!r}")
            if answer.upper() not in ("Y", "N", "U"):
                raise BadInput(f"judged line {line}", "same_person is Y, N or U")
            if answers.get(sample, answer.upper()) != answer.upper():
                raise BadInput(f"judged line {line}", f"{sample} judged both ways")
            answers[sample] = answer.upper()
            reviewers.add((row["reviewer"] or "").strip() or "?")
    bands: dict[str, Any] = {}
    for band in sorted(set(band_of.values())):
        said = [answers[s] for s, b in band_of.items() if b == band and s in answers]
        same, n = said.count("Y"), said.count("Y") + said.count("N")
        low, high = wilson(same, n)
        bands[band] = {
            "sampled": sum(1 for b in band_of.values() if b == band),
            "judged": n, "cannot_tell": said.count("U"), "same_person": same,
            "share_same_person": round(same / n, 4) if n else None,
            "ci95": [round(low, 4), round(high, 4)],
            "meaning": "precision" if band in ("STRONG", "REVIEW") else "share of misses",
        }  # fmt: skip
    result = {"bands": bands, "reviewers": sorted(reviewers), "judged_file": judged.name}
    write_json(out / PRECISION, result)
    return result


def read_precision(out: Path) -> dict[str, Any] | None:
    path = out / PRECISION
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None
