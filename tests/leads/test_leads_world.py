"""End to end over HTTP on a real built world: the person core re-checks each lead.

A batch result names two persons as STRONG identifier matches: one truly removable, one a
naturalised citizen whose sign the (simulated) batch missed. Import makes both NEW leads;
the re-check at confirmation diverts the citizen (defence in depth: the batch's word is
not trusted) and confirms the other, which is reviewed, packaged, routed, worked by the
field officer of its AOR and closed — on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from leadhelpers import Clock, row, write_result

from vetline.api import Settings, create_app
from vetline.api.routers.leads import install_leads
from vetline.auth.accounts import NewUser, create_user
from vetline.db import Actor, Database, UnitOfWork
from vetline.leads import LeadsService, load_leads_policy
from vetline.leads.person_check import PersonCoreCheck
from vetline.resolve import Subject
from vetline.vocab import MatchLevel

PASSWORD = "correct horse battery staple"


def _user(db: Database, username: str, role: str, **bindings: str) -> None:
    new = NewUser.parse(username=username, role=role, password=PASSWORD, **bindings)
    with UnitOfWork(db, Actor(user_id=None, username="cli:test", via="cli"), write=True) as uow:
        create_user(uow, new)
        uow.commit()


def _client(app: Any, username: str) -> TestClient:
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    response = client.post("/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def _person(check: PersonCoreCheck, fact: dict[str, str]) -> str:
    subject = Subject(
        last_name=fact["true_last_name"],
        first_name=fact["true_first_name"],
        dob=fact["true_dob"],
        a_number=fact["a_number"] or None,
    )
    resolution = check.lookup.find(subject).resolution
    assert resolution.level is MatchLevel.POSITIVE and resolution.person_id
    return resolution.person_id


def _pick(facts: list[dict[str, str]], check: PersonCoreCheck, citizen: bool, **where: str) -> str:
    """A person of the world whose re-check holds: removable and no sign, or a sign."""
    for fact in facts:
        if fact["a_number"] and all(fact.get(k) == v for k, v in where.items()):
            person = _person(check, fact)
            snap = check.check(person, date(2026, 12, 5), "IDENTIFIER")
            if not snap.identity_holds:
                continue
            if (
                (snap.citizenship_sign is not None)
                if citizen
                else (snap.removable and snap.citizenship_sign is None)
            ):
                return person
    raise LookupError(f"no person with {where}")


@pytest.fixture
def world_app(
    database: Database,
    core_check: PersonCoreCheck,
    tmp_path: Path,
) -> tuple[Any, Path]:
    settings = Settings(demo_mode=True, rate_limit_per_minute=100_000, data=tmp_path)
    app = create_app(settings, database=database)
    policy = load_leads_policy()
    install_leads(app, LeadsService(database, core_check, policy=policy, clock=Clock()))
    _user(database, "lead.one", "lead_analyst")
    return app, tmp_path


def test_world_end_to_end_over_http(
    world_app: tuple[Any, Path],
    database: Database,
    core_check: PersonCoreCheck,
    built_world: tuple[Path, list[dict[str, str]]],
) -> None:
    app, data = world_app
    facts = built_world[1]
    removable = _pick(facts, core_check, False, us_citizen="N", removable="Y")
    citizen = _pick(facts, core_check, True, true_status="NATURALIZED_CITIZEN", us_citizen="Y")
    listed = data / "batch" / "list.csv"
    listed.parent.mkdir(parents=True)
    listed.write_text(
        "list_ref,last_name,first_name,dob,a_number,birth_country\n"
        "R0,LISTED,ZERO,1980-01-01,A012345678,MX\nR1,LISTED,ONE,1981-01-01,,MX\n"
        "R2,LISTED,TWO,1982-01-01,,MX\n",
        encoding="utf-8",
    )
    write_result(
        data / "batch" / "job-w",
        [
            row("STRONG", removable),
            # the batch missed the sign: the row claims a removable final order
            row("STRONG", citizen),
            row("NONE", None),
        ],
        job_id="job-w",
        input_sha256=hashlib.sha256(listed.read_bytes()).hexdigest(),
    )
    lead = _client(app, "lead.one")
    refused = lead.post("/v1/leads/imports", json={"result_dir": "/etc"})
    assert refused.status_code == 422 and "data folder" in refused.json()["error"]["message"]
    imported = lead.post(
        "/v1/leads/imports", json={"result_dir": "batch/job-w", "list_file": "batch/list.csv"}
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["leads_created"] == 2
    by_person = {x["person_id"]: x for x in lead.get("/v1/leads").json()}

    diverted = lead.post(
        f"/v1/leads/{by_person[citizen]['lead_id']}/confirm", json={"note": "A-number matches"}
    )
    assert diverted.status_code == 200, diverted.text
    assert diverted.json()["state"] == "DIVERTED"
    stages = {d["person_id"]: d["stage"] for d in lead.get("/v1/leads/diversions").json()}
    assert stages == {citizen: "confirmation"}

    lead_id = by_person[removable]["lead_id"]
    confirmed = lead.post(f"/v1/leads/{lead_id}/confirm", json={"note": "A-number matches"})
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["state"] == "IDENTITY_CONFIRMED"
    detail = lead.get(f"/v1/leads/{lead_id}").json()
    evidence = detail["evidence"]
    assert evidence["identity_holds"] is True and evidence["removable"] is True
    assert evidence["identifiers"], "the package needs sourced identifiers"
    assert "nationality" not in evidence and "birth_country" not in str(evidence)

    early = lead.post(f"/v1/leads/{lead_id}/assign", json={})
    assert early.status_code == 409 and "not fully reviewed" in early.json()["error"]["reason"]
    for item in lead.get("/v1/leads/jobs/job-w/sample").json():
        assert "band" not in item and "probability" not in item
        assert item["list_row"]["last_name"] == "LISTED"
        assert "birth_country" not in item["list_row"]  # least data for a blind reviewer
        seen = lead.get(f"/v1/leads/jobs/job-w/sample/{item['item_id']}").json()
        if item["candidate_person_id"]:
            assert seen["candidate"]["identifiers"] and "status_code" not in seen["candidate"]
        else:
            assert seen["candidate"] is None
        verdict = "SAME" if item["candidate_person_id"] else "DIFFERENT"
        done = lead.post(
            f"/v1/leads/jobs/job-w/sample/{item['item_id']}", json={"verdict": verdict}
        )
        assert done.status_code == 200, done.text
    aor = body["aor"] or "LOS"
    assign = {} if body["aor"] else {"aor": aor, "note": "no county in the records"}
    assigned = lead.post(f"/v1/leads/{lead_id}/assign", json=assign)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["aor"] == aor
    pdf = lead.get(f"/v1/leads/{lead_id}/package.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    other = "NYC" if aor != "NYC" else "LOS"
    _user(database, "field.here", "field_officer", aor=aor)
    _user(database, "field.there", "field_officer", aor=other)
    here, there = _client(app, "field.here"), _client(app, "field.there")
    assert [x["lead_id"] for x in here.get("/v1/leads").json()] == [lead_id]
    assert there.get("/v1/leads").json() == []
    assert there.get(f"/v1/leads/{lead_id}").status_code == 404
    nope = there.post(f"/v1/leads/{lead_id}/outcome", json={"outcome": "ARRESTED", "note": "x"})
    assert nope.status_code == 404
    assert (
        lead.post(
            f"/v1/leads/{lead_id}/outcome", json={"outcome": "ARRESTED", "note": "x"}
        ).status_code
        == 403
    )
    bad = here.post(f"/v1/leads/{lead_id}/outcome", json={"outcome": "VANISHED", "note": "x"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "outcome"
    worked = here.post(
        f"/v1/leads/{lead_id}/outcome",
        json={"outcome": "ARRESTED", "note": "at the listed address"},
    )
    assert worked.status_code == 200, worked.text
    metrics = lead.get("/v1/ops/leads").json()
    assert metrics["by"]["aor"][aor]["counts"]["ARRESTED"] == 1
    job = lead.get("/v1/leads/jobs/job-w").json()
    assert job["precision"]["STRONG"]["precision"] == 1.0
    assert job["leads_by_state"] == {"ARRESTED": 1, "DIVERTED": 1}


def test_the_recheck_reports_drift_and_reads_no_protected_field(
    core_check: PersonCoreCheck, built_world: tuple[Path, list[dict[str, str]]]
) -> None:
    gone = core_check.check("no-such-person", date(2026, 12, 5), "IDENTIFIER")
    assert not gone.found and "no person" in gone.identity_note
    facts = built_world[1]
    person = _pick(facts, core_check, False, us_citizen="N", removable="Y")
    snap = core_check.check(person, date(2026, 12, 5), "IDENTIFIER")
    from vetline.leads.ports import snapshot_json

    text = str(snapshot_json(snap)).lower()
    for word in ("nationality", "birth_country", "citizenship'", "race", "ethnicity", "religion"):
        assert word not in text
    assert all(i.source.system and i.source.record_id for i in snap.identifiers)


def test_the_app_builds_its_recheck_on_the_desks_lookup(
    sqlite_database: Database,
    core_check: PersonCoreCheck,
    built_world: tuple[Path, list[dict[str, str]]],
    tmp_path: Path,
) -> None:
    """Without an installed service the app re-checks over the desk's person index; with no
    built index, a confirmation is refused naming ``data`` (never a 500)."""
    data, facts = built_world
    removable = _pick(facts, core_check, False, us_citizen="N", removable="Y")
    write_result(data / "batch" / "job-app", [row("STRONG", removable)], job_id="job-app")
    _user(sqlite_database, "lead.app", "lead_analyst")
    app = create_app(Settings(demo_mode=True, data=data), database=sqlite_database)
    client = _client(app, "lead.app")
    assert client.post("/v1/leads/imports", json={"result_dir": "batch/job-app"}).status_code == 200
    (lead,) = client.get("/v1/leads").json()
    done = client.post(f"/v1/leads/{lead['lead_id']}/confirm", json={"note": "A-file"})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "IDENTITY_CONFIRMED"

    empty = tmp_path / "empty"
    write_result(empty / "r", [row("STRONG", "P1")], job_id="job-empty")
    bare = create_app(Settings(demo_mode=True, data=empty), database=sqlite_database)
    other = _client(bare, "lead.app")
    assert other.post("/v1/leads/imports", json={"result_dir": "r"}).status_code == 200
    pending = [x for x in other.get("/v1/leads").json() if x["person_id"] == "P1"]
    refused = other.post(f"/v1/leads/{pending[0]['lead_id']}/confirm", json={"note": "x"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "data"
