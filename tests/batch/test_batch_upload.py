"""A list sent over the API may be far larger than any other body (issue 16 item 1: the
API job is the CLI's job): ``POST /v1/batch-jobs`` and ``/v1/rosters`` take up to
``max_list_bytes``, streamed from the upload's spooled file into the job's folder, hashed as
it goes; every other body keeps ``max_body_bytes``; a refused list leaves nothing behind."""

from __future__ import annotations

import errno
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
from vetline.web import install_web

FIELDS = {"purpose": "visa overstays, yearly", "authority": "DHS/ICE-011 routine use"}
BODY_LIMIT = 4096
LIST_LIMIT = 3 * 1024 * 1024


@pytest.fixture
def app(database: Database, batch_world: BatchWorld) -> Any:
    settings = Settings(demo_mode=True, rate_limit_per_minute=100_000, data=batch_world.data,
                        max_body_bytes=BODY_LIMIT, max_list_bytes=LIST_LIMIT)  # fmt: skip
    application = install_web(create_app(settings, database=database))
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
    job = _finished(client, job["job_id"])
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


class _FillsTheDisk(io.BytesIO):
    """A list whose copy fails half-way as a full disk does."""

    def read(self, size: int | None = -1, /) -> bytes:
        if self.tell() > 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().read(size)


