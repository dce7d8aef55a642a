"""The analysts' queue: list (most urgent first, clock and overdue shown), claim, release,
answer. The claim reuses ``vetline.db.work`` (two analysts cannot claim the same item);
the query's own state follows through the transition table in the same transaction.

An analyst answers by confirming the engine's draft (identity and status as found) or by
correcting them: another person (re-assessed as that person, identity now confirmed by
the analyst), no record, or a status code with the analyst's summary (removability then
stays UNDETERMINED: a corrected status needs its own review). The answer becomes the
query's IAR, a new version in its history, audited as IAR_SENT.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import orjson
from sqlalchemy import or_, select

from vetline.audit.events import EventType
from vetline.auth.errors import NotFound, short_id
from vetline.auth.roles import RowScope, scope_filter
from vetline.db import work
from vetline.db.base import parse_utc_iso, utc_iso
from vetline.db.uow import Actor
from vetline.desk.iaq import IAQ
from vetline.desk.iar_model import IAR
from vetline.desk.service import store
from vetline.desk.service.iar import Assembled, Header, assemble, match_part
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.question import question_of
from vetline.desk.service.service import OBJECT_TYPE, QUEUE, DeskService
from vetline.errors import BadInput
from vetline.person import UnknownPerson, resolution_of_draft, review
from vetline.status import StatusCode
from vetline.text import check_text


@dataclass(frozen=True)
class Correction:
    """An analyst's answer: confirm the draft, or correct identity and/or status."""

    reason: str
    person_id: str | None = None  # another person than the draft's
    no_record: bool = False
    status_code: str | None = None
    status_summary: str | None = None

    def check(self) -> None:
        if not self.reason.strip():
            raise BadInput("reason", "an analyst's answer states its reason")
        # Free text goes into the IAR an agency reads and the audit: no control or
        # invisible characters (issue 13 item 8).
        check_text(self.reason, "reason", 500, multiline=True)
        if self.status_summary is not None:
            check_text(self.status_summary, "status_summary", 500, multiline=True)
        if self.person_id is not None:
            check_text(self.person_id, "person_id", 64)
        if self.no_record and self.person_id:
            raise BadInput("person_id", "give a person or no_record, not both")
        if self.status_code is not None:
            try:
                StatusCode(self.status_code)
            except ValueError:
                raise BadInput("status_code", f"unknown status {self.status_code!r}") from None
            if not (self.status_summary or "").strip():
                raise BadInput("status_summary", "a corrected status needs its summary")


def list_items(
    desk: DeskService, actor: Actor, scope: RowScope, limit: int = 100
) -> list[dict[str, Any]]:
    """Queued and claimed queries, most urgent first, with their clock."""
    now = desk.clock()
    with desk.uow(actor) as uow:  # reads only
        table = work.WorkItem.__table__.c
        visible = scope_filter(scope, ori_column=table.ori, aor_column=table.aor)
        # One query of the columns the list shows (work item joined to its query), no ORM
        # objects: the row's JSON documents (IAQ, draft, IAR) are kilobytes each, and
        # loading items as objects and then their queries took most of the queue page's
        # time (bench/README.md, web app).
        listed = work.open_items(
            QUEUE, visible, limit,
            work.WorkItem.id.label("work_item_id"), work.WorkItem.priority,
            work.WorkItem.claimed_by, DeskQuery.id, DeskQuery.iar_id, DeskQuery.iaq_id,
            DeskQuery.state, DeskQuery.query_type, DeskQuery.ori, DeskQuery.aor,
            DeskQuery.received_at, DeskQuery.due_at, DeskQuery.match_level,
            DeskQuery.queue_reasons,
        ).join(DeskQuery, DeskQuery.id == work.WorkItem.object_id)  # fmt: skip
        rows = uow.session.execute(listed).all()
    out = []
    # unpacked by position: a Row's attribute look-ups were most of this loop's time
    for (work_item_id, priority, claimed_by, query_id, iar_id, iaq_id, state, query_type,
         ori, aor, received_at, due_at, match_level, reasons) in rows:  # fmt: skip
        due = parse_utc_iso(due_at)
        out.append({
            "query_id": query_id, "iar_id": iar_id, "iaq_id": iaq_id,
            "work_item_id": work_item_id, "state": state.upper(),
            "priority": priority, "query_type": query_type, "ori": ori,
            "aor": aor, "received_at": received_at, "due_at": due_at,
            "overdue": now > due, "seconds_left": int((due - now).total_seconds()),
            "claimed_by": claimed_by, "match_level": match_level,
            "reasons": orjson.loads(reasons) if reasons else [],
        })  # fmt: skip
    return out


