"""``LeadsService``: one method per command, each one unit of work (change + audit, then
commit). The API router and the ``vetline leads`` CLI both call these; nothing else
writes leads.

The person re-check (``PersonCheck``) is built on first use from a built data folder
(``vetline.leads.person_check.PersonCoreCheck``) unless one is given: reading the index
costs seconds and memory the import and the reads never need.

Edit here: a new command (its rules go in ``working.py`` / ``lifecycle.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import vetline.audit.writer  # noqa: F401 - installs the audit chain as the units' event writer
from vetline.auth.roles import RowScope
from vetline.db.base import utcnow
from vetline.db.engine import Database
from vetline.db.uow import Actor, UnitOfWork
from vetline.errors import BadInput
from vetline.leads import views, working
from vetline.leads.importing import import_result
from vetline.leads.policy import LeadsPolicy, load_leads_policy
from vetline.leads.ports import OwnVetting, PersonCheck, VettingPort, snapshot_json
from vetline.leads.results import read_result
from vetline.leads.shapes import (
    CorrectionView,
    DiversionView,
    JobDetail,
    JobView,
    LeadDetail,
    LeadSummary,
    OutcomeMetrics,
    SampleItemView,
)


class LeadsService:
    """The leads workflow over one database."""

    def __init__(
        self,
        database: Database,
        checker: PersonCheck | Callable[[], PersonCheck] | None = None,
        *,
        policy: LeadsPolicy | None = None,
        vetting: VettingPort | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.policy = policy or load_leads_policy()
        self.vetting: VettingPort = vetting or OwnVetting()
        self.clock = clock
        self._checker = checker
        self._lock = threading.Lock()

    def checker(self) -> PersonCheck:
        """The person re-check, built on first use when given as a factory."""
        with self._lock:
            if self._checker is None:
                raise BadInput("data", "no built data folder: the re-check cannot run")
            if callable(self._checker) and not hasattr(self._checker, "check"):
                self._checker = self._checker()
            return self._checker  # type: ignore[return-value]

    def _uow(self, actor: Actor, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.database, actor, clock=self.clock, read_only=read_only)

    # Commands -----------------------------------------------------------------------

    def import_folder(
        self, folder: Path, actor: Actor, list_file: Path | None = None
    ) -> dict[str, Any]:
        """Import a batch job's output folder (verified first: SHA-256, rows, columns).

        ``list_file``: the list the job read (its SHA-256 must be the manifest's
        ``input_sha256``), so sample reviewers see each sampled row's identity fields.
        """
        result = read_result(folder)
        with self._uow(actor) as uow:
            summary = import_result(uow, result, self.policy, self.vetting, list_file)
            uow.commit()
        return summary

    def confirm(self, lead_id: str, actor: Actor, note: str) -> dict[str, Any]:
        with self._uow(actor, read_only=True) as uow:
            working.get_lead(uow, lead_id)  # 404 before paying for the index
        checker = self.checker()
        with self._uow(actor) as uow:
            out = working.confirm(uow, lead_id, note, checker, self.policy, self.vetting)
            uow.commit()
        return out

    def reject(self, lead_id: str, actor: Actor, note: str) -> dict[str, Any]:
        with self._uow(actor) as uow:
            out = working.reject(uow, lead_id, note)
            uow.commit()
        return out

    def assign(
        self, lead_id: str, actor: Actor, note: str | None = None, aor: str | None = None
    ) -> dict[str, Any]:
        with self._uow(actor) as uow:
            out = working.assign(uow, lead_id, self.policy, note, aor)
            uow.commit()
        return out

    def record_outcome(
        self, lead_id: str, actor: Actor, scope: RowScope, outcome: str, note: str
    ) -> dict[str, Any]:
        with self._uow(actor) as uow:
            views.lead_detail(uow, lead_id, scope, self.policy)  # scope check: 404 if not theirs
            out = working.record_outcome(uow, lead_id, outcome, note, self.vetting)
            uow.commit()
        return out

    def review_sample(
        self, job_id: str, item_id: str, actor: Actor, verdict: str, note: str | None
    ) -> dict[str, Any]:
        with self._uow(actor) as uow:
            out = working.review_sample(uow, job_id, item_id, verdict, note)
            uow.commit()
        return out

    def expire_due(self, actor: Actor) -> dict[str, Any]:
        with self._uow(actor) as uow:
            out = working.expire_due(uow)
            uow.commit()
        return out

    # Reads (a lead's details are a person's records: their reads are audited) -----------

    def leads(self, actor: Actor, scope: RowScope, **filters: Any) -> list[LeadSummary]:
        with self._uow(actor, read_only=True) as uow:
            return views.list_leads(uow, scope, **filters)

    def lead(self, lead_id: str, actor: Actor, scope: RowScope) -> LeadDetail:
        with self._uow(actor) as uow:
            out = views.lead_detail(uow, lead_id, scope, self.policy)
            uow.audit(
                "LEAD_VIEWED",
                object_type="lead",
                object_id=lead_id,
                details={"person_id": out.person_id},
            )
            uow.commit()
        return out

    def package(self, lead_id: str, actor: Actor, scope: RowScope) -> dict[str, Any]:
        with self._uow(actor) as uow:
            out = views.lead_package(uow, lead_id, scope)
            uow.audit("LEAD_PACKAGE_VIEWED", object_type="lead", object_id=lead_id)
            uow.commit()
        return out

    def jobs(self, actor: Actor) -> list[JobView]:
        with self._uow(actor, read_only=True) as uow:
            return views.list_jobs(uow, self.policy)

    def job(self, job_id: str, actor: Actor) -> JobDetail:
        with self._uow(actor, read_only=True) as uow:
            return views.job_detail(uow, job_id, self.policy)

    def sample(self, job_id: str, actor: Actor, pending_only: bool = False) -> list[SampleItemView]:
        with self._uow(actor, read_only=True) as uow:
            return views.sample_items(uow, job_id, pending_only=pending_only)

    def sample_item(self, job_id: str, item_id: str, actor: Actor) -> dict[str, Any]:
        """One sampled row and, beside it, the candidate person's identity as the records
        show it today (names, date of birth, sourced identifiers and addresses; no status,
        no band, no score): what the blind reviewer compares."""
        with self._uow(actor, read_only=True) as uow:
            item = views.sample_item(uow, job_id, item_id)
        candidate = None
        if item.candidate_person_id:
            snap = self.checker().check(item.candidate_person_id, self.clock().date(), "REVIEW")
            body = snapshot_json(snap)
            candidate = {k: body[k] for k in views.CANDIDATE_FIELDS} if snap.found else None
        with self._uow(actor) as uow:
            uow.audit(
                "LEAD_SAMPLE_VIEWED",
                object_type="lead_sample_item",
                object_id=item_id,
                details={"job_id": job_id, "person_id": item.candidate_person_id},
            )
            uow.commit()
        return {**item.model_dump(), "candidate": candidate}

    def diversions(self, actor: Actor, job_id: str | None = None) -> list[DiversionView]:
        with self._uow(actor) as uow:
            out = views.diversions(uow, job_id)
            uow.audit(
                "LEAD_DIVERSIONS_VIEWED",
                object_type="lead_job",
                object_id=job_id,
                details={"rows": len(out)},
            )
            uow.commit()
        return out

    def corrections(self, actor: Actor) -> list[CorrectionView]:
        with self._uow(actor, read_only=True) as uow:
            return views.corrections(uow)

    def metrics(self, actor: Actor) -> OutcomeMetrics:
        with self._uow(actor, read_only=True) as uow:
            return views.outcome_metrics(uow)
