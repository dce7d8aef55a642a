"""The automatic case intake inside the desk's own transaction (issue 18 goal 1): the case
is durable with its IAR, in the same commit; it holds what the person core says when
worked out again from the stored query (the other paths' way); two IAQs for the same
person and encounter in one batch give one case; a failure there never takes back an IAR
(the hook is then told after the commit)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import select
from vettinghelpers import biometric_iaq, detainer_candidates, dumps

from vetline.audit.models import AuditEvent
from vetline.audit.verify import verify_chain
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, UnitOfWork
from vetline.desk.service import DeskService, QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.writing import Answered
from vetline.person import PersonLookup
from vetline.vetting import VettingService, intake
from vetline.vetting.models import CaseIAR, ChecklistItem, RecordMark, VettingCase
from vetline.vetting.service import dumps as vetting_dumps
from vetline.vetting.working import checklist_found, iaq_of, outcome_for, record_keys

ALL = RowScope(ScopeKind.ALL)
AGENCY = Actor(user_id="u-agency", username="agency", role="requesting_agency", via="token")


@pytest.fixture
def candidate(lookup: PersonLookup, world: Any) -> tuple[dict[str, str], str]:
    return detainer_candidates(lookup, world.facts, limit=1)[0]  # type: ignore[no-any-return]


def _events(svc: VettingService) -> list[tuple[str, str | None]]:
    with UnitOfWork(svc.database, Actor.system(), read_only=True) as uow:
        assert verify_chain(uow.session).ok
        rows = uow.session.execute(
            select(AuditEvent.event_type, AuditEvent.object_id).order_by(AuditEvent.seq)
        ).all()
    return [(str(kind), obj) for kind, obj in rows]


def _all(svc: VettingService, model: Any) -> list[Any]:
    with UnitOfWork(svc.database, Actor.system(), read_only=True) as uow:
        rows = list(uow.session.scalars(select(model)))
        uow.session.expunge_all()
    return rows


def test_the_case_is_written_with_its_iar_and_holds_what_the_core_says(
    desk: DeskService, vetting: VettingService, candidate: tuple[dict[str, str], str]
) -> None:
    fact, fin = candidate
    sub = desk.submit(dumps(biometric_iaq(fact, fin, "TX-1")), AGENCY, ALL)
    assert sub.state is QueryState.ANSWERED
    (case,) = _all(vetting, VettingCase)
    assert (case.query_id, case.opened_via) == (sub.query_id, "AUTOMATIC")
    # one commit: the desk's events, then the case's, with nothing between them
    kinds = [kind for kind, _ in _events(vetting)]
    assert kinds[-3:] == ["IAQ_RECEIVED", "IAR_SENT", "CASE_OPENED"]
    assert desk.writes.batches == 1
    # what the other paths would write, from the stored query worked out again
    (row,) = _all(vetting, DeskQuery)
    outcome = outcome_for(vetting, row)
    assert json.loads(case.working_json) == json.loads(vetting_dumps(outcome.draft()))
    assert case.subject_json == vetting_dumps(iaq_of(row).subject.model_dump(mode="json"))
    expected = checklist_found(outcome, iaq_of(row))
    items = {i.case_id + i.item: json.loads(i.found_json) for i in _all(vetting, ChecklistItem)}
    assert items == {case.id + item: json.loads(vetting_dumps(v)) for item, v in expected.items()}
    marks = sorted((m.source, m.record_id) for m in _all(vetting, RecordMark))
    assert marks == sorted(record_keys(outcome.found))
    (attached,) = _all(vetting, CaseIAR)
    assert (attached.case_id, attached.iar_id) == (case.id, row.iar_id)
    again = intake.open_case(vetting, sub.query_id, Actor.system(), via="OFFICER", reason="x")
    assert again == {"case_id": case.id, "created": False, "attached": False}


def test_two_iaqs_for_one_person_and_encounter_in_one_batch_share_one_case(
    desk: DeskService, vetting: VettingService, candidate: tuple[dict[str, str], str]
) -> None:
    fact, fin = candidate
    desk.warm_up()  # the lookup open, so both run on the loop and meet in one hand-over

    async def both() -> list[Any]:
        bodies = [dumps(biometric_iaq(fact, fin, f"TX-{n}")) for n in (1, 2)]
        return list(await asyncio.gather(*(desk.submit_async(b, AGENCY, ALL) for b in bodies)))

    subs = asyncio.run(both())
    assert [s.state for s in subs] == [QueryState.ANSWERED] * 2
    assert desk.writes.batches == 1  # one turn of the loop, one transaction
    (case,) = _all(vetting, VettingCase)
    attached = _all(vetting, CaseIAR)
    assert sorted(a.query_id for a in attached) == sorted(s.query_id for s in subs)
    assert {a.case_id for a in attached} == {case.id}
    kinds = [kind for kind, _ in _events(vetting) if kind.startswith("CASE_")]
    assert kinds == ["CASE_OPENED", "CASE_ATTACHED"]
    third = desk.submit(dumps(biometric_iaq(fact, fin, "TX-3")), AGENCY, ALL)
    assert len(_all(vetting, VettingCase)) == 1
    assert third.query_id in {a.query_id for a in _all(vetting, CaseIAR)}


class _Failing(intake.CaseIntake):
    """Writes its rows in the desk's transaction, then fails."""

    def __init__(self, svc: VettingService) -> None:
        super().__init__(svc)
        self.told: list[str] = []

    def in_transaction(self, uow: UnitOfWork, answered: Sequence[Answered]) -> set[str]:
        super().in_transaction(uow, answered)
        raise RuntimeError("the intake cannot be written")

    def __call__(self, query_id: str, query_type: str, iar: Any, answered: Any = None) -> None:
        self.told.append(query_id)
        super().__call__(query_id, query_type, iar, answered)


def test_a_failing_intake_never_takes_back_the_iar(
    desk: DeskService, vetting: VettingService, candidate: tuple[dict[str, str], str]
) -> None:
    fact, fin = candidate
    hook = desk.on_answered = _Failing(vetting)
    sub = desk.submit(dumps(biometric_iaq(fact, fin, "TX-F")), AGENCY, ALL)
    assert sub.state is QueryState.ANSWERED and hook.told == [sub.query_id]
    (case,) = _all(vetting, VettingCase)  # opened once, after the commit
    assert len(_all(vetting, CaseIAR)) == 1 and len(_all(vetting, ChecklistItem)) == 7
    events = _events(vetting)
    assert [k for k, _ in events].count("CASE_OPENED") == 1
    assert ("IAR_SENT", sub.query_id) in events and case.query_id == sub.query_id
