"""The desk answers through the person core (issue 12 item 1): what it stores for a query
is exactly what ``vetline.person.work_out`` works out for the same question, so the
vetting centre and batch vetting, calling the same function, decide alike."""

from __future__ import annotations

from deskhelpers import Clock, DeskWorld, dumps, iaq

from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.iaq import parse_iaq_json
from vetline.desk.service import DeskService, QueryState, store
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.question import question_of
from vetline.person import PersonLookup, work_out

OPERATOR = Actor(user_id=None, username="cli:test", via="cli")
ALL = RowScope(ScopeKind.ALL)


def test_the_desk_stores_what_the_person_core_works_out(
    desk: DeskService, desk_world: DeskWorld, lookup: PersonLookup, database: Database,
    clock: Clock,
) -> None:  # fmt: skip
    states = set()
    for n, fact in enumerate(desk_world.facts[:12]):
        body = iaq(fact, iaq_id=f"CORE{n}")
        sub = desk.submit(dumps(body), OPERATOR, ALL)
        question = question_of(parse_iaq_json(body))
        outcome = work_out(question, lookup, received=clock.now.date(), policy=desk.policy)
        with UnitOfWork(database, Actor.system(), read_only=True) as uow:
            row = uow.session.get(DeskQuery, sub.query_id)
            assert row is not None and row.draft_json is not None
            stored, person_id = row.draft_json, row.person_id
        assert stored == store.document_json(outcome.draft())
        assert (sub.state is QueryState.ANSWERED) == outcome.decision.automatic
        assert person_id == outcome.resolution.person_id
        states.add(sub.state)
    assert states == {QueryState.ANSWERED, QueryState.QUEUED}  # both paths compared
