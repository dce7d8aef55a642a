"""287(g) partner officers over real HTTP (issue 16 item 9), on SQLite and PostgreSQL.

A partner officer sends the rosters of its own agency's facilities (the previous-day
delta per facility is vetted), reads its own roster jobs and their bookings' results in
the partner columns, and nothing else: another agency's roster, a list job of the centre,
a lead, a batch job, are not found or forbidden; every read is in the audit trail with
the agency's ORI.
"""

from __future__ import annotations

import csv
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import LiveServer, add_user
from sqlalchemy import select

from conftest import BatchWorld, write_list
from vetline.api import Settings, create_app
from vetline.audit.models import AuditEvent
from vetline.auth.roles import Role
from vetline.batch.rosters import PARTNER_COLUMNS
from vetline.db import Actor, Database, UnitOfWork

SAN_DIEGO, TRAVIS = "CA0370000", "TX2270000"  # partners in data/batch.toml
JAIL = "CA037013C"  # one of San Diego's facilities
OTHER_JAIL = "TX227013C"  # Travis County's


@pytest.fixture
def world(batch_world: BatchWorld, tmp_path: Path) -> BatchWorld:
    """A private data folder: roster jobs remember each facility's previous roster."""
    data = tmp_path / "data"
    shutil.copytree(batch_world.data, data, ignore=shutil.ignore_patterns("batch"))
    return BatchWorld(data, batch_world.facts)


@pytest.fixture
def live(database: Database, world: BatchWorld) -> Iterator[LiveServer]:
    settings = Settings(
        demo_mode=True, rate_limit_per_minute=100_000, data=world.data, cookie_secure=False
    )
    from vetline.web import install_web

    app = install_web(create_app(settings, database=database))
    add_user(database, "partner.sd", Role.PARTNER_OFFICER, ori=SAN_DIEGO)
    add_user(database, "partner.tx", Role.PARTNER_OFFICER, ori=TRAVIS)
    add_user(database, "lead.one", Role.LEAD_ANALYST)
    with LiveServer(app) as server:
        yield server
    runner = getattr(app.state, "batch_runner", None)
    if runner is not None:
        runner.stop(timeout=30)


def _roster(path: Path, facts: list[dict[str, str]], start: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["booking_id", "last_name", "first_name", "dob", "a_number",
                      "booking_date", "facility_ori"])  # fmt: skip
        for n, f in enumerate(facts):
            out.writerow([f"BK{start + n}", f["true_last_name"], f["true_first_name"],
                          f["true_dob"], f["a_number"], "2026-10-30", JAIL])  # fmt: skip
    return path


def _send(client: Any, path: Path, facility: str) -> Any:
    with path.open("rb") as handle:
        return client.post("/v1/rosters", data={"facility_ori": facility},
                           files={"file": (path.name, handle, "text/csv")})  # fmt: skip


def _finished(client: Any, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 240
    while True:
        job: dict[str, Any] = client.get(f"/v1/rosters/{job_id}").json()
        assert job["state"] != "FAILED", job
        if job["state"] == "FINISHED":
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.5)


def _events(database: Database, job_id: str) -> list[AuditEvent]:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        rows = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == job_id).order_by(AuditEvent.seq)
        ).all()
        for row in rows:
            uow.session.expunge(row)
        return list(rows)


