"""Batch jobs over HTTP (issue 16 item 1): durable before acknowledged, run in the
background by the serve process's runner, progress on the job, results as JSON or the
Parquet file, every step in the audit trail; a job whose runner died is taken over."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi import FastAPI
from helpers import add_user, client_for, policy
from sqlalchemy import select

from conftest import BatchWorld, write_list
from vetline.api import Settings, create_app
from vetline.audit.models import AuditEvent
from vetline.auth.roles import Role
from vetline.batch.layout import done_chunks
from vetline.batch.models import BatchJob
from vetline.batch.runner import BatchRunner
from vetline.batch.service import BatchService
from vetline.db import Actor, Database, UnitOfWork, utcnow

FIELDS = {"purpose": "INTERPOL open files, monthly", "authority": "DHS/ICE-011 routine use"}


@pytest.fixture
def app(database: Database, batch_world: BatchWorld) -> FastAPI:
    settings = Settings(demo_mode=True, rate_limit_per_minute=100_000, data=batch_world.data)
    application = create_app(settings, database=database)
    add_user(database, "lead.one", Role.LEAD_ANALYST)
    add_user(database, "desk.one", Role.DESK_ANALYST)
    yield application
    runner = getattr(application.state, "batch_runner", None)
    if runner is not None:
        runner.stop()


def _events(database: Database, job_id: str) -> list[str]:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        rows = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == job_id).order_by(AuditEvent.seq)
        ).all()
        return [r.event_type for r in rows]


def test_a_job_is_stored_run_in_the_background_and_its_results_read(
    app: FastAPI, database: Database, batch_world: BatchWorld, tmp_path: Path
) -> None:
    listed = write_list(tmp_path / "interpol.csv", batch_world.facts[300:340])
    client = client_for(app, "lead.one")
    with listed.open("rb") as handle:
        sent = client.post("/v1/batch-jobs", data=FIELDS,
                           files={"file": ("interpol.csv", handle, "text/csv")})  # fmt: skip
    assert sent.status_code == 202, sent.text
    job = sent.json()
    assert job["state"] in ("QUEUED", "RUNNING") and job["purpose"] == FIELDS["purpose"]
    job_id = job["job_id"]
    deadline = time.monotonic() + 180
    while job["state"] != "FINISHED":
        assert job["state"] != "FAILED", job["error"]
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = client.get(f"/v1/batch-jobs/{job_id}").json()
        assert 0.0 <= job["progress"] <= 1.0
    assert job["progress"] == 1.0 and job["rows_done"] == job["rows_total"] == 40
    manifest = job["manifest"]
    assert manifest["job_id"] == job_id and manifest["authority"] == FIELDS["authority"]
    assert manifest["requester"] == "lead.one" and manifest["input_rows"] == 40

    page = client.get(f"/v1/batch-jobs/{job_id}/results", params={"limit": 10, "offset": 5})
    assert page.status_code == 200
    assert [r["row_number"] for r in page.json()["rows"]] == list(range(5, 15))
    file = client.get(f"/v1/batch-jobs/{job_id}/results", params={"format": "parquet"})
    assert file.status_code == 200
    assert hashlib.sha256(file.content).hexdigest() == manifest["result_sha256"]
    assert file.headers["x-result-sha256"] == manifest["result_sha256"]
    assert len(pd.read_parquet(io.BytesIO(file.content))) == 40
    assert _events(database, job_id) == [
        "BATCH_JOB_SUBMITTED", "BATCH_JOB_STARTED", "BATCH_JOB_FINISHED",
        "BATCH_RESULTS_READ", "BATCH_RESULTS_READ",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "name", "field"),
    [
        ({"purpose": "x", "authority": " "}, "l.csv", "authority"),
        (FIELDS, "l.xlsx", "file"),
    ],
)
def test_bad_submissions_are_4xx_naming_the_field(
    app: FastAPI, batch_world: BatchWorld, tmp_path: Path, data: dict[str, str], name: str,
    field: str,
) -> None:  # fmt: skip
    client = client_for(app, "lead.one")
    listed = write_list(tmp_path / "l.csv", batch_world.facts[:3])
    sent = client.post("/v1/batch-jobs", data=data, files={"file": (name, listed.read_bytes())})
    assert 400 <= sent.status_code < 500 and field in sent.text
    assert client.post("/v1/batch-jobs", data=FIELDS).status_code == 415  # a form, no file
    assert client.get("/v1/batch-jobs/nope").status_code == 404
    assert client.get("/v1/batch-jobs/nope/results").status_code == 404
    assert client.get("/v1/batch-jobs/x/results", params={"format": "xml"}).status_code == 422


def test_only_lead_analysts_run_batch_jobs(app: FastAPI) -> None:
    client = client_for(app, "desk.one")
    assert client.get("/v1/batch-jobs/x").status_code == 403


class _Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> Any:
        return self.now


def _row(database: Database, job_id: str) -> tuple[str | None, int, str | None]:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        row = uow.session.get(BatchJob, job_id)
        assert row is not None
        return row.heartbeat_at, row.rows_done, row.runner


def test_a_running_job_beats_while_no_row_is_done(
    database: Database, batch_world: BatchWorld, tmp_path: Path
) -> None:
    """Liveness is not progress: before the job reports any row (its process starting, the
    index loading, the list being read) its heartbeat moves, so no other runner takes over
    a job that is working (a long list read for longer than the 60 s staleness did: stop
    40)."""
    service = BatchService(database, batch_world.data, policy(chunk_rows=10), heartbeat_s=0.05)
    listed = write_list(tmp_path / "l.csv", batch_world.facts[400:425])
    job = service.submit(listed.read_bytes(), "l.csv", dict(FIELDS), Actor.system("test"))
    assert service.claim("r1") == job.job_id
    running = threading.Thread(target=service.run, args=(job.job_id, "r1"))
    running.start()
    beats: set[str] = set()
    while running.is_alive():
        beat, done, _ = _row(database, job.job_id)
        if done == 0 and beat is not None:
            beats.add(beat)
        time.sleep(0.05)
    running.join()
    assert len(beats) >= 3  # the claim's stamp and beats after it, all before any row
    assert service.get(job.job_id).state == "FINISHED"


def test_a_heartbeat_stops_once_another_runner_has_the_job(
    database: Database, batch_world: BatchWorld, tmp_path: Path
) -> None:
    clock = _Clock()
    service = BatchService(database, batch_world.data, policy(chunk_rows=10), clock=clock)
    listed = write_list(tmp_path / "l.csv", batch_world.facts[400:410])
    job = service.submit(listed.read_bytes(), "l.csv", dict(FIELDS), Actor.system("test"))
    assert service.claim("r1") == job.job_id
    assert service.beat(job.job_id, "r1")
    clock.now += timedelta(seconds=120)
    assert service.claim("r2") == job.job_id  # r1 looked dead
    taken = _row(database, job.job_id)[0]
    clock.now += timedelta(seconds=5)
    assert not service.beat(job.job_id, "r1")  # r1's late beat writes nothing
    assert _row(database, job.job_id)[0] == taken
    assert service.beat(job.job_id, "r2")


def test_a_runner_whose_job_was_taken_over_stops_and_the_new_one_finishes(
    database: Database, batch_world: BatchWorld, tmp_path: Path
) -> None:
    """A runner that only looked dead (stalled past the staleness) learns at its next beat
    that the job is another runner's, and stops at its next step — its job's process
    ended — instead of working the job beside it; the new runner finishes it, once."""
    first = BatchService(database, batch_world.data, policy(chunk_rows=10), heartbeat_s=0.05)
    listed = write_list(tmp_path / "l.csv", batch_world.facts[400:425])
    job = first.submit(listed.read_bytes(), "l.csv", dict(FIELDS), Actor.system("test"))
    assert first.claim("r1") == job.job_id
    r1 = threading.Thread(target=first.run, args=(job.job_id, "r1"))
    r1.start()  # its job's process takes a while to start: r1 reports nothing meanwhile
    later = _Clock()
    later.now += timedelta(seconds=120)  # r1's heartbeat looks stale from here
    second = BatchService(database, batch_world.data, policy(chunk_rows=10), clock=later)
    assert second.claim("r2") == job.job_id
    r1.join(60)
    assert not r1.is_alive()
    _, _, runner = _row(database, job.job_id)
    out = first.folder(job.job_id) / "out"
    assert runner == "r2" and not done_chunks(out)  # r1 stopped before vetting a row
    assert first.get(job.job_id).state == "RUNNING"  # not ended by r1: r2's to end
    second.run(job.job_id, "r2")
    done = second.get(job.job_id)
    assert done.state == "FINISHED" and done.manifest and done.manifest["input_rows"] == 25
    assert _events(database, job.job_id).count("BATCH_JOB_FINISHED") == 1


def test_a_job_whose_runner_died_is_taken_over_and_finishes(
    database: Database, batch_world: BatchWorld, tmp_path: Path
) -> None:
    """Durable before acknowledged: the row and the list survive the process; a RUNNING
    job with a stale heartbeat is claimed by another runner and resumed."""
    clock = _Clock()
    service = BatchService(database, batch_world.data, policy(chunk_rows=10), clock=clock)
    listed = write_list(tmp_path / "l.csv", batch_world.facts[400:425])
    job = service.submit(listed.read_bytes(), "l.csv", dict(FIELDS), Actor.system("test"))
    assert service.claim("dead-runner") == job.job_id  # …and its process dies here
    assert service.claim("other") is None  # still fresh: nobody takes it over
    clock.now += timedelta(seconds=120)
    other = BatchRunner(service)
    assert other.run_pending() == 1
    done = service.get(job.job_id)
    assert done.state == "FINISHED" and done.manifest and done.manifest["input_rows"] == 25
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        row = uow.session.get(BatchJob, job.job_id)
        assert row is not None and row.runner == other.name
    # Once the blind sample is reviewed, the job shows the measured precision per band.
    from vetline.batch.review import measure

    out = service.folder(job.job_id) / "out"
    sample = pd.read_csv(out / "audit_sample.csv", dtype=str)
    sample["same_person"], sample["reviewer"] = "Y", "analyst.b"
    sample.to_csv(tmp_path / "judged.csv", index=False)
    measure(out, tmp_path / "judged.csv")
    shown = service.get(job.job_id).measured_precision
    assert shown is not None and shown.reviewers == ["analyst.b"]
    assert all(b.share_same_person == 1.0 for b in shown.bands.values())
