"""The issue's end-to-end path over HTTP, on SQLite and on PostgreSQL: a biometric IAQ
opens a case; records are confirmed; a detainer is drafted; the drafter's own approval is
refused; another supervisor approves; the issued PDF is downloaded and its hash matches the
audit event; the agency acknowledges; a citizenship claim holds the detainer; the claim is
confirmed; the detainer is cancelled (USC_CONFIRMED), the IAR amended, a correction item
opened; every step is in the audit chain and the chain verifies."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from fastapi import FastAPI
from pypdf import PdfReader
from sqlalchemy import select
from vettinghelpers import ORI, World, add_user, biometric_iaq, client_for, detainer_candidates

from vetline.audit.models import AuditEvent
from vetline.audit.verify import verify_chain
from vetline.db import Actor, Database, UnitOfWork
from vetline.person import PersonLookup


def _events(db: Database, kind: str) -> list[AuditEvent]:
    with UnitOfWork(db, Actor.system()) as uow:
        rows = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.event_type == kind)))
        uow.session.expunge_all()
        return rows


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


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


def test_biometric_iaq_to_usc_confirmed_cancellation(
    app: FastAPI, database: Database, world: World, lookup: PersonLookup, people: dict[str, Any]
) -> None:
    fact, fin = detainer_candidates(lookup, world.facts, limit=1)[0]
    agency, officer, sup1, sup2 = (
        people["agency"],
        people["officer"],
        people["sup1"],
        people["sup2"],
    )
    reviewer = people["reviewer"]

    iar = agency.post("/v1/iaq", json=biometric_iaq(fact, fin, "E2E-1"))
    assert iar.status_code == 201, iar.text
    listed = officer.get("/v1/cases").json()["cases"]
    assert len(listed) == 1 and listed[0]["opened_via"] == "AUTOMATIC"
    case_id = listed[0]["case_id"]
    case = officer.get(f"/v1/cases/{case_id}").json()
    assert case["identity_basis"] == "BIOMETRIC" and not case["citizenship_sign"]
    assert case["iars"][0]["iar_id"] == iar.json()["iar_id"]

    # A second IAR for the same person at the same encounter attaches to the open case.
    again = agency.post("/v1/iaq", json=biometric_iaq(fact, fin, "E2E-2"))
    assert again.status_code == 201
    assert len(officer.get("/v1/cases").json()["cases"]) == 1
    assert len(officer.get(f"/v1/cases/{case_id}").json()["iars"]) == 2

    # Nothing can be decided before the review starts and every record is marked.
    early = officer.post(
        f"/v1/cases/{case_id}/checklist/STATUS", json={"action": "CONFIRM", "note": "ok"}
    )
    assert early.status_code == 422 and "review" in early.json()["error"]["message"]
    assert officer.post(f"/v1/cases/{case_id}/review").status_code == 200
    blocked = officer.post(
        f"/v1/cases/{case_id}/checklist/STATUS", json={"action": "CONFIRM", "note": "ok"}
    )
    assert blocked.status_code == 422 and blocked.json()["error"]["field"] == "records"
    for rec in case["records"]:
        body = {
            "source": rec["source"],
            "record_id": rec["record_id"],
            "mark": "SAME_PERSON",
            "note": "fingerprints and A-file agree",
        }
        assert officer.post(f"/v1/cases/{case_id}/records/mark", json=body).status_code == 200
    for item in (
        "IDENTITY",
        "STATUS",
        "CRIMINAL",
        "CUSTODY",
        "REMOVABILITY",
        "CITIZENSHIP",
        "PROTECTED",
    ):
        done = officer.post(
            f"/v1/cases/{case_id}/checklist/{item}",
            json={"action": "CONFIRM", "note": f"{item} checked against the records"},
        )
        assert done.status_code == 200, (item, done.text)

    # A detainer without a warrant is refused at drafting, naming the rule and citation.
    draft = {
        "kind": "DETAINER",
        "pc_bases": ["BIOMETRIC_AND_RECORDS"],
        "pc_detail": "IDENT hit on booking prints; records show a removable conviction",
        "databases_relied_on": "IDENT, EID",
    }
    no_warrant = sup1.post(f"/v1/cases/{case_id}/requests", json=draft)
    assert no_warrant.status_code == 409
    assert "administrative warrant" in no_warrant.json()["error"]["message"]
    draft |= {
        "warrant_kind": "I-200",
        "warrant_number": "W-2026-0001",
        "warrant_signed_on": "2026-11-24",
    }
    drafted = sup1.post(f"/v1/cases/{case_id}/requests", json=draft)
    assert drafted.status_code == 201, drafted.text
    req_id = drafted.json()["request_id"]

    # Two-person rule: an officer may not approve at all, the drafting supervisor is refused.
    assert officer.post(f"/v1/requests/{req_id}/approve").status_code == 403
    own = sup1.post(f"/v1/requests/{req_id}/approve")
    assert own.status_code == 409 and "two-person rule" in own.json()["error"]["message"]
    assert officer.post(f"/v1/requests/{req_id}/issue").status_code == 409  # not approved
    assert sup2.post(f"/v1/requests/{req_id}/approve").json()["state"] == "APPROVED"
    issued = officer.post(f"/v1/requests/{req_id}/issue")
    assert issued.status_code == 200 and issued.json()["state"] == "ISSUED", issued.text
    assert issued.json()["deadline"]["rule"].startswith("HOURS_48")

    pdf = agency.get(f"/v1/requests/{req_id}/document")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    digest = hashlib.sha256(pdf.content).hexdigest()
    assert pdf.headers["X-Document-SHA256"] == digest
    audited = [json.loads(e.details) for e in _events(database, "DOCUMENT_ISSUED")]
    assert any(d["sha256"] == digest for d in audited)
    text = _pdf_text(pdf.content)
    assert issued.json()["number"] in text and fact["true_last_name"].split()[0] in text.upper()
    assert "W-2026-0001" in text

    # The agency serves and acknowledges; then a citizenship claim holds the detainer.
    assert agency.post(f"/v1/requests/{req_id}/serve").json()["state"] == "SERVED"
    ack = agency.post(
        f"/v1/requests/{req_id}/acknowledge", json={"release_at": "2026-11-27T18:00:00Z"}
    )
    assert ack.json()["state"] == "ACKNOWLEDGED" and ack.json()["deadline"]["at"].startswith(
        "2026-11-29T18"
    )
    claim = agency.post(
        "/v1/citizenship-claims",
        json={
            "request_id": req_id,
            "claimant": "SUBJECT",
            "statement": "says he was born in Pacoima, CA",
        },
    )
    assert claim.status_code == 201, claim.text
    held = officer.get(f"/v1/requests/{req_id}").json()
    assert held["on_hold"] is True
    refused = officer.post(f"/v1/requests/{req_id}/custody-assumed")
    assert refused.status_code == 409 and "citizenship claim" in refused.json()["error"]["message"]

    claim_id = claim.json()["claim_id"]
    assert reviewer.post(f"/v1/citizenship-claims/{claim_id}/assign").status_code == 200
    assert (
        officer.post(
            f"/v1/citizenship-claims/{claim_id}/determine",
            json={"determination": "USC_CONFIRMED", "text": "birth certificate verified"},
        ).status_code
        == 403
    )
    done = reviewer.post(
        f"/v1/citizenship-claims/{claim_id}/determine",
        json={
            "determination": "USC_CONFIRMED",
            "text": "CA birth certificate verified with the state registrar",
        },
    )
    assert done.status_code == 200, done.text

    after = officer.get(f"/v1/requests/{req_id}").json()
    assert after["state"] == "CANCELLED" and after["cancel_reason"] == "USC_CONFIRMED"
    notice = agency.get(f"/v1/requests/{req_id}/document", params={"which": "cancellation"})
    assert notice.status_code == 200
    notice_text = _pdf_text(notice.content)
    assert "USC_CONFIRMED" in notice_text or "citizen" in notice_text.lower()
    assert "nationality" not in notice_text.lower()  # a notice cannot repeat a wrong one
    closed = officer.get(f"/v1/cases/{case_id}").json()
    assert closed["state"] == "CLOSED" and closed["close_reason"] == "USC_CONFIRMED"
    assert all(i["amended_at"] for i in closed["iars"])
    amended = officer.get(f"/v1/iar/{iar.json()['iar_id']}").json()
    assert amended["amended"]["determination"] == "USC_CONFIRMED"
    assert amended["recommendation"]["action"] == "NO_ACTION"
    # the terminal's text follows the amendment: no removability ground left in it
    assert "REMOVABILITY/REMOVABLE" not in amended["nlets_text"]
    assert "GROUND/INA" not in amended["nlets_text"]
    corrections = officer.get("/v1/corrections").json()
    assert sum(corrections["counts"].values()) >= 1

    ops = sup1.get("/v1/ops/vetting").json()
    assert ops["detainers"]["cancelled_by_reason"]["USC_CONFIRMED"] == 1
    assert next(iter(ops["detainers"]["cancelled_by_reason"])) == "USC_CONFIRMED"
    assert ops["citizenship_claims"]["confirmed"] == 1 and ops["iars_amended_after_review"] == 2

    for kind in (
        "CASE_OPENED",
        "CASE_ATTACHED",
        "RECORD_MARKED",
        "CHECKLIST_DECIDED",
        "REQUEST_DRAFTED",
        "REQUEST_REFUSED",
        "REQUEST_MOVED",
        "DOCUMENT_ISSUED",
        "CLAIM_OPENED",
        "CLAIM_DETERMINED",
        "IAR_AMENDED",
        "AGENCY_NOTIFIED",
        "CORRECTION_OPENED",
        "SNAPSHOT_TAKEN",
    ):
        assert _events(database, kind), kind
    with UnitOfWork(database, Actor.system()) as uow:
        report = verify_chain(uow.session)
    assert report.ok, report