def test_a_partner_sends_its_rosters_and_reads_only_its_bookings(
    live: LiveServer, database: Database, world: BatchWorld, tmp_path: Path
) -> None:
    sd, tx, lead = live.client("partner.sd"), live.client("partner.tx"), live.client("lead.one")
    # The centre's own list job: no partner may know of it.
    listed = write_list(tmp_path / "interpol.csv", world.facts[600:610])
    with listed.open("rb") as handle:
        centre = lead.post("/v1/batch-jobs", data={"purpose": "INTERPOL", "authority": "x"},
                           files={"file": ("interpol.csv", handle, "text/csv")})  # fmt: skip
    assert centre.status_code == 202, centre.text
    centre_id = centre.json()["job_id"]

    day1 = _roster(tmp_path / "day1.csv", world.facts[500:520], 0)
    refused = _send(sd, day1, OTHER_JAIL)  # Travis County's jail, not San Diego's
    assert refused.status_code == 403 and OTHER_JAIL in refused.json()["error"]["message"]
    bad = _send(sd, day1, "jail 7")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "facility_ori"
    for name, body, field in (
        ("empty.csv", b"", "file"),
        ("roster.txt", b"booking_id,last_name\nBK1,DOE\n", "file"),
        ("nobody.csv", b"booking_id,booking_date\nBK1,2026-10-30\n", "list"),
    ):
        wrong = sd.post("/v1/rosters", data={"facility_ori": JAIL},
                        files={"file": (name, body, "text/csv")})  # fmt: skip
        assert wrong.status_code == 422 and wrong.json()["error"]["field"] == field, name
    sent = _send(sd, day1, JAIL)
    assert sent.status_code == 202, sent.text
    job = sent.json()
    assert job["facility_ori"] == JAIL and job["ori"] == SAN_DIEGO
    assert "folder" not in job and "manifest" not in job  # no server paths
    job = _finished(sd, job["job_id"])
    assert job["roster_rows"] == 20 and job["new_bookings"] == 20
    assert job["rows_total"] == 20 and job["progress"] == 1.0

    page = sd.get(f"/v1/rosters/{job['job_id']}/results", params={"limit": 50})
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["total"] == 20 and [r["list_ref"] for r in body["rows"]] == [
        f"BK{n}" for n in range(20)
    ]
    assert tuple(body["columns"]) == PARTNER_COLUMNS
    assert all(set(r) == set(PARTNER_COLUMNS) for r in body["rows"])  # no priority, no reasons
    assert any(r["person_id"] for r in body["rows"])
    # The lead analyst reads the whole contract row of the same job.
    full = lead.get(f"/v1/rosters/{job['job_id']}/results").json()
    assert {"priority", "reasons", "lead_candidate"} <= set(full["columns"])

    # The lead's web page of the job (typed view → template).
    page = lead.get("/web/leads/batch", params={"job_id": job["job_id"]})
    assert page.status_code == 200 and job["job_id"] in page.text and "FINISHED" in page.text
    assert "measured_precision" in page.text and "folder" not in page.text
    # Another agency: not found, never forbidden (existence is not told); not in its list.
    for path in (f"/v1/rosters/{job['job_id']}", f"/v1/rosters/{job['job_id']}/results"):
        assert tx.get(path).status_code == 404
    assert tx.get("/v1/rosters").json() == []
    # The centre's list job is no roster of San Diego's; batch jobs and leads are not theirs.
    assert sd.get(f"/v1/rosters/{centre_id}").status_code == 404
    assert sd.get(f"/v1/batch-jobs/{centre_id}").status_code == 403
    assert sd.get(f"/v1/batch-jobs/{job['job_id']}/results").status_code == 403
    assert sd.get("/v1/leads").status_code == 403
    assert sd.get("/v1/iar").status_code == 403
    home = sd.get("/web/", headers={"accept": "text/html"}, follow_redirects=True)
    assert home.status_code == 200 and home.url.path == "/web/rosters"  # their one page
    assert job["job_id"][:8] in home.text and OTHER_JAIL not in home.text
    shown = sd.get(f"/web/rosters/{job['job_id']}", headers={"accept": "text/html"})
    assert shown.status_code == 200 and "BK19" in shown.text  # its bookings' results
    assert (
        tx.get(f"/web/rosters/{job['job_id']}", headers={"accept": "text/html"}).status_code == 404
    )
    assert sd.get("/web/leads", headers={"accept": "text/html"}).status_code == 403
    assert [j["job_id"] for j in sd.get("/v1/rosters").json()] == [job["job_id"]]
    assert centre_id not in [j["job_id"] for j in lead.get("/v1/rosters").json()]

    # Day 2: 15 of day 1's bookings still held, 5 new ones: only the new are vetted.
    rows = list(csv.reader(day1.open(encoding="utf-8")))
    extra = list(csv.reader(_roster(tmp_path / "x.csv", world.facts[520:525], 20).open()))
    day2 = tmp_path / "day2.csv"
    with day2.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows[:16] + extra[1:])
    second = _finished(sd, _send(sd, day2, JAIL).json()["job_id"])
    assert second["roster_rows"] == 20 and second["new_bookings"] == 5
    again = sd.get(f"/v1/rosters/{second['job_id']}/results").json()
    assert [r["list_ref"] for r in again["rows"]] == [f"BK{n}" for n in range(20, 25)]
    # Day 3: the same roster again: nothing new, the job finishes with no rows.
    third = _finished(sd, _send(sd, day2, JAIL).json()["job_id"])
    assert third["new_bookings"] == 0 and third["rows_total"] == 0
    assert third["note"] and sd.get(f"/v1/rosters/{third['job_id']}/results").json()["rows"] == []

    # The web form sends a roster the same way (here day 2 again: nothing new).
    fields = {"facility_ori": JAIL, "csrf_token": sd.headers["X-CSRF-Token"]}
    with day2.open("rb") as handle:
        form = sd.post("/web/rosters", data=fields,
                       files={"file": ("day2.csv", handle, "text/csv")},
                       headers={"accept": "text/html"})  # fmt: skip
    assert form.status_code == 303 and form.headers["location"].startswith("/web/rosters/")
    fourth = _finished(sd, form.headers["location"].rsplit("/", 1)[1])
    assert fourth["new_bookings"] == 0 and fourth["facility_ori"] == JAIL

    # Every read is audited, with the agency's ORI; the other agency's probe too.
    events = _events(database, job["job_id"])
    kinds = [e.event_type for e in events]
    assert "BATCH_JOB_SUBMITTED" in kinds and "ROSTER_RESULTS_READ" in kinds
    assert "ROSTER_JOB_VIEWED" in kinds
    read = next(e for e in events if e.event_type == "ROSTER_RESULTS_READ")
    assert read.requesting_ori == SAN_DIEGO
    probes = [e for e in events if e.actor_username == "partner.tx"]
    assert probes and all(e.outcome != "success" for e in probes)
    tried = _events(database, OTHER_JAIL)  # San Diego trying Travis County's jail
    assert [(e.event_type, e.outcome, e.actor_username) for e in tried] == [
        ("ROSTER_REFUSED", "denied", "partner.sd")
    ]
    deadline = time.monotonic() + 240  # let the centre's job end before the database goes
    while lead.get(f"/v1/batch-jobs/{centre_id}").json()["state"] not in ("FINISHED", "FAILED"):
        assert time.monotonic() < deadline
        time.sleep(0.5)