def query_id_of(desk: DeskService, key: str) -> str:
    """The query id for ``key``, which may be the query's id or its IAR's id (the id the
    agency holds and quotes on the phone); ``key`` itself when neither is known, so the
    caller's own look-up answers 404 as before. Reads ids only, no scope: nothing of the
    query is returned here."""
    with desk.uow(Actor.system("desk-queue"), read_only=True) as uow:
        found = uow.session.scalar(
            select(DeskQuery.id).where(or_(DeskQuery.id == key, DeskQuery.iar_id == key))
        )
        return str(found) if found is not None else key


def detail(desk: DeskService, query_id: str, actor: Actor, scope: RowScope) -> dict[str, Any]:
    """One queued query with its candidates and the engine's full working (analysts)."""
    with desk.uow(actor, write=True) as uow:
        q = uow.session.scalar(store.visible(scope).where(DeskQuery.id == query_id))
        if q is None:
            raise NotFound.of("query", query_id)
        uow.audit(
            EventType.IAR_VIEWED, object_type=OBJECT_TYPE, object_id=query_id, requesting_ori=q.ori
        )
        uow.commit()
        return {
            "query_id": q.id, "iar_id": q.iar_id, "iaq_id": q.iaq_id, "state": q.state.upper(),
            "iaq": json.loads(q.iaq_json),
            # the body as received (JSON text or Nlets message); None for older rows
            "iaq_raw": q.iaq_raw,
            "draft": json.loads(q.draft_json or "null"), "iar": json.loads(q.iar_json or "null"),
            "reasons": json.loads(q.queue_reasons or "[]"), "due_at": q.due_at,
            "form": q.form,
        }  # fmt: skip


def _item(desk: DeskService, uow: Any, query_id: str) -> work.WorkItem:
    item = uow.session.scalar(
        select(work.WorkItem).where(
            work.WorkItem.object_type == OBJECT_TYPE, work.WorkItem.object_id == query_id,
            work.WorkItem.state != work.WorkState.DONE,
        )
    )  # fmt: skip
    if item is None:
        raise NotFound(
            f"query {short_id(query_id)} is not in the queue",
            object_type="query",
            object_id=query_id[:128],
        )
    return item  # type: ignore[no-any-return]


def claim(desk: DeskService, query_id: str, actor: Actor) -> bool:
    """Claim a queued query; False when another analyst holds it."""
    with desk.uow(actor, write=True) as uow:
        item = _item(desk, uow, query_id)
        if not work.claim(uow, item.id):
            return False
        query = store.get(uow, query_id)
        assert query is not None
        if not store.move(uow, query, QueryState.CLAIMED):
            uow.rollback()
            return False
        uow.commit()
        return True


def release(desk: DeskService, query_id: str, actor: Actor, reason: str) -> bool:
    """Put one's claimed query back."""
    reason = check_text(reason, "reason", 500, multiline=True, required=True)
    with desk.uow(actor, write=True) as uow:
        item = _item(desk, uow, query_id)
        query = store.get(uow, query_id)
        assert query is not None
        if not work.release(uow, item.id, reason) or not store.move(uow, query, QueryState.QUEUED):
            uow.rollback()
            return False
        uow.commit()
        return True


def answer(desk: DeskService, query_id: str, actor: Actor, fix: Correction) -> dict[str, Any]:
    """``answer_iar`` as JSON (the web app's pages read the dictionary)."""
    return answer_iar(desk, query_id, actor, fix).to_json()


