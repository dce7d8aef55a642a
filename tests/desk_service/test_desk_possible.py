"""Possibly-same persons through the desk (issue 11 items 2, 3, 5), on the real small world.

The resolver names the persons that MAY be the subject in ``Resolution.possible`` and says
``needs_review``; here a thin adapter over the world's real resolver sets them for the
subject a test picks (the links themselves are the resolver's job and tested there). The
desk must read those persons' records (audited), let a citizenship sign there block
enforcement, never let a conviction there become a ground, queue ``needs_review``, and
keep the analyst's answer consistent.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from deskhelpers import Clock, DeskWorld, dumps, first, iaq, subject_of
from sqlalchemy import select

from vetline.audit.models import AuditEvent
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.service import DeskService, QueryState
from vetline.desk.service import queue as desk_queue
from vetline.desk.service.models import DeskQuery
from vetline.person import PersonLookup
from vetline.status import load_policy
from vetline.vocab import ENFORCEMENT_ACTIONS, Action

OPERATOR = Actor(user_id=None, username="cli:test", via="cli")
ANALYST = Actor(user_id="analyst-1", username="analyst1", via="api")
ALL = RowScope(ScopeKind.ALL)
IN_CUSTODY = {"in_custody": True}


class NamingResolver:
    """The world's resolver; for the subject person ``target`` it names ``possible``."""

    def __init__(self, real: Any, target: str, possible: list[str], needs_review: bool) -> None:
        self.real, self.index = real, real.index
        self.target, self.possible, self.needs_review = target, possible, needs_review

    def resolve(self, subject: Any) -> Any:
        found = self.real.resolve(subject)
        if found.person_id != self.target:
            return found
        return dataclasses.replace(
            found, possible=list(self.possible), needs_review=self.needs_review
        )


def person_of(lookup: PersonLookup, fact: Mapping[str, str]) -> str:
    from vetline.resolve import Subject

    found = lookup.find(Subject(**subject_of(dict(fact))))
    assert found.resolution.person_id, fact
    return str(found.resolution.person_id)


@pytest.fixture
def make_desk(database: Database, lookup: PersonLookup, clock: Clock) -> Iterator[Any]:
    made: list[DeskService] = []

    def make(target: str, possible: list[str], needs_review: bool = False) -> DeskService:
        naming = NamingResolver(lookup.resolver, target, possible, needs_review)
        desk = DeskService(
            database, PersonLookup(naming, lookup.store), policy=load_policy(), clock=clock
        )
        made.append(desk)
        return desk

    yield make
    for desk in made:
        desk.close()


def draft_of(database: Database, query_id: str) -> dict[str, Any]:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        row = uow.session.get(DeskQuery, query_id)
        assert row is not None
        return dict(json.loads(row.draft_json or "{}"))


def events(database: Database, event_type: str) -> list[dict[str, Any]]:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        rows = uow.session.scalars(select(AuditEvent).where(AuditEvent.event_type == event_type))
        return [json.loads(r.details or "{}") for r in rows]


def removable_fact(world: DeskWorld) -> dict[str, str]:
    for status in ("FINAL_ORDER", "OVERSTAY", "ENTERED_WITHOUT_INSPECTION"):
        try:
            return first(world.facts, true_status=status, us_citizen="N", removable="Y")
        except LookupError:
            continue
    raise LookupError("no removable person in the world")


