"""Measured precision per band from the blind-reviewed audit sample (issue 16 item 4).

The job draws ``audit_sample.csv`` (the list row and the candidate person, never the
score or the band); reviewers fill ``same_person`` (Y, N, or U for cannot tell) and
``reviewer``. ``measure`` joins the judgements with ``audit_key.csv`` and gives, per band,
the share of judged rows that are the same person with a 95 % Wilson score interval,
computed by ``vetline.sampling`` (the leads' review uses the same arithmetic); the
stored verdicts are measured by ``vetline.sampling.reviews.measure``, the very function
the leads' job and precision gate call. For STRONG and
REVIEW that share is the band's precision; for WEAK and NONE it is the share of misses.
``vetline batch --judged`` stores the verdicts in the one store of blind verdicts
(``vetline.sampling.reviews``, keyed by the result's SHA-256 and row), where the leads'
review of the same result reads and writes too; the job (API) shows the precision from
the stored verdicts (``stored_precision``), else the file-only ``precision.json``
(``measure``). Reviews are the reviewers', so a row judged twice with different answers
is refused, not averaged.

Edit here: the file's columns and answers (``sampling.FILE_ANSWERS`` for their meaning).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vetline import sampling
from vetline.batch.layout import AUDIT_SAMPLE, MANIFEST, write_json
from vetline.db import UnitOfWork
from vetline.errors import BadInput
from vetline.sampling import reviews

PRECISION = "precision.json"
CONFIDENCE = 0.95


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share (``(0, 1)`` when nothing was judged):
    ``vetline.sampling.wilson``, the one the leads' precision gate uses."""
    interval = sampling.wilson(successes, n, CONFIDENCE)
    return interval if interval is not None else (0.0, 1.0)


@dataclass(frozen=True)
class Judged:
    """A filled sample file, checked: sample id → (answer Y/N/U, reviewer, file line)."""

    band_of: dict[str, str]  # sample id → band (audit_key.csv)
    row_of: dict[str, int]  # sample id → result row number
    answers: dict[str, tuple[str, str, int]]


def _key(out: Path) -> tuple[dict[str, str], dict[str, int]]:
    key_file = out / "audit_key.csv"
    if not key_file.exists():
        raise BadInput("out", f"{out} has no audit sample (is the job finished?)")
    with key_file.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return (
        {r["sample_id"]: r["match_band"] for r in rows},
        {r["sample_id"]: int(r["row_number"]) for r in rows},
    )


def read_judged(out: Path, judged: Path) -> Judged:
    """Check a filled ``audit_sample.csv`` against the job's key (every problem names its
    line); a row judged twice two ways is refused, not averaged."""
    band_of, row_of = _key(out)
    answers: dict[str, tuple[str, str, int]] = {}
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
            if answers.get(sample, (answer.upper(),))[0] != answer.upper():
                raise BadInput(f"judged line {line}", f"{sample} judged both ways")
            answers[sample] = (answer.upper(), (row["reviewer"] or "").strip() or "?", line)
    return Judged(band_of, row_of, answers)


def _sampled(band_of: dict[str, str], row_of: dict[str, int]) -> dict[str, list[int]]:
    """band → the result rows its sample drew (from ``audit_key.csv``)."""
    out: dict[str, list[int]] = {}
    for sample, band in band_of.items():
        out.setdefault(band, []).append(row_of[sample])
    return {band: sorted(rows) for band, rows in out.items()}


def _band_rows(out: Path, sampled: dict[str, list[int]]) -> dict[str, int]:
    """Rows per sampled band in the result (the manifest's counts), so a band reviewed
    whole reads as a census; the sample's own size when the manifest is not there."""
    manifest = out / MANIFEST
    counts = (
        json.loads(manifest.read_text(encoding="utf-8")).get("counts", {})
        if (manifest.exists())
        else {}
    )
    return {band: int(counts.get(band, len(rows))) for band, rows in sampled.items()}