def test_the_console_queues_and_reads_rosters_through_the_same_functions(
    sqlite_database_url: str, world: BatchWorld, tmp_path: Path
) -> None:
    import json

    from typer.testing import CliRunner

    from vetline.cli import app

    opts = ["--data", str(world.data), "--db-url", sqlite_database_url]
    roster = _roster(tmp_path / "roster.csv", world.facts[500:505], 0)
    runner = CliRunner()
    submit = ["rosters", "submit", str(roster), "--facility", JAIL, *opts]
    refused = runner.invoke(app, submit)  # the centre names its authority (no MOA default)
    assert refused.exit_code != 0 and "authority" in str(refused.exception)
    sent = runner.invoke(app, [*submit, "--authority", "CAP: INA 287; 8 CFR 287.7"])
    assert sent.exit_code == 0, sent.output
    job = json.loads(sent.output)
    assert job["state"] == "QUEUED" and job["facility_ori"] == JAIL and job["ori"] is None
    listed = json.loads(runner.invoke(app, ["rosters", "list", *opts]).output)
    assert [j["job_id"] for j in listed] == [job["job_id"]]
    shown = json.loads(runner.invoke(app, ["rosters", "show", job["job_id"], *opts]).output)
    assert shown["job_id"] == job["job_id"]
    early = runner.invoke(app, ["rosters", "results", job["job_id"], *opts])
    assert early.exit_code != 0 and "QUEUED" in str(early.exception)
    missing = runner.invoke(app, ["rosters", "show", "nope", *opts])
    assert missing.exit_code != 0 and "no roster job" in str(missing.exception)
