"""Measured precision of a job, per band, from its reviewed audit sample (a read).

Edit here: which rows count (the arithmetic is ``sample.band_precision``).
"""

from __future__ import annotations

import json

from sqlalchemy import select

from vetline.db.uow import UnitOfWork
from vetline.leads.models import LeadJob, LeadSampleItem
from vetline.leads.policy import LeadsPolicy
from vetline.leads.sample import BandPrecision, band_precision


def job_precision(uow: UnitOfWork, job_pk: str, policy: LeadsPolicy) -> dict[str, BandPrecision]:
    """band → what its reviewed sample measures (every band the job has)."""
    job = uow.session.get(LeadJob, job_pk)
    if job is None:
        return {}
    bands: dict[str, int] = json.loads(job.summary_json).get("bands", {})
    verdicts: dict[str, list[str | None]] = {band: [] for band in bands}
    for band, verdict in uow.session.execute(
        select(LeadSampleItem.band, LeadSampleItem.verdict).where(LeadSampleItem.job_id == job_pk)
    ):
        verdicts.setdefault(band, []).append(verdict)
    return {
        band: band_precision(band, bands.get(band, len(v)), v, policy.confidence)
        for band, v in sorted(verdicts.items())
    }
