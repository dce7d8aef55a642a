"""Append events to the chain inside the caller's transaction, all at once at commit.

Why at commit and in one batch: the chain head is the one row every writer must lock, so
how long it stays locked bounds audited writes per second. ``UnitOfWork.audit`` only
drafts an event (actor, time, what happened); ``append_events`` runs as the last step
before COMMIT and locks the head once for every event of the unit, whatever the unit did
in between. Three statements per transaction (head UPDATE … RETURNING, one multi-row
INSERT, head UPDATE) instead of four per event; on PostgreSQL the row lock is held for
those statements and the commit only, not for the unit's reads and work.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from vetline.actor import Actor
from vetline.audit.chain import canonical_json, event_hash
from vetline.audit.models import HASHED_COLUMNS, HEAD_ID, AuditChainHead, AuditEvent
from vetline.db.base import utc_iso
from vetline.db.events import CarriedEvents, EventDraft, install_event_writer
from vetline.db.prebuilt import Prebuilt

_HEAD = cast(Table, AuditChainHead.__table__)
_EVENTS = cast(Table, AuditEvent.__table__)
# Built once: Core statements on the session's connection, not ORM-enabled ones through
# ``Session.execute`` (the ORM's bulk-update path and per-call expression building were
# a third of a one-IAQ write transaction's CPU; bench/README.md).
# Run on the DBAPI cursor (``vetline.db.prebuilt``): the desk's group commit appends in
# every transaction, and Core's execution path cost more than these statements (issue 18).
_LOCK_HEAD = Prebuilt(
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(last_seq=_HEAD.c.last_seq + bindparam("count"))
    .returning(_HEAD.c.last_seq, _HEAD.c.last_hash)
)
_MOVE_HEAD = Prebuilt(
    update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(last_hash=bindparam("new_hash"))
)
_INSERT_EVENTS = Prebuilt(insert(_EVENTS))
MAX_REASON = 2000


def draft_event(
    *,
    actor: Actor,
    at: datetime,
    event_type: str,
    outcome: str,
    object_type: str | None,
    object_id: str | None,
    reason: str | None,
    requesting_ori: str | None,
    purpose: str | None,
    details: Mapping[str, Any] | None,
) -> EventDraft:
    """Validate and freeze one event's columns (``ValueError`` for what cannot be logged).

    Checked here, when the caller records the event, so a bad event fails where it is
    made, not at commit.
    """
    if not event_type or len(event_type) > 64:
        raise ValueError("event_type must be 1-64 characters")
    return EventDraft(
        {
            "event_id": str(uuid.uuid4()),
            "ts": utc_iso(at),
            "event_type": event_type,
            "outcome": outcome,
            "actor_user_id": actor.user_id,
            "actor_username": actor.username,
            "actor_role": actor.role,
            "actor_ori": actor.ori,
            "via": actor.via,
            "client": (actor.client or None) and actor.client[:64],
            "requesting_ori": requesting_ori,
            "purpose": purpose,
            "object_type": object_type,
            "object_id": object_id,
            "reason": reason[:MAX_REASON] if reason else None,
            "details": canonical_json(dict(details or {})),
        }
    )


def append_events(session: Session, drafts: Sequence[EventDraft]) -> list[dict[str, Any]]:
    """Lock the chain head, write ``drafts`` as the next events, move the head; no commit.

    The head UPDATE comes first on purpose: it is the lock. A concurrent appender waits
    on it (PostgreSQL row lock, SQLite write lock) and, once we commit, re-reads the head
    we moved, so sequence numbers stay gap-free and each ``prev_hash`` names the event
    committed just before. Returns the rows written (with ``seq`` and ``hash``).
    """
    if not drafts:
        return []
    connection = session.connection()
    locked = _LOCK_HEAD.returning(connection, {"count": len(drafts)})
    moved = locked[0] if locked else None
    if moved is None:
        raise RuntimeError("audit chain head missing: run `vetline db upgrade`")
    last_seq, prev_hash = int(moved[0]), str(moved[1])
    rows: list[dict[str, Any]] = []
    for seq, draft in enumerate(drafts, start=last_seq - len(drafts) + 1):
        row = {**draft.fields, "seq": seq, "prev_hash": prev_hash}
        row["hash"] = prev_hash = event_hash({name: row[name] for name in HASHED_COLUMNS})
        rows.append(row)
    _INSERT_EVENTS.execute(connection, rows)
    _MOVE_HEAD.execute(connection, [{"new_hash": prev_hash}])
    return rows


class _ChainWriter:
    """The audit chain as the unit of work's event writer (``vetline.db.events``)."""

    draft = staticmethod(draft_event)

    @staticmethod
    def append(session: Session, drafts: Sequence[EventDraft]) -> list[dict[str, Any]]:
        return append_events(session, drafts)


install_event_writer(_ChainWriter())

__all__ = ["CarriedEvents", "EventDraft", "append_events", "draft_event"]