def answer_iar(desk: DeskService, query_id: str, actor: Actor, fix: Correction) -> IAR:
    """Send the analyst's answer for a query the analyst holds; returns the new IAR."""
    fix.check()
    now = desk.clock()
    iaq, header, draft, received = _held(desk, query_id, actor, now)
    made = _build(desk, iaq, header, draft, fix, received.date(), actor)
    iar, document = made.iar, made.document  # the typed IAR is what the caller gets
    person_id = iar.match.person_id
    with desk.uow(actor, write=True) as uow:
        query = store.get(uow, query_id)
        assert query is not None
        item = _item(desk, uow, query_id)
        moved = store.move(
            uow, query, QueryState.ANSWERED, answered_at=utc_iso(now), responded_at=utc_iso(now),
            response_ms=int((now - received).total_seconds() * 1000),
            iar_json=store.canonical_json(document), answered_by=actor.user_id,
            person_id=person_id,
        )  # fmt: skip
        if not moved or not work.complete(uow, item.id):
            raise BadInput("query", "the query changed meanwhile; reload it")
        store.add_response(uow, query_id, document, "analyst", actor.user_id)
        query_type = query.query_type
        uow.audit(
            EventType.IAR_SENT, object_type=OBJECT_TYPE, object_id=query_id,
            requesting_ori=iaq.ori, reason=fix.reason,
            details={"iar_id": header.iar_id, "automatic": False,
                     "status": document["status"]["code"], "person_id": person_id,
                     "corrected": fix.person_id is not None or fix.no_record
                     or fix.status_code is not None,
                     "possible_person_ids": [p.person_id for p in
                                             iar.match.possible_same_person]},
        )  # fmt: skip
        uow.commit()
    desk.notify_answered(query_id, query_type, iar)  # the vetting centre's intake, if any
    return iar


def preview(desk: DeskService, query_id: str, actor: Actor, fix: Correction) -> dict[str, Any]:
    """``preview_iar`` as JSON (the web app's pages read the dictionary)."""
    return preview_iar(desk, query_id, actor, fix).to_json()


def preview_iar(desk: DeskService, query_id: str, actor: Actor, fix: Correction) -> IAR:
    """The IAR ``answer`` would send now, built the same way, stored nowhere.

    The analyst sees exactly what the agency will receive before sending it; only the
    response time differs (it is fixed when the answer is sent).
    """
    fix.check()
    iaq, header, draft, received = _held(desk, query_id, actor, desk.clock())
    return _build(desk, iaq, header, draft, fix, received.date(), actor).iar


def _held(
    desk: DeskService, query_id: str, actor: Actor, now: Any
) -> tuple[IAQ, Header, dict[str, Any], Any]:
    """What an answer is built from, for a query the analyst holds (else ``BadInput``)."""
    with desk.uow(actor, read_only=True) as uow:
        query = store.get(uow, query_id)
        if query is None:
            raise NotFound.of("query", query_id)
        item = _item(desk, uow, query_id)
        if query.state != QueryState.CLAIMED or item.claimed_by != actor.user_id:
            raise BadInput("query", "claim the query before answering it")
        iaq = IAQ.model_validate_json(query.iaq_json)
        intake = json.loads(query.intake_json)
        draft = json.loads(query.draft_json or "{}")
        # The response time is fixed before the IAR is rendered, so the Nlets header and
        # the JSON carry the same one.
        header = Header(query.iar_id or store.new_id(), query.iaq_id, query.received_at,
                        utc_iso(now), {"aor": query.aor, "field_office": query.field_office},
                        tuple(intake["flags"]), tuple(intake["notes"]))  # fmt: skip
        received = parse_utc_iso(query.received_at)
    return iaq, header, draft, received


def _build(desk: DeskService, iaq: IAQ, header: Header, draft: dict[str, Any], fix: Correction,
           received: Any, actor: Actor) -> Assembled:  # fmt: skip
    resolution = resolution_of_draft(draft["resolution"])
    person = None if fix.no_record else (fix.person_id or resolution.person_id)
    try:
        done = review(
            question_of(iaq), desk.lookup(), resolution, person, received=received,
            policy=desk.policy,
        )  # fmt: skip
    except UnknownPerson as exc:
        raise BadInput("person_id", str(exc)) from None
    resolution, found, result, answer = done.resolution, done.found, done.assessment, done.answer
    assessed = result.to_iar_dict()
    if fix.status_code is not None:
        evidence = [{"source": src, "record_id": rid} for src, rid in resolution.records]
        summary = fix.status_summary
        assessed["status"] = {"code": fix.status_code, "summary": summary, "evidence": evidence}
        assessed["removability"] = {"assessment": "UNDETERMINED", "grounds": []}
        if answer.result == "IDENTITY_AND_STATUS":
            why = f"status {fix.status_code} set by an analyst: {summary}"
            answer = replace(answer, reason=why, evidence=tuple(evidence))
    match = match_part(resolution, confirmed_by=actor.username, possible=found.possible_records)
    return assemble(header, match, assessed, answer, state="ANSWERED", iaq=iaq)
