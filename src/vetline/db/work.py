"""Work items and the claim that stops two analysts taking the same one.

The desk's queue (queued queries, cases) reuses this: a work item points at its object
(``object_type``/``object_id``) and carries the ORI/AOR the row scopes filter on.

Why a conditional UPDATE: ``UPDATE ... SET state='claimed' WHERE id=? AND state='queued'``
changes one row for exactly one of two racing transactions, on SQLite and PostgreSQL alike;
the loser sees rowcount 0. On PostgreSQL, ``claim_next`` first picks a candidate with
``FOR UPDATE SKIP LOCKED`` so concurrent analysts take different items instead of queueing
behind the same row lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, Final, cast

from sqlalchemy import ColumnElement, Integer, Select, String, Table, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from vetline.db.base import TS_WIDTH, Base, utc_iso
from vetline.db.uow import UnitOfWork
from vetline.statemachine import StateMachine

MAX_CLAIM_ATTEMPTS = 5


class WorkEvent(StrEnum):
    """The audit events of a work item's life.

    Named here, not taken from ``vetline.audit.events``, so persistence does not import
    the audit trail above it; each value is also an ``EventType`` (a test holds them equal).
    """

    WORK_CLAIMED = "WORK_CLAIMED"
    WORK_RELEASED = "WORK_RELEASED"
    WORK_COMPLETED = "WORK_COMPLETED"


class WorkState(StrEnum):
    """Life of a work item: queued → claimed → done, claimed → queued on release."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    DONE = "done"


def _needs_user(context: Mapping[str, object]) -> str | None:
    return None if context.get("user_id") else "a claim needs an identified user"


#: The work-item table on the project's one state-machine mechanism: release and
#: completion also require the claim holder (a condition of the same UPDATE).
WORK: Final[StateMachine[WorkState]] = StateMachine(
    "work item",
    WorkState,
    {
        WorkState.QUEUED: frozenset({WorkState.CLAIMED}),
        WorkState.CLAIMED: frozenset({WorkState.QUEUED, WorkState.DONE}),
        WorkState.DONE: frozenset(),
    },
    guards={(WorkState.QUEUED, WorkState.CLAIMED): (_needs_user,)},
)


class WorkItem(Base):
    """One unit of queued work."""

    __tablename__ = "work_items"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    queue: Mapped[str] = mapped_column(String(32), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer, default=100)
    state: Mapped[str] = mapped_column(String(16), index=True)
    ori: Mapped[str | None] = mapped_column(String(9))
    aor: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    claimed_by: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    done_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))


_ITEMS = cast(Table, WorkItem.__table__)
_INSERT_ITEM = insert(_ITEMS)


def enqueue(
    uow: UnitOfWork,
    queue: str,
    object_type: str,
    object_id: str,
    *,
    priority: int = 100,
    ori: str | None = None,
    aor: str | None = None,
) -> str:
    """Add one queued item and return its id (the caller audits the action that created
    it). Many at once: :func:`item_row` and :func:`enqueue_rows` (the desk's batches)."""
    row = item_row(uow, queue, object_type, object_id, priority=priority, ori=ori, aor=aor)
    enqueue_rows(uow, [row])
    return str(row["id"])


def item_row(
    uow: UnitOfWork,
    queue: str,
    object_type: str,
    object_id: str,
    *,
    priority: int = 100,
    ori: str | None = None,
    aor: str | None = None,
) -> dict[str, object]:
    """The row ``enqueue`` would insert (for :func:`enqueue_rows` of many at once)."""
    return {
        "id": str(uuid.uuid4()),
        "queue": queue,
        "object_type": object_type,
        "object_id": object_id,
        "priority": priority,
        "state": WorkState.QUEUED.value,
        "ori": ori,
        "aor": aor,
        "created_at": utc_iso(uow.now()),
    }


