"""Measured precision of a job, per band, from its reviewed audit sample (a read).

The verdicts are read from the one store (``vetline.sampling.reviews``) for the job's
sampled rows: a row reviewed on the console (``vetline batch --judged``) counts here too.

Edit here: which rows count (the measuring is ``vetline.sampling.reviews.measure``).
"""

from __future__ import annotations

import json

from sqlalchemy import select

from vetline.db.uow import UnitOfWork
from vetline.leads.models import LeadJob, LeadSampleItem
from vetline.leads.policy import LeadsPolicy
from vetline.leads.sample import BandPrecision
from vetline.sampling import reviews


def job_precision(uow: UnitOfWork, job_pk: str, policy: LeadsPolicy) -> dict[str, BandPrecision]:
    """band → what its reviewed sample measures (every band the job has)."""
    job = uow.session.get(LeadJob, job_pk)
    if job is None:
        return {}
    bands: dict[str, int] = json.loads(job.summary_json).get("bands", {})
    sampled: dict[str, list[int]] = {}
    for band, number in uow.session.execute(
        select(LeadSampleItem.band, LeadSampleItem.row_number).where(
            LeadSampleItem.job_id == job_pk
        )
    ).all():
        sampled.setdefault(band, []).append(number)
    return reviews.measure(uow, job.result_sha256, sampled, bands, policy.confidence)
