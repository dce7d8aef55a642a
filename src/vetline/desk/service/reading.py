"""The desk's row-scoped reads: one IAR, the query as its agency sent it, the recent list.

``DeskService.get_iar`` / ``iaq_as_sent`` / ``list_iars`` open the unit of work and call
these with it, so the queries and what they return live apart from the submit path. Each
read passes the caller's ``RowScope`` into ``store.visible`` (the one shared query path),
never into a route body: a new reader cannot leak another agency's rows.
"""

from __future__ import annotations

from typing import Any

import orjson

from vetline.audit.events import EventType
from vetline.auth.errors import NotFound
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db.uow import UnitOfWork
from vetline.desk.iar_model import IAR
from vetline.desk.service import store
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.submission import typed_view


def get_iar(uow: UnitOfWork, iar_id: str, scope: RowScope) -> IAR:
    """The current IAR ``iar_id`` if ``scope`` covers it (else ``NotFound``); the read is
    audited (``IAR_VIEWED``) and committed in ``uow``, a writing unit."""
    query = uow.session.scalar(store.visible(scope).where(DeskQuery.iar_id == iar_id))
    if query is None or query.iar_json is None:
        raise NotFound.of("iar", iar_id)
    uow.audit(
        EventType.IAR_VIEWED, object_type="iar", object_id=iar_id,
        requesting_ori=query.ori,
    )  # fmt: skip
    uow.commit()
    return typed_view(IAR.model_validate_json(query.iar_json), scope)


def iaq_as_sent(uow: UnitOfWork, iar_id: str, scope: RowScope) -> tuple[str, str] | None:
    """The query ``iar_id`` answers, exactly as its agency sent it, and its form
    (``json`` or ``nlets``): the agency's own words beside the answer. ``None`` for rows
    stored before the desk kept the text; ``NotFound`` outside the caller's scope."""
    row = uow.session.execute(
        store.visible(scope)
        .with_only_columns(DeskQuery.iaq_raw, DeskQuery.form)
        .where(DeskQuery.iar_id == iar_id)
    ).first()
    if row is None:
        raise NotFound.of("iar", iar_id)
    return None if row.iaq_raw is None else (row.iaq_raw, row.form or "json")


def list_iars(uow: UnitOfWork, scope: RowScope, limit: int = 100) -> list[dict[str, Any]]:
    """The caller's most recent queries with their state (scope applied in the query)."""
    # The listed columns only (not the draft and IAR documents: kilobytes a row).
    listed = store.visible(scope).with_only_columns(
        DeskQuery.id, DeskQuery.iar_id, DeskQuery.iaq_id, DeskQuery.ori,
        DeskQuery.query_type, DeskQuery.state, DeskQuery.received_at,
        DeskQuery.responded_at, DeskQuery.aor, DeskQuery.iaq_json,
    )  # fmt: skip
    rows = uow.session.execute(
        listed.order_by(DeskQuery.received_at.desc()).limit(max(1, min(limit, 500)))
    ).all()
    staff = scope.kind in (ScopeKind.ALL, ScopeKind.OWN_AOR)
    return [
        {
            "iar_id": q.iar_id, "iaq_id": q.iaq_id, "ori": q.ori,
            "query_type": q.query_type, "state": q.state.upper(),
            "received_at": q.received_at, "responded_at": q.responded_at,
            "aor": q.aor, "subject_name": _subject_name(q.iaq_json),
            # ICE staff work the queue by query id (either id opens the item)
            **({"query_id": q.id} if staff else {}),
        }
        for q in rows
    ]  # fmt: skip


def _subject_name(iaq_json: str) -> str:
    """``LAST, FIRST MIDDLE`` of a stored query: the agency finds its queries by name."""
    subject = orjson.loads(iaq_json).get("subject") or {}  # a list of 500: orjson, 3x faster
    first = " ".join(p for p in (subject.get("first_name"), subject.get("middle_name")) if p)
    return ", ".join(p for p in (subject.get("last_name"), first) if p)