def enqueue_rows(uow: UnitOfWork, rows: Sequence[dict[str, object]]) -> None:
    """Insert queued items built by :func:`item_row`: one statement for a batch.

    A Core INSERT, not an ORM add: the desk enqueues inside its write transactions, where
    the ORM's flush bookkeeping was a measurable share of the time the writer lock is held.
    """
    if rows:
        uow.session.connection().execute(_INSERT_ITEM, list(rows))


def claim(uow: UnitOfWork, item_id: str) -> bool:
    """Claim one item for the unit's actor; ``False`` when someone else got it first."""
    won = WORK.move(
        uow.session, WorkItem.id, WorkItem.state, item_id, WorkState.QUEUED, WorkState.CLAIMED,
        context={"user_id": uow.actor.user_id},
        claimed_by=uow.actor.user_id, claimed_at=utc_iso(uow.now()),
    )  # fmt: skip
    if won:
        uow.audit(WorkEvent.WORK_CLAIMED, object_type="work_item", object_id=item_id)
    return won


def claim_next(uow: UnitOfWork, queue: str) -> WorkItem | None:
    """Claim the most urgent queued item of ``queue`` (lowest priority, then oldest)."""
    for _ in range(MAX_CLAIM_ATTEMPTS):
        pick = (
            select(WorkItem.id)
            .where(WorkItem.queue == queue, WorkItem.state == WorkState.QUEUED)
            .order_by(WorkItem.priority, WorkItem.created_at, WorkItem.id)
            .limit(1)
        )
        if uow.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        item_id = uow.session.scalar(pick)
        if item_id is None:
            return None
        if claim(uow, item_id):
            uow.session.expire_all()
            return uow.session.get(WorkItem, item_id)
    return None


def list_queue(
    uow: UnitOfWork, queue: str, visible: ColumnElement[bool], limit: int = 100
) -> Sequence[WorkItem]:
    """Queued and claimed items of ``queue`` that ``visible`` lets the caller see.

    ``visible`` is the caller's row scope as a WHERE clause
    (``vetline.auth.scope_filter(principal.row_scope, ori_column=WorkItem.ori,
    aor_column=WorkItem.aor)``); passing it is mandatory so no listing forgets it.
    """
    return uow.session.scalars(open_items(queue, visible, limit, WorkItem)).all()


def open_items(queue: str, visible: ColumnElement[bool], limit: int, *columns: Any) -> Select[Any]:
    """The ``SELECT`` behind :func:`list_queue`: ``columns`` (e.g. a few work-item columns
    beside the work's own table, joined by the caller), most urgent first.

    Why a statement: a list page reads hundreds of items; selecting the columns it shows,
    joined to its object's table in one query, costs a fraction of loading ORM objects
    and reading the objects in a second query (bench/README.md, web app). The WHERE and
    the order stay here, in one place.
    """
    return (
        select(*columns)
        .select_from(WorkItem)
        .where(WorkItem.queue == queue, WorkItem.state != WorkState.DONE, visible)
        .order_by(WorkItem.priority, WorkItem.created_at, WorkItem.id)
        .limit(max(1, min(limit, 1000)))
    )


def release(uow: UnitOfWork, item_id: str, reason: str) -> bool:
    """Put one's own claimed item back in the queue."""
    done = WORK.move(
        uow.session, WorkItem.id, WorkItem.state, item_id, WorkState.CLAIMED, WorkState.QUEUED,
        where=(WorkItem.claimed_by == uow.actor.user_id,), claimed_by=None, claimed_at=None,
    )  # fmt: skip
    if done:
        uow.audit(
            WorkEvent.WORK_RELEASED, object_type="work_item", object_id=item_id, reason=reason
        )
    return done


def complete(uow: UnitOfWork, item_id: str) -> bool:
    """Mark one's own claimed item done."""
    done = WORK.move(
        uow.session, WorkItem.id, WorkItem.state, item_id, WorkState.CLAIMED, WorkState.DONE,
        where=(WorkItem.claimed_by == uow.actor.user_id,), done_at=utc_iso(uow.now()),
    )  # fmt: skip
    if done:
        uow.audit(WorkEvent.WORK_COMPLETED, object_type="work_item", object_id=item_id)
    return done
