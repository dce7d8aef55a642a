"""The one service path on a real small world and real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from deskhelpers import ORI, OTHER_ORI, DeskWorld, dumps, first, iaq, subject_of
from sqlalchemy import func, select

from vetline.audit.models import AuditEvent
from vetline.auth.errors import Forbidden
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.problems import InvalidQuery
from vetline.desk.service import DeskService, QueryState
from vetline.desk.service.models import DeskQuery
from vetline.errors import BadInput
from vetline.person import PersonLookup
from vetline.status.result import BEFORE_THE_COURT

OPERATOR = Actor(user_id=None, username="cli:test", via="cli")
ALL = RowScope(ScopeKind.ALL)


def events(database: Database, event_type: str) -> list[dict[str, object]]:
    """The details of every audit event of ``event_type``."""
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        rows = uow.session.scalars(select(AuditEvent).where(AuditEvent.event_type == event_type))
        return [json.loads(r.details or "{}") for r in rows]


def test_many_queries_follow_the_automatic_rule(desk: DeskService, desk_world: DeskWorld) -> None:
    """Over 30 real people: an automatic IAR is always POSITIVE, citizen-free and
    determined, or before the immigration court (the judge decides removability);
    every other one is queued with its status withheld and the reasons stated."""
    states = set()
    for n, fact in enumerate(desk_world.facts[:30]):
        sub = desk.submit(dumps(iaq(fact, iaq_id=f"RULE{n}")), OPERATOR, ALL)
        iar = sub.iar
        assert iar is not None and sub.created
        states.add(sub.state)
        assert iar["routing"] == {"aor": "LOS", "field_office": "Los Angeles"}
        assert "NOT A DETAINER" in iar["nlets_text"]
        if sub.state is QueryState.ANSWERED:
            assert iar["match"]["level"] == "POSITIVE"
            assert iar["status"]["code"] != "UNKNOWN"
            assert "POSSIBLE_US_CITIZEN" not in iar["flags"]
            assert "PROTECTED_STATUS" not in iar["flags"]
            if iar["removability"]["assessment"] == "UNDETERMINED":
                # the one undetermined answer that goes out: the judge decides (issue 11)
                assert iar["status"]["code"] == "IN_PROCEEDINGS"
                assert iar["removability"]["before_the_court"] == BEFORE_THE_COURT
                assert iar["removability"]["grounds"] == []
                assert (
                    "REMOVABILITY NOTE/PENDING BEFORE THE IMMIGRATION COURT" in (iar["nlets_text"])
                )
            assert iar["match"]["records"], "a positive match lists the person's records"
        else:
            assert sub.state is QueryState.QUEUED
            assert iar["status"]["code"] == "UNKNOWN"
            assert iar["removability"]["assessment"] == "UNDETERMINED"
            assert iar["removability"]["grounds"] == []
            assert iar["answer"]["result"] == "PENDING_REVIEW"
        if fact["us_citizen"] == "Y":
            assert sub.state is QueryState.QUEUED, "a citizen is never answered automatically"
            assert iar["removability"]["assessment"] not in ("REMOVABLE", "REMOVABLE_IF_CONVICTED")
    assert states == {QueryState.ANSWERED, QueryState.QUEUED}


def test_json_and_nlets_text_reach_the_same_answer(
    desk: DeskService, desk_world: DeskWorld
) -> None:
    fact = first(desk_world.facts, true_status="LPR", birth_country="MX")
    s = subject_of(fact)
    nlets = (
        f"IAQ.{ORI}.AX.TXT\nPUR/C.ATN/DEP SMITH.PHN/5555550100.NAM/{s['last_name']}, "
        f"{s['first_name']}.DOB/{s['dob'].replace('-', '')}.SEX/{s['sex']}.POB/MM.CUS/N."
        f"OFF/0399.ARN/{s['a_number']}."
    )
    by_text = desk.submit(nlets, OPERATOR, ALL)
    by_json = desk.submit(dumps(iaq(fact, iaq_id="SAME1", encounter=None)), OPERATOR, ALL)
    assert by_text.iar is not None and by_json.iar is not None
    assert by_text.iar["match"]["person_id"] == by_json.iar["match"]["person_id"]
    assert by_text.iar["match"]["level"] == "POSITIVE"
    with UnitOfWork(desk.database, Actor.system(), write=True) as uow:
        forms = set(uow.session.scalars(select(DeskQuery.form)))
    assert forms == {"json", "nlets"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "body"),
        (json.dumps({"query_type": "IAQ", "ori": "CA0194200"}), "subject"),
        (json.dumps({"query_type": "IAQ", "ori": "BAD", "subject": {"last_name": "X"}}), "ori"),
        (json.dumps({"query_type": "WHAT", "ori": ORI, "subject": {"last_name": "X"}}),
         "query_type"),
        (json.dumps({"query_type": "IAQ", "ori": ORI, "subject": {"last_name": "X",
                     "dob": "2099-01-01"}}), "subject.dob"),
        (json.dumps({"query_type": "BIOMETRIC", "ori": ORI, "subject": {"last_name": "X"}}),
         "subject.fin"),
        (json.dumps({"query_type": "IAQ", "ori": ORI, "subject": {"last_name": "X"},
                     "a_numbr": "1"}), "a_numbr"),
        (json.dumps({"query_type": "IAQ", "ori": ORI, "subject": {"last_name": "X"},
                     "encounter": {"state": "CA", "county_fips": "48001"}}),
         "encounter.county_fips"),
        ("IAQ.MD0030000.AX.TXT\nNAM/DOE, JOHN.DOB/19851399.", "DOB"),
        ("hello", "HEADER"),
    ],
)  # fmt: skip
def test_malformed_queries_are_refused_by_field_and_audited(
    desk: DeskService, body: str, field: str
) -> None:
    with pytest.raises(InvalidQuery) as caught:
        desk.submit(body, OPERATOR, ALL)
    assert field in {e["field"] for e in caught.value.errors}
    refused = events(desk.database, "IAQ_REFUSED")
    assert len(refused) == 1
    assert field in json.dumps(refused[0])
    with UnitOfWork(desk.database, Actor.system(), write=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(DeskQuery)) == 0


def test_resubmission_returns_the_same_iar(desk: DeskService, desk_world: DeskWorld) -> None:
    body = dumps(iaq(desk_world.facts[3], iaq_id="IDEM-1"))
    one = desk.submit(body, OPERATOR, ALL)
    two = desk.submit(body, OPERATOR, ALL)
    assert one.created and not two.created
    assert one.iar == two.iar
    other_ori = desk.submit(dumps(iaq(desk_world.facts[3], iaq_id="IDEM-1", ori=OTHER_ORI)),
                            OPERATOR, ALL)  # fmt: skip
    assert other_ori.created and other_ori.iar is not None and one.iar is not None
    assert other_ori.iar["iar_id"] != one.iar["iar_id"]
    with pytest.raises(BadInput, match="different query"):
        desk.submit(dumps(iaq(desk_world.facts[4], iaq_id="IDEM-1")), OPERATOR, ALL)
    assert len(events(desk.database, "IAQ_RECEIVED")) == 2


def test_agency_may_only_send_under_its_own_ori(desk: DeskService, desk_world: DeskWorld) -> None:
    agency = RowScope(ScopeKind.OWN_ORI, OTHER_ORI)
    with pytest.raises(Forbidden):
        desk.submit(dumps(iaq(desk_world.facts[0], iaq_id="X1")), OPERATOR, agency)
    sub = desk.submit(dumps(iaq(desk_world.facts[0], iaq_id="X1", ori=OTHER_ORI)), OPERATOR, agency)
    assert sub.view(agency) is not None and "recommendation" not in (sub.view(agency) or {})


def test_unknown_ori_is_answered_and_flagged(desk: DeskService, desk_world: DeskWorld) -> None:
    sub = desk.submit(dumps(iaq(desk_world.facts[1], iaq_id="U1", ori="CA9999999")), OPERATOR, ALL)
    assert sub.iar is not None and "UNKNOWN_ORI" in sub.iar["flags"]
    received = events(desk.database, "IAQ_RECEIVED")
    assert "UNKNOWN_ORI" in json.dumps(received[0])


def test_recover_answers_queries_left_received(desk: DeskService, desk_world: DeskWorld) -> None:
    from vetline.desk.intake import accept

    intake = accept(dumps(iaq(desk_world.facts[5], iaq_id="CRASH1")), received=desk.clock().date(),
                    directory=desk.directory)  # fmt: skip
    query_id = desk._store(intake, OPERATOR, desk._new_row(intake, desk.clock()))
    # stored, not yet answered: what an unavailable index leaves
    assert desk.recover() == 1
    with UnitOfWork(desk.database, Actor.system(), write=True) as uow:
        row = uow.session.get(DeskQuery, query_id)
        assert row is not None and row.state in ("answered", "queued") and row.iar_json
    assert desk.recover() == 0


def test_every_query_type_end_to_end(
    desk: DeskService, desk_world: DeskWorld, lookup: PersonLookup
) -> None:
    from vetline.desk.iaq import Subject
    from vetline.desk.service.question import to_subject

    answered: dict[str, dict[str, Any]] = {}
    for n, fact in enumerate(f for f in desk_world.facts if f["true_status"] == "LPR"):
        sub = desk.submit(dumps(iaq(fact, iaq_id=f"TYPE-IAQ-{n}")), OPERATOR, ALL)
        if sub.state is QueryState.ANSWERED:
            answered["IAQ"] = {"fact": fact, "iar": sub.iar}
            break
    fact = answered["IAQ"]["fact"]
    found = lookup.find(to_subject(Subject.model_validate(subject_of(fact))))
    fins = [str(r["fin"]) for r in found.rows if r.get("fin")]
    expected = {
        "CRITICAL_INFRASTRUCTURE": ({}, "IDENTITY_AND_STATUS"),
        "NICS": ({"purpose": "F"}, "NOT_PROHIBITED"),
        "NCIC_WARRANT": ({}, None),
    }
    for query_type, (extra, result) in expected.items():
        body = iaq(fact, iaq_id=f"TYPE-{query_type}", query_type=query_type, **extra)
        sub = desk.submit(dumps(body), OPERATOR, ALL)
        assert sub.iar is not None and sub.iar["answer"]["query_type"] == query_type
        assert sub.state is QueryState.ANSWERED, sub.iar["answer"]
        if result:
            assert sub.iar["answer"]["result"] == result
        else:
            assert sub.iar["answer"]["result"] in ("CONFIRMED", "NOT_ACTIVE", "NO_ICE_WARRANT")
        assert f"ANSWER/{query_type}" in sub.iar["nlets_text"]
    wrong_fin = iaq(fact, iaq_id="TYPE-BIO-WRONG", query_type="BIOMETRIC")
    wrong_fin["subject"]["fin"] = "9999999999"
    sub = desk.submit(dumps(wrong_fin), OPERATOR, ALL)
    assert sub.state is QueryState.QUEUED and sub.iar is not None
    assert "FIN is not in the matched person's records" in sub.iar["status"]["summary"]
    if fins:
        good = iaq(fact, iaq_id="TYPE-BIO", query_type="BIOMETRIC")
        good["subject"]["fin"] = fins[0]
        assert desk.submit(dumps(good), OPERATOR, ALL).state is QueryState.ANSWERED


def test_racing_resubmissions_store_one_query(desk: DeskService, desk_world: DeskWorld) -> None:
    """Four clients send the same iaq_id at once: one query, one IAR, four equal answers."""
    from concurrent.futures import ThreadPoolExecutor

    body = dumps(iaq(desk_world.facts[9], iaq_id="RACE-1"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        subs = list(pool.map(lambda _: desk.submit(body, OPERATOR, ALL), range(4)))
    assert len({s.query_id for s in subs}) == 1
    assert sum(s.created for s in subs) == 1
    assert len({json.dumps(s.iar, sort_keys=True) for s in subs}) == 1
    with UnitOfWork(desk.database, Actor.system(), write=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(DeskQuery)) == 1
    assert len(events(desk.database, "IAR_SENT") + events(desk.database, "IAQ_QUEUED")) == 1


def test_warm_up_stores_nothing(desk: DeskService) -> None:
    desk.warm_up()
    with UnitOfWork(desk.database, Actor.system(), write=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(DeskQuery)) == 0
    assert events(desk.database, "IAQ_RECEIVED") == []


def test_one_batch_stores_each_query_once_and_skips_a_repeat(
    desk: DeskService, desk_world: DeskWorld
) -> None:
    """The group commit's batch: two new queries and a repeat of the first in one
    transaction: two rows, the repeat gets ``Duplicate`` and leaves no event."""
    from vetline.desk.intake import accept
    from vetline.desk.service.writing import Answered, Duplicate, write_answered

    jobs = []
    for fact, iaq_id in ((desk_world.facts[3], "BATCH-1"), (desk_world.facts[4], "BATCH-2"),
                         (desk_world.facts[3], "BATCH-1")):  # fmt: skip
        received = desk.clock()
        intake = accept(dumps(iaq(fact, iaq_id=iaq_id)), received=received.date(),
                        directory=desk.directory)  # fmt: skip
        row = desk._new_row(intake, received)
        worked = desk._work_out(row, desk.lookup())
        for name, value in worked.values.items():
            setattr(row, name, value)
        row.state = worked.state.value
        jobs.append(Answered(intake, row, worked, OPERATOR))
    with desk.uow(Actor.system("test-writer"), write=True) as uow:
        outcomes = write_answered(uow, jobs)
        uow.commit()
    assert outcomes[:2] == [jobs[0].row.id, jobs[1].row.id]
    assert isinstance(outcomes[2], Duplicate)
    with UnitOfWork(desk.database, Actor.system(), write=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(DeskQuery)) == 2
    assert len(events(desk.database, "IAQ_RECEIVED")) == 2
    assert len(events(desk.database, "IAR_SENT") + events(desk.database, "IAQ_QUEUED")) == 2
    again = desk.submit(dumps(iaq(desk_world.facts[3], iaq_id="BATCH-1")), OPERATOR, ALL)
    assert (again.query_id, again.created) == (jobs[0].row.id, False)


@pytest.mark.parametrize("iaq_id", ["GIVEN-1", None])
def test_working_out_from_the_intake_equals_working_out_from_the_stored_row(
    desk: DeskService, desk_world: DeskWorld, iaq_id: str | None
) -> None:
    """``submit`` hands ``_work_out`` the query as accepted; ``recover`` reads it back
    from the row: the same IAR either way (the id the desk gives a query sent without
    one included)."""
    from vetline.desk.intake import accept

    for fact in desk_world.facts[20:32]:
        body = iaq(fact, iaq_id=iaq_id or "dropped")
        if iaq_id is None:
            del body["iaq_id"]
        intake = accept(dumps(body), received=desk.clock().date(), directory=desk.directory)
        row = desk._new_row(intake, desk.clock())
        from_intake = desk._work_out(row, desk.lookup(), intake)
        from_row = desk._work_out(row, desk.lookup())
        assert from_intake.iar_json == from_row.iar_json
        assert from_intake.values == from_row.values


def test_the_event_loop_path_settles_every_query_it_announces(
    desk: DeskService, desk_world: DeskWorld
) -> None:
    """``submit_async`` announces each query to the group commit before working it out
    (a batch may wait for it); a query answered, one refused, one under another ORI and a
    repeat all leave nothing announced, so no batch ever waits for a job that will not
    come (``vetline.db.batch``)."""
    import asyncio

    desk.warm_up()  # the lookup open: every query below runs on the loop
    fact = desk_world.facts[0]
    scope = RowScope(ScopeKind.OWN_ORI, ORI)

    async def scenario() -> list[object]:
        bodies: list[str] = [
            dumps(iaq(fact, iaq_id="LOOP1")),
            '{"query_type": "IAQ", "subject": "not an object"}',
            dumps(iaq(fact, iaq_id="LOOP2", ori=OTHER_ORI)),
            dumps(iaq(fact, iaq_id="LOOP1")),
        ]
        done = []
        for body in bodies:
            try:
                done.append(await desk.submit_async(body, OPERATOR, scope))
            except (InvalidQuery, Forbidden) as exc:
                done.append(exc)
        return done

    answered, refused, other, repeat = asyncio.run(scenario())
    assert isinstance(refused, InvalidQuery) and isinstance(other, Forbidden)
    assert answered.created and not repeat.created  # type: ignore[union-attr]
    assert repeat.query_id == answered.query_id  # type: ignore[union-attr]
    assert desk.writes.expected == 0
