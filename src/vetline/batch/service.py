"""``BatchService``: batch jobs as durable rows, for the API (and any caller with a database).

One command path (style rule 5): the API's ``POST /v1/batch-jobs`` stores the uploaded
list and the job row, audited, in one transaction, *before* answering 202; a runner
(``runner.py``, a thread of the serve process) then calls ``run_job`` — the very function
``vetline batch`` calls — on the job's folder, in a process of its own at a lower priority
(``isolated.py``: the desk's latency), writing progress and a heartbeat to the row.
A job whose process died mid-run is taken over from its last durable chunk.

Edit here: what a job row shows (``view``), the audit events of a job.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import or_, select

from vetline.audit.events import EventType, Outcome
from vetline.batch.encounters import EncounterPort, Told
from vetline.batch.heartbeat import EVERY_S, TakenOver, beating, write_beat
from vetline.batch.isolated import JobFailed, run_isolated
from vetline.batch.job import JobRequest, describe
from vetline.batch.layout import JOB, MANIFEST, RESULTS
from vetline.batch.lifecycle import LIFECYCLE, STALE_AFTER_S, JobState
from vetline.batch.listfile import FORMATS
from vetline.batch.lists import ListChoice
from vetline.batch.models import BatchJob
from vetline.batch.policy import BatchPolicy
from vetline.batch.presets import PRESETS
from vetline.batch.shapes import (
    BatchJobDetail,
    BatchJobSummary,
    BatchJobView,
    BatchResultsPage,
    MeasuredPrecision,
    ResultRow,
)
from vetline.batch.upload import store_list
from vetline.db import Actor, Database, UnitOfWork, utc_iso, utcnow
from vetline.errors import BadInput
from vetline.text import check_text

#: The largest page offset a reader may ask (past any list's rows; larger overflows SQL
#: integers: a 500 on both backends, found by schemathesis).
MAX_OFFSET = 1_000_000_000
_RUNNER = Actor.system("batch-runner")  # who the background runner acts as
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


log = logging.getLogger("vetline.batch")


class JobNotFound(LookupError):
    """No such job (the API answers 404)."""


class BatchService:
    """Submit, run, read batch jobs. Thread-safe: every call opens its own unit of work."""

    def __init__(
        self,
        database: Database,
        data_dir: Path,
        policy: BatchPolicy,
        *,
        clock: Callable[[], datetime] = utcnow,
        encounters: EncounterPort | None = None,
        heartbeat_s: float = EVERY_S,
    ) -> None:
        self.database = database
        self.data_dir = data_dir
        self.policy = policy
        self.clock = clock
        #: Seconds between a running job's heartbeats (``heartbeat.py``).
        self.heartbeat_s = heartbeat_s
        #: Told of a finished roster job's in-custody persons (``encounters.py``); None:
        #: nobody listens (the bookings stay in the job's ``encounters.csv``).
        self.encounters = encounters

    def folder(self, job_id: str) -> Path:
        return self.data_dir / "batch" / job_id

    def submit(
        self, content: bytes | BinaryIO, filename: str, fields: dict[str, Any], actor: Actor,
        *, facility_ori: str | None = None, ori: str | None = None,
    ) -> BatchJobView:  # fmt: skip
        """Store the list and the job (QUEUED), audited; durable when this returns.

        ``content``: the list's bytes, or a binary file (the API's spooled upload), which is
        streamed into the job's folder (``upload.py``: a list may be far larger than any
        other body). A list refused here leaves no folder behind.
        With ``facility_ori`` the list is that facility's jail roster (``rosters.py``
        checks who may send it): the runner vets only its bookings new since the
        facility's previous roster. ``ori`` is the submitting agency's, for its row scope.
        """
        suffix = Path(filename or "").suffix.lower()
        if suffix not in FORMATS:
            raise BadInput("file", f"a list is {', '.join(FORMATS)}, not {suffix or 'no suffix'}")
        check_why(fields)
        check_text(Path(filename).name, "file", 256)  # stored as the job's list name
        job_id = str(uuid.uuid4())
        folder = self.folder(job_id)
        stored = folder / "input" / f"{_SAFE_NAME.sub('_', Path(filename).stem)[:64]}{suffix}"
        stored.parent.mkdir(parents=True)
        try:
            written = store_list(content, stored)
            if written.blank:
                raise BadInput("file", "the list is empty")
            request = JobRequest(
                list_path=stored, purpose=str(fields["purpose"]),
                authority=str(fields["authority"]), requester=actor.username,
                data_dir=self.data_dir, source_name=fields.get("source_name") or None,
                source_version=fields.get("source_version") or None,
                ref_column=fields.get("ref_column") or None, job_id=job_id,
                list_kind="roster" if facility_ori else "file",
                extra=(("facility", facility_ori),) if facility_ori else (),
            )  # fmt: skip
            request.check()
            from vetline.batch.listfile import check_list

            check_list(stored, request.ref_column)
            return self.record(
                request, folder, Path(filename).name, written.sha256, written.size, actor,
                facility_ori=facility_ori, ori=ori,
            )  # fmt: skip
        except BaseException:  # refused, or not stored (a full disk): no folder left behind
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def record(
        self, request: JobRequest, folder: Path, list_name: str, sha256: str, size: int,
        actor: Actor, *, facility_ori: str | None = None, ori: str | None = None,
    ) -> BatchJobView:  # fmt: skip
        """The job row (QUEUED) of ``request``, whose list is stored in ``folder``, and its
        ``BATCH_JOB_SUBMITTED`` event, in one transaction; committed when this returns.
        Every submission path ends here (a file, a roster, a built-in list)."""
        assert request.job_id is not None
        with UnitOfWork(self.database, actor, clock=self.clock, write=True) as uow:
            now = utc_iso(uow.now())
            row = BatchJob(
                id=request.job_id, state=JobState.QUEUED.value, purpose=request.purpose,
                authority=request.authority, source_name=request.source_name,
                source_version=request.source_version, requester=actor.username,
                requester_id=actor.user_id, list_name=list_name[:256],
                input_sha256=sha256, request_json=json.dumps(describe(request)),
                folder=str(folder / "out"), rows_done=0, created_at=now,
                list_kind=request.list_kind, ori=ori, facility_ori=facility_ori,
            )  # fmt: skip
            uow.session.add(row)
            uow.audit(
                EventType.BATCH_JOB_SUBMITTED, object_type="batch_job", object_id=request.job_id,
                requesting_ori=ori,
                details={"purpose": request.purpose, "authority": request.authority,
                         "list": row.list_name, "list_kind": request.list_kind,
                         "facility_ori": facility_ori,
                         "input_sha256": row.input_sha256, "bytes": size},
            )  # fmt: skip
            uow.commit()
            return view(row)

    def jobs(self, *, limit: int = 50, offset: int = 0) -> list[BatchJobSummary]:
        """The batch jobs, newest first (the analysis centre's: lead analysts see them
        all; roster jobs too, which partners read through ``rosters.py``'s scope)."""
        with UnitOfWork(self.database, Actor.system(), read_only=True) as uow:
            rows = uow.session.scalars(
                select(BatchJob).order_by(BatchJob.created_at.desc(), BatchJob.id)
                .offset(offset).limit(limit)
            ).all()  # fmt: skip
            return [summary(row) for row in rows]

    def get(self, job_id: str) -> BatchJobDetail:
        """A job's view, with the measured precision per band once a sample was reviewed."""
        from vetline.batch.review import read_precision, stored_precision

        out = self.folder(job_id) / "out"
        with UnitOfWork(self.database, Actor.system(), read_only=True) as uow:
            row = uow.session.get(BatchJob, job_id)
            if row is None:
                raise JobNotFound(job_id)
            # the stored verdicts (console and leads review alike), else the file's figures
            measured = stored_precision(uow, out) or read_precision(out)
            return BatchJobDetail(
                **view(row).model_dump(),
                measured_precision=MeasuredPrecision.model_validate(measured) if measured else None,
            )

    def finished_output(self, job_id: str) -> tuple[Path, Path | None]:
        """A finished job's output folder and the list file it read (None if gone), for the
        leads' import (``POST /v1/leads/imports`` with a ``job_id``)."""
        job = self.get(job_id)
        if job.state != JobState.FINISHED.value:
            raise BadInput("job_id", f"job {job_id} is {job.state}: import it once FINISHED")
        out = self.folder(job_id) / "out"
        # the list the job read, as its spec names it (the manifest carries no server path)
        spec = json.loads((out / JOB).read_text(encoding="utf-8"))
        listed = Path(str(spec.get("input") or ""))
        return out, listed if listed.name and listed.is_file() else None

    def results(self, job_id: str, actor: Actor) -> tuple[Path, dict[str, Any]]:
        """The results file and manifest of a finished job; reading them is audited."""
        job = self.get(job_id)
        if job.state != JobState.FINISHED.value:
            raise BadInput("job", f"job {job_id} is {job.state}, results come when FINISHED")
        out = self.folder(job_id) / "out"
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        with UnitOfWork(self.database, actor, clock=self.clock, write=True) as uow:
            uow.audit(
                EventType.BATCH_RESULTS_READ, object_type="batch_job", object_id=job_id,
                details={"purpose": job.purpose, "result_sha256": manifest["result_sha256"]},
            )  # fmt: skip
            uow.commit()
        return out / RESULTS, manifest

    def results_page(
        self, job_id: str, actor: Actor, *, offset: int = 0, limit: int = 1000
    ) -> BatchResultsPage:
        """A page of a finished job's result rows (reading is audited, as ``results``)."""
        from vetline.batch.finish import result_page

        if offset < 0:
            raise BadInput("offset", "offset >= 0")
        if not 1 <= limit <= 10_000:
            raise BadInput("limit", "1 <= limit <= 10000")
        path, manifest = self.results(job_id, actor)
        table, _ = result_page(path, offset, limit)
        rows = [ResultRow.model_validate(r) for r in table.to_pylist()]
        return BatchResultsPage(manifest=manifest, offset=offset, rows=rows)

    def claim(self, runner: str) -> str | None:
        """Take the oldest QUEUED job, or a RUNNING one whose runner died; its id or None."""
        stale = utc_iso(self.clock() - timedelta(seconds=STALE_AFTER_S))
        with UnitOfWork(
            self.database, Actor.system("batch-runner"), clock=self.clock, write=True
        ) as uow:
            rows = uow.session.scalars(
                select(BatchJob)
                .where(
                    or_(
                        BatchJob.state == JobState.QUEUED.value,
                        (BatchJob.state == JobState.RUNNING.value)
                        & (BatchJob.heartbeat_at < stale),
                    )
                )
                .order_by(BatchJob.created_at)
                .limit(5)
            ).all()
            now = utc_iso(uow.now())
            for row in rows:
                where = () if row.state == JobState.QUEUED.value else (
                    BatchJob.heartbeat_at == row.heartbeat_at,
                )  # fmt: skip
                moved = LIFECYCLE.move(
                    uow.session, BatchJob.id, BatchJob.state, row.id, row.state,
                    JobState.RUNNING, where=where, runner=runner, heartbeat_at=now,
                    started_at=row.started_at or now,
                )  # fmt: skip
                if moved:
                    uow.audit(
                        EventType.BATCH_JOB_STARTED, object_type="batch_job", object_id=row.id,
                        details={"purpose": row.purpose, "runner": runner,
                                 "resumed": row.state == JobState.RUNNING},
                    )  # fmt: skip
                    uow.commit()
                    return row.id
        return None

    def _progress(self, job_id: str, runner: str, done: int, total: int) -> None:
        write_beat(self.database, self.clock, job_id, runner, rows=(done, total))

    def beat(self, job_id: str, runner: str) -> bool:
        """Write a running job's heartbeat if ``runner`` still has it; whether it does."""
        return write_beat(self.database, self.clock, job_id, runner)

    def run(self, job_id: str, runner: str) -> None:
        """Run a claimed job to its end (FINISHED or FAILED, audited either way), its
        heartbeat written all along (``heartbeat.py``), not only with the rows' progress."""
        with UnitOfWork(self.database, Actor.system(), read_only=True) as uow:
            row = uow.session.get(BatchJob, job_id)
            if row is None:
                raise JobNotFound(job_id)
            spec = json.loads(row.request_json)
            folder = Path(row.folder)
        with beating(lambda: self.beat(job_id, runner), self.heartbeat_s) as pulse:
            try:
                self._run(job_id, runner, spec, folder, pulse.check)
            except TakenOver:
                log.warning("batch job %s taken over by another runner; %s stops", job_id, runner)

    def _run(
        self, job_id: str, runner: str, spec: dict[str, Any], folder: Path,
        still_ours: Callable[[], None],
    ) -> None:  # fmt: skip
        request = JobRequest(
            list_path=Path(spec["list_path"]), purpose=spec["purpose"],
            authority=spec["authority"], requester=spec["requester"],
            data_dir=Path(spec["data_dir"]), source_name=spec["source_name"],
            source_version=spec["source_version"], ref_column=spec["ref_column"],
            job_id=job_id,
        )  # fmt: skip
        choice = None
        if spec.get("list_kind") in PRESETS:  # derived at submission (``builtin.py``)
            request = replace(
                request, list_kind=spec["list_kind"],
                extra=tuple((str(k), str(v)) for k, v in spec.get("extra") or ()),
                as_of=date.fromisoformat(spec["as_of"]) if spec.get("as_of") else None,
            )  # fmt: skip
        elif spec.get("list_kind") == "roster":
            from vetline.batch.lists import choose_list

            facility = dict(spec.get("extra") or ())["facility"]
            choice = choose_list(
                request.list_path, None, facility, request.data_dir, folder,
                self.clock().date(),
            )  # fmt: skip
            if choice.empty_reason:
                self._finish_empty(job_id, runner, choice)
                return
            request = replace(
                request, list_path=choice.path, list_kind="roster", extra=choice.details,
                source_name=request.source_name or "roster",
            )  # fmt: skip
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            still_ours()  # raises TakenOver once the heartbeat found the job another's
            moment = self.clock().timestamp()
            if stage == "vetting rows" and (moment - last[0] >= 1.0 or done == total):
                last[0] = moment
                self._progress(job_id, runner, done, total)

        try:
            manifest = run_isolated(
                request, folder, self.policy, progress=progress, now=self.clock()
            )
            if choice is not None:
                from vetline.batch.lists import after_finish

                after_finish(choice, request.data_dir)
                self.tell_encounters(job_id, folder, dict(choice.details)["facility"])
        except TakenOver:
            raise  # the job is the other runner's to end
        except Exception as exc:
            error = exc.error if isinstance(exc, JobFailed) else f"{type(exc).__name__}: {exc}"
            self._end(job_id, runner, JobState.FAILED, error=error)
            raise
        self._end(job_id, runner, JobState.FINISHED, manifest=manifest)

    def tell_encounters(self, job_id: str, out: Path, facility_ori: str) -> Told | None:
        """Hand a finished roster job's in-custody persons to the encounter port, audited.

        Before the job is marked FINISHED: a crash here leaves it RUNNING, the takeover
        tells again, and the port's idempotence (one encounter id per row) keeps it once.
        """
        from vetline.batch.encounters import ENCOUNTERS_TOLD, bookings_of

        if self.encounters is None:
            return None
        bookings = bookings_of(out, job_id, facility_ori)
        told = self.encounters.tell(bookings, _RUNNER)
        with UnitOfWork(self.database, _RUNNER, clock=self.clock, write=True) as uow:
            uow.audit(
                ENCOUNTERS_TOLD, object_type="batch_job", object_id=job_id,
                details={"facility_ori": facility_ori, **asdict(told)},
            )  # fmt: skip
            uow.commit()
        return told

    def _finish_empty(self, job_id: str, runner: str, choice: ListChoice) -> None:
        """A roster with no booking new since the facility's previous one: nothing to vet;
        the job finishes with no rows and the roster becomes the facility's previous."""
        from vetline.batch.lists import after_finish

        after_finish(choice, Path(self.data_dir))
        manifest = {
            "job_id": job_id, "list_kind": "roster", "list_details": dict(choice.details),
            "input_rows": 0, "counts": {}, "result_sha256": None, "note": choice.empty_reason,
        }  # fmt: skip
        self._end(job_id, runner, JobState.FINISHED, manifest=manifest)

    def _end(self, job_id: str, runner: str, state: JobState, *, error: str | None = None,
             manifest: dict[str, Any] | None = None) -> None:  # fmt: skip
        with UnitOfWork(
            self.database, Actor.system("batch-runner"), clock=self.clock, write=True
        ) as uow:
            row = uow.session.get(BatchJob, job_id)
            assert row is not None
            now = utc_iso(uow.now())
            LIFECYCLE.move(
                uow.session, BatchJob.id, BatchJob.state, job_id, row.state, state,
                where=(BatchJob.runner == runner,), finished_at=now, heartbeat_at=now,
                error=error, manifest_json=json.dumps(manifest) if manifest else None,
                rows_done=manifest["input_rows"] if manifest else row.rows_done,
                rows_total=manifest["input_rows"] if manifest else row.rows_total,
            )  # fmt: skip
            details: dict[str, Any] = {"error": error} if error else {
                "result_sha256": manifest["result_sha256"] if manifest else None,
                "input_rows": manifest["input_rows"] if manifest else None,
                "counts": manifest["counts"] if manifest else None,
            }  # fmt: skip
            uow.audit(
                EventType.BATCH_JOB_FINISHED, object_type="batch_job", object_id=job_id,
                outcome=Outcome.SUCCESS if state is JobState.FINISHED else Outcome.FAILURE,
                details=details,
            )  # fmt: skip
            uow.commit()


def check_why(fields: dict[str, Any]) -> None:
    """Every submission says why and under which authority (``BadInput`` naming the field)."""
    for name in ("purpose", "authority"):
        if not str(fields.get(name) or "").strip():
            raise BadInput(name, "required: say why and under which authority")


def view(row: BatchJob) -> BatchJobView:
    """A job as the API shows it: state, progress figure, who, why, and the manifest."""
    return BatchJobView(
        **summary(row).model_dump(),
        manifest=json.loads(row.manifest_json) if row.manifest_json else None,
    )


def summary(row: BatchJob) -> BatchJobSummary:
    """A job in a list: :func:`view` without the manifest."""
    total = row.rows_total
    return BatchJobSummary(
        job_id=row.id,
        state=row.state,
        list_kind=row.list_kind,
        purpose=row.purpose,
        authority=row.authority,
        source_name=row.source_name,
        source_version=row.source_version,
        requester=row.requester,
        list_name=row.list_name,
        input_sha256=row.input_sha256,
        rows_total=total,
        rows_done=row.rows_done,
        progress=round(row.rows_done / total, 4) if total else 0.0,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
    )


def audit_console_job(
    database: Database, actor: Actor, event_type: EventType, facts: dict[str, Any],
    *, failed: str | None = None,
) -> None:  # fmt: skip
    """Record a console job's start or end in the audit trail (``vetline batch``).

    The job's purpose goes in the details: the event's own ``purpose`` field is the NCIC
    purpose code (8 characters at most).

    ``facts`` is the job's spec (start) or manifest (end); what is recorded is what an
    auditor needs to find the run again: who, why, under which authority, which input,
    and for the end its result hash and counts.
    """
    keys = (
        "purpose", "authority", "list_kind", "input_sha256", "source_name", "source_version",
        "model_version", "engine", "result_sha256", "input_rows", "counts", "resumed",
    )  # fmt: skip
    details = {k: facts[k] for k in keys if k in facts}
    if failed:
        details["error"] = failed
    with UnitOfWork(database, actor, write=True) as uow:
        uow.audit(
            event_type, object_type="batch_job", object_id=str(facts["job_id"]),
            outcome=Outcome.FAILURE if failed else Outcome.SUCCESS, details=details,
        )  # fmt: skip
        uow.commit()
