"""A roster's in-custody persons feed the vetting centre as encounters (issue 16 item 8),
end to end on SQLite and PostgreSQL: roster job (API service path) → the job's STRONG and
REVIEW bookings → IAQs of the facility on the query desk (the person core again) → the
vetting centre's public intake opens cases for the actionable answers. Telling twice
stores nothing twice; the telling is on the job's audit trail."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import policy
from sqlalchemy import func, select

from conftest import BatchWorld
from vetline.audit.models import AuditEvent
from vetline.auth.roles import RowScope, ScopeKind
from vetline.batch.encounters import ENCOUNTERS_TOLD, bookings_of
from vetline.batch.rosters import submit_roster
from vetline.batch.runner import BatchRunner
from vetline.batch.service import BatchService
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.service import DeskService
from vetline.encounters import DeskEncounters
from vetline.person import PersonLookup
from vetline.status import load_policy
from vetline.vetting import VettingService, install_intake
from vetline.vetting.models import VettingCase

JAIL = "CA037013C"
LEAD = Actor(user_id=None, username="lead.one", role="lead_analyst", via="session")


@pytest.fixture
def world(batch_world: BatchWorld, tmp_path: Path) -> BatchWorld:
    data = tmp_path / "data"
    shutil.copytree(batch_world.data, data, ignore=shutil.ignore_patterns("batch"))
    return BatchWorld(data, batch_world.facts)


@pytest.fixture
def desk(database: Database, world: BatchWorld) -> Iterator[DeskService]:
    service = DeskService(database, PersonLookup.open(world.data), policy=load_policy())
    install_intake(VettingService(service, data_dir=world.data))  # the public intake
    yield service
    service.close()


def _roster(path: Path, facts: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["booking_id", "last_name", "first_name", "dob", "a_number",
                      "booking_date", "facility_ori"])  # fmt: skip
        for n, f in enumerate(facts):
            out.writerow([f"BK{n}", f["true_last_name"], f["true_first_name"], f["true_dob"],
                          f["a_number"], "2026-10-30", JAIL])  # fmt: skip
    return path


def _count(database: Database, query: object) -> int:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        return int(uow.session.scalar(query) or 0)  # type: ignore[call-overload]


def test_in_custody_bookings_open_vetting_cases_through_the_desk(
    database: Database, world: BatchWorld, desk: DeskService, tmp_path: Path
) -> None:
    removable = [f for f in world.facts if f["removable"] == "Y" and f["a_number"]][:12]
    citizens = [f for f in world.facts if f["us_citizen"] == "Y" and f["a_number"]][:4]
    assert len(removable) == 12
    roster = _roster(tmp_path / "roster.csv", removable + citizens)
    service = BatchService(database, world.data, policy(), encounters=DeskEncounters(desk))
    job = submit_roster(service, roster.read_bytes(), "roster.csv", JAIL, {"authority": "CAP"},
                        LEAD, RowScope(ScopeKind.ALL))  # fmt: skip
    assert BatchRunner(service).run_pending() == 1

    out = service.folder(job.job_id) / "out"
    told = bookings_of(out, job.job_id, JAIL)
    assert told, "no booking in STRONG or REVIEW"
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        queries = uow.session.scalars(select(DeskQuery).where(DeskQuery.ori == JAIL)).all()
        sent = {q.iaq_id: json.loads(q.iaq_json) for q in queries}
        cases = uow.session.scalars(select(VettingCase)).all()
        opened = [(c.query_id, c.in_custody, c.facility_ori, c.ori) for c in cases]
        by_query = {q.id for q in queries}
    # One IAQ of the facility per told booking: the person in custody there, that day.
    assert sorted(sent) == sorted(b.encounter_id for b in told)
    for booking in told:
        iaq = sent[booking.encounter_id]
        assert iaq["custody"] == {"in_custody": True, "facility_ori": JAIL}
        assert iaq["encounter"]["date"] == "2026-10-30"
        assert iaq["subject"]["a_number"] == booking.subject["a_number"]
    # The vetting centre opened cases for the actionable answers: in custody, at the jail.
    assert opened, "no vetting case opened from the roster's bookings"
    assert all(q in by_query and custody and facility == JAIL and ori == JAIL
               for q, custody, facility, ori in opened)  # fmt: skip

    # Telling again (a job taken over after a crash) stores no second query or case.
    before = (_count(database, select(func.count()).select_from(DeskQuery)),
              _count(database, select(func.count()).select_from(VettingCase)))  # fmt: skip
    again = service.tell_encounters(job.job_id, out, JAIL)
    assert again is not None and again.told == len(told)
    after = (_count(database, select(func.count()).select_from(DeskQuery)),
             _count(database, select(func.count()).select_from(VettingCase)))  # fmt: skip
    assert after == before
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        audited = uow.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == job.job_id, AuditEvent.event_type == ENCOUNTERS_TOLD
            )
        ).all()
        assert len(audited) == 2
        assert json.loads(audited[0].details)["told"] == len(told)
