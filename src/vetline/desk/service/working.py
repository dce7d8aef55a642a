"""A query's row as received, and its working-out into an IAR and the row's new values.

The pure half of ``DeskService``'s answering (no transaction, no audit): ``new_row`` makes
the row an accepted query is stored as (ids, canonical IAQ, triage), ``work_out_row``
runs the person core on it (``vetline.person.work_out``) and builds the desk's IAR, the
row's answered (or queued) values and the sent/queued audit details. Both the new-query
path (``submit``) and a RECEIVED row's answer (``process``, ``recover``) use them, so the
two cannot drift. Its own module so that ``service.py`` keeps only the ordering of the
steps and their transactions.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime

from vetline.db.base import parse_utc_iso, utc_iso
from vetline.desk.iaq import IAQ
from vetline.desk.iar_model import IAR
from vetline.desk.intake import Intake
from vetline.desk.service import store
from vetline.desk.service.iar import Header, assemble, interim, match_part
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.question import question_of
from vetline.desk.service.submission import Submission
from vetline.desk.service.triage import triage
from vetline.desk.service.writing import Worked
from vetline.person import PersonLookup, work_out
from vetline.status import Policy


def new_row(intake: Intake, received: datetime) -> DeskQuery:
    """The query's row as received (not yet added to any session)."""
    iaq = intake.iaq
    iaq_id = iaq.iaq_id or f"Q{uuid.uuid4().hex[:15].upper()}"
    canonical = store.canonical_json({**iaq.to_json(), "iaq_id": iaq_id})
    how = triage(iaq)
    route = intake.routing.route
    return DeskQuery(
        id=store.new_id(),
        iaq_id=iaq_id,
        ori=iaq.ori,
        query_type=iaq.query_type.value,
        form=intake.form.value,
        state=QueryState.RECEIVED.value,
        iaq_json=canonical,
        iaq_hash=store.digest(canonical),
        iaq_raw=intake.text or None,
        intake_json=store.canonical_json(
            {
                "flags": intake.flags,
                "notes": intake.notes,
                "routing_basis": intake.routing.basis,
            }
        ),
        aor=route.aor_code if route else None,
        field_office=route.field_office if route else None,
        priority=how.priority,
        received_at=utc_iso(received),
        due_at=utc_iso(received + how.due_in),
        iar_id=store.new_id(),
    )


def work_out_row(
    query: DeskQuery,
    lookup: PersonLookup,
    *,
    policy: Policy,
    clock: Callable[[], datetime],
    intake: Intake | None = None,
) -> Worked:
    """Resolve, assess and decide the RECEIVED ``query``: the IAR and the row's new values.

    Reads only (the index, the records, the policy): no transaction is open meanwhile.
    ``intake``: the query as just accepted (else read back from the stored row).
    ``clock``: the desk's, read once the person core has answered (the response time).
    """
    if intake is not None:
        iaq, flags, notes = intake.iaq, tuple(intake.flags), tuple(intake.notes)
        if iaq.iaq_id != query.iaq_id:  # the id the desk gave a query sent without one
            iaq = iaq.model_copy(update={"iaq_id": query.iaq_id})
    else:
        iaq = IAQ.model_validate_json(query.iaq_json)
        stored = json.loads(query.intake_json)
        flags, notes = tuple(stored["flags"]), tuple(stored["notes"])
    received = parse_utc_iso(query.received_at)
    outcome = work_out(question_of(iaq), lookup, received=received.date(), policy=policy)
    found, result, decision = outcome.found, outcome.assessment, outcome.decision
    level = found.resolution.level
    now = clock()
    header = Header(
        iar_id=query.iar_id or store.new_id(),
        iaq_id=query.iaq_id,
        received_at=query.received_at,
        responded_at=utc_iso(now),
        routing={"aor": query.aor, "field_office": query.field_office},
        intake_flags=flags,
        notes=notes,
    )
    engine = result.to_iar_dict()
    assessed = engine if decision.automatic else interim(engine, decision.agency_reasons)
    state = QueryState.ANSWERED if decision.automatic else QueryState.QUEUED
    made = assemble(
        header, match_part(found.resolution, possible=found.possible_records), assessed,
        decision.answer, state=state.name, iaq=iaq,
    )  # fmt: skip
    elapsed = int((now - received).total_seconds() * 1000)
    document = made.document  # the one JSON form: stored, and sent by the API
    iar_json = store.document_json(document)
    values = {
        "iar_id": header.iar_id,
        "responded_at": header.responded_at,
        "answered_at": header.responded_at if decision.automatic else None,
        "response_ms": elapsed if decision.automatic else None,
        "automatic": decision.automatic,
        "match_level": level.value,
        "person_id": found.resolution.person_id,
        "queue_reasons": json.dumps(list(decision.queue_reasons)),
        "draft_json": store.document_json(outcome.draft()),
        "iar_json": iar_json,
    }
    event = {
        "iar_id": header.iar_id, "automatic": decision.automatic,
        "match_level": level.value, "person_id": found.resolution.person_id,
        "status": document["status"]["code"], "flags": document["flags"],
        "answer": decision.answer.result, "queue_reasons": list(decision.queue_reasons),
        "aor": query.aor, "possible_person_ids": outcome.possible_ids,
        "possible_unread": list(found.possible_unread),
    }  # fmt: skip
    return Worked(state, made.iar, iar_json, values, event, outcome, document)


def stored_submission(query: DeskQuery, created: bool) -> Submission:
    """What ``submit`` returns for a query already stored (a resubmission, a recovered row)."""
    iar = IAR.model_validate_json(query.iar_json) if query.iar_json else None
    return Submission(query.id, QueryState(query.state), iar, created)
