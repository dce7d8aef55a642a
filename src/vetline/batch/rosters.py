"""Jail rosters of 287(g) partner agencies and of the Criminal Alien Program (issue 16
items 8 and 9): who may send a facility's roster, and who may read what came of it.

A partner officer (``Role.PARTNER_OFFICER``) is bound to its agency's ORI, exactly as a
requesting agency's account is (row scope ``OWN_ORI``, ``vetline.auth.roles``). Here that
scope decides three things, for the API and any other caller alike (one function per
command):

* **submit** (``submit_roster``): only a roster of one of the agency's facilities (its own
  ORI, or one listed under its ORI in ``data/batch.toml`` ``[partners]``: the 287(g)
  agreement); the job records the agency's ORI and the facility, and the runner vets only
  the bookings new since that facility's previous roster (``presets.roster_delta``);
* **read** (``list_rosters``, ``get_roster``): roster jobs whose ORI is the caller's
  (``scope_filter`` on ``batch_jobs.ori``); any other job, of another agency or of another
  kind (an INTERPOL list, an overstay list), is *not found*, never *forbidden*: its
  existence is not told;
* **results** (``roster_results``): the result rows of the job's own bookings, in the
  columns a partner needs to act (band, status, removability, identity basis, whether a
  citizenship sign or a review stops it). The centre's own columns (priority, match-weight
  reasons, lead candidacy) are for lead analysts, who read the whole row.

Every read is audited (``RosterEvent``), with the agency's ORI as ``requesting_ori``.
Lead analysts (scope ALL) read and submit any facility's roster (CAP).

Edit here: a partner's facilities (``facilities_of``), the columns a partner reads
(``PARTNER_COLUMNS``), what a roster job shows (``RosterJob``).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, Final

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, false, select

from vetline.auth.errors import Forbidden, NotFound
from vetline.auth.roles import RowScope, ScopeKind, check_ori, scope_filter
from vetline.batch.bands import RESULT_COLUMNS
from vetline.batch.finish import result_page
from vetline.batch.layout import RESULTS
from vetline.batch.lifecycle import JobState
from vetline.batch.models import BatchJob
from vetline.batch.policy import BatchPolicy
from vetline.batch.service import MAX_OFFSET, BatchService
from vetline.batch.shapes import PartnerResultRow, ResultRow
from vetline.db import Actor, UnitOfWork
from vetline.errors import BadInput

ROSTER = "roster"
#: What a partner officer reads of each of its bookings' result rows (docs/batch-results.md names).
PARTNER_COLUMNS: Final[tuple[str, ...]] = (
    "row_number", "list_ref", "match_band", "person_id", "probability", "status_code",
    "removable", "removability", "flags", "identity_basis", "needs_review",
    "citizenship_sign",
)  # fmt: skip


class RosterEvent(StrEnum):
    """Audit event types of roster jobs (a string column: kept beside the package)."""

    ROSTER_REFUSED = "ROSTER_REFUSED"
    ROSTER_JOBS_LISTED = "ROSTER_JOBS_LISTED"
    ROSTER_JOB_VIEWED = "ROSTER_JOB_VIEWED"
    ROSTER_RESULTS_READ = "ROSTER_RESULTS_READ"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RosterJob(_Model):
    """A roster job as its agency sees it: no server paths, no error text (a failure is
    the centre's to look into), the delta's figures and the counts per band."""

    job_id: str
    state: str
    facility_ori: str
    ori: str | None
    list_name: str
    input_sha256: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    rows_total: int | None
    rows_done: int
    progress: float
    roster_rows: int | None = None
    new_bookings: int | None = None
    counts: dict[str, int] = {}
    citizenship_rows: int | None = None
    note: str | None = None


class RosterResults(_Model):
    """One page of a roster job's results: one row per new booking, in roster order."""

    job_id: str
    facility_ori: str
    offset: int
    total: int
    columns: tuple[str, ...]
    rows: list[ResultRow] | list[PartnerResultRow]


def facilities_of(policy: BatchPolicy, scope: RowScope) -> frozenset[str] | None:
    """The facilities ``scope`` may send rosters of; ``None``: any (the centre's staff)."""
    if scope.kind is ScopeKind.ALL:
        return None
    if scope.kind is not ScopeKind.OWN_ORI or not scope.value:
        return frozenset()
    partner = policy.partners.get(scope.value)
    return frozenset({scope.value, *(partner.facilities if partner else ())})


def check_facility(policy: BatchPolicy, scope: RowScope, facility_ori: str) -> str:
    """The facility's ORI, if ``scope`` may send its roster (403 otherwise)."""
    facility = check_ori(facility_ori or "", "facility_ori")
    allowed = facilities_of(policy, scope)
    if allowed is not None and facility not in allowed:
        raise Forbidden(f"facility {facility} is not a facility of your agency")
    return facility


def submit_roster(
    svc: BatchService, content: bytes | BinaryIO, filename: str, facility_ori: str,
    fields: dict[str, Any], actor: Actor, scope: RowScope,
) -> RosterJob:  # fmt: skip
    """Store a facility's roster as a QUEUED roster job (durable and audited on return).

    A roster of a facility not the agency's is refused, and the refusal audited: a partner
    trying another agency's jail is what an auditor must see.
    """
    ori = _ori(scope)
    try:
        facility = check_facility(svc.policy, scope, facility_ori)
    except Forbidden:
        with UnitOfWork(svc.database, actor, clock=svc.clock, write=True) as uow:
            uow.audit(
                RosterEvent.ROSTER_REFUSED, outcome="denied", object_type="facility",
                object_id=str(facility_ori)[:16], requesting_ori=ori,
                reason="not a facility of the agency",
            )  # fmt: skip
            uow.commit()
        raise
    partner = svc.policy.partners.get(ori or "")
    given = {k: v for k, v in fields.items() if v not in (None, "")}
    defaults = {
        "purpose": "287(g) jail roster screening" if ori else "CAP jail roster screening",
        "authority": partner.authority if partner else None,
        "source_name": f"roster {facility}",
    }
    merged = {**{k: v for k, v in defaults.items() if v}, **given}
    # audited there (BATCH_JOB_SUBMITTED, with the agency's ORI and the facility)
    shown = svc.submit(content, filename, merged, actor, facility_ori=facility, ori=ori)
    with UnitOfWork(svc.database, actor, clock=svc.clock, read_only=True) as uow:
        row = uow.session.get(BatchJob, shown.job_id)
        assert row is not None
        return roster_view(row)


def _visible(scope: RowScope) -> ColumnElement[bool]:
    if scope.kind not in (ScopeKind.ALL, ScopeKind.OWN_ORI):
        return false()
    return scope_filter(scope, ori_column=BatchJob.__table__.c.ori) & (BatchJob.list_kind == ROSTER)


def list_rosters(svc: BatchService, actor: Actor, scope: RowScope, limit: int = 100
                 ) -> list[RosterJob]:  # fmt: skip
    """The caller's roster jobs, newest first (audited, with how many were shown)."""
    if not 1 <= limit <= 1000:
        raise BadInput("limit", "1 <= limit <= 1000")
    with UnitOfWork(svc.database, actor, clock=svc.clock, write=True) as uow:
        rows = uow.session.scalars(
            select(BatchJob).where(_visible(scope))
            .order_by(BatchJob.created_at.desc(), BatchJob.id).limit(limit)
        ).all()  # fmt: skip
        shown = [roster_view(r) for r in rows]
        uow.audit(
            RosterEvent.ROSTER_JOBS_LISTED, object_type="batch_job", requesting_ori=_ori(scope),
            details={"shown": len(shown), "job_ids": [j.job_id for j in shown][:100]},
        )  # fmt: skip
        uow.commit()
    return shown


def _row(uow: UnitOfWork, job_id: str, scope: RowScope) -> BatchJob:
    row = uow.session.scalar(select(BatchJob).where(BatchJob.id == job_id, _visible(scope)))
    if row is None:  # another agency's, another kind, or none: the same answer
        raise NotFound.of("roster_job", job_id)
    return row


def get_roster(svc: BatchService, job_id: str, actor: Actor, scope: RowScope) -> RosterJob:
    """One roster job of the caller's (404 for any other), audited."""
    with UnitOfWork(svc.database, actor, clock=svc.clock, write=True) as uow:
        shown = roster_view(_row(uow, job_id, scope))
        uow.audit(
            RosterEvent.ROSTER_JOB_VIEWED, object_type="batch_job", object_id=job_id,
            requesting_ori=_ori(scope), details={"facility_ori": shown.facility_ori},
        )  # fmt: skip
        uow.commit()
    return shown


def roster_results(
    svc: BatchService, job_id: str, actor: Actor, scope: RowScope,
    *, offset: int = 0, limit: int = 1000,
) -> RosterResults:  # fmt: skip
    """A page of the results of the job's bookings (a partner: ``PARTNER_COLUMNS``)."""
    if not 0 <= offset <= MAX_OFFSET:
        raise BadInput("offset", f"0 <= offset <= {MAX_OFFSET}")
    if not 1 <= limit <= 10_000:
        raise BadInput("limit", "1 <= limit <= 10000")
    # lead analysts read the whole contract row; a partner the columns it acts on
    wanted = None if scope.kind is ScopeKind.ALL else list(PARTNER_COLUMNS)
    with UnitOfWork(svc.database, actor, clock=svc.clock, write=True) as uow:
        row = _row(uow, job_id, scope)
        if row.state != JobState.FINISHED.value:
            raise BadInput("job", f"the roster job is {row.state}; results come when FINISHED")
        path = Path(row.folder) / RESULTS
        found: list[dict[str, Any]] = []
        total, columns = 0, tuple(wanted or RESULT_COLUMNS)
        if path.exists():  # a roster with no new booking has no results file
            table, total = result_page(path, offset, limit, wanted)
            columns = tuple(table.column_names)
            found = table.to_pylist()
        shape = PartnerResultRow if wanted else ResultRow
        rows = [shape.model_validate(r) for r in found]
        manifest = json.loads(row.manifest_json or "{}")
        uow.audit(
            RosterEvent.ROSTER_RESULTS_READ, object_type="batch_job", object_id=job_id,
            requesting_ori=_ori(scope),
            details={"facility_ori": row.facility_ori, "offset": offset, "rows": len(rows),
                     "result_sha256": manifest.get("result_sha256"),
                     "person_ids": sorted({r.person_id for r in rows if r.person_id})},
        )  # fmt: skip
        uow.commit()
        return RosterResults(
            job_id=job_id, facility_ori=row.facility_ori or "", offset=offset, total=total,
            columns=columns, rows=rows,  # type: ignore[arg-type]
        )  # fmt: skip


def _ori(scope: RowScope) -> str | None:
    return scope.value if scope.kind is ScopeKind.OWN_ORI else None


def roster_view(row: BatchJob) -> RosterJob:
    """A roster job row as ``RosterJob``."""
    manifest = json.loads(row.manifest_json) if row.manifest_json else {}
    details = manifest.get("list_details") or {}
    total = row.rows_total

    def _int(key: str) -> int | None:
        value = details.get(key)
        return int(value) if value not in (None, "") else None

    return RosterJob(
        job_id=row.id, state=row.state, facility_ori=row.facility_ori or "", ori=row.ori,
        list_name=row.list_name, input_sha256=row.input_sha256, created_at=row.created_at,
        started_at=row.started_at, finished_at=row.finished_at, rows_total=total,
        rows_done=row.rows_done,
        progress=round(row.rows_done / total, 4) if total else (
            1.0 if row.state == JobState.FINISHED.value else 0.0),
        roster_rows=_int("roster_rows"), new_bookings=_int("new_bookings"),
        counts={str(k): int(v) for k, v in (manifest.get("counts") or {}).items()},
        citizenship_rows=manifest.get("citizenship_rows"), note=manifest.get("note"),
    )  # fmt: skip
