"""``DeskService.submit``: the one path from a query body to a stored, audited IAR.

API (``POST /v1/iaq``) and CLI (``vetline query``) both call it. Order, and why:

1. ``accept`` (pure intake); a refusal is audited in its own transaction, then raised.
2. The query is inserted as RECEIVED and committed, with its audit event, before any
   work: an acknowledged query can never be lost, and a crash leaves a RECEIVED row that
   :meth:`DeskService.recover` answers at the next start. ``(ori, iaq_id)`` is unique, so a
   resubmission returns the stored IAR instead of a second query.
3. Resolve, fetch records (and parents), assess as of the encounter date (else the
   receipt date), decide per query type (``answers.decide``) — no transaction is open
   meanwhile.
4. One transaction moves the query RECEIVED → ANSWERED or QUEUED (compare-and-set), stores
   the IAR version, enqueues the analyst work item when queued, and audits.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vetline.audit.events import EventType, Outcome
from vetline.auth.errors import Forbidden, NotFound
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import work
from vetline.db.base import parse_utc_iso, utc_iso, utcnow
from vetline.db.engine import Database
from vetline.db.uow import Actor, UnitOfWork
from vetline.desk.iaq import IAQ
from vetline.desk.intake import Form, Intake, accept
from vetline.desk.nlets_iar import agency_view
from vetline.desk.ori import AgencyDirectory, shipped_agencies
from vetline.desk.problems import InvalidQuery
from vetline.desk.service import store
from vetline.desk.service.answers import decide
from vetline.desk.service.assessing import assess_found, to_subject
from vetline.desk.service.iar import Header, assemble, interim, match_part
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.lookup import PersonLookup
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.triage import triage
from vetline.errors import BadInput
from vetline.status import Policy, load_policy

QUEUE = "iaq"
OBJECT_TYPE = "desk_query"


class DeskUnavailable(Exception):
    """The person index cannot be used (not built yet): queries are kept, not answered."""


@dataclass(frozen=True)
class Submission:
    """What ``submit`` returns: the IAR (full, internal), its query, and whether it is new."""

    query_id: str
    state: QueryState
    iar: dict[str, Any] | None
    created: bool

    def view(self, scope: RowScope) -> dict[str, Any] | None:
        """The IAR as the caller may see it."""
        return None if self.iar is None else view_for(self.iar, scope)


def view_for(iar: dict[str, Any], scope: RowScope) -> dict[str, Any]:
    """ICE staff (all rows, or their AOR) see the whole IAR; anyone else the agency view."""
    return iar if scope.kind in (ScopeKind.ALL, ScopeKind.OWN_AOR) else agency_view(iar)


class DeskService:
    """The query desk: holds the database, the person lookup (lazy) and the policy."""

    def __init__(
        self,
        database: Database,
        lookup: PersonLookup | Callable[[], PersonLookup],
        *,
        policy: Policy | None = None,
        directory: AgencyDirectory | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self._lookup = lookup if isinstance(lookup, PersonLookup) else None
        self._factory = None if isinstance(lookup, PersonLookup) else lookup
        self._lock = threading.Lock()
        self.policy = policy or load_policy()
        self.directory = directory or shipped_agencies()
        self.clock = clock

    def lookup(self) -> PersonLookup:
        """The person lookup, opened on first use (``DeskUnavailable`` when it cannot be)."""
        if self._lookup is None:
            with self._lock:
                if self._lookup is None:
                    assert self._factory is not None
                    try:
                        self._lookup = self._factory()
                    except (BadInput, OSError, ValueError) as exc:  # missing or stale index
                        raise DeskUnavailable(str(exc)) from exc
        return self._lookup

    def uow(self, actor: Actor) -> UnitOfWork:
        return UnitOfWork(self.database, actor, clock=self.clock)

    # -- intake --------------------------------------------------------------------------

    def submit(
        self, body: str | bytes, actor: Actor, scope: RowScope, *, form: Form | None = None
    ) -> Submission:
        """Accept, store, answer one query body; see the module docstring for the order."""
        received = self.clock()
        try:
            intake = accept(body, received=received.date(), directory=self.directory, form=form)
        except InvalidQuery as exc:
            self._refused(actor, exc, form)
            raise
        if scope.kind is not ScopeKind.ALL and not (
            scope.kind is ScopeKind.OWN_ORI and scope.value == intake.iaq.ori
        ):
            self._refused(actor, BadInput("ori", "not the ORI of this account"), form)
            raise Forbidden("an agency may only send queries under its own ORI")
        query_id, row = self._store(intake, actor, received)
        if row is not None:  # new: answer from the row in hand (no second read)
            return self._answer(row, actor, created=True)
        return self.process(query_id, actor)

    def _refused(self, actor: Actor, exc: BadInput, form: Form | None) -> None:
        errors = exc.errors if isinstance(exc, InvalidQuery) else [
            {"field": exc.field, "problem": exc.problem}
        ]  # fmt: skip
        with self.uow(actor) as uow:
            uow.audit(
                EventType.IAQ_REFUSED,
                outcome=Outcome.FAILURE,
                object_type=OBJECT_TYPE,
                reason=str(exc),
                requesting_ori=actor.ori,
                details={"errors": errors[:20], "form": form.value if form else None},
            )
            uow.commit()

    def _store(
        self, intake: Intake, actor: Actor, received: datetime
    ) -> tuple[str, DeskQuery | None]:
        """Insert the query as RECEIVED and commit; returns its id and, when new, its row."""
        iaq = intake.iaq
        canonical = store.canonical_json(iaq.to_json())
        iaq_id = iaq.iaq_id or f"Q{uuid.uuid4().hex[:15].upper()}"
        if iaq.iaq_id is None:
            canonical = store.canonical_json({**iaq.to_json(), "iaq_id": iaq_id})
        how = triage(iaq)
        route = intake.routing.route
        row = DeskQuery(
            id=store.new_id(),
            iaq_id=iaq_id,
            ori=iaq.ori,
            query_type=iaq.query_type.value,
            form=intake.form.value,
            state=QueryState.RECEIVED.value,
            iaq_json=canonical,
            iaq_hash=store.digest(store.canonical_json(iaq.to_json() | {"iaq_id": iaq_id})),
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
        with self.uow(actor) as uow:
            existing = store.find_by_client_id(uow, iaq.ori, iaq_id)
            if existing is None:
                try:  # the unique key decides a race: the loser's flush fails, it reads the winner
                    uow.session.add(row)
                    uow.session.flush()
                    uow.audit(
                        EventType.IAQ_RECEIVED,
                        object_type=OBJECT_TYPE,
                        object_id=row.id,
                        requesting_ori=iaq.ori,
                        purpose=iaq.purpose.value if iaq.purpose else None,
                        details={
                            "iaq_id": iaq_id, "query_type": row.query_type, "form": row.form,
                            "flags": list(intake.flags), "aor": row.aor, "priority": how.label,
                        },
                    )  # fmt: skip
                    uow.commit()
                    return row.id, row
                except IntegrityError:
                    uow.rollback()
                    existing = store.find_by_client_id(uow, iaq.ori, iaq_id)
            if existing is None:  # pragma: no cover - the unique key says it exists
                raise RuntimeError("idempotency key collision without a row")
            if existing.iaq_hash != row.iaq_hash:
                raise BadInput("iaq_id", "already used by this ORI for a different query")
            return existing.id, None

    # -- answering -----------------------------------------------------------------------

    def process(self, query_id: str, actor: Actor, *, created: bool = False) -> Submission:
        """Answer a RECEIVED query (no-op returning the stored IAR when already answered)."""
        with self.uow(actor) as uow:
            query = store.get(uow, query_id)
            if query is None:
                raise NotFound(f"no query {query_id}")
            if query.state != QueryState.RECEIVED:
                return _submission(query, created)
            uow.session.expunge(query)  # keep its loaded values past this read-only unit
        return self._answer(query, actor, created=created)

    def _answer(self, query: DeskQuery, actor: Actor, *, created: bool) -> Submission:
        """Resolve, assess, decide, and store the IAR of the RECEIVED ``query`` (a loaded row)."""
        query_id = query.id
        iaq = IAQ.model_validate_json(query.iaq_json)
        intake = json.loads(query.intake_json)
        received = parse_utc_iso(query.received_at)
        header = Header(
            iar_id=query.iar_id or store.new_id(),
            iaq_id=query.iaq_id,
            received_at=query.received_at,
            responded_at="",
            routing={"aor": query.aor, "field_office": query.field_office},
            intake_flags=tuple(intake["flags"]),
            notes=tuple(intake["notes"]),
        )
        found = self.lookup().find(to_subject(iaq.subject))
        result = assess_found(found, iaq, received.date(), self.policy)
        level = found.resolution.level
        decision = decide(iaq.query_type, level, result, found.rows, fin=iaq.subject.fin)
        now = self.clock()
        header = replace(header, responded_at=utc_iso(now))
        engine = result.to_iar_dict()
        assessed = engine if decision.automatic else interim(engine, decision.queue_reasons)
        state = QueryState.ANSWERED if decision.automatic else QueryState.QUEUED
        iar = assemble(
            header, match_part(found.resolution), assessed, decision.answer,
            state=state.name, iaq=iaq,
        )  # fmt: skip
        draft = {
            "resolution": found.resolution.to_json(),
            "assessment": result.to_dict(),
            "answer": decision.answer.to_dict(),
            "queue_reasons": list(decision.queue_reasons),
        }
        with self.uow(actor) as uow:
            elapsed = int((now - received).total_seconds() * 1000)
            moved = store.move(
                uow, query, state,
                responded_at=header.responded_at,
                answered_at=header.responded_at if decision.automatic else None,
                response_ms=elapsed if decision.automatic else None,
                automatic=decision.automatic,
                match_level=level.value,
                person_id=found.resolution.person_id,
                queue_reasons=json.dumps(list(decision.queue_reasons)),
                draft_json=store.canonical_json(draft),
                iar_json=store.canonical_json(iar),
            )  # fmt: skip
            if not moved:  # another worker answered it meanwhile: theirs stands
                uow.rollback()
                again = store.get(uow, query_id)
                assert again is not None
                return _submission(again, created)
            store.add_response(
                uow, query_id, iar, "automatic" if decision.automatic else "interim", actor.user_id
            )
            if not decision.automatic:
                work.enqueue(
                    uow, QUEUE, OBJECT_TYPE, query_id,
                    priority=query.priority, ori=query.ori, aor=query.aor,
                )  # fmt: skip
            uow.audit(
                EventType.IAR_SENT if decision.automatic else EventType.IAQ_QUEUED,
                object_type=OBJECT_TYPE,
                object_id=query_id,
                requesting_ori=query.ori,
                details={
                    "iar_id": header.iar_id, "automatic": decision.automatic,
                    "match_level": level.value, "person_id": found.resolution.person_id,
                    "status": iar["status"]["code"], "flags": iar["flags"],
                    "answer": decision.answer.result, "queue_reasons": list(decision.queue_reasons),
                    "aor": query.aor,
                },
            )  # fmt: skip
            uow.commit()
        return Submission(query_id, state, iar, created)

    def recover(self, actor: Actor | None = None) -> int:
        """Answer every query left RECEIVED by a crash; returns how many."""
        who = actor or Actor.system("desk-recovery")
        with self.uow(who) as uow:
            pending = list(
                uow.session.scalars(
                    select(DeskQuery.id)
                    .where(DeskQuery.state == QueryState.RECEIVED.value)
                    .order_by(DeskQuery.priority, DeskQuery.received_at)
                )
            )
        for query_id in pending:
            self.process(query_id, who)
        return len(pending)

    # -- reading -------------------------------------------------------------------------

    def get_iar(self, iar_id: str, actor: Actor, scope: RowScope) -> dict[str, Any]:
        """The current IAR ``iar_id`` if the caller's scope covers it (else ``NotFound``)."""
        with self.uow(actor) as uow:
            query = uow.session.scalar(store.visible(scope).where(DeskQuery.iar_id == iar_id))
            if query is None or query.iar_json is None:
                raise NotFound(f"no IAR {iar_id!r}")
            uow.audit(
                EventType.IAR_VIEWED, object_type="iar", object_id=iar_id,
                requesting_ori=query.ori,
            )  # fmt: skip
            uow.commit()
            return view_for(json.loads(query.iar_json), scope)

    def list_iars(self, actor: Actor, scope: RowScope, limit: int = 100) -> list[dict[str, Any]]:
        """The caller's most recent queries with their state (scope applied in the query)."""
        with self.uow(actor) as uow:
            rows = uow.session.scalars(
                store.visible(scope)
                .order_by(DeskQuery.received_at.desc())
                .limit(max(1, min(limit, 500)))
            ).all()
            return [
                {
                    "iar_id": q.iar_id, "iaq_id": q.iaq_id, "ori": q.ori,
                    "query_type": q.query_type, "state": q.state.upper(),
                    "received_at": q.received_at, "responded_at": q.responded_at,
                    "aor": q.aor,
                }
                for q in rows
            ]  # fmt: skip


def _submission(query: DeskQuery, created: bool) -> Submission:
    iar = json.loads(query.iar_json) if query.iar_json else None
    return Submission(query.id, QueryState(query.state), iar, created)
