"""Every path into a case runs the same checks (issue 15 item 1): automatic on a finalised
IAR (the desk's port), by an officer's hand, by the sweep, after an analyst's answer;
corrections re-run the engine on the records marked as this person; the demo's cases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from vettinghelpers import biometric_iaq, detainer_candidates, dumps

from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, UnitOfWork
from vetline.desk.service import DeskService, QueryState
from vetline.errors import BadInput
from vetline.person import PersonLookup
from vetline.vetting import VettingService, cases, intake
from vetline.vetting.models import CitizenshipClaim, VettingCase

ALL = RowScope(ScopeKind.ALL)
OFFICER = Actor(user_id="u-officer", username="officer", role="vetting_officer", via="cli")


def _count(svc: VettingService) -> int:
    with UnitOfWork(svc.database, Actor.system(), read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(VettingCase)) or 0)


@pytest.fixture
def candidate(lookup: PersonLookup, world: Any) -> tuple[dict[str, str], str]:
    return detainer_candidates(lookup, world.facts, limit=1)[0]  # type: ignore[no-any-return]


def test_sweep_opens_what_the_port_missed_and_is_idempotent(
    desk: DeskService, vetting: VettingService, candidate: tuple[dict[str, str], str]
) -> None:
    fact, fin = candidate
    desk.on_answered = None  # the port not installed (e.g. a desk built before the centre)
    sub = desk.submit(dumps(biometric_iaq(fact, fin, "SWEEP-1")), OFFICER, ALL)
    assert sub.state is QueryState.ANSWERED and _count(vetting) == 0
    opened = intake.sweep(vetting, OFFICER)
    assert [o["created"] for o in opened] == [True] and _count(vetting) == 1
    assert intake.sweep(vetting, OFFICER) == [] and _count(vetting) == 1
    again = intake.open_case(vetting, sub.query_id, OFFICER, via="OFFICER", reason="by hand")
    assert again == {"case_id": opened[0]["case_id"], "created": False, "attached": False}


def test_an_officer_opens_any_answered_iaq_with_the_same_checks(
    desk: DeskService, vetting: VettingService, world: Any
) -> None:
    from vetline.desk.service import queue

    fact = next(f for f in world.facts if f["true_status"] == "LPR" and f["removable"] == "N")
    body = {
        "iaq_id": "HAND-1",
        "query_type": "IAQ",
        "ori": "CA0194200",
        "subject": {
            "last_name": fact["true_last_name"],
            "first_name": fact["true_first_name"],
            "dob": fact["true_dob"],
        },
    }
    sub = desk.submit(dumps(body), OFFICER, ALL)
    if sub.state is QueryState.QUEUED:  # the analyst's answer finalises it (the port is told)
        analyst = Actor(user_id="u-analyst", username="analyst", role="desk_analyst", via="cli")
        assert queue.claim(desk, sub.query_id, analyst)
        queue.answer(desk, sub.query_id, analyst, queue.Correction(reason="identity confirmed"))
    assert _count(vetting) == 0  # not actionable: no automatic case
    with pytest.raises(BadInput, match="reason"):
        intake.open_case(vetting, sub.query_id, OFFICER, via="OFFICER", reason=" ")
    out = intake.open_case(vetting, sub.query_id, OFFICER, via="OFFICER", reason="tip from field")
    view = cases.view(vetting, out["case_id"], OFFICER)
    assert view["opened_via"] == "OFFICER"
    assert view["checklist"][0]["item"] == "IDENTITY"
    assert all(i["state"] == "PENDING" for i in view["checklist"])
    assert len(view["records"]) == len(view["checklist"][0]["found"]["records"])


def test_a_queued_query_cannot_open_a_case_until_answered(
    desk: DeskService, vetting: VettingService, candidate: tuple[dict[str, str], str]
) -> None:
    fact, _ = candidate
    wrong = biometric_iaq(fact, "9999999999", "QUEUED-1")  # a FIN not in the person's records
    sub = desk.submit(dumps(wrong), OFFICER, ALL)
    assert sub.state is QueryState.QUEUED and _count(vetting) == 0
    with pytest.raises(BadInput, match="not answered yet"):
        intake.open_case(vetting, sub.query_id, OFFICER, via="OFFICER", reason="look")


def test_a_correction_reruns_the_engine_and_never_drops_a_citizenship_sign(
    desk: DeskService, vetting: VettingService, candidate: tuple[dict[str, str], str]
) -> None:
    fact, fin = candidate
    desk.submit(dumps(biometric_iaq(fact, fin, "CORR-1")), OFFICER, ALL)
    (case_id,) = _case_ids(vetting)
    cases.start_review(vetting, case_id, OFFICER)
    records = cases.view(vetting, case_id, OFFICER)["records"]
    criminal = [r for r in records if r["source"] == "criminal"]
    for rec in records:
        ruled_out = rec in criminal
        cases.mark_record(vetting, case_id, OFFICER, rec["source"], rec["record_id"],
                          "NOT_THIS_PERSON" if ruled_out else "SAME_PERSON",
                          "another person's conviction" if ruled_out else "")  # fmt: skip
    out = cases.decide_item(vetting, case_id, OFFICER, "REMOVABILITY", "CORRECT",
                            "the conviction belongs to a namesake")  # fmt: skip
    fix = out["correction"]
    assert fix["excluded"] == [
        {"source": r["source"], "record_id": r["record_id"]} for r in criminal
    ]
    if criminal:  # the conviction no longer makes this person removable
        assert fix["changed"], fix
        assert fix["after"]["recommendation"]["action"] != "DETAINER"
    view = cases.view(vetting, case_id, OFFICER)
    removability = next(i for i in view["checklist"] if i["item"] == "REMOVABILITY")
    assert removability["state"] == "CORRECTED" and removability["version"] == 2
    assert view["checklist_version"] == 2
    with pytest.raises(BadInput, match=r"fields\.status_code"):
        cases.decide_item(
            vetting, case_id, OFFICER, "STATUS", "CORRECT", "x", {"status_code": "LPR"}
        )


def test_custody_correction_sets_the_release_used_by_the_deadline(
    desk: DeskService, vetting: VettingService, candidate: tuple[dict[str, str], str]
) -> None:
    fact, fin = candidate
    desk.submit(dumps(biometric_iaq(fact, fin, "CUST-1")), OFFICER, ALL)
    (case_id,) = _case_ids(vetting)
    cases.start_review(vetting, case_id, OFFICER)
    for rec in cases.view(vetting, case_id, OFFICER)["records"]:
        cases.mark_record(vetting, case_id, OFFICER, rec["source"], rec["record_id"], "SAME_PERSON")
    with pytest.raises(BadInput, match="expected_release"):
        cases.decide_item(vetting, case_id, OFFICER, "CUSTODY", "CORRECT", "jail says",
                          {"expected_release": "next friday"})  # fmt: skip
    cases.decide_item(vetting, case_id, OFFICER, "CUSTODY", "CORRECT", "jail release date moved",
                      {"expected_release": "2026-12-04T18:00:00Z"})  # fmt: skip
    assert (
        cases.view(vetting, case_id, OFFICER)["expected_release"] == "2026-12-04T18:00:00.000000Z"
    )


def test_demo_seeds_open_cases_one_with_a_claim(desk: DeskService, vetting: VettingService,
                                                 world: Any) -> None:  # fmt: skip
    from vetline.person.records import MemoryRecords
    from vetline.vetting.demo import seed_cases

    ids = seed_cases(vetting, MemoryRecords.load(world.data), want=2)
    assert len(ids) >= 1
    with UnitOfWork(vetting.database, Actor.system(), read_only=True) as uow:
        claims = uow.session.scalars(select(CitizenshipClaim)).all()
        assert {c.case_id for c in claims if c.claimant == "SUBJECT"} == {ids[0]}


def _case_ids(svc: VettingService) -> list[str]:
    with UnitOfWork(svc.database, Actor.system(), read_only=True) as uow:
        return list(uow.session.scalars(select(VettingCase.id)))


def test_the_leads_port_sees_open_cases(
    desk: DeskService, vetting: VettingService, candidate: tuple[dict[str, str], str]
) -> None:
    from vetline.vetting.for_leads import CasesForLeads

    fact, fin = candidate
    desk.submit(dumps(biometric_iaq(fact, fin, "LEADS-1")), OFFICER, ALL)
    (case_id,) = _case_ids(vetting)
    view = cases.view(vetting, case_id, OFFICER)
    port = CasesForLeads(fallback=None)  # type: ignore[arg-type]
    with UnitOfWork(vetting.database, OFFICER) as uow:
        assert port.has_open_case(uow, view["person_id"])
        assert port.open_vetting_case(uow, view["person_id"], "lead") is None  # needs an IAR
        assert not port.has_open_case(uow, "P-nobody")