def test_a_list_whose_copy_fails_leaves_no_folder_behind(
    database: Database, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    svc = BatchService(database, data, policy())
    content = _FillsTheDisk(b"last_name,dob\n" + b"GARCIA,1980-01-02\n" * 100_000)
    with pytest.raises(OSError) as full:
        svc.submit(content, "list.csv", dict(FIELDS), Actor.system("test"))
    assert full.value.errno == errno.ENOSPC
    assert not any((data / "batch").iterdir())


def _folders(data: Path) -> set[str]:
    batch = data / "batch"
    return {p.name for p in batch.iterdir()} if batch.is_dir() else set()


def _finished(client: Any, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    job: dict[str, Any] = client.get(f"/v1/batch-jobs/{job_id}").json()
    while job["state"] != "FINISHED":
        assert job["state"] != "FAILED", job["error"]
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = client.get(f"/v1/batch-jobs/{job_id}").json()
    return job


def test_a_built_in_list_is_an_api_job_with_the_rows_the_command_line_derives(
    app: FastAPI, batch_world: BatchWorld, tmp_path: Path
) -> None:
    """``list=interpol`` instead of a file: derived at submission from the loaded records
    (the same rows as ``vetline batch --list interpol``), run, listed."""
    import pyarrow.parquet as pq

    from vetline.batch.presets import interpol_list

    expected = pq.read_table(interpol_list(batch_world.data, tmp_path / "cli.parquet"))
    client = client_for(app, "lead.big")
    sent = client.post(
        "/v1/batch-jobs",
        data={**FIELDS, "list": "interpol"},
        files={"file": ("", b"", "application/octet-stream")},
    )  # an empty input
    assert sent.status_code == 202, sent.text
    job = _finished(client, sent.json()["job_id"])
    assert job["list_kind"] == "interpol" and job["source_name"] == "interpol"
    assert job["rows_total"] == expected.num_rows > 0
    assert job["manifest"]["list_kind"] == "interpol"
    derived = batch_world.data / "batch" / job["job_id"] / "out" / "input" / "interpol.parquet"
    assert pq.read_table(derived).equals(expected)
    assert job["input_sha256"] == hashlib.sha256(derived.read_bytes()).hexdigest()
    listed = client.get("/v1/batch-jobs").json()
    assert listed[0]["job_id"] == job["job_id"] and "manifest" not in listed[0]
    assert client.get("/v1/batch-jobs", params={"limit": 0}).status_code == 422

    # Into the leads by its id: the server finds its output and the list it read.
    imported = client.post("/v1/leads/imports", json={"job_id": job["job_id"]})
    assert imported.status_code == 200, imported.text
    shown = client.get(f"/v1/leads/jobs/{job['job_id']}").json()
    assert shown["input_rows"] == expected.num_rows
    sample = client.get(f"/v1/leads/jobs/{job['job_id']}/sample").json()
    assert sample  # blind sample drawn; reviewers see the list's rows (the list was found)
    item = client.get(f"/v1/leads/jobs/{job['job_id']}/sample/{sample[0]['item_id']}").json()
    assert item["list_row"] and item["list_row"].get("last_name")
    again = client.post("/v1/leads/imports", json={"job_id": job["job_id"]})
    assert again.status_code == 422 and "already imported" in again.text, again.text
    assert client.post("/v1/leads/imports", json={"job_id": "nope"}).status_code == 404
    both = client.post("/v1/leads/imports", json={"job_id": job["job_id"], "result_dir": "x"})
    assert both.status_code == 422 and both.json()["error"]["field"] == "job_id"


@pytest.mark.parametrize(
    ("data", "files", "field"),
    [
        ({**FIELDS, "list": "sanctions"}, {"unused": ("", b"")}, "list"),
        (FIELDS, {"unused": ("", b"")}, "file"),  # neither a file nor a list
        ({**FIELDS, "list": "interpol"}, {"file": ("l.csv", b"last_name\nGARCIA\n")}, "file"),
        (
            {"purpose": "p", "authority": " ", "list": "overstays"},
            {"unused": ("", b"")},
            "authority",
        ),
        # bounded as stored, checked as every free text is (a 500 on PostgreSQL before)
        (
            {**FIELDS, "list": "interpol", "source_name": "S" * 200},
            {"unused": ("", b"")},
            "source_name",
        ),
        (
            {**FIELDS, "source_version": "v" * 129},
            {"file": ("l.csv", b"last_name,dob\nGARCIA,1980-01-02\n")},
            "source_version",
        ),
        (
            {**FIELDS, "purpose": "monthly\u202evetting"},
            {"file": ("l.csv", b"last_name,dob\nGARCIA,1980-01-02\n")},
            "purpose",
        ),
    ],
)
def test_a_built_in_list_is_refused_naming_the_field(
    app: FastAPI, batch_world: BatchWorld, data: dict[str, str], files: dict[str, Any],
    field: str,
) -> None:  # fmt: skip
    client = client_for(app, "lead.big")
    before = _folders(batch_world.data)
    refused = client.post("/v1/batch-jobs", data=data, files=files)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == field, refused.text
    assert _folders(batch_world.data) == before  # nothing left behind


def test_the_web_app_vets_a_file_or_a_built_in_list(app: FastAPI, batch_world: BatchWorld) -> None:
    client = client_for(app, "lead.big")
    html = {"accept": "text/html"}
    form = client.get("/web/leads/batch", headers=html)
    assert form.status_code == 200 and 'name="list"' in form.text and "overstays" in form.text
    token = client.headers["X-CSRF-Token"]
    listed = _padded_list(batch_world.facts[600:], 8, 10)
    sent = client.post(
        "/web/leads/batch", headers=html, follow_redirects=False,
        data={**FIELDS, "csrf_token": token, "list": ""},
        files={"file": ("registry.csv", listed, "text/csv")},
    )  # fmt: skip
    assert sent.status_code == 303, sent.text
    job_id = sent.headers["location"].split("job_id=")[1]
    assert _finished(client, job_id)["rows_total"] == 8
    done = client.get(f"/web/leads/batch?job_id={job_id}", headers=html)
    assert "Import into the leads" in done.text
    link = f"/v1/batch-jobs/{job_id}/results?format=parquet"
    assert link in done.text and client.get(link).status_code == 200
    into = client.post(f"/web/leads/batch/{job_id}/import", headers=html,
                       data={"csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert into.status_code == 303 and into.headers["location"] == f"/web/leads/jobs/{job_id}"
    assert client.get(into.headers["location"], headers=html).status_code == 200
    done = client.get(f"/web/leads/batch?job_id={job_id}", headers=html)
    assert "Imported into the leads" in done.text and "Import into the leads" not in done.text
    builtin = client.post(
        "/web/leads/batch", headers=html, follow_redirects=False,
        data={**FIELDS, "csrf_token": token, "list": "interpol"},
        files={"file": ("", b"", "application/octet-stream")},  # the browser's empty input
    )  # fmt: skip
    assert builtin.status_code == 303, builtin.text
    shown = client.get(builtin.headers["location"], headers=html)
    assert shown.status_code == 200 and "interpol" in shown.text and job_id[:8] in shown.text
    both = client.post(
        "/web/leads/batch", headers=html,
        data={**FIELDS, "csrf_token": token, "list": "interpol"},
        files={"file": ("registry.csv", listed, "text/csv")},
    )  # fmt: skip
    assert both.status_code == 422 and "built-in" in both.text
