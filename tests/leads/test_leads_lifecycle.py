"""The lead lifecycle through the service: confirm (re-checked), divert, gate on measured
precision, package and route, outcome, expiry — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from leadhelpers import Clock, TableCheck, row, snapshot, write_result
from sqlalchemy import select

from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, Database, UnitOfWork
from vetline.documents import CustodyInfo
from vetline.errors import BadInput
from vetline.leads import LeadsService, OwnVetting, Place
from vetline.leads.models import Lead, SourceCorrection
from vetline.statemachine import IllegalTransition

ANALYST = Actor(user_id=None, username="lead.one", role="lead_analyst", via="cli")
OFFICER = Actor(user_id=None, username="field.la", role="field_officer", via="cli")
ALL = RowScope(ScopeKind.ALL)


def _import(leads: LeadsService, tmp_path: Path, rows: list[dict[str, object]]) -> list[str]:
    leads.import_folder(write_result(tmp_path / "r", rows), ANALYST)
    return [x.lead_id for x in sorted(leads.leads(ANALYST, ALL), key=lambda x: x.person_id)]


def _review_all(leads: LeadsService, verdict: str = "SAME") -> None:
    for item in leads.sample("job-1", ANALYST, pending_only=True):
        given = verdict if item.candidate_person_id else "DIFFERENT"
        leads.review_sample("job-1", item.item_id, ANALYST, given, None)


def test_confirm_assign_outcome_end_to_end(
    leads: LeadsService, check: TableCheck, database: Database, tmp_path: Path
) -> None:
    check.table["P1"] = snapshot("P1")
    (lead_id,) = _import(leads, tmp_path, [row("STRONG", "P1"), row("NONE", None)])
    done = leads.confirm(lead_id, ANALYST, "A-number on the list matches the A-file")
    assert done["state"] == "IDENTITY_CONFIRMED"
    assert done["aor"] == "LOS" and "06037" in done["routing_basis"]
    assert done["expires_on"] == "2027-01-04"
    # the job's strong band is not reviewed yet: the lead may not go out
    with pytest.raises(IllegalTransition, match="not fully reviewed"):
        leads.assign(lead_id, ANALYST)
    _review_all(leads)
    out = leads.assign(lead_id, ANALYST)
    assert out["state"] == "ASSIGNED" and out["field_office"] == "Los Angeles"
    package = leads.package(lead_id, ANALYST, ALL)
    assert package["schema"] == "vetline.referral/1"
    assert package["recommended_aor"] == "LOS" and package["lead_id"] == lead_id
    detail = leads.lead(lead_id, ANALYST, ALL)
    assert detail.measured_precision and detail.measured_precision.precision == 1.0
    assert detail.measured_precision.census is True
    assert [e.to for e in detail.timeline] == ["NEW", "IDENTITY_CONFIRMED", "ASSIGNED"]
    with pytest.raises(IllegalTransition, match="note"):
        leads.record_outcome(lead_id, OFFICER, RowScope(ScopeKind.OWN_AOR, "LOS"), "ARRESTED", "")
    leads.record_outcome(
        lead_id, OFFICER, RowScope(ScopeKind.OWN_AOR, "LOS"), "ARRESTED", "at home"
    )
    metrics = leads.metrics(ANALYST)
    assert metrics.by["aor"]["LOS"].counts["ARRESTED"] == 1
    field = leads.job("job-1", ANALYST).field_identity_precision["STRONG"]
    assert (field.outcomes_seen, field.right_person, field.precision) == (1, 1, 1.0)
    assert metrics.by["list"]["overstay"].shares["ARRESTED"] == 1.0
    with UnitOfWork(database, ANALYST) as uow:
        assert uow.session.get(Lead, lead_id).open_person_id is None  # type: ignore[union-attr]


def test_a_citizenship_sign_at_confirmation_diverts(
    leads: LeadsService, check: TableCheck, tmp_path: Path
) -> None:
    check.table["P1"] = snapshot("P1", citizenship_sign="N-600 certificate of citizenship")
    (lead_id,) = _import(leads, tmp_path, [row("STRONG", "P1")])
    out = leads.confirm(lead_id, ANALYST, "looks right")
    assert out["state"] == "DIVERTED"
    (listed,) = leads.diversions(ANALYST, "job-1")
    assert listed.stage == "confirmation" and listed.lead_id == lead_id
    with pytest.raises(IllegalTransition):
        leads.assign(lead_id, ANALYST)


@pytest.mark.parametrize(
    ("snap", "why"),
    [
        ({"removable": False, "status_code": "LPR"}, "not removable"),
        ({"identity_holds": False, "identity_note": "resolves to P9 now"}, "resolves to P9"),
        (None, "not in the records"),
    ],
)
def test_confirmation_refuses_what_the_recheck_does_not_support(
    leads: LeadsService,
    check: TableCheck,
    tmp_path: Path,
    snap: dict[str, object] | None,
    why: str,
) -> None:
    if snap is not None:
        check.table["P1"] = snapshot("P1", **snap)
    (lead_id,) = _import(leads, tmp_path, [row("STRONG", "P1")])
    with pytest.raises(IllegalTransition, match=why):
        leads.confirm(lead_id, ANALYST, "ok")
    assert leads.reject(lead_id, ANALYST, why)["state"] == "REJECTED"


def test_low_measured_precision_holds_every_lead_of_the_job(
    leads: LeadsService, check: TableCheck, tmp_path: Path
) -> None:
    check.table["P1"] = snapshot("P1")
    ids = _import(leads, tmp_path, [row("STRONG", "P1"), row("STRONG", "P2", lead_candidate=False)])
    leads.confirm(ids[0], ANALYST, "ok")
    items = {i.candidate_person_id: i for i in leads.sample("job-1", ANALYST)}
    leads.review_sample("job-1", items["P1"].item_id, ANALYST, "SAME", None)
    leads.review_sample("job-1", items["P2"].item_id, ANALYST, "DIFFERENT", "other person")
    with pytest.raises(IllegalTransition, match="below the policy"):
        leads.assign(ids[0], ANALYST)


def test_an_undetermined_route_needs_an_aor_named_with_a_reason(
    leads: LeadsService, check: TableCheck, tmp_path: Path
) -> None:
    # Texas is split by county: without a county the table cannot decide
    check.table["P1"] = snapshot(
        "P1",
        places=(Place(state="TX", county_fips=None, basis="address in status/S1", as_of=None),),
    )
    (lead_id,) = _import(leads, tmp_path, [row("STRONG", "P1")])
    out = leads.confirm(lead_id, ANALYST, "ok")
    assert out["aor"] is None and "by hand" in out["routing_basis"]
    _review_all(leads)
    with pytest.raises(IllegalTransition, match="name the AOR"):
        leads.assign(lead_id, ANALYST)
    with pytest.raises(BadInput, match="say why"):
        leads.assign(lead_id, ANALYST, aor="HOU")
    with pytest.raises(BadInput, match="unknown AOR"):
        leads.assign(lead_id, ANALYST, note="x", aor="ZZZ")
    assert leads.assign(lead_id, ANALYST, note="lives in Harris County", aor="hou")["aor"] == "HOU"


def test_us_citizen_outcome_opens_a_correction_and_lists_for_review(
    leads: LeadsService, check: TableCheck, database: Database, tmp_path: Path
) -> None:
    check.table["P1"] = snapshot("P1")
    (lead_id,) = _import(leads, tmp_path, [row("STRONG", "P1")])
    leads.confirm(lead_id, ANALYST, "ok")
    _review_all(leads)
    leads.assign(lead_id, ANALYST)
    scope = RowScope(ScopeKind.OWN_AOR, "LOS")
    out = leads.record_outcome(lead_id, OFFICER, scope, "us_citizen", "showed a U.S. passport")
    assert out["source_correction"]
    with UnitOfWork(database, ANALYST) as uow:
        item = uow.session.scalars(select(SourceCorrection)).one()
        assert (item.kind, item.person_id, item.state) == ("US_CITIZEN", "P1", "OPEN")
    assert [d.stage for d in leads.diversions(ANALYST)] == ["outcome"]
    metrics = leads.metrics(ANALYST)
    assert metrics.by["band"]["STRONG"].counts["US_CITIZEN"] == 1
    assert metrics.open_source_corrections == 1


def test_field_officer_of_another_aor_cannot_touch_the_lead(
    leads: LeadsService, check: TableCheck, tmp_path: Path
) -> None:
    from vetline.auth.errors import NotFound

    check.table["P1"] = snapshot("P1")
    (lead_id,) = _import(leads, tmp_path, [row("STRONG", "P1")])
    leads.confirm(lead_id, ANALYST, "ok")
    la = RowScope(ScopeKind.OWN_AOR, "LOS")
    assert leads.leads(OFFICER, la) == []  # confirmed, not assigned: not the field's yet
    _review_all(leads)
    leads.assign(lead_id, ANALYST)
    assert [x.lead_id for x in leads.leads(OFFICER, la)] == [lead_id]
    houston = RowScope(ScopeKind.OWN_AOR, "HOU")
    assert leads.leads(OFFICER, houston) == []
    with pytest.raises(NotFound):
        leads.record_outcome(lead_id, OFFICER, houston, "ARRESTED", "x")


def test_stale_leads_expire_and_free_the_person(
    leads: LeadsService, check: TableCheck, clock: Clock, tmp_path: Path
) -> None:
    check.table["P1"] = snapshot("P1")
    (lead_id,) = _import(leads, tmp_path, [row("STRONG", "P1")])
    leads.confirm(lead_id, ANALYST, "ok")
    clock.advance(days=31)
    assert leads.expire_due(ANALYST) == {"expired": 1}
    assert leads.lead(lead_id, ANALYST, ALL).state == "EXPIRED"
    again = write_result(tmp_path / "again", [row("STRONG", "P1")], job_id="job-2")
    assert leads.import_folder(again, ANALYST)["leads_created"] == 1


def test_sample_verdicts_are_checked(leads: LeadsService, tmp_path: Path) -> None:
    _import(leads, tmp_path, [row("STRONG", "P1"), row("NONE", None)])
    items = {i.candidate_person_id: i for i in leads.sample("job-1", ANALYST)}
    with pytest.raises(BadInput, match="SAME is impossible"):
        leads.review_sample("job-1", items[None].item_id, ANALYST, "SAME", None)
    with pytest.raises(BadInput, match="one of"):
        leads.review_sample("job-1", items["P1"].item_id, ANALYST, "MAYBE", None)
    leads.review_sample("job-1", items[None].item_id, ANALYST, "missed", "is A012345678")
    with pytest.raises(BadInput, match="already reviewed"):
        leads.review_sample("job-1", items[None].item_id, ANALYST, "DIFFERENT", None)
    job = leads.job("job-1", ANALYST)
    assert job.precision["NONE"].miss_rate == 1.0
    assert json.loads(job.model_dump_json(by_alias=True))  # JSON-safe


class RecordingVetting(OwnVetting):
    """The vetting port with a case system that opens numbered cases."""

    def __init__(self) -> None:
        self.opened: list[tuple[str, str]] = []

    def open_vetting_case(self, uow: UnitOfWork, person_id: str, reason: str) -> str | None:
        self.opened.append((person_id, reason))
        return f"CASE-{len(self.opened)}"


def test_a_person_now_in_custody_goes_to_the_vetting_centre(
    database: Database, check: TableCheck, clock: Clock, tmp_path: Path
) -> None:
    vetting = RecordingVetting()
    service = LeadsService(database, check, vetting=vetting, clock=clock)
    held = CustodyInfo(
        in_custody=True, facility_name="Men's Central Jail", facility_ori="CA0194200"
    )
    check.table["P1"] = snapshot("P1", custody=held)
    (lead_id,) = _import(service, tmp_path, [row("STRONG", "P1")])
    out = service.confirm(lead_id, ANALYST, "ok")
    assert out == {"lead_id": lead_id, "state": "TO_VETTING", "vetting_case": "CASE-1"}
    assert vetting.opened[0][0] == "P1"
    timeline = service.lead(lead_id, ANALYST, ALL).timeline
    note = timeline[-1].note or ""
    assert "Men's Central Jail" in note and "CASE-1" in note


def test_two_analysts_racing_on_one_lead_one_wins(
    leads: LeadsService, check: TableCheck, tmp_path: Path
) -> None:
    """Compare-and-set on the lead's state: both confirm at once, exactly one succeeds."""
    from concurrent.futures import ThreadPoolExecutor

    check.table["P1"] = snapshot("P1")
    (lead_id,) = _import(leads, tmp_path, [row("STRONG", "P1")])
    other = Actor(user_id=None, username="lead.two", role="lead_analyst", via="cli")

    def attempt(actor: Actor) -> str:
        try:
            return str(leads.confirm(lead_id, actor, "mine")["state"])
        except BadInput as exc:
            return f"refused: {exc.field}"

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(attempt, [ANALYST, other]))
    assert results == ["IDENTITY_CONFIRMED", "refused: state"]
    timeline = leads.lead(lead_id, ANALYST, ALL).timeline
    assert [e.to for e in timeline] == ["NEW", "IDENTITY_CONFIRMED"]
