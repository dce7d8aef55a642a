"""Issue 13 items 4 and 6 at the desk: every read of person data and every denial is an
audit event with the object's id; wrong body types are refused, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from deskhelpers import ORI, OTHER_ORI, DeskWorld, add_user, client_for, iaq
from fastapi import FastAPI
from sqlalchemy import select

from vetline.audit.models import AuditEvent
from vetline.auth.roles import Role
from vetline.db import Actor, Database, UnitOfWork


@pytest.fixture
def agencies(app: FastAPI, database: Database) -> tuple[Any, Any]:
    add_user(database, "agency.la", Role.REQUESTING_AGENCY, ori=ORI)
    add_user(database, "agency.tx", Role.REQUESTING_AGENCY, ori=OTHER_ORI)
    return client_for(app, "agency.la"), client_for(app, "agency.tx")


def _events(database: Database, event_type: str) -> list[dict[str, Any]]:
    with UnitOfWork(database, Actor.system()) as uow:
        rows = uow.session.scalars(select(AuditEvent).where(AuditEvent.event_type == event_type))
        return [row.as_dict() for row in rows]


def test_a_resent_iaq_is_a_view_and_a_changed_one_a_refusal(
    agencies: tuple[Any, Any], desk_world: DeskWorld, database: Database
) -> None:
    la, _ = agencies
    body = iaq(desk_world.facts[3], iaq_id="READ-1")
    first = la.post("/v1/iaq", json=body)
    assert first.status_code == 201
    iar_id = first.json()["iar_id"]
    assert la.post("/v1/iaq", json=body).status_code == 200
    views = [e for e in _events(database, "IAR_VIEWED") if e["object_id"] == iar_id]
    assert len(views) == 1 and json.loads(views[0]["details"])["resubmission"] is True
    changed = iaq(desk_world.facts[4], iaq_id="READ-1")
    assert la.post("/v1/iaq", json=changed).status_code == 422
    refusals = [e for e in _events(database, "IAQ_REFUSED") if e["object_id"]]
    assert len(refusals) == 1 and "different query" in (refusals[0]["reason"] or "")


def test_a_404_on_another_agencys_iar_is_a_denial_naming_it(
    agencies: tuple[Any, Any], desk_world: DeskWorld, database: Database
) -> None:
    la, tx = agencies
    iar_id = la.post("/v1/iaq", json=iaq(desk_world.facts[5], iaq_id="READ-2")).json()["iar_id"]
    assert tx.get(f"/v1/iar/{iar_id}").status_code == 404
    denied = _events(database, "NOT_FOUND")
    assert [(e["object_type"], e["object_id"], e["outcome"]) for e in denied] == [
        ("iar", iar_id, "denied")
    ]
    assert denied[0]["actor_ori"] == OTHER_ORI


def test_wrong_body_types_are_415_and_never_500(
    agencies: tuple[Any, Any], desk_world: DeskWorld
) -> None:
    la, _ = agencies
    body = iaq(desk_world.facts[6], iaq_id="TYPE-1")
    form = la.post("/v1/iaq", data={"ori": ORI, "csrf_token": "x"})  # a form, with a cookie
    assert form.status_code == 415, form.text
    xml = la.post("/v1/iaq", content=b"<iaq/>", headers={"content-type": "application/xml"})
    assert xml.status_code == 415
    bare = la.post("/v1/iaq", content=json.dumps(body).encode(), headers={"content-type": ""})
    assert bare.status_code == 415
    raw = json.dumps(body)
    twice = raw[:-1] + ', "ori": "' + OTHER_ORI + '"}'
    dup = la.post("/v1/iaq", content=twice.encode(), headers={"content-type": "application/json"})
    assert dup.status_code == 422 and dup.json()["error"]["field"] == "ori"
    assert la.get("/v1/iar?limit=0").status_code == 422
    assert la.get("/v1/iar?limit=100000").status_code == 422
