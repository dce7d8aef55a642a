"""Agencies' asks about their own queries, as the support centre promises them: expedite
a pending IAQ, or explain an answered one. One service for the API
(``POST /v1/iaq/{iar_id}/expedite`` and ``/explain``) and the web portal.

Why an expedite lowers the work item's priority number but only to
:data:`EXPEDITE_PRIORITY`: it must rise in the analysts' queue, yet never above a person
held in custody (priorities 10 and 20, ``triage.py``) — an agency's wish to hurry does not
outrank a detention clock. The ask is kept (marked in the queue) and audited in the same
transaction as the priority change. An explain ask is a message to the analysts, answered
in text that the agency reads in its portal; the IAR itself does not change.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import Select, select, update

from vetline.audit.events import EventType
from vetline.auth.errors import NotFound
from vetline.auth.roles import RowScope, scope_filter
from vetline.db import work
from vetline.db.base import utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.desk.service import store
from vetline.desk.service.asks_models import AgencyAsk
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.service import OBJECT_TYPE, DeskService
from vetline.errors import BadInput

#: An expedited query's work-item priority: after persons in custody, before the rest.
EXPEDITE_PRIORITY: Final = 25
MAX_TEXT: Final = 1000
PENDING: Final = frozenset({QueryState.QUEUED.value, QueryState.CLAIMED.value})


class AskKind(StrEnum):
    """What the agency asks for."""

    EXPEDITE = "expedite"
    EXPLAIN = "explain"


def _text(value: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise BadInput(field, "say why (one or two sentences)")
    if len(text) > MAX_TEXT:
        raise BadInput(field, f"at most {MAX_TEXT} characters")
    return text


def as_dict(row: AgencyAsk) -> dict[str, Any]:
    """An ask as JSON (the agency and the analysts see the same fields)."""
    return {
        "ask_id": row.id, "query_id": row.query_id, "iar_id": row.iar_id, "ori": row.ori,
        "kind": row.kind, "state": row.state, "reason": row.reason, "asked_at": row.asked_at,
        "answer": row.answer, "answered_by": row.answered_by, "answered_at": row.answered_at,
    }  # fmt: skip


def _visible(scope: RowScope) -> Select[AgencyAsk]:
    """Asks on queries the caller's scope covers (the query's own ORI and AOR decide)."""
    c = DeskQuery.__table__.c
    return (
        select(AgencyAsk)
        .join(DeskQuery, DeskQuery.id == AgencyAsk.query_id)
        .where(scope_filter(scope, ori_column=c.ori, aor_column=c.aor))
    )


def ask(
    desk: DeskService, iar_id: str, kind: AskKind, reason: str, actor: Actor, scope: RowScope
) -> dict[str, Any]:
    """Record an agency's ask on its own query ``iar_id``; 404 outside the caller's scope."""
    text = _text(reason, "reason")
    with desk.uow(actor, write=True) as uow:
        query = uow.session.scalar(store.visible(scope).where(DeskQuery.iar_id == iar_id))
        if query is None:
            raise NotFound.of("iar", iar_id)
        details: dict[str, Any] = {"iar_id": iar_id, "state": query.state.upper()}
        if kind is AskKind.EXPEDITE:
            if query.state not in PENDING:
                raise BadInput("iar_id", "only a query still with the analysts can be expedited")
            details["priority"] = _expedite(uow, query)
            event = EventType.IAQ_EXPEDITE_ASKED
        else:
            if query.state != QueryState.ANSWERED.value:
                raise BadInput("iar_id", "an explanation can be asked once the query is answered")
            event = EventType.IAQ_EXPLAIN_ASKED
        row = AgencyAsk(
            id=str(uuid.uuid4()), query_id=query.id, iar_id=iar_id, ori=query.ori,
            kind=kind.value, state="open", reason=text, asked_by=actor.user_id,
            asked_at=utc_iso(uow.now()),
        )  # fmt: skip
        uow.session.add(row)
        uow.audit(
            event, object_type=OBJECT_TYPE, object_id=query.id, requesting_ori=query.ori,
            reason=text, details=details | {"ask_id": row.id},
        )  # fmt: skip
        uow.commit()
        return as_dict(row)


def _expedite(uow: UnitOfWork, query: DeskQuery) -> int:
    """Raise the query's open work item to :data:`EXPEDITE_PRIORITY` (never lower it)."""
    item = work.WorkItem
    uow.session.execute(
        update(item)
        .where(item.object_type == OBJECT_TYPE, item.object_id == query.id,
               item.state != work.WorkState.DONE, item.priority > EXPEDITE_PRIORITY)
        .values(priority=EXPEDITE_PRIORITY)
    )  # fmt: skip
    return min(query.priority, EXPEDITE_PRIORITY)


def asks_on(
    desk: DeskService, actor: Actor, scope: RowScope, *, iar_id: str | None = None,
    query_ids: list[str] | None = None, open_only: bool = False, limit: int = 200,
) -> list[dict[str, Any]]:  # fmt: skip
    """Asks the caller may see: of one IAR, of some queries, or all (newest first)."""
    stmt = _visible(scope)
    if iar_id is not None:
        stmt = stmt.where(AgencyAsk.iar_id == iar_id)
    if query_ids is not None:
        stmt = stmt.where(AgencyAsk.query_id.in_(query_ids))
    if open_only:
        stmt = stmt.where(AgencyAsk.state == "open")
    stmt = stmt.order_by(AgencyAsk.asked_at.desc()).limit(max(1, min(limit, 1000)))
    with desk.uow(actor, read_only=True) as uow:
        return [as_dict(r) for r in uow.session.scalars(stmt)]


def answer_ask(
    desk: DeskService, ask_id: str, text: str, actor: Actor, scope: RowScope
) -> dict[str, Any]:
    """An analyst's reply to an ask, shown to the agency in its portal."""
    reply = _text(text, "answer")
    with desk.uow(actor, write=True) as uow:
        row = uow.session.scalar(_visible(scope).where(AgencyAsk.id == ask_id))
        if row is None:
            raise NotFound.of("ask", ask_id)
        if row.state != "open":
            raise BadInput("ask_id", "already answered")
        row.state, row.answer = "answered", reply
        row.answered_by, row.answered_at = actor.username, utc_iso(uow.now())
        uow.audit(
            EventType.IAQ_ASK_ANSWERED, object_type=OBJECT_TYPE, object_id=row.query_id,
            requesting_ori=row.ori, details={"ask_id": row.id, "kind": row.kind},
        )  # fmt: skip
        uow.commit()
        return as_dict(row)