def test_a_citizen_on_a_possibly_same_person_blocks_enforcement(
    make_desk: Any, lookup: PersonLookup, desk_world: DeskWorld, database: Database
) -> None:
    subject = removable_fact(desk_world)
    citizen = first(desk_world.facts, true_status="NATURALIZED_CITIZEN", us_citizen="Y")
    target, lookalike = person_of(lookup, subject), person_of(lookup, citizen)
    assert target != lookalike
    body = iaq(subject, iaq_id="POSS-CZ-1", custody=IN_CUSTODY)
    # Without the look-alike: no citizenship sign, whatever the action.
    alone = make_desk(target, []).submit(dumps(body), OPERATOR, ALL)
    assert "POSSIBLE_US_CITIZEN" not in draft_of(database, alone.query_id)["assessment"]["flags"]

    desk = make_desk(target, [lookalike])
    sub = desk.submit(dumps({**body, "iaq_id": "POSS-CZ-2"}), OPERATOR, ALL)
    assert sub.iar is not None and sub.state is QueryState.QUEUED
    draft = draft_of(database, sub.query_id)
    assessment = draft["assessment"]
    assert "POSSIBLE_US_CITIZEN" in assessment["flags"]
    assert assessment["recommendation"]["action"] == Action.CITIZENSHIP_REVIEW.value
    assert lookalike in assessment["recommendation"]["reason"]  # names the possible person
    notes = assessment["possible_same_person"]
    assert any(n["direction"] == "CITIZENSHIP" and n["person_id"] == lookalike for n in notes)
    read = {(r["source"], r["record_id"]) for r in draft["possible_records"][lookalike]}
    for note in notes:  # the evidence is the possible person's records, as read
        assert {(e["source"], e["record_id"]) for e in note["evidence"]} <= read
    # The IAR: no ground leaves the desk, the possible person is among the candidates.
    iar = sub.iar
    assert iar["recommendation"]["action"] == Action.CITIZENSHIP_REVIEW.value
    assert iar["removability"]["grounds"] == []
    assert any(
        c["person_id"] == lookalike and c.get("possible_same_person")
        for c in iar["match"]["candidates"]
    )
    assert [p["person_id"] for p in iar["match"]["possible_same_person"]] == [lookalike]
    # The read is audited with the others.
    queued = [e for e in events(database, "IAQ_QUEUED") if e.get("iar_id") == iar["iar_id"]]
    assert queued and queued[0]["possible_person_ids"] == [lookalike]


def test_a_conviction_on_a_possibly_same_person_is_a_note_never_a_ground(
    make_desk: Any, lookup: PersonLookup, desk_world: DeskWorld, database: Database
) -> None:
    subject = first(desk_world.facts, true_status="LPR", us_citizen="N", removable="N")
    convicted = next(
        f for f in desk_world.facts
        if f["removal_ground"].startswith("237(a)(2)") and f["true_last_name"]
    )  # fmt: skip
    target, other = person_of(lookup, subject), person_of(lookup, convicted)
    body = iaq(subject, iaq_id="POSS-CONV-1")
    alone = make_desk(target, []).submit(dumps(body), OPERATOR, ALL)
    base = draft_of(database, alone.query_id)["assessment"]

    sub = make_desk(target, [other]).submit(dumps({**body, "iaq_id": "POSS-CONV-2"}), OPERATOR, ALL)
    draft = draft_of(database, sub.query_id)
    got = draft["assessment"]
    assert got["status"]["code"] == base["status"]["code"]  # never moved towards removal
    assert got["removability"]["assessment"] == base["removability"]["assessment"]
    assert got["removability"]["grounds"] == base["removability"]["grounds"]
    assert got["recommendation"]["action"] not in {a.value for a in ENFORCEMENT_ACTIONS}
    theirs = {(r["source"], r["record_id"]) for r in draft["possible_records"][other]}
    for ground in got["removability"]["grounds"]:
        assert not {(e["source"], e["record_id"]) for e in ground["evidence"]} & theirs
    notes = [n for n in got["possible_same_person"] if n["direction"] == "NOT_A_GROUND"]
    assert notes and all(f"possibly-same person {other}" in n["text"] for n in notes)
    assert all("not a ground" in n["text"] and n["evidence"] and n["fields"] for n in notes)


