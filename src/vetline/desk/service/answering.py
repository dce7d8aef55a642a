"""The desk's state and how it answers a query row: the base of ``DeskService``.

``DeskService`` (``service.py``) is the submit path — intake, refusals, resubmissions, a
query kept RECEIVED, the row-scoped reads — and the order of its transactions. What it
stands on lives here: the database and the lazily opened person lookup, the unit of work
on the desk's clock, the group commit's writer with the ``on_answered`` hook it runs in
the same transaction (``hook.py``), a row's working-out (``working.py``) and the answer of
a RECEIVED row (``process``; ``recover`` at start-up). The vetting centre, the queue and
the operations pages reach these through ``DeskService``; nothing imports this class
but ``service.py``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select

from vetline.auth.errors import NotFound
from vetline.db.base import utcnow
from vetline.db.batch import GroupCommit
from vetline.db.engine import Database
from vetline.db.uow import Actor, UnitOfWork
from vetline.desk.iar_model import IAR
from vetline.desk.intake import Intake, accept
from vetline.desk.ori import AgencyDirectory, shipped_agencies
from vetline.desk.service import store
from vetline.desk.service.hook import AnsweredHook
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.submission import Submission
from vetline.desk.service.working import new_row, stored_submission, work_out_row
from vetline.desk.service.writing import Answered, Stored, Worked, record, write_answered
from vetline.errors import BadInput
from vetline.person import PersonLookup
from vetline.status import Policy

log = logging.getLogger(__name__)
#: A well-formed ORI for the warm-up query (never stored).
WARM_UP_ORI = "CA0194200"


class DeskUnavailable(Exception):
    """The person index cannot be used (not built yet): queries are kept, not answered."""


class DeskAnswering:
    """The query desk's state (database, person lookup (lazy), policy, clock, writer) and
    its answering of a query row; ``DeskService`` adds the submit path and the reads."""

    def __init__(
        self,
        database: Database,
        lookup: PersonLookup | Callable[[], PersonLookup],
        *,
        policy: Policy,
        directory: AgencyDirectory | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self._lookup = lookup if isinstance(lookup, PersonLookup) else None
        self._factory = None if isinstance(lookup, PersonLookup) else lookup
        self._lock = threading.Lock()
        self.policy = policy  # built once at the edge (serve, CLI, tests): issue 12 item 7
        self.directory = directory or shipped_agencies()
        self.clock = clock
        #: Told of every finalised IAR (``AnsweredHook``); None: nobody listens.
        self.on_answered: AnsweredHook | None = None
        self.writes: GroupCommit[Answered, Stored] = GroupCommit(
            database, self._write_batch, actor=Actor.system("desk-writer"), clock=clock,
            name="desk-writer",
        )  # fmt: skip

    def close(self) -> None:
        """Write what is queued and stop the writer thread (shutdown, tests)."""
        self.writes.close()

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

    @property
    def loaded(self) -> bool:
        """The person lookup is open (the first query does not load it)."""
        return self._lookup is not None

    def replace_lookup(self, lookup: PersonLookup) -> None:
        """Serve from ``lookup`` from now on (a new index generation, issue 18); queries
        in flight keep the lookup they took."""
        with self._lock:
            self._lookup = lookup

    def warm_up(self) -> None:
        """Work out one made-up query without storing anything.

        The first query of a process otherwise pays the lazy imports and first-call
        costs of intake, assessment and the IAR (open-loop p99 200–470 ms without a
        warm-up, 29–80 ms with one: bench/README.md).
        """
        lookup = self.lookup()
        subject = {"last_name": "WARMUP", "dob": "1980-01-01"}
        first = lookup.known_given_name()  # a made-up one would load the name library
        if first:
            subject["first_name"] = first
        body = {
            "query_type": "IAQ", "ori": WARM_UP_ORI, "subject": subject,
            "encounter": {"state": "CA", "county_fips": "06037"},
        }  # fmt: skip
        received = self.clock()
        intake = accept(json.dumps(body), received=received.date(), directory=self.directory)
        self._work_out(self._new_row(intake, received), lookup, intake)

    def uow(
        self, actor: Actor, *, write: bool = False, read_only: bool | None = None
    ) -> UnitOfWork:
        """A unit of work on the desk's clock: read-only (no writer lock) unless ``write``."""
        return UnitOfWork(self.database, actor, clock=self.clock, write=write, read_only=read_only)

    def _wanted(self, query_type: str, worked: Worked) -> bool:
        hook = self.on_answered
        return (
            hook is not None
            and worked.state is QueryState.ANSWERED
            and hook.wants(query_type, worked.iar)
        )

    def notify_answered(
        self,
        query_id: str,
        query_type: str,
        iar: IAR,
        answered: Answered | None = None,
    ) -> None:
        """Tell the hook of a committed, final IAR (the analyst's answer calls this too).

        ``answered``: the job just written, when the IAR is the desk's automatic one.
        """
        hook = self.on_answered
        if hook is not None and hook.wants(query_type, iar):
            if answered is None:
                hook(query_id, query_type, iar)
            else:
                hook(query_id, query_type, iar, answered)

    def _write_batch(self, uow: UnitOfWork, jobs: Sequence[Answered]) -> list[Stored | Exception]:
        """The group commit's writer: the queries (``write_answered``), then, in the same
        transaction, what the ``on_answered`` hook does with the automatic IARs it wants
        (``AnsweredHook.in_transaction``) under a savepoint, so that a failure there never
        takes back an IAR: those jobs go to the hook after the commit instead."""
        outcomes = write_answered(uow, jobs)
        wanted = [job for job, out in zip(jobs, outcomes, strict=True)
                  if job.wanted and not isinstance(out, Exception)]  # fmt: skip
        followed = self._follow(uow, wanted) if wanted else set()
        return [out if isinstance(out, Exception) else Stored(out, out in followed)
                for out in outcomes]  # fmt: skip

    def _follow(self, uow: UnitOfWork, jobs: Sequence[Answered]) -> set[str]:
        hook = self.on_answered
        act = getattr(hook, "in_transaction", None)
        if act is None:
            return set()
        try:
            with uow.savepoint():
                done = act(uow, jobs)
        except Exception:  # the IARs stand: the hook is told after the commit instead
            log.exception("on_answered in the desk's transaction failed; told after the commit")
            return set()
        return {query_id for query_id in done if isinstance(query_id, str)}

    def _new_row(self, intake: Intake, received: datetime) -> DeskQuery:
        """The query's row as received (``working.new_row``)."""
        return new_row(intake, received)

    def _work_out(self, query: DeskQuery, lookup: PersonLookup, intake: Intake | None = None
                  ) -> Worked:  # fmt: skip
        """``working.work_out_row`` on the desk's policy and clock (reads only)."""
        return work_out_row(query, lookup, policy=self.policy, clock=self.clock, intake=intake)

    # -- answering a stored row ------------------------------------------------------------

    def process(self, query_id: str, actor: Actor, *, created: bool = False) -> Submission:
        """Answer a RECEIVED query (no-op returning the stored IAR when already answered)."""
        with self.uow(actor, read_only=True) as uow:
            query = store.get(uow, query_id)
            if query is None:
                raise NotFound.of("query", query_id)
            if query.state != QueryState.RECEIVED:
                return stored_submission(query, created)
            uow.session.expunge(query)  # keep its loaded values past this read-only unit
        worked = self._work_out(query, self.lookup())
        with self.uow(actor, write=True) as uow:
            moved = store.move(uow, query, worked.state, **worked.values)
            if not moved:  # another worker answered it meanwhile: theirs stands
                uow.rollback()
                again = store.get(uow, query_id)
                assert again is not None
                return stored_submission(again, created)
            record(uow, query, worked, version=None)
            uow.commit()
        if self._wanted(query.query_type, worked):
            self.notify_answered(query_id, query.query_type, worked.iar)
        return worked.submission(query_id, created=created)

    def recover(self, actor: Actor | None = None) -> int:
        """Answer every query left RECEIVED by a crash; returns how many."""
        who = actor or Actor.system("desk-recovery")
        with self.uow(who, read_only=True) as uow:
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
