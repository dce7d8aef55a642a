"""``import_result``: a verified batch result becomes leads, a citizenship-review list and
a blind audit sample, in one transaction with its audit event.

What happens to each row:

* a sign of U.S. citizenship (any band, if a person was found) → listed for citizenship
  review, never a lead (issue 16 §5, reference §5.7);
* a row the batch flagged ``lead_candidate`` → a NEW lead, unless the re-derived rule
  (``results.candidate_refusal``) refuses it, the person already has an open lead (here or
  earlier in this list), or an open vetting case (``VettingPort``): each counted;
* every band → its stratified random share of the audit sample (``sample.draw``).

Nothing here confirms anything: a lead starts NEW and needs a named lead analyst.

Edit here: what an imported row turns into.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vetline.db.base import utc_iso
from vetline.db.uow import UnitOfWork
from vetline.errors import BadInput
from vetline.leads.lifecycle import OPEN, LeadState
from vetline.leads.models import CitizenshipDiversion, Lead, LeadEvent, LeadJob, LeadSampleItem
from vetline.leads.package import expiry
from vetline.leads.policy import LeadsPolicy
from vetline.leads.ports import VettingPort
from vetline.leads.results import (
    CITIZEN_STATUSES,
    BatchResult,
    candidate_refusal,
    citizenship_reason,
    list_identity_rows,
)
from vetline.leads.sample import draw


class AlreadyImported(BadInput):
    """The job id was imported before (a job is imported once)."""


def _indices(result: BatchResult, mask: Any) -> list[int]:
    return [int(i) for i in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()]


#: Person ids per ``IN (...)`` query: under SQLite's and PostgreSQL's bound-parameter limits
#: whatever the list's size (5M rows give ~70,000 candidates).
IN_CHUNK = 5_000


def _open_leads(uow: UnitOfWork, people: list[str]) -> set[str]:
    """Which of ``people`` already have an open lead."""
    found: set[str] = set()
    for start in range(0, len(people), IN_CHUNK):
        found.update(
            uow.session.scalars(
                select(Lead.person_id).where(
                    Lead.state.in_([s.value for s in OPEN]),
                    Lead.person_id.in_(people[start : start + IN_CHUNK]),
                )
            )
        )
    return found


def import_result(
    uow: UnitOfWork,
    result: BatchResult,
    policy: LeadsPolicy,
    vetting: VettingPort,
    list_file: Path | None = None,
) -> dict[str, Any]:
    """Import one verified batch result; returns the summary (also stored on the job)."""
    manifest = result.manifest
    if uow.session.scalar(select(LeadJob.id).where(LeadJob.job_id == result.job_id)):
        raise AlreadyImported("job_id", f"job {result.job_id} is already imported")
    now = utc_iso(uow.now())
    job = LeadJob(
        id=str(uuid.uuid4()),
        job_id=result.job_id,
        purpose=manifest["purpose"],
        authority=manifest["authority"],
        source_name=manifest["source_name"],
        source_version=str(manifest["source_version"]),
        retention_until=str(manifest["retention_until"]),
        requester=manifest["requester"],
        model_version=str(manifest["model_version"]),
        result_sha256=manifest["result_sha256"].lower(),
        input_rows=int(manifest["input_rows"]),
        manifest_json=json.dumps(manifest, sort_keys=True, default=str),
        summary_json="{}",
        imported_at=now,
        imported_by=uow.actor.username,
    )
    uow.session.add(job)
    try:
        uow.session.flush()
    except IntegrityError:  # the same job imported concurrently
        raise AlreadyImported("job_id", f"job {result.job_id} is already imported") from None
    table = result.table
    refused: Counter[str] = Counter()
    skipped: Counter[str] = Counter()

    # Citizenship signs first: such a row is never a lead, whatever else it says.
    sign = pc.or_(
        pc.fill_null(table.column("citizenship_sign"), False),
        pc.or_(
            pc.match_substring(pc.fill_null(table.column("flags"), ""), "POSSIBLE_US_CITIZEN"),
            pc.is_in(
                pc.fill_null(table.column("status_code"), ""),
                value_set=pa.array(sorted(CITIZEN_STATUSES)),
            ),
        ),
    )
    diverted_rows = result.rows(_indices(result, sign))
    diverted = {int(r["row_number"]) for r in diverted_rows}
    for row in diverted_rows:
        uow.session.add(
            CitizenshipDiversion(
                id=str(uuid.uuid4()),
                job_id=job.id,
                row_number=int(row["row_number"]),
                list_ref=row["list_ref"],
                person_id=row["person_id"],
                lead_id=None,
                stage="import",
                reason=citizenship_reason(row) or "sign of U.S. citizenship",
                created_at=now,
                reviewed=False,
            )
        )

    candidates = result.rows(_indices(result, table.column("lead_candidate")))
    open_people = _open_leads(
        uow, sorted({str(r["person_id"]) for r in candidates if r["person_id"]})
    )
    created = 0
    for row in candidates:
        number = int(row["row_number"])
        if number in diverted:
            refused["citizenship sign"] += 1
            continue
        why = candidate_refusal(row)
        if why is not None:
            refused[why] += 1
            continue
        person = str(row["person_id"])
        if person in open_people:
            skipped["person already has an open lead"] += 1
            continue
        if vetting.has_open_case(uow, person):
            skipped["person has an open vetting case"] += 1
            continue
        open_people.add(person)
        lead = Lead(
            id=str(uuid.uuid4()),
            job_id=job.id,
            row_number=number,
            list_ref=row["list_ref"],
            person_id=person,
            open_person_id=person,
            state=LeadState.NEW.value,
            band=row["match_band"],
            probability=row["probability"],
            identity_basis=row["identity_basis"],
            status_code=row["status_code"],
            removability=row["removability"],
            flags=row["flags"] or "",
            priority=row["priority"],
            priority_reasons=row["priority_reasons"] or "",
            reasons=row["reasons"] or "",
            created_at=now,
            expires_on=expiry(uow.now().date(), policy.expiry_days).isoformat(),
        )
        uow.session.add(lead)
        uow.session.add(
            LeadEvent(
                id=str(uuid.uuid4()),
                lead_id=lead.id,
                seq=1,
                at=now,
                by=uow.actor.username,
                from_state=None,
                to_state=LeadState.NEW.value,
                note=f"from job {result.job_id} row {number}",
            )
        )
        created += 1

    bands = table.column("match_band")
    by_band = {
        band: _indices(result, pc.equal(bands, band)) for band in set(bands.unique().to_pylist())
    }
    drawn = draw(by_band, policy.sample_per_band, job.result_sha256)
    shown: dict[int, dict[str, str]] = {}
    if list_file is not None:  # what the blind reviewer compares the candidate with
        wanted = {n for numbers in drawn.values() for n in numbers}
        shown = list_identity_rows(list_file, manifest, wanted)
    sampled = 0
    for band, numbers in drawn.items():
        for row in result.rows(numbers):
            listed = shown.get(int(row["row_number"]))
            uow.session.add(
                LeadSampleItem(
                    id=str(uuid.uuid4()),
                    job_id=job.id,
                    row_number=int(row["row_number"]),
                    band=band,
                    probability=row["probability"],
                    list_ref=row["list_ref"],
                    person_id=row["person_id"],
                    list_row_json=json.dumps(listed) if listed is not None else None,
                )
            )
            sampled += 1

    summary: dict[str, Any] = {
        "job_id": result.job_id,
        "rows": table.num_rows,
        "bands": {band: len(rows) for band, rows in sorted(by_band.items())},
        "lead_candidates": len(candidates),
        "leads_created": created,
        "citizenship_diverted": len(diverted_rows),
        "refused_candidates": dict(sorted(refused.items())),
        "not_duplicated": dict(sorted(skipped.items())),
        "sampled": {band: len(rows) for band, rows in sorted(drawn.items())},
    }
    job.summary_json = json.dumps(summary, sort_keys=True)
    uow.audit(
        "LEADS_IMPORTED",
        object_type="lead_job",
        object_id=job.id,
        details={
            **summary,
            "result_sha256": job.result_sha256,
            "purpose": job.purpose,
            "authority": job.authority,
        },
    )
    try:
        uow.session.flush()
    except IntegrityError:
        # A concurrent import opened a lead for the same person first: the unique
        # constraint on open_person_id refused ours. Retrying re-reads the open leads.
        raise BadInput(
            "leads", "another import opened a lead for a person of this list; import again"
        ) from None
    summary["job"] = job.id
    return summary
