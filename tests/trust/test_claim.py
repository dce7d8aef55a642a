"""Two analysts cannot both claim the same work item, on either database."""

from __future__ import annotations

import threading

from sqlalchemy import select

from vetline.audit.models import AuditEvent
from vetline.auth.roles import Role, row_scope, scope_filter
from vetline.db import Actor, Database, UnitOfWork
from vetline.db.work import (
    WorkItem,
    WorkState,
    claim,
    claim_next,
    complete,
    enqueue,
    list_queue,
    release,
)


def _analyst(k: int) -> Actor:
    return Actor(user_id=f"analyst-{k}", username=f"analyst{k}", role="desk_analyst", via="session")


def _enqueue(db: Database, n: int) -> list[str]:
    with UnitOfWork(db, Actor.system(), write=True) as uow:
        ids = [enqueue(uow, "iaq", "query", f"Q{i}", priority=i) for i in range(n)]
        uow.commit()
    return ids


def _race(db: Database, analysts: int, action: object) -> list[object]:
    start = threading.Barrier(analysts)
    results: list[object] = [None] * analysts

    def run(k: int) -> None:
        start.wait()
        with UnitOfWork(db, _analyst(k), write=True) as uow:
            results[k] = action(uow)  # type: ignore[operator]
            uow.commit()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(analysts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_same_item_claimed_once(database: Database) -> None:
    (item_id,) = _enqueue(database, 1)
    for _ in range(3):  # repeat: races are races
        wins = _race(database, 6, lambda uow: claim(uow, item_id))
        assert wins.count(True) <= 1
        with UnitOfWork(database, Actor.system(), write=True) as uow:
            item = uow.session.get(WorkItem, item_id)
            assert item is not None and item.state == WorkState.CLAIMED
            winner = item.claimed_by
            assert winner is not None
        with UnitOfWork(database, Actor(user_id=winner, username="w"), write=True) as uow:
            assert release(uow, item_id, "retry the race")
            uow.commit()
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        claims = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "WORK_CLAIMED")
        ).all()
    assert len(claims) == 3  # one audited claim per race, no phantom claims


def test_claim_next_hands_out_distinct_items(database: Database) -> None:
    _enqueue(database, 4)
    got = _race(database, 6, lambda uow: getattr(claim_next(uow, "iaq"), "object_id", None))
    taken = [g for g in got if g is not None]
    assert len(taken) == len(set(taken)) == 4
    assert got.count(None) == 2


def test_claim_lifecycle(database: Database) -> None:
    ids = _enqueue(database, 2)
    with UnitOfWork(database, _analyst(1), write=True) as uow:
        first = claim_next(uow, "iaq")
        assert first is not None and first.object_id == "Q0"  # most urgent first
        assert not claim(uow, first.id)  # already claimed
        uow.commit()
    with UnitOfWork(database, _analyst(2), write=True) as uow:
        assert not complete(uow, ids[0])  # not the claimer
        assert not release(uow, ids[0], "not mine")
    with UnitOfWork(database, _analyst(1), write=True) as uow:
        assert complete(uow, ids[0])
        uow.commit()
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        item = uow.session.get(WorkItem, ids[0])
        assert item is not None and item.state == WorkState.DONE


def test_row_scope_limits_the_queue(database: Database) -> None:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        enqueue(uow, "iaq", "query", "Q-CA", ori="CA0194200", aor="LOS")
        enqueue(uow, "iaq", "query", "Q-TX", ori="TX0570000", aor="HOU")
        uow.commit()

    def visible(role: Role, ori: str | None = None, aor: str | None = None) -> set[str]:
        scope = row_scope(role, ori, aor)
        where = scope_filter(scope, ori_column=WorkItem.ori, aor_column=WorkItem.aor)
        with UnitOfWork(database, Actor.system(), write=True) as uow:
            return {item.object_id for item in list_queue(uow, "iaq", where)}

    assert visible(Role.REQUESTING_AGENCY, ori="CA0194200") == {"Q-CA"}
    assert visible(Role.FIELD_OFFICER, aor="HOU") == {"Q-TX"}
    assert visible(Role.DESK_ANALYST) == {"Q-CA", "Q-TX"}
    assert visible(Role.AUDITOR) == set()
    assert visible(Role.REQUESTING_AGENCY) == set()  # an agency account without an ORI