def test_needs_review_queues_and_names_the_possible_person_to_analysts_only(
    make_desk: Any, desk: DeskService, lookup: PersonLookup, desk_world: DeskWorld,
    database: Database,
) -> None:  # fmt: skip
    # A person the desk answers automatically on its own.
    for n, fact in enumerate(desk_world.facts[:60]):
        alone = desk.submit(dumps(iaq(fact, iaq_id=f"POSS-AUTO-{n}")), OPERATOR, ALL)
        if alone.state is QueryState.ANSWERED:
            break
    else:
        pytest.fail("no automatic answer among the first 60 persons")
    target = str(alone.iar["match"]["person_id"]) if alone.iar else ""
    other = person_of(lookup, next(f for f in desk_world.facts[60:] if f["true_last_name"]))
    review = make_desk(target, [other], needs_review=True)
    sub = review.submit(dumps(iaq(fact, iaq_id="POSS-REVIEW")), OPERATOR, ALL)
    assert sub.state is QueryState.QUEUED and sub.iar is not None
    reasons = draft_of(database, sub.query_id)["queue_reasons"]
    assert any(f"possible same person {other}" in r for r in reasons), reasons
    # The agency's interim IAR (JSON and text, one object) says why without the other id.
    assert other not in sub.iar["status"]["summary"]
    assert other not in sub.iar["nlets_text"]
    assert "possibly-same person is on file" in sub.iar["status"]["summary"]
    assert sub.iar["answer"]["result"] == "PENDING_REVIEW"


def test_the_analyst_answer_keeps_the_possible_persons_reading(
    make_desk: Any, lookup: PersonLookup, desk_world: DeskWorld, database: Database
) -> None:
    subject = removable_fact(desk_world)
    citizen = first(desk_world.facts, true_status="NATURALIZED_CITIZEN", us_citizen="Y")
    target, lookalike = person_of(lookup, subject), person_of(lookup, citizen)
    desk = make_desk(target, [lookalike], needs_review=True)
    sub = desk.submit(dumps(iaq(subject, iaq_id="POSS-ANALYST")), OPERATOR, ALL)
    assert sub.state is QueryState.QUEUED
    assert desk_queue.claim(desk, sub.query_id, ANALYST)
    fix = desk_queue.Correction(reason="A-file checked; look-alike not yet excluded")
    iar = desk_queue.answer(desk, sub.query_id, ANALYST, fix)
    assert iar["state"] == "ANSWERED"
    assert "POSSIBLE_US_CITIZEN" in iar["flags"]
    assert iar["recommendation"]["action"] == Action.CITIZENSHIP_REVIEW.value
    assert iar["removability"]["grounds"] == []
    assert "WITHHELD PENDING CITIZENSHIP REVIEW" in iar["nlets_text"]
    assert [p["person_id"] for p in iar["match"]["possible_same_person"]] == [lookalike]
    sent = [e for e in events(database, "IAR_SENT") if e.get("iar_id") == iar["iar_id"]]
    assert sent and sent[-1]["possible_person_ids"] == [lookalike]  # the read is audited
    # Choosing the look-alike itself: it is the person now, not a possible one.
    sub2 = desk.submit(dumps(iaq(subject, iaq_id="POSS-ANALYST-2")), OPERATOR, ALL)
    assert desk_queue.claim(desk, sub2.query_id, ANALYST)
    chosen = desk_queue.Correction(reason="fingerprints match the look-alike", person_id=lookalike)
    iar2 = desk_queue.answer(desk, sub2.query_id, ANALYST, chosen)
    assert iar2["match"]["person_id"] == lookalike
    assert iar2["match"]["possible_same_person"] == []


def test_a_biographic_identity_never_carries_enforcement(
    desk: DeskService, desk_world: DeskWorld, database: Database
) -> None:
    """Name and date of birth only, in custody: no detainer, notification, lead or
    conditional referral for any removable person, whatever the match level."""
    removable = [f for f in desk_world.facts if f["removable"] == "Y" and f["true_last_name"]]
    assert removable
    checked = 0
    for n, fact in enumerate(removable[:25]):
        body = iaq(fact, iaq_id=f"POSS-BIO-{n}", custody=IN_CUSTODY)
        body["subject"] = subject_of(fact, a_number=False)
        sub = desk.submit(dumps(body), OPERATOR, ALL)
        draft = draft_of(database, sub.query_id)
        if draft["resolution"]["basis"] not in ("BIOGRAPHIC", "NONE"):
            continue
        checked += 1
        action = draft["assessment"]["recommendation"]["action"]
        assert action not in {a.value for a in ENFORCEMENT_ACTIONS}
        assert action != Action.CONDITIONAL_REFERRAL.value
        assert sub.iar is not None
        assert sub.iar["recommendation"]["action"] not in {a.value for a in ENFORCEMENT_ACTIONS}
    assert checked >= 5, checked
