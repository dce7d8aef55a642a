"""Measured precision per band from the blind-reviewed audit sample (issue 16 item 4).

The job draws ``audit_sample.csv`` (the list row and the candidate person, never the
score or the band); reviewers fill ``same_person`` (Y, N, or U for cannot tell) and
``reviewer``. ``measure`` joins the judgements with ``audit_key.csv`` and gives, per band,
the share of judged rows that are the same person with a 95 % Wilson score interval,
computed by ``vetline.sampling`` (the leads' review uses the same arithmetic). For STRONG and
REVIEW that share is the band's precision; for WEAK and NONE it is the share of misses.
The figures go to ``precision.json`` in the job folder, shown on the job (API) and read
by the leads (``vetline.leads``) for each lead. Reviews are the reviewers', so a sample
row judged twice with different answers is refused, not averaged.

Edit here: the file's columns and answers (``sampling.FILE_ANSWERS`` for their meaning).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from vetline import sampling
from vetline.batch.layout import AUDIT_SAMPLE, write_json
from vetline.errors import BadInput

PRECISION = "precision.json"
CONFIDENCE = 0.95


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share (``(0, 1)`` when nothing was judged):
    ``vetline.sampling.wilson``, the one the leads' precision gate uses."""
    interval = sampling.wilson(successes, n, CONFIDENCE)
    return interval if interval is not None else (0.0, 1.0)


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
        in_band = [s for s, b in band_of.items() if b == band]
        verdicts = [sampling.FILE_ANSWERS[answers[s]] if s in answers else None
                    for s in in_band]  # fmt: skip
        m = sampling.band_precision(band, len(in_band), verdicts, CONFIDENCE)
        n = m.same + m.different
        low, high = (m.ci_low, m.ci_high) if n else (0.0, 1.0)
        assert low is not None and high is not None
        bands[band] = {
            "sampled": m.sampled,
            "judged": n, "cannot_tell": m.unsure, "same_person": m.same,
            "share_same_person": round(m.precision, 4) if m.precision is not None else None,
            "ci95": [round(low, 4), round(high, 4)],
            "meaning": "precision" if band in ("STRONG", "REVIEW") else "share of misses",
        }  # fmt: skip
    result = {"bands": bands, "reviewers": sorted(reviewers), "judged_file": judged.name}
    write_json(out / PRECISION, result)
    return result


def read_precision(out: Path) -> dict[str, Any] | None:
    path = out / PRECISION
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None
