"""``DeskService.submit``: the one path from a query body to a stored, audited IAR.

API (``POST /v1/iaq``) and CLI (``vetline query``) both call it. Order, and why:

1. ``accept`` (pure intake); a refusal is audited in its own transaction, then raised.
2. The person core works the query out (``vetline.person.work_out``): resolve, fetch
   records (and parents, and the records of possibly-same persons, whose ids go into the
   draft and the audit event), assess as of the encounter date (else the receipt date),
   decide per query type — reads only, no transaction open. The desk adds the IAR, the
   row's values and the audit details.
3. ONE transaction stores the query in its answered (or queued) state with its IAR
   version, the analyst work item when queued, and both audit events (received, then
   sent or queued); it commits before ``submit`` returns, so nothing is acknowledged
   that is not durable, and a crash before the commit leaves nothing half-done: the
   sender, never acknowledged, resends (idempotent by ``iaq_id``). The transaction is
   the group commit's (``self.writes``): queries that arrive while one is being written
   are written together in the next, one lock turn and one fsync for all of them, which
   is what lets the desk keep up with bursts (bench/README.md).
   ``(ori, iaq_id)`` is unique: a resubmission's row is skipped (``ON CONFLICT DO
   NOTHING``) and the stored IAR returned instead (not a second query; the same id for
   a different query is refused), and of two racing submissions one wins.
   Resubmissions are rare, so they pay for the work of step 2 rather than every query
   paying for a look-up first.

When the person index cannot be used (not built yet), the query is stored RECEIVED and
``DeskUnavailable`` raised (HTTP 503: kept, not answered); :meth:`DeskService.recover`
answers such rows at the next start, moving them RECEIVED → ANSWERED/QUEUED by
compare-and-set.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from functools import partial
from typing import Any

from vetline.audit.events import EventType, Outcome
from vetline.audit.writer import CarriedEvents
from vetline.auth.errors import Forbidden
from vetline.auth.principal import Principal
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db.uow import Actor
from vetline.desk.iar_model import IAR
from vetline.desk.intake import Form, Intake, accept
from vetline.desk.problems import InvalidQuery
from vetline.desk.service import reading, store
from vetline.desk.service.answering import DeskAnswering, DeskUnavailable
from vetline.desk.service.hook import AnsweredHook
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.submission import Submission
from vetline.desk.service.working import stored_submission
from vetline.desk.service.writing import (
    OBJECT_TYPE,
    QUEUE,
    Answered,
    CredentialChanged,
    Duplicate,
    Worked,
    received_event,
)
from vetline.errors import BadInput

__all__ = [
    "OBJECT_TYPE",
    "QUEUE",
    "Answered",
    "AnsweredHook",
    "CredentialChanged",
    "DeskService",
    "DeskUnavailable",
    "Submission",
    "Worked",
]


class DeskService(DeskAnswering):
    """The query desk: the submit path and the row-scoped reads (module docstring), over
    its state and answering (``DeskAnswering``: the lookup, the writer, ``process``)."""

    # -- intake --------------------------------------------------------------------------

    def submit(
        self,
        body: str | bytes,
        actor: Actor,
        scope: RowScope,
        *,
        form: Form | None = None,
        carried: CarriedEvents | None = None,
        credential: Principal | None = None,
    ) -> Submission:
        """Accept, store, answer one query body; see the module docstring for the order.

        ``carried``: audit events drafted before (the API gate's), written by the first
        unit here that commits. ``credential``: the API-token caller the gate let through,
        checked again where the query is stored (``CredentialChanged`` when the token no
        longer authenticates it: nothing stored).
        """
        received = self.clock()
        try:
            intake = self._accept(body, scope, form, received)
        except (InvalidQuery, Forbidden) as exc:
            self._refuse(actor, exc, form, carried)
            raise
        job = self._prepare(intake, actor, received, carried, credential)
        try:
            stored = self.writes.run(job)
        except Duplicate:
            return self._winner(job.row, actor, carried)
        if job.wanted and not stored.followed:
            self.notify_answered(job.row.id, job.row.query_type, job.worked.iar, job)
        return job.worked.submission(job.row.id, created=True)

    async def submit_async(
        self,
        body: str | bytes,
        actor: Actor,
        scope: RowScope,
        *,
        form: Form | None = None,
        carried: CarriedEvents | None = None,
        credential: Principal | None = None,
    ) -> Submission:
        """``submit`` for the event loop (``POST /v1/iaq``): the same steps, no thread hops.

        Working a query out is CPU only (the index and records are in memory), so it runs
        on the loop itself; the loop waits for the group commit without blocking. Handing
        each request to a thread and back cost more CPU than the desk's own write, and
        threads taking turns at the GIL made the tail latency (bench/README.md). The rare
        paths that write on their own (a refusal, a resubmission, the index not loaded
        yet) still run in a thread.
        """
        if self._lookup is None:  # first use opens the index: seconds, not for the loop
            call = partial(self.submit, form=form, carried=carried, credential=credential)
            return await asyncio.to_thread(call, body, actor, scope)
        received = self.clock()
        # This query's job is on its way: a batch the writer takes meanwhile waits for it
        # (``GroupCommit.expect``): under load, several IAQs share one transaction.
        expected = self.writes.expect()
        try:
            try:
                intake = self._accept(body, scope, form, received)
            except (InvalidQuery, Forbidden) as exc:
                expected.abandon()  # before the refusal's thread: nothing waits for it
                await asyncio.to_thread(self._refuse, actor, exc, form, carried)
                raise
            job = self._prepare(intake, actor, received, carried, credential)
        except BaseException:
            expected.abandon()  # no job will come (a no-op when already abandoned)
            raise
        try:
            stored = await self.writes.run_async(job, expected)
        except Duplicate:
            return await asyncio.to_thread(self._winner, job.row, actor, carried)
        if job.wanted and not stored.followed:  # rare (done in the transaction): a thread
            await asyncio.to_thread(
                self.notify_answered, job.row.id, job.row.query_type, job.worked.iar, job
            )
        return job.worked.submission(job.row.id, created=True)

    def _accept(
        self, body: str | bytes, scope: RowScope, form: Form | None, received: datetime
    ) -> Intake:
        """The validated query, if the caller may send it (nothing written)."""
        intake = accept(body, received=received.date(), directory=self.directory, form=form)
        if scope.kind is not ScopeKind.ALL and not (
            scope.kind is ScopeKind.OWN_ORI and scope.value == intake.iaq.ori
        ):
            raise Forbidden("an agency may only send queries under its own ORI")
        return intake

    def _refuse(
        self, actor: Actor, exc: Exception, form: Form | None, carried: CarriedEvents | None
    ) -> None:
        """Audit a refused query body (malformed, or under another ORI)."""
        if isinstance(exc, InvalidQuery):
            self._refused(actor, exc, form, carried)
        else:
            self._refused(actor, BadInput("ori", "not the ORI of this account"), form, carried)

    def _prepare(
        self,
        intake: Intake,
        actor: Actor,
        received: datetime,
        carried: CarriedEvents | None,
        credential: Principal | None = None,
    ) -> Answered:
        """Work out an accepted query: the row to insert already answered (or queued).

        The index unavailable: the query is stored RECEIVED and ``DeskUnavailable`` raised.
        """
        row = self._new_row(intake, received)
        try:
            lookup = self.lookup()
        except DeskUnavailable:
            self._store(intake, actor, row, carried)  # kept RECEIVED, answered by ``recover``
            raise
        worked = self._work_out(row, lookup, intake)
        for name, value in worked.values.items():
            setattr(row, name, value)
        row.state = worked.state.value
        wanted = self._wanted(row.query_type, worked)
        return Answered(intake, row, worked, actor, carried, wanted=wanted, credential=credential)

    def _refused(
        self,
        actor: Actor,
        exc: BadInput,
        form: Form | None,
        carried: CarriedEvents | None = None,
        object_id: str | None = None,
    ) -> None:
        errors = exc.errors if isinstance(exc, InvalidQuery) else [
            {"field": exc.field, "problem": exc.problem}
        ]  # fmt: skip
        with self.uow(actor, write=True) as uow:
            uow.include(carried)
            uow.audit(
                EventType.IAQ_REFUSED,
                outcome=Outcome.FAILURE,
                object_type=OBJECT_TYPE,
                object_id=object_id,
                reason=str(exc),
                requesting_ori=actor.ori,
                details={"errors": errors[:20], "form": form.value if form else None},
            )
            uow.commit()

    def _resubmitted(
        self, found: DeskQuery, row: DeskQuery, actor: Actor, carried: CarriedEvents | None
    ) -> Submission:
        """The stored query's answer, after checking the resubmission is the same query.

        Both outcomes are audited with the object's id (issue 13 item 4): a refusal (same
        ``iaq_id``, different content) as ``IAQ_REFUSED``, and returning the stored IAR —
        a read of person data like any other — as ``IAR_VIEWED``.
        """
        if found.iaq_hash != row.iaq_hash:
            refusal = BadInput("iaq_id", "already used by this ORI for a different query")
            self._refused(actor, refusal, Form(row.form), carried, object_id=found.id)
            raise refusal
        if found.state == QueryState.RECEIVED:  # stored while the index was unavailable
            return self.process(found.id, Actor.system("desk-recovery"))
        with self.uow(actor, write=True) as uow:
            uow.include(carried)
            uow.audit(
                EventType.IAR_VIEWED, object_type="iar", object_id=found.iar_id,
                requesting_ori=found.ori,
                details={"query_id": found.id, "iaq_id": found.iaq_id, "resubmission": True},
            )  # fmt: skip
            uow.commit()
        return stored_submission(found, created=False)

    def _winner(
        self, row: DeskQuery, actor: Actor | None = None, carried: CarriedEvents | None = None
    ) -> Submission:
        """After losing the race on ``(ori, iaq_id)``: the winner's answer."""
        with self.uow(Actor.system("desk-idempotency"), read_only=True) as uow:
            found = store.find_by_client_id(uow, row.ori, row.iaq_id)
            if found is None:  # pragma: no cover - the unique key says it exists
                raise RuntimeError("idempotency key collision without a row")
            uow.session.expunge(found)
        return self._resubmitted(found, row, actor or Actor.system("desk-idempotency"), carried)

    def _store(
        self, intake: Intake, actor: Actor, row: DeskQuery, carried: CarriedEvents | None = None
    ) -> str:
        """Insert the query as RECEIVED and commit (the index is unavailable); its id."""
        with self.uow(actor, write=True) as uow:
            if row.id not in store.insert_new_queries(uow, [row]):  # (ori, iaq_id) stored
                uow.rollback()
                return self._winner(row, actor).query_id
            uow.include(carried)
            received_event(uow, intake, row, actor)
            uow.commit()
        return row.id

    # -- reading -------------------------------------------------------------------------

    def get_iar(self, iar_id: str, actor: Actor, scope: RowScope) -> IAR:
        """The current IAR ``iar_id`` if the caller's scope covers it (else ``NotFound``)."""
        with self.uow(actor, write=True) as uow:
            return reading.get_iar(uow, iar_id, scope)

    def iaq_as_sent(self, iar_id: str, actor: Actor, scope: RowScope) -> tuple[str, str] | None:
        """The query ``iar_id`` answers as its agency sent it, and its form (``reading``)."""
        with self.uow(actor, read_only=True) as uow:
            return reading.iaq_as_sent(uow, iar_id, scope)

    def list_iars(self, actor: Actor, scope: RowScope, limit: int = 100) -> list[dict[str, Any]]:
        """The caller's most recent queries with their state (scope applied in the query)."""
        with self.uow(actor, read_only=True) as uow:
            return reading.list_iars(uow, scope, limit)