def _per_band(measured: dict[str, sampling.BandPrecision]) -> dict[str, Any]:
    """The job's figures per band (the keys the job has always shown, plus ``measured``:
    the leads' shape of the same ``BandPrecision``)."""
    bands: dict[str, Any] = {}
    for band, m in sorted(measured.items()):
        n = m.same + m.different
        low, high = (m.ci_low, m.ci_high) if n else (0.0, 1.0)
        assert low is not None and high is not None
        bands[band] = {
            "sampled": m.sampled,
            "judged": n, "cannot_tell": m.unsure, "same_person": m.same,
            "share_same_person": round(m.precision, 4) if m.precision is not None else None,
            "ci95": [round(low, 4), round(high, 4)],
            "meaning": "precision" if band in ("STRONG", "REVIEW") else "share of misses",
            "measured": m.to_dict(),
        }  # fmt: skip
    return bands


def measure(out: Path, judged: Path) -> dict[str, Any]:
    """Per-band measured precision of the job in ``out`` from the filled sample ``judged``
    alone (written to ``precision.json``); ``record_judged`` stores the verdicts."""
    checked = read_judged(out, judged)
    said = {
        checked.row_of[s]: sampling.FILE_ANSWERS[a].value
        for s, (a, _, _) in checked.answers.items()
    }
    sampled = _sampled(checked.band_of, checked.row_of)
    band_rows = _band_rows(out, sampled)
    measured = {
        band: sampling.band_precision(
            band, band_rows[band], [said.get(n) for n in rows], CONFIDENCE
        )
        for band, rows in sampled.items()
    }
    result = {
        "bands": _per_band(measured),
        "reviewers": sorted({r for _, r, _ in checked.answers.values()}),
        "judged_file": judged.name,
    }
    write_json(out / PRECISION, result)
    return result


def _result_sha256(out: Path) -> str:
    manifest = out / MANIFEST
    if not manifest.exists():
        raise BadInput("out", f"{out} has no finished job (no {MANIFEST})")
    return str(json.loads(manifest.read_text(encoding="utf-8"))["result_sha256"])


def record_judged(uow: UnitOfWork, out: Path, judged: Path) -> int:
    """Store the filled sample's verdicts in the one store (``vetline.sampling.reviews``),
    where the leads' review of the same result reads them too; how many were new.

    A row already reviewed the same way is skipped; the other way is refused (a verdict
    is not revised), naming the file line and who said what.
    """
    checked = read_judged(out, judged)
    result = _result_sha256(out)
    with (out / AUDIT_SAMPLE).open(encoding="utf-8") as handle:
        candidate = {r["sample_id"]: r["candidate_person_id"] for r in csv.DictReader(handle)}
    new = 0
    for sample, (answer, reviewer, line) in sorted(checked.answers.items()):
        verdict = sampling.FILE_ANSWERS[answer]
        if verdict is sampling.Verdict.SAME and not candidate.get(sample):
            raise BadInput(f"judged line {line}", f"{sample} has no candidate person: not Y")
        try:
            reviews.record(
                uow, result, checked.row_of[sample], verdict, reviewer=reviewer, via="file"
            )
            new += 1
        except reviews.AlreadyReviewed as exc:
            said = exc.existing
            if said is None or said.verdict is not verdict:
                who = f"{said.verdict.value} by {said.reviewed_by}" if said else "meanwhile"
                raise BadInput(
                    f"judged line {line}", f"{sample} already reviewed ({who})"
                ) from None
    return new


def stored_precision(uow: UnitOfWork, out: Path) -> dict[str, Any] | None:
    """Per-band measured precision of the job's sample from the stored verdicts (console
    and leads alike), or ``None`` when none of its sample rows has one."""
    if not (out / "audit_key.csv").exists() or not (out / MANIFEST).exists():
        return None
    band_of, row_of = _key(out)
    result = _result_sha256(out)
    said = reviews.reviews_of(uow, result, set(row_of.values()))
    if not said:
        return None
    sampled = _sampled(band_of, row_of)
    measured = reviews.measure(uow, result, sampled, _band_rows(out, sampled), CONFIDENCE)
    return {
        "bands": _per_band(measured),
        "reviewers": sorted({r.reviewed_by for r in said.values()}),
        "judged_file": None,
    }


def read_precision(out: Path) -> dict[str, Any] | None:
    path = out / PRECISION
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None
