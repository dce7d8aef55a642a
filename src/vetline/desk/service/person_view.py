"""What an analyst reads about a queued query's persons: their full source records.

Why here and not in a page handler: a person's records are the most sensitive read the
desk serves, so it is one service function (the web app and any API route call the same
one), it is row-scoped through the query (``store.visible``), it only opens persons the
engine put in front of the analyst for that query (the match, the candidates, the
possibly-same persons: never an arbitrary person id), and every read is audited
(``RECORDS_VIEWED``, with the record keys shown) in the same transaction.
"""

from __future__ import annotations

import json
from typing import Any

from vetline.audit.events import EventType
from vetline.auth.errors import NotFound
from vetline.auth.roles import RowScope
from vetline.db.uow import Actor
from vetline.desk.service import store
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.service import OBJECT_TYPE, DeskService

#: Records shown per person (a person with more is named as cut, never silently).
MAX_RECORDS = 200


def persons_of_draft(draft: dict[str, Any]) -> list[str]:
    """The persons the engine put in front of the analyst, match first."""
    resolution = draft.get("resolution") or {}
    ids = [resolution.get("person_id")]
    ids += [c.get("person_id") for c in resolution.get("candidates", [])]
    ids += list(resolution.get("possible", []))
    ids += list((draft.get("possible_records") or {}).keys())
    return [p for p in dict.fromkeys(ids) if p]


def person_records(
    desk: DeskService, query_id: str, person_id: str | None, actor: Actor, scope: RowScope
) -> dict[str, Any]:
    """The source records of ``person_id`` (default: the draft's match) for ``query_id``."""
    with desk.uow(actor, read_only=True) as uow:
        query = uow.session.scalar(store.visible(scope).where(DeskQuery.id == query_id))
        if query is None:
            raise NotFound.of("query", query_id)
        draft = json.loads(query.draft_json or "{}")
        ori = query.ori
    persons = persons_of_draft(draft)
    wanted = person_id or (persons[0] if persons else None)
    if wanted is None:
        return {"person_id": None, "records": [], "persons": persons, "cut": 0}
    if wanted not in persons:
        raise NotFound(f"person {wanted!r} is not among this query's candidates")
    lookup = desk.lookup()
    keys = lookup.keys_of(wanted) or []
    rows = lookup.store.fetch(keys[:MAX_RECORDS]) if keys else []
    with desk.uow(actor, write=True) as uow:
        uow.audit(
            EventType.RECORDS_VIEWED, object_type=OBJECT_TYPE, object_id=query_id,
            requesting_ori=ori,
            details={"person_id": wanted, "records": [f"{s}|{r}" for s, r in keys[:MAX_RECORDS]]},
        )  # fmt: skip
        uow.commit()
    return {
        "person_id": wanted,
        "records": rows,
        "persons": persons,
        "cut": max(0, len(keys) - MAX_RECORDS),
    }


def report_source_error(
    desk: DeskService, query_id: str, record: str, problem: str, actor: Actor, scope: RowScope
) -> None:
    """An analyst's report that a source record is wrong, kept in the audit trail.

    The record must be one shown for this query (a key ``source|record_id`` of one of its
    persons); the source system's owners work from the audit search
    (``event_type=SOURCE_ERROR_REPORTED``). Nothing in the record store changes: a
    correction arrives through the next extract.
    """
    from vetline.errors import BadInput

    text = problem.strip()
    if not text:
        raise BadInput("problem", "say what is wrong with the record")
    if len(text) > 1000:
        raise BadInput("problem", "at most 1000 characters")
    source, _, record_id = record.partition("|")
    if not source or not record_id:
        raise BadInput("record", "give the record as source|record_id")
    with desk.uow(actor, read_only=True) as uow:
        query = uow.session.scalar(store.visible(scope).where(DeskQuery.id == query_id))
        if query is None:
            raise NotFound.of("query", query_id)
        draft = json.loads(query.draft_json or "{}")
        ori = query.ori
    lookup = desk.lookup()
    shown = {f"{s}|{r}" for pid in persons_of_draft(draft) for s, r in (lookup.keys_of(pid) or [])}
    if record not in shown:
        raise BadInput("record", "not a record of this query's persons")
    with desk.uow(actor, write=True) as uow:
        uow.audit(
            EventType.SOURCE_ERROR_REPORTED, object_type="record", object_id=record,
            requesting_ori=ori, reason=text, details={"query_id": query_id, "source": source},
        )  # fmt: skip
        uow.commit()
