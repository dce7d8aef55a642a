"""The vetting centre's pages over HTTP, on SQLite and on PostgreSQL: a biometric IAQ opens
a case; the officer finds it in the list, sees the checklist locked until every record is
judged, judges them and confirms the checklist; a detainer without a warrant is refused
with the rule and its citation on the page (the API's 409); a supervisor other than the
drafter approves from the approvals queue; the officer issues and downloads the PDF whose
SHA-256 the page shows; a citizenship claim puts the hold banner on the case and routes it
to the citizenship reviewer, whose determination closes it. And who may do what, per role.

Real components throughout: the built small world, the desk, the vetting centre, the
database, the app's permission gate and audit trail.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from webhelpers import AGENCY, PageClient, WebWorld, add_users

from vetline.audit.models import AuditEvent
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.service import DeskService
from vetline.person import PersonLookup
from vetline.status import load_policy

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "vetting"))

from vettinghelpers import Clock, biometric_iaq, detainer_candidates

ITEMS = ("IDENTITY", "STATUS", "CRIMINAL", "CUSTODY", "REMOVABILITY", "CITIZENSHIP", "PROTECTED")


@pytest.fixture(scope="module")
def candidate(lookup: PersonLookup, web_world: WebWorld) -> tuple[dict[str, str], str]:
    found = detainer_candidates(lookup, web_world.facts, limit=1)
    assert found, "the small world has no detainer candidate"
    return found[0]  # type: ignore[no-any-return]


@pytest.fixture
def vetting_app(database: Database, lookup: PersonLookup, web_world: WebWorld) -> Iterator[Any]:
    from vetline.api import Settings, create_app
    from vetline.api.routers.desk import install_desk
    from vetline.api.routers.vetting import install_vetting
    from vetline.vetting import VettingService
    from vetline.web import install_web

    desk = DeskService(database, lookup, policy=load_policy(), clock=Clock())
    settings = Settings(demo_mode=True, rate_limit_per_minute=100_000)
    app = install_web(create_app(settings, database=database))
    install_desk(app, desk)
    install_vetting(app, VettingService(desk, data_dir=web_world.data))
    add_users(database)
    yield app
    desk.close()


def _case_of(app: Any, candidate: tuple[dict[str, str], str], iaq_id: str) -> str:
    fact, fin = candidate
    agency = PageClient(app, AGENCY).api()
    sent = agency.post("/v1/iaq", json=biometric_iaq(fact, fin, iaq_id))
    assert sent.status_code == 201, sent.text
    listing = PageClient(app, "vetting.one").get("/web/vetting").text
    found = re.search(r'href="/web/vetting/cases/([0-9a-f-]{36})"', listing)
    assert found, listing
    return found.group(1)


def _events(db: Database, kind: str) -> list[AuditEvent]:
    with UnitOfWork(db, Actor.system()) as uow:
        rows = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.event_type == kind)))
        uow.session.expunge_all()
        return rows


def _review_done(officer: PageClient, path: str) -> None:
    """Start the review, judge every record "same person", confirm every checklist line."""
    assert officer.post(f"{path}/review").status_code == 303
    page = officer.get(path).text
    records = re.findall(r'name="record" value="([^"]+)"', page)
    assert records, "no record to judge"
    for record in records:
        done = officer.post(
            f"{path}/mark",
            {"record": record, "mark": "SAME_PERSON", "note": "prints and A-file agree"},
        )
        assert done.status_code == 303, done.text
    for item in ITEMS:
        done = officer.post(
            f"{path}/checklist/{item}",
            {"action": "CONFIRM", "note": f"{item} read against the records"},
        )
        assert done.status_code == 303, (item, done.text)


def test_case_to_issued_detainer_and_citizenship_hold_through_the_pages(
    vetting_app: Any, database: Database, candidate: tuple[dict[str, str], str]
) -> None:
    app = vetting_app
    case_id = _case_of(app, candidate, "WEBVET-1")
    path = f"/web/vetting/cases/{case_id}"
    officer = PageClient(app, "vetting.one")

    listing = officer.get("/web/vetting").text
    assert "expected release" in listing and "BIOMETRIC" in listing  # the clock and basis

    page = officer.get(path).text
    assert "Step 1" in page and "still to judge" in page
    assert "not judged" in page and 'table class="records"' in page  # side by side
    assert 'id="checklist-gate"' in page  # the checklist is locked
    assert "Start the review" in page
    assert 'id="draft-note"' in page  # no draft before the review

    early = officer.post(f"{path}/checklist/STATUS", {"action": "CONFIRM", "note": "ok"})
    assert early.status_code == 422 and "start the review first" in early.text
    assert officer.post(f"{path}/review").status_code == 303
    page = officer.get(path).text
    # Every kind is refused from the case alone, with the service's rule and citation.
    assert "Not possible now" in page and "blocking review; issue 15 item 2" in page
    assert 'value="DETAINER" disabled' in page
    locked = officer.post(f"{path}/checklist/STATUS", {"action": "CONFIRM", "note": "ok"})
    assert locked.status_code == 422 and "mark every record" in locked.text
    no_reason = officer.post(f"{path}/mark", {"record": "x|y", "mark": "NOT_THIS_PERSON"})
    assert no_reason.status_code == 422 and "note" in no_reason.text  # names the field

    page = officer.get(path).text
    for record in re.findall(r'name="record" value="([^"]+)"', page):
        assert (
            officer.post(
                f"{path}/mark", {"record": record, "mark": "SAME_PERSON", "note": "prints agree"}
            ).status_code
            == 303
        )
    page = officer.get(path).text
    assert "Every record is judged" in page and 'id="checklist-gate"' not in page
    for item in ITEMS:
        assert (
            officer.post(
                f"{path}/checklist/{item}", {"action": "CONFIRM", "note": f"{item} checked"}
            ).status_code
            == 303
        )
    page = officer.get(path).text
    assert 'value="DETAINER" disabled' not in page  # the checklist no longer blocks it

    draft = {
        "kind": "DETAINER",
        "pc_BIOMETRIC_AND_RECORDS": "1",
        "pc_detail": "IDENT hit on booking prints; a removable conviction",
        "databases_relied_on": "IDENT, EID",
    }
    refused = officer.post(f"{path}/requests", draft)
    assert refused.status_code == 409
    assert "Refused by the rules" in refused.text
    assert "administrative warrant" in refused.text and "8 CFR 241.2(a)(1)" in refused.text
    assert "IDENT hit on booking prints" in refused.text  # the form comes back filled
    bad_date = officer.post(f"{path}/requests", {**draft, "warrant_signed_on": "24/11/2026"})
    assert bad_date.status_code == 422 and "warrant_signed_on" in bad_date.text
    draft |= {
        "warrant_kind": "I-200",
        "warrant_number": "W-2026-0042",
        "warrant_signed_on": "2026-11-24",
    }
    assert officer.post(f"{path}/requests", draft).status_code == 303
    page = officer.get(path).text
    request_id = re.search(r"/web/vetting/requests/([0-9a-f-]{36})/cancel", page)
    assert request_id and "needs a supervisor other than the drafter" in page
    rid = request_id.group(1)

    assert (
        officer.post(f"/web/vetting/requests/{rid}/approve", {"case_id": case_id}).status_code
        == 403
    )
    early_issue = officer.post(f"/web/vetting/requests/{rid}/issue", {"case_id": case_id})
    assert early_issue.status_code == 409 and "supervisor" in early_issue.text

    supervisor = PageClient(app, "super.one")
    queue = supervisor.get("/web/vetting/approvals").text
    assert rid in queue and "DETAINER" in queue
    approved = supervisor.post(f"/web/vetting/requests/{rid}/approve", {"back": "approvals"})
    assert approved.status_code == 303 and "approvals" in approved.headers["location"]
    assert rid not in supervisor.get("/web/vetting/approvals").text

    assert (
        officer.post(f"/web/vetting/requests/{rid}/issue", {"case_id": case_id}).status_code == 303
    )
    page = officer.get(path).text
    assert "approved by super.one" in page and "ISSUED" in page
    pdf = officer.get(f"/web/vetting/requests/{rid}/document")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    digest = hashlib.sha256(pdf.content).hexdigest()
    assert pdf.headers["x-document-sha256"] == digest and digest in page

    # A citizenship claim: the hold banner, every request held, routed to the reviewer.
    filed = officer.post(
        f"{path}/claims", {"claimant": "SUBJECT", "statement": "says he was born in Pacoima, CA"}
    )
    assert filed.status_code == 303
    page = officer.get(path).text
    assert "Citizenship hold" in page and "ON HOLD: citizenship claim" in page
    assert "an open citizenship claim stops every enforcement step" in page  # the rule
    served = officer.post(f"/web/vetting/requests/{rid}/serve", {"case_id": case_id})
    assert served.status_code == 409 and "citizenship" in served.text
    reviewer = PageClient(app, "citizen.review")
    claims_page = reviewer.get("/web/vetting/claims").text
    assert "Pacoima" in claims_page and "Take" in claims_page
    claim_id = re.search(r"/web/vetting/claims/([0-9a-f-]{36})/assign", claims_page)
    assert claim_id
    cid = claim_id.group(1)
    assert reviewer.post(f"/web/vetting/claims/{cid}/assign").status_code == 303
    short = reviewer.post(
        f"/web/vetting/claims/{cid}/determine",
        {"determination": "USC_CONFIRMED", "text": "yes", "case_id": case_id},
    )
    assert short.status_code == 422 and "text" in short.text
    done = reviewer.post(
        f"/web/vetting/claims/{cid}/determine",
        {
            "determination": "USC_CONFIRMED",
            "text": "CA birth certificate verified with the registrar",
        },
    )
    assert done.status_code == 303 and case_id in done.headers["location"]
    page = officer.get(path).text
    assert "CLOSED" in page and "USC_CONFIRMED" in page and "cancellation notice" in page

    # Every page read of the case and of the person's records is in the audit trail.
    viewed = _events(database, "CASE_VIEWED")
    assert any(e.actor_username == "vetting.one" and e.object_id == case_id for e in viewed)
    assert any(e.actor_username == "vetting.one" for e in _events(database, "RECORDS_VIEWED"))
    issued = _events(database, "DOCUMENT_ISSUED")
    assert any(digest in (e.details or "") for e in issued)


def test_who_may_do_what_on_the_vetting_pages(
    vetting_app: Any, candidate: tuple[dict[str, str], str]
) -> None:
    app = vetting_app
    case_id = _case_of(app, candidate, "WEBVET-2")
    path = f"/web/vetting/cases/{case_id}"
    for name in (AGENCY, "analyst.one", "lead.one", "field.one", "auditor.one", "admin.one"):
        client = PageClient(app, name)
        assert client.get("/web/vetting").status_code == 403, name
        assert client.get(path).status_code == 403, name
        assert "/web/vetting" not in client.get("/web/account").text.split("<main")[0], name
    reviewer = PageClient(app, "citizen.review")
    page = reviewer.get(path)
    assert page.status_code == 200
    assert "not full source records" in page.text  # CASE_READ without RECORD_VIEW
    assert "Draft a request" not in page.text and "Start the review" not in page.text
    assert reviewer.post(f"{path}/review").status_code == 403
    assert reviewer.get("/web/vetting/approvals").status_code == 403
    officer = PageClient(app, "vetting.one")
    assert officer.get("/web/vetting/approvals").status_code == 403
    assert officer.post(f"/web/vetting/claims/{case_id}/determine", {}).status_code == 403
    assert officer.post(f"{path}/review", csrf=False).status_code == 403  # CSRF refused
    bad = officer.get("/web/vetting?state=NOPE")
    assert bad.status_code == 422 and "state" in bad.text
    assert officer.get("/web/vetting?page=x").status_code == 422
    missing = officer.get("/web/vetting/cases/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    supervisor = PageClient(app, "super.one")
    assert supervisor.get(path).status_code == 200
    mine = officer.get("/web/vetting?mine=1").text
    assert case_id not in mine  # not yet assigned to the officer
    assert officer.post(f"{path}/review").status_code == 303
    assert case_id in officer.get("/web/vetting?mine=1").text
    assert case_id not in supervisor.get("/web/vetting?mine=1").text


def test_correction_source_error_and_filters(
    vetting_app: Any, candidate: tuple[dict[str, str], str]
) -> None:
    """A correction shows the engine's before/after; a record marked wrong in its source
    opens a correction item; the list filters by request kind and bad input names its field."""
    app = vetting_app
    case_id = _case_of(app, candidate, "WEBVET-3")
    path = f"/web/vetting/cases/{case_id}"
    officer = PageClient(app, "vetting.one")
    assert officer.post(f"{path}/review").status_code == 303
    page = officer.get(path).text
    records = re.findall(r'name="record" value="([^"]+)"', page)
    for record in records:
        assert (
            officer.post(
                f"{path}/mark", {"record": record, "mark": "SAME_PERSON", "note": "prints agree"}
            ).status_code
            == 303
        )
    bad = officer.post(
        f"{path}/checklist/CUSTODY",
        {"action": "CORRECT", "note": "released", "in_custody": "maybe"},
    )
    assert bad.status_code == 422 and "in_custody" in bad.text
    fixed = officer.post(
        f"{path}/checklist/CUSTODY", {"action": "CORRECT", "note": "released", "in_custody": "no"}
    )
    assert fixed.status_code == 303
    page = officer.get(path).text
    assert "What the status engine changed" in page and "CORRECTED" in page
    assert "not in custody" in page
    wrong = officer.post(
        f"{path}/wrong",
        {"record": records[0], "field": "dob", "correction": "1980-01-02 per the A-file"},
    )
    assert wrong.status_code == 303
    assert "1980-01-02 per the A-file" in officer.get(path).text
    missing = officer.post(f"{path}/wrong", {"record": records[0], "field": "dob"})
    assert missing.status_code == 422 and "correction" in missing.text
    assert case_id in officer.get("/web/vetting?state=IN_REVIEW").text
    assert case_id not in officer.get("/web/vetting?kind=DETAINER").text
    assert officer.get("/web/vetting?kind=NOPE").status_code == 422
    assert officer.get("/web/vetting?aor=12345").status_code == 422
