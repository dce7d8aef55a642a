"""Opening cases: automatically when the desk finalises an actionable IAR, by an officer for
any answered IAQ, and by the sweep (``vetline cases intake``) for anything the first two
missed. The officer's and the sweep's call ``open_case``, which re-runs the person core
(``working.py``) so no path skips the identity and citizenship checks; the automatic one
uses the working-out the IAR itself was built from, inside the desk's own transaction
(``intake_batch``, issue 18), or after its commit through ``open_case`` when that could
not be done there. Every path writes the same rows (``case_values`` and its siblings).

One open case per person and encounter (the unique ``open_key``): a second IAR for the same
person at the same encounter attaches to the open case. A citizenship sign opens a
citizenship review at once (a claim whose claimant is the records themselves).

Edit here: which IARs open a case by themselves (``wants``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from vetline.auth.errors import NotFound
from vetline.db.base import utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.desk.iaq import IAQ
from vetline.desk.iar_model import IAR
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.writing import Answered
from vetline.errors import BadInput
from vetline.person import Outcome
from vetline.vetting import claims
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import CaseIAR, ChecklistItem, RecordMark, VettingCase
from vetline.vetting.service import VettingService, dumps, new_id, number
from vetline.vetting.states import CaseState
from vetline.vetting.working import ITEMS, checklist_found, iaq_of, outcome_for, record_keys
from vetline.vocab import ENFORCEMENT_ACTIONS, Action, IdentityBasis, MatchLevel, QueryType

log = logging.getLogger(__name__)
ACTIONABLE = frozenset({*(a.value for a in ENFORCEMENT_ACTIONS), Action.CITIZENSHIP_REVIEW.value})


def wants(query_type: str, iar: IAR | Mapping[str, Any] | None) -> str | None:
    """Why a finalised IAR opens a case by itself (issue 15 item 1), or ``None``.

    ``iar``: the desk's typed IAR (the ``on_answered`` port), or a stored IAR's JSON (the
    sweep); one that does not read as an IAR opens nothing.
    """
    if iar is None:
        return None
    if not isinstance(iar, IAR):
        try:
            iar = IAR.model_validate(iar)
        except ValidationError:
            return None
    if iar.state == "QUEUED":  # not final: the analyst's answer comes later
        return None
    match = iar.match
    if match.level is MatchLevel.POSITIVE and (
        query_type == QueryType.BIOMETRIC or match.basis is IdentityBasis.BIOMETRIC
    ):
        return "biometric IAR with a POSITIVE match"
    action = iar.recommendation.action.value if iar.recommendation is not None else None
    if action in ACTIONABLE:
        return f"IAR recommends {action}"
    return None


class CaseIntake:
    """The desk's port for finalised IARs: ``DeskService.on_answered`` calls it.

    ``wants`` is pure and cheap (runs for every IAR on the desk's path); ``__call__`` opens
    the case. A failure here never undoes the IAR already sent: it is logged and the sweep
    (``vetline cases intake``) opens the case later.
    """

    def __init__(self, svc: VettingService) -> None:
        self.svc = svc

    def wants(self, query_type: str, iar: IAR) -> bool:
        return wants(query_type, iar) is not None

    def in_transaction(self, uow: UnitOfWork, answered: Sequence[Answered]) -> set[str]:
        """Open or attach the cases of automatic IARs inside the desk's own transaction
        (``intake_batch``); the query ids done. The others come to ``__call__`` after
        the commit."""
        from vetline.vetting.intake_batch import open_in_transaction

        return open_in_transaction(uow, answered, Actor.system("vetting-intake"))

    def __call__(self, query_id: str, query_type: str, iar: IAR, answered: Any = None) -> None:
        why = wants(query_type, iar)
        if why is None:
            return
        # The desk's just-written row and the person core's outcome its IAR was built
        # from (``AnsweredHook``): the same checks, not run a second time.
        row, outcome = (answered.row, answered.worked.outcome) if answered else (None, None)
        try:
            open_case(
                self.svc, query_id, Actor.system("vetting-intake"), via="AUTOMATIC",
                reason=why, query=row, outcome=outcome,
            )  # fmt: skip
        except Exception:
            log.exception("case intake failed for query %s (the sweep will retry)", query_id)


def open_case(
    svc: VettingService,
    query_id: str,
    actor: Actor,
    *,
    via: str,
    reason: str,
    query: DeskQuery | None = None,
    outcome: Outcome | None = None,
) -> dict[str, Any]:
    """Open (or attach to) the case for answered query ``query_id``; its summary.

    ``query`` and ``outcome``: the row the desk has just committed and the person core's
    working-out its IAR was built from (the automatic intake); otherwise both are read
    and worked out here.
    """
    if not reason.strip():
        raise BadInput("reason", "say why the case is opened")
    if query is None or query.id != query_id:
        with svc.uow(actor, read_only=True) as uow:
            query = uow.session.get(DeskQuery, query_id)
            if query is None:
                raise NotFound(f"no query {query_id!r}")
            uow.session.expunge(query)
        outcome = None
    if query.state != QueryState.ANSWERED:
        raise BadInput("query_id", f"the query is {query.state.upper()}, not answered yet")
    if outcome is None:
        outcome = outcome_for(svc, query)  # the same checks on every path
    for attempt in (1, 2):
        try:
            return _write(svc, query, outcome, actor, via, reason)
        except IntegrityError:  # a racing intake opened it first: attach on the retry
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _write(
    svc: VettingService, query: DeskQuery, outcome: Outcome, actor: Actor, via: str, reason: str
) -> dict[str, Any]:
    iaq = iaq_of(query)
    key, encounter, person = case_keys(query, iaq, outcome)
    now = utc_iso(svc.now())
    with svc.uow(actor) as uow:
        known = uow.session.scalar(select(CaseIAR.case_id).where(CaseIAR.query_id == query.id))
        if known is not None:
            return {"case_id": known, "created": False, "attached": False}
        found = uow.session.scalar(select(VettingCase).where(VettingCase.open_key == key))
        if found is not None:
            uow.session.add(CaseIAR(**attach_values(found.id, query, now)))
            uow.audit(**attached_event(found.id, query, iaq, via))
            uow.commit()
            return {"case_id": found.id, "created": False, "attached": True}
        values = case_values(query, iaq, outcome, key, encounter, via, reason, actor, now)
        case = VettingCase(**values)
        uow.session.add(case)
        uow.session.flush()
        uow.session.add(CaseIAR(**attach_values(case.id, query, now)))
        uow.session.add_all(ChecklistItem(**row) for row in checklist_rows(case.id, outcome, iaq))
        uow.session.add_all(RecordMark(**row) for row in mark_rows(case.id, outcome))
        uow.audit(**opened_event(values, query, iaq, outcome, via, reason, person))
        if case.citizenship_sign:
            claims.open_review(
                uow,
                case,
                "RECORDS",
                None,
                "the records carry a sign of U.S. citizenship",
                actor,
                svc.settings.claim_hours,
            )
        uow.commit()
        return {"case_id": case.id, "created": True, "attached": False, "number": case.number}


def date_of(query: DeskQuery) -> Any:
    from datetime import date

    return date.fromisoformat(query.received_at[:10])


def attach_values(case_id: str, query: DeskQuery, now: str) -> dict[str, Any]:
    """The ``vetting_case_iars`` row attaching ``query``'s IAR to case ``case_id``."""
    return {"id": new_id(), "case_id": case_id, "query_id": query.id, "iar_id": query.iar_id,
            "attached_at": now, "amended_at": None}  # fmt: skip


def checklist_rows(case_id: str, outcome: Outcome, iaq: IAQ) -> list[dict[str, Any]]:
    """A new case's checklist lines, each PENDING with what the engine found."""
    found_items = checklist_found(outcome, iaq)
    return [
        {
            "id": new_id(),
            "case_id": case_id,
            "item": item,
            "state": "PENDING",
            "found_json": dumps(found_items[item]),
            "version": 1,
        }
        for item in ITEMS
    ]


def mark_rows(case_id: str, outcome: Outcome) -> list[dict[str, Any]]:
    """A new case's records, each waiting for the officer's mark."""
    return [
        {"id": new_id(), "case_id": case_id, "source": source, "record_id": record_id}
        for source, record_id in record_keys(outcome.found)
    ]


def attached_event(case_id: str, query: DeskQuery, iaq: IAQ, via: str) -> dict[str, Any]:
    """``uow.audit`` arguments of CASE_ATTACHED."""
    return {"event_type": VettingEvent.CASE_ATTACHED, "object_type": "case", "object_id": case_id,
            "requesting_ori": iaq.ori, "details": {"query_id": query.id, "via": via}}  # fmt: skip


def opened_event(
    case: dict[str, Any],
    query: DeskQuery,
    iaq: IAQ,
    outcome: Outcome,
    via: str,
    reason: str,
    person: str | None,
) -> dict[str, Any]:
    """``uow.audit`` arguments of CASE_OPENED for the new case's columns ``case``."""
    return {
        "event_type": VettingEvent.CASE_OPENED,
        "object_type": "case",
        "object_id": case["id"],
        "requesting_ori": iaq.ori,
        "reason": reason,
        "details": {
            "query_id": query.id,
            "via": via,
            "person_id": person,
            "citizenship_sign": case["citizenship_sign"],
            "match_level": case["match_level"],
            "identity_basis": case["identity_basis"],
            "possible_person_ids": outcome.possible_ids,
        },
    }


def case_values(
    query: DeskQuery,
    iaq: IAQ,
    outcome: Outcome,
    key: str,
    encounter: str,
    via: str,
    reason: str,
    actor: Actor,
    now: str,
    working_json: str | None = None,
) -> dict[str, Any]:
    """The columns of a new case (the ORM path here and the desk's batched intake in
    ``intake_batch`` build the same row). ``working_json``: the person core's working
    as the desk already stored it (``draft_json``), else serialised here."""
    from vetline.vetting.working import citizenship_sign, protected_sign

    res, a = outcome.found.resolution, outcome.assessment
    custody = iaq.custody
    release = custody.release_date if custody else None
    return {
        "id": new_id(),
        "number": number("VC"),
        "state": CaseState.OPEN.value,
        "open_key": key,
        "person_id": res.person_id if res.level is not MatchLevel.NO_RECORD else None,
        "encounter": encounter,
        "ori": iaq.ori,
        "aor": query.aor,
        "field_office": query.field_office,
        "opened_via": via,
        "opened_reason": reason[:200],
        "opened_at": now,
        "opened_by": actor.username,
        "query_id": query.id,
        "match_level": res.level.value,
        "identity_basis": str(res.basis),
        "recommendation": a.recommendation.action.value,
        "citizenship_sign": citizenship_sign(a),
        "protected_status": protected_sign(a),
        "in_custody": bool(custody and custody.in_custody),
        "criminal_arrest": bool(iaq.charges),
        "facility_ori": (custody.facility_ori if custody else None) or iaq.ori,
        "expected_release": f"{release.isoformat()}T00:00:00.000000Z" if release else None,
        "subject_json": dumps(iaq.subject.model_dump(mode="json")),
        "working_json": working_json if working_json is not None else dumps(outcome.draft()),
        "checklist_version": 1,
        "updated_at": now,
    }


def case_keys(query: DeskQuery, iaq: IAQ, outcome: Outcome) -> tuple[str, str, str | None]:
    """``(open_key, encounter, person_id)``: one open case per person and encounter."""
    res = outcome.found.resolution
    person = res.person_id if res.level is not MatchLevel.NO_RECORD else None
    encounter = f"{iaq.ori}|{outcome.question.as_of(date_of(query))}"
    return (f"{person}|{encounter}" if person else f"query|{query.id}"), encounter, person


def sweep(svc: VettingService, actor: Actor, limit: int = 10_000) -> list[dict[str, Any]]:
    """Open a case for every answered, actionable query that has none (idempotent)."""
    with svc.uow(actor, read_only=True) as uow:
        rows = uow.session.execute(
            select(DeskQuery.id, DeskQuery.query_type, DeskQuery.iar_json)
            .where(
                DeskQuery.state == QueryState.ANSWERED.value,
                ~exists().where(CaseIAR.query_id == DeskQuery.id),
            )
            .order_by(DeskQuery.received_at)
            .limit(limit)
        ).all()
    opened = []
    for query_id, query_type, iar_json in rows:
        why = wants(query_type, json.loads(iar_json) if iar_json else None)
        if why is not None:
            opened.append(open_case(svc, query_id, actor, via="SWEEP", reason=why))
    return opened
