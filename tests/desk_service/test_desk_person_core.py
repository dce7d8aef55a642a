"""The desk answers through the person core (issue 12 item 1): what it stores for a query
is exactly what ``vetline.person.work_out`` works out for the same question, so the
vetting centre and batch vetting, calling the same function, decide alike."""

from __future__ import annotations

import pytest
from deskhelpers import Clock, DeskWorld, dumps, iaq

from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.iaq import parse_iaq_json
from vetline.desk.service import DeskService, QueryState, store
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.question import question_of
from vetline.person import PersonLookup, UnknownPerson, resolution_of_draft, review, work_out
from vetline.vocab import IdentityBasis, MatchLevel

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


def test_review_settles_the_identity_a_human_chose(
    desk: DeskService, desk_world: DeskWorld, lookup: PersonLookup, clock: Clock
) -> None:
    """Another person than the resolver's: POSITIVE on a human's word, basis BIOGRAPHIC
    (never fingerprints), the engine reading that person; no record: nothing matched; a
    person without records: ``UnknownPerson`` (the desk's BadInput on ``person_id``)."""
    fact = next(f for f in desk_world.facts if f["a_number"] and f["true_last_name"])
    other = next(f for f in desk_world.facts if f["a_number"] and f is not fact)
    question = question_of(parse_iaq_json(iaq(fact, iaq_id="REVIEW")))
    outcome = work_out(question, lookup, received=clock.now.date(), policy=desk.policy)
    draft = resolution_of_draft(outcome.draft()["resolution"])
    # The draft reads back whole but for the links' reasons (a draft does not store them).
    read, wrote = draft.to_json(), outcome.resolution.to_json()
    for entry in wrote["candidates"]:
        entry.pop("link", None)
        entry.pop("reason", None)
    assert read == wrote
    chosen = lookup.find(question_of(parse_iaq_json(iaq(other, iaq_id="R2"))).subject)
    assert chosen.resolution.person_id not in (None, draft.person_id)
    person = chosen.resolution.person_id
    done = review(question, lookup, draft, person, received=clock.now.date(), policy=desk.policy)
    assert done.resolution.level is MatchLevel.POSITIVE
    assert done.resolution.person_id == person
    assert done.resolution.basis is IdentityBasis.BIOGRAPHIC
    assert done.found.resolution is done.resolution  # the engine read the settled identity
    assert set(done.resolution.records) == set(chosen.resolution.records)
    assert draft.person_id == outcome.resolution.person_id  # the draft itself unchanged
    nobody = review(question, lookup, draft, None, received=clock.now.date(), policy=desk.policy)
    assert nobody.resolution.level is MatchLevel.NO_RECORD and nobody.found.rows == []
    assert nobody.answer.result == "NO_RECORD"
    with pytest.raises(UnknownPerson):
        review(question, lookup, draft, "PNOSUCHPERSON", received=clock.now.date(),
               policy=desk.policy)  # fmt: skip
