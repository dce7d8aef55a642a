"""The documents read back (pypdf) field by field against the case; who sees which request
(an agency only the issued ones addressed to it, a field officer only referrals of its
AOR); evidence snapshots and "what changed since" when a record changes in the source."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from vettinghelpers import biometric_iaq, detainer_candidates, dumps

from vetline.auth.errors import NotFound
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, UnitOfWork
from vetline.desk.service import DeskService
from vetline.person import PersonLookup
from vetline.vetting import VettingService, cases, requests, snapshot
from vetline.vetting.models import VettingCase

ALL = RowScope(ScopeKind.ALL)
OFFICER = Actor(user_id="u-officer", username="Officer Ada", role="vetting_officer", via="cli")
SUP = Actor(user_id="u-sup", username="Supervisor Bo", role="supervisor", via="cli")


def _text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def _ready_case(
    desk: DeskService, vetting: VettingService, lookup: PersonLookup, world: Any, n: int = 0
) -> tuple[str, dict[str, str]]:
    """A case opened from a biometric hit, records marked, every checklist line confirmed."""
    fact, fin = detainer_candidates(lookup, world.facts, limit=n + 1)[n]
    desk.submit(dumps(biometric_iaq(fact, fin, f"DOC-{n}")), OFFICER, ALL)
    with UnitOfWork(vetting.database, Actor.system(), read_only=True) as uow:
        case_id = uow.session.scalars(select(VettingCase.id)).all()[-1]
    cases.start_review(vetting, case_id, OFFICER)
    for rec in cases.view(vetting, case_id, OFFICER)["records"]:
        cases.mark_record(vetting, case_id, OFFICER, rec["source"], rec["record_id"], "SAME_PERSON")
    for item in (
        "IDENTITY",
        "STATUS",
        "CRIMINAL",
        "CUSTODY",
        "REMOVABILITY",
        "CITIZENSHIP",
        "PROTECTED",
    ):
        cases.decide_item(vetting, case_id, OFFICER, item, "CONFIRM", "checked")
    return case_id, fact


def test_notification_pdf_fields_and_agency_scope(
    desk: DeskService, vetting: VettingService, lookup: PersonLookup, world: Any
) -> None:
    case_id, fact = _ready_case(desk, vetting, lookup, world)
    d = requests.Draft(
        kind="NOTIFICATION",
        pc_detail="removable conviction on record",
        reason="priority: conviction",
    )
    req = requests.draft(vetting, case_id, OFFICER, d)
    agency = RowScope(ScopeKind.OWN_ORI, req["agency_ori"])
    other = RowScope(ScopeKind.OWN_ORI, "TX0570000")
    with pytest.raises(NotFound):  # a draft is not the agency's to see
        requests.serve(vetting, req["request_id"], OFFICER, agency)
    requests.approve(vetting, req["request_id"], SUP)
    issued = requests.issue(vetting, req["request_id"], OFFICER)
    with pytest.raises(NotFound):
        requests.document(vetting, req["request_id"], OFFICER, other)
    data, digest = requests.document(vetting, req["request_id"], OFFICER, agency)
    assert digest == issued["document_sha256"]
    text = _text(data)
    view = cases.view(vetting, case_id, OFFICER)
    for value in (
        issued["number"],
        view["number"],
        "Officer Ada",
        "Supervisor Bo",
        fact["true_dob"][:4],
        req["agency_ori"],
    ):
        assert value in text, value
    assert "does not request" in text.lower() or "not request" in text.lower()


def test_referral_package_pdf_and_json_carry_provenance(
    desk: DeskService, vetting: VettingService, lookup: PersonLookup, world: Any
) -> None:
    case_id, _ = _ready_case(desk, vetting, lookup, world)
    req = requests.draft(
        vetting, case_id, OFFICER, requests.Draft(kind="LEAD_REFERRAL", reason="at large")
    )
    issued = requests.issue(vetting, req["request_id"], OFFICER)  # no second person needed
    referral = issued["referral"]
    assert referral["schema"] == "vetline.referral/1" and referral["case_id"]
    assert referral["identifiers"] and all(i["source"]["system"] for i in referral["identifiers"])
    assert "nationality" not in json.dumps(referral).lower()
    field = RowScope(ScopeKind.OWN_AOR, issued["aor"])
    data, _ = requests.document(vetting, req["request_id"], OFFICER, field)
    text = _text(data)
    assert issued["number"] in text and referral["identifiers"][0]["value"] in text
    with pytest.raises(NotFound):
        requests.document(vetting, req["request_id"], OFFICER, RowScope(ScopeKind.OWN_AOR, "ZZZ"))


def test_snapshot_freezes_evidence_and_shows_what_changed(
    desk: DeskService, vetting: VettingService, lookup: PersonLookup, world: Any
) -> None:
    case_id, _ = _ready_case(desk, vetting, lookup, world)
    requests.draft(vetting, case_id, OFFICER, requests.Draft(kind="LEAD_REFERRAL", reason="x"))
    assert cases.changes(vetting, case_id, OFFICER)["changed"] == []
    with UnitOfWork(vetting.database, Actor.system(), read_only=True) as uow:
        snap = snapshot.latest(uow, case_id)
        assert snap is not None
        frozen = json.loads(snap.content_json)
    assert frozen["records"] and all(r["sha256"] for r in frozen["records"])
    assert frozen["policy_sha256"] and frozen["model"]["fingerprint"]

    class Reingested:  # the record store after a source changed one record
        def __init__(self, inner: Any, key: tuple[str, str]) -> None:
            self.inner, self.key = inner, key

        def fetch(self, keys: Any) -> list[dict[str, object]]:
            rows = self.inner.fetch(keys)
            return [
                {**r, "record_date": "2026-12-01"}
                if (r["source"], r["record_id"]) == self.key
                else r
                for r in rows
            ]

    key = (frozen["records"][0]["source"], frozen["records"][0]["record_id"])
    later = PersonLookup(lookup.resolver, Reingested(lookup.store, key))
    desk_later = DeskService(vetting.database, later, policy=desk.policy, clock=desk.clock)
    try:
        svc_later = VettingService(desk_later, data_dir=vetting.data_dir)
        diff = cases.changes(svc_later, case_id, OFFICER)
        assert [(c["source"], c["record_id"]) for c in diff["changed"]] == [key]
        assert diff["changed"][0]["after"]["record_date"] == "2026-12-01"
        flagged = cases.revet(svc_later, OFFICER)
        assert [f["case_id"] for f in flagged] == [case_id]
        assert cases.view(svc_later, case_id, OFFICER)["revet_reason"].startswith("1 record")
    finally:
        desk_later.close()
