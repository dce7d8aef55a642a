"""A list sent over the API may be far larger than any other body (issue 16 item 1: the
API job is the CLI's job): ``POST /v1/batch-jobs`` and ``/v1/rosters`` take up to
``max_list_bytes``, streamed from the upload's spooled file into the job's folder, hashed as
it goes; every other body keeps ``max_body_bytes``; a refused list leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from helpers import add_user, client_for, policy
from sqlalchemy import select

from conftest import BatchWorld
from vetline.api import Settings, create_app
from vetline.audit.models import AuditEvent
from vetline.auth.roles import Role
from vetline.batch.service import BatchService
from vetline.batch.upload import BLOCK, store_list
from vetline.db import Actor, Database, UnitOfWork
from vetline.errors import BadInput

FIELDS = {"purpose": "visa overstays, yearly", "authority": "DHS/ICE-011 routine use"}
BODY_LIMIT = 4096
LIST_LIMIT = 3 * 1024 * 1024


@pytest.fixture
def app(database: Database, batch_world: BatchWorld) -> Any:
    settings = Settings(demo_mode=True, rate_limit_per_minute=100_000, data=batch_world.data,
                        max_body_bytes=BODY_LIMIT, max_list_bytes=LIST_LIMIT)  # fmt: skip
    application = create_app(settings, database=database)
    add_user(database, "lead.big", Role.LEAD_ANALYST)
    yield application
    runner = getattr(application.state, "batch_runner", None)
    if runner is not None:
        runner.stop()


def _padded_list(facts: list[dict[str, str]], rows: int, pad: int) -> bytes:
    """A CSV list of ``rows`` persons, each with a ``note`` of ``pad`` characters: few rows
    (a quick job) in more bytes than the upload's in-memory spool (1 MiB) holds."""
    lines = ["list_ref,last_name,first_name,dob,sex,note"]
    for n, fact in enumerate(facts[:rows]):
        lines.append(f"L{n},{fact['true_last_name']},{fact['true_first_name']},"
                     f"{fact['true_dob']},{fact['sex']},{'x' * pad}")  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def test_a_list_larger_than_any_other_body_is_stored_whole_and_run(
    app: FastAPI, database: Database, batch_world: BatchWorld
) -> None:
    listed = _padded_list(batch_world.facts[400:], 12, 100_000)
    assert BODY_LIMIT < 1024 * 1024 < len(listed) < LIST_LIMIT
    client = client_for(app, "lead.big")
    sent = client.post("/v1/batch-jobs", data=FIELDS,
                       files={"file": ("overstays.csv", listed, "text/csv")})  # fmt: skip
    assert sent.status_code == 202, sent.text
    job = sent.json()
    assert job["input_sha256"] == hashlib.sha256(listed).hexdigest()
    stored = next((batch_world.data / "batch" / job["job_id"] / "input").iterdir())
    assert stored.read_bytes() == listed
    deadline = time.monotonic() + 180
    while job["state"] != "FINISHED":
        assert job["state"] != "FAILED", job["error"]
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = client.get(f"/v1/batch-jobs/{job['job_id']}").json()
    assert job["rows_total"] == job["rows_done"] == 12
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        details = uow.session.scalars(
            select(AuditEvent.details).where(AuditEvent.object_id == job["job_id"],
                                             AuditEvent.event_type == "BATCH_JOB_SUBMITTED")
        ).one()  # fmt: skip
    assert f'"bytes":{len(listed)}' in details


def test_other_bodies_keep_their_limit_and_a_list_has_its_own(
    app: FastAPI, batch_world: BatchWorld
) -> None:
    client = client_for(app, "lead.big")
    big_json = {"name": "x" * (BODY_LIMIT + 10), "scopes": ["self"]}
    too_big = client.post("/v1/tokens", json=big_json)
    assert too_big.status_code == 413 and str(BODY_LIMIT) in too_big.text
    over = _padded_list(batch_world.facts, 40, 80_000)
    assert len(over) > LIST_LIMIT
    refused = client.post("/v1/batch-jobs", data=FIELDS,
                          files={"file": ("overstays.csv", over, "text/csv")})  # fmt: skip
    assert refused.status_code == 413 and str(LIST_LIMIT) in refused.text
    roster = client.post("/v1/rosters", data={"facility_ori": "CA0194200"},
                         files={"file": ("roster.csv", over, "text/csv")})  # fmt: skip
    assert roster.status_code == 413 and str(LIST_LIMIT) in roster.text


class _Blocks(io.BytesIO):
    """A file that records the size of every read asked of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int | None] = []

    def read(self, size: int | None = -1, /) -> bytes:
        self.asked.append(size)
        return super().read(size)


def test_a_file_is_copied_a_block_at_a_time_and_hashed_as_it_goes(tmp_path: Path) -> None:
    data = b"last_name,dob\n" + b"GARCIA,1980-01-02\n" * 200_000  # ≈ 3.6 MB
    source = _Blocks(data)
    written = store_list(source, tmp_path / "list.csv")
    assert (tmp_path / "list.csv").read_bytes() == data
    assert written.size == len(data) and not written.blank
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    assert source.asked and all(size == BLOCK for size in source.asked)  # never whole
    assert store_list(b" \n\t\n", tmp_path / "blank.csv").blank
    assert store_list(io.BytesIO(b""), tmp_path / "empty.csv").blank
    with pytest.raises(FileExistsError):  # a new file, never over another
        store_list(b"x", tmp_path / "list.csv")


@pytest.mark.parametrize(
    ("content", "field"),
    [(b"  \n\n", "file"), (b"list_ref,colour\nL1,blue\n", "list")],
)
def test_a_refused_list_leaves_no_folder_behind(
    database: Database, batch_world: BatchWorld, tmp_path: Path, content: bytes, field: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    svc = BatchService(database, data, policy())
    with pytest.raises(BadInput) as refused:
        svc.submit(io.BytesIO(content), "list.csv", dict(FIELDS), Actor.system("test"))
    assert refused.value.field == field
    assert not (data / "batch").exists() or not any((data / "batch").iterdir())
