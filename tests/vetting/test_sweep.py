"""The centre's clocks acted on by the system (issue 15 items 4 and 7), on SQLite and
PostgreSQL: an overdue citizenship claim is escalated once, with durable notices for the
supervisors and the citizenship reviewers (listed and acknowledged over HTTP, audited); a
detainer whose custody deadline passed lapses by itself with the rule's citation in its
audit event, and the case closes; a second sweep does nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from vettinghelpers import ORI, Clock, World, add_user, biometric_iaq, client_for
from vettinghelpers import detainer_candidates as candidates

from vetline.audit.models import AuditEvent
from vetline.audit.verify import verify_chain
from vetline.db import Actor, Database, UnitOfWork
from vetline.person import PersonLookup
from vetline.vetting import VettingService
from vetline.vetting.sweep import LAPSE_CITATION, Sweeper, sweep

ITEMS = ("IDENTITY", "STATUS", "CRIMINAL", "CUSTODY", "REMOVABILITY", "CITIZENSHIP", "PROTECTED")


def _events(db: Database, kind: str) -> list[dict[str, Any]]:
    with UnitOfWork(db, Actor.system()) as uow:
        rows = uow.session.scalars(select(AuditEvent).where(AuditEvent.event_type == kind))
        return [{"reason": e.reason, **json.loads(e.details or "{}")} for e in rows]


@pytest.fixture
def people(app: FastAPI, database: Database) -> dict[str, Any]:
    users = {
        "officer": ("vetting_officer", {}),
        "sup1": ("supervisor", {}),
        "sup2": ("supervisor", {}),
        "agency": ("requesting_agency", {"ori": ORI}),
        "reviewer": ("citizenship_reviewer", {}),
    }
    for name, (role, bindings) in users.items():
        add_user(database, name, role, **bindings)
    return {name: client_for(app, name) for name in users}


def _acknowledged_detainer(p: dict[str, Any], fact: dict[str, str], fin: str) -> tuple[str, str]:
    """Case and detainer through the real path up to the agency's acknowledgement with a
    release time (2026-11-27 18:00Z → custody deadline 2026-11-29 18:00Z)."""
    assert p["agency"].post("/v1/iaq", json=biometric_iaq(fact, fin, "SW-1")).status_code == 201
    case_id = p["officer"].get("/v1/cases").json()["cases"][0]["case_id"]
    case = p["officer"].get(f"/v1/cases/{case_id}").json()
    assert p["officer"].post(f"/v1/cases/{case_id}/review").status_code == 200
    for rec in case["records"]:
        mark = {"source": rec["source"], "record_id": rec["record_id"], "mark": "SAME_PERSON"}
        assert p["officer"].post(f"/v1/cases/{case_id}/records/mark", json=mark).status_code == 200
    for item in ITEMS:
        body = {"action": "CONFIRM", "note": f"{item} checked"}
        done = p["officer"].post(f"/v1/cases/{case_id}/checklist/{item}", json=body)
        assert done.status_code == 200, done.text
    draft = {
        "kind": "DETAINER",
        "pc_bases": ["BIOMETRIC_AND_RECORDS"],
        "pc_detail": "IDENT hit on booking prints; records show a removable conviction",
        "databases_relied_on": "IDENT, EID",
        "warrant_kind": "I-200",
        "warrant_number": "W-2026-0009",
        "warrant_signed_on": "2026-11-24",
    }
    drafted = p["sup1"].post(f"/v1/cases/{case_id}/requests", json=draft)
    assert drafted.status_code == 201, drafted.text
    rid = drafted.json()["request_id"]
    assert p["sup2"].post(f"/v1/requests/{rid}/approve").json()["state"] == "APPROVED"
    assert p["officer"].post(f"/v1/requests/{rid}/issue").json()["state"] == "ISSUED"
    assert p["agency"].post(f"/v1/requests/{rid}/serve").json()["state"] == "SERVED"
    ack = p["agency"].post(
        f"/v1/requests/{rid}/acknowledge", json={"release_at": "2026-11-27T18:00:00Z"}
    )
    assert ack.json()["deadline"]["at"].startswith("2026-11-29T18"), ack.text
    return case_id, rid


def test_overdue_claim_escalates_once_and_a_detainer_lapses_by_itself(
    app: FastAPI,
    database: Database,
    world: World,
    lookup: PersonLookup,
    vetting: VettingService,
    clock: Clock,
    people: dict[str, Any],
) -> None:
    fact, fin = candidates(lookup, world.facts, limit=1)[0]
    case_id, rid = _acknowledged_detainer(people, fact, fin)
    claim = people["agency"].post(
        "/v1/citizenship-claims",
        json={"request_id": rid, "claimant": "SUBJECT", "statement": "born in Fresno"},
    )
    assert claim.status_code == 201, claim.text
    claim_id = claim.json()["claim_id"]
    assert claim.json()["escalated_at"] is None

    # Before the claim's clock runs out, the sweep has nothing to do.
    clock.advance(hours=23)
    assert sweep(vetting) | {"at": None} == {
        "at": None,
        "claims_escalated": [],
        "detainers_lapsed": [],
        "referrals_expired": [],
    }

    # Past due: escalated once, a notice each for supervisors and citizenship reviewers.
    clock.advance(hours=2)
    done = sweep(vetting)
    assert done["claims_escalated"] == [claim_id] and done["detainers_lapsed"] == []
    assert sweep(vetting)["claims_escalated"] == []  # idempotent
    escalated = _events(database, "CLAIM_ESCALATED")
    assert len(escalated) == 1 and escalated[0]["case_id"] == case_id
    assert "11.2 item 7" in escalated[0]["citation"]
    listed = people["reviewer"].get("/v1/citizenship-claims").json()
    assert listed[0]["escalated_to_supervisor"] and listed[0]["escalated_at"] is not None

    # Filing reached reviewers and supervisors at once; the escalation came on top.
    sup_notices = people["sup1"].get("/v1/vetting/notices").json()
    assert [n["kind"] for n in sup_notices] == ["CLAIM_OVERDUE", "CLAIM_FILED"]
    assert sup_notices[0]["subject_id"] == claim_id and "on hold" in sup_notices[0]["text"]
    assert "1 live request(s) put on hold" in sup_notices[1]["text"]
    assert [n["kind"] for n in people["reviewer"].get("/v1/vetting/notices").json()] == [
        "CLAIM_OVERDUE",
        "CLAIM_FILED",
    ]
    assert people["officer"].get("/v1/vetting/notices").json() == []  # not addressed to it
    assert people["agency"].get("/v1/vetting/notices").status_code == 403
    nid = sup_notices[0]["notice_id"]
    # Only the addressed role may acknowledge; another role is told it does not exist.
    assert people["officer"].post(f"/v1/vetting/notices/{nid}/acknowledge").status_code == 404
    ack = people["sup2"].post(f"/v1/vetting/notices/{nid}/acknowledge").json()
    assert ack["acknowledged_by"] == "sup2"
    assert [n["kind"] for n in people["sup1"].get("/v1/vetting/notices").json()] == ["CLAIM_FILED"]
    every = people["sup1"].get("/v1/vetting/notices", params={"open_only": "false"}).json()
    assert len(every) == 2 and len(_events(database, "NOTICE_ACKNOWLEDGED")) == 1

    # Past the custody deadline (the claim still holds the detainer): it lapses, cited.
    clock.advance(days=6)
    done = sweep(vetting)
    assert done["detainers_lapsed"] == [rid] and done["claims_escalated"] == []
    assert sweep(vetting)["detainers_lapsed"] == []
    req = people["officer"].get(f"/v1/requests/{rid}").json()
    assert req["state"] == "LAPSED" and req["ended_at"] is not None
    case = people["officer"].get(f"/v1/cases/{case_id}").json()
    assert case["state"] == "CLOSED" and case["close_reason"] == "LAPSED"
    lapsed = _events(database, "DETAINER_LAPSED")
    assert len(lapsed) == 1 and lapsed[0]["citation"] == LAPSE_CITATION
    assert "287.7(d)" in lapsed[0]["citation"] and lapsed[0]["deadline_rule"].startswith("HOURS_48")
    assert lapsed[0]["deadline_at"].startswith("2026-11-29T18")
    told = [e for e in _events(database, "AGENCY_NOTIFIED") if "lapsed" in e["what"]]
    assert len(told) == 1
    assert {n["kind"] for n in people["officer"].get("/v1/vetting/notices").json()} == {
        "DETAINER_LAPSED"
    }
    ops = people["sup1"].get("/v1/ops/vetting").json()
    assert ops["detainers"]["lapsed"] == 1 and ops["citizenship_claims"]["escalated"] == 1
    assert ops["notices_open_by_kind"]["DETAINER_LAPSED"] == 2
    with UnitOfWork(database, Actor.system()) as uow:
        assert verify_chain(uow.session).ok


def test_the_background_sweeper_runs_the_same_sweep(
    database: Database, vetting: VettingService
) -> None:
    sweeper = Sweeper(vetting, every_s=3600)
    out = sweeper.run_once()
    assert out is not None and out["claims_escalated"] == out["detainers_lapsed"] == []
    sweeper.start()
    sweeper.stop()


def test_an_issued_referral_past_its_expiry_flags_its_case_once(
    desk: Any, vetting: VettingService, lookup: PersonLookup, world: World, clock: Clock
) -> None:
    from test_documents_scope import OFFICER, _ready_case

    from vetline.vetting import notices, requests

    case_id, _ = _ready_case(desk, vetting, lookup, world)
    draft = requests.Draft(kind="LEAD_REFERRAL", reason="at large")
    rid = requests.draft(vetting, case_id, OFFICER, draft)["request_id"]
    requests.issue(vetting, rid, OFFICER)
    clock.advance(days=vetting.settings.referral_days - 1)
    assert sweep(vetting)["referrals_expired"] == []
    clock.advance(days=2)
    assert sweep(vetting)["referrals_expired"] == [rid]
    assert sweep(vetting)["referrals_expired"] == []  # idempotent
    with UnitOfWork(vetting.database, Actor.system(), read_only=True) as uow:
        from vetline.vetting.models import VettingCase

        case = uow.session.get(VettingCase, case_id)
        assert case is not None and case.revet_reason and "expired" in case.revet_reason
    sup = Actor(user_id="s", username="sup", role="supervisor", via="cli")
    listed = notices.list_notices(vetting, sup)
    assert [n["kind"] for n in listed] == ["REFERRAL_EXPIRED"] and listed[0]["subject_id"] == rid
