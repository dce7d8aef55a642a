"""Append one event to the chain inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vetline.audit.chain import canonical_json, event_hash
from vetline.audit.models import HEAD_ID, AuditChainHead, AuditEvent
from vetline.db.base import utc_iso

if TYPE_CHECKING:
    from vetline.db.uow import Actor

_Head = AuditChainHead
MAX_REASON = 2000


def append_event(
    session: Session,
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
) -> AuditEvent:
    """Lock the chain head, write the next event, move the head; no commit.

    The head UPDATE comes first on purpose: it is the lock. A concurrent appender waits
    on it (PostgreSQL row lock, SQLite write lock) and, once we commit, re-reads the head
    we moved, so sequence numbers stay gap-free and each ``prev_hash`` names the event
    committed just before.
    """
    if not event_type or len(event_type) > 64:
        raise ValueError("event_type must be 1-64 characters")
    locked = session.execute(
        update(_Head)
        .where(_Head.id == HEAD_ID)
        .values(last_seq=_Head.last_seq + 1)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        raise RuntimeError("audit chain head missing: run `vetline db upgrade`")
    seq, prev_hash = session.execute(
        select(_Head.last_seq, _Head.last_hash).where(_Head.id == HEAD_ID)
    ).one()
    event = AuditEvent(
        seq=int(seq),
        event_id=str(uuid.uuid4()),
        ts=utc_iso(at),
        event_type=event_type,
        outcome=outcome,
        actor_user_id=actor.user_id,
        actor_username=actor.username,
        actor_role=actor.role,
        actor_ori=actor.ori,
        via=actor.via,
        client=(actor.client or None) and actor.client[:64],
        requesting_ori=requesting_ori,
        purpose=purpose,
        object_type=object_type,
        object_id=object_id,
        reason=reason[:MAX_REASON] if reason else None,
        details=canonical_json(dict(details or {})),
        prev_hash=str(prev_hash),
    )
    event.hash = event_hash(event.hashed_fields())
    session.add(event)
    session.flush()
    session.execute(
        update(_Head)
        .where(_Head.id == HEAD_ID)
        .values(last_hash=event.hash)
        .execution_options(synchronize_session=False)
    )
    return event
