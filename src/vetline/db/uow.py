"""The unit of work: one transaction per command, rolled back unless committed.

Why a unit of work and not services that commit: an action and its audit record must
land together or not at all (CJIS AU-2/AU-9; the project's "no action without its audit
record"). Services receive a ``UnitOfWork``, change rows through ``uow.session``, record
what they did with ``uow.audit(...)`` and the caller decides with ``uow.commit()``.
Leaving the ``with`` block without committing rolls everything back, audit rows included.

Read-only is the default; writing is the explicit choice (``write=True``). Why: on SQLite
a writing unit holds the one writer lock from its first statement to its end, so a unit
that only reads but was opened for writing — an audit export streaming for minutes —
froze every other write meanwhile (issue 13 item 5: a user-list call waited 6.6 s). A
reading unit starts a plain snapshot transaction, takes no lock, and refuses ``audit`` and
``commit`` with an error that says to open it with ``write=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session

from vetline.actor import Actor
from vetline.db.base import utcnow
from vetline.db.engine import Database
from vetline.db.events import CarriedEvents, EventDraft, event_writer
from vetline.db.held import HeldConnection
from vetline.db.prebuilt import driver_sql

__all__ = ["Actor", "UnitOfWork"]  # Actor re-exported: it lived here before vetline.actor

SAVEPOINT = "vetline_unit_savepoint"
READ_ONLY_ERROR = (
    "this unit of work is read-only (the default) and cannot {what}: "
    "open it with UnitOfWork(..., write=True)"
)


class UnitOfWork:
    """A session plus the actor and clock every change and audit record is stamped with."""

    def __init__(
        self,
        database: Database,
        actor: Actor,
        *,
        clock: Callable[[], datetime] = utcnow,
        write: bool = False,
        read_only: bool | None = None,
        held: HeldConnection | None = None,
    ) -> None:
        """``held``: a writing unit runs its transaction on this long-lived connection and
        session (a writer thread's, ``vetline.db.held``) instead of a pooled session of its
        own; the transaction begins, commits and rolls back exactly as with its own."""
        self.database = database
        self.actor = actor
        self.clock = clock
        # ``read_only`` is the older spelling, still accepted: ``read_only=False`` writes.
        self.read_only = not write if read_only is None else read_only
        self._session: Session | None = None
        self._held = held if not self.read_only else None
        self._committed = False
        #: COMMIT was sent: from here a lost connection leaves the outcome unknown.
        self.committing = False
        self._events: list[EventDraft] = []
        self._carried: list[CarriedEvents] = []
        self._writer: AbstractContextManager[object] = nullcontext()

    def __enter__(self) -> UnitOfWork:
        if self.read_only:
            self._writer = nullcontext()
            self._session = self.database.readers()
        else:
            self._writer = self.database.one_writer()
            self._writer.__enter__()
            try:
                held = self._held
                self._session = held.session() if held is not None else self.database.sessions()
            except BaseException:
                self._writer.__exit__(None, None, None)
                raise
        self._committed = False
        self.committing = False
        self._events = []
        self._carried = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if self._held is not None:
                self._held.end(self._committed)
            elif not self._committed:
                session.rollback()
        finally:
            if self._held is None:
                session.close()
            self._session = None
            self._events = []
            self._carried = []
            self._writer.__exit__(None, None, None)

    @property
    def session(self) -> Session:
        """The open session; using it outside ``with`` is a programming error."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its 'with' block")
        return self._session

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.database.dialect

    def now(self) -> datetime:
        """The clock of this unit of work (tests pass a fixed one)."""
        return self.clock()

    def commit(self) -> None:
        """Make every change and audit record of this unit durable, together.

        The unit's audit events are appended to the chain here, as the last statements
        before COMMIT, by the installed event writer (``vetline.db.events``).
        """
        if self.read_only:
            raise RuntimeError(READ_ONLY_ERROR.format(what="commit"))
        events, self._events = self._events, []
        carried, self._carried = self._carried, []
        rows = event_writer().append(self.session, events) if events else []
        self.committing = True
        self.session.commit()
        self._committed = True
        for one in carried:
            one.written = True
        anchor = self.database.anchor
        if rows and anchor is not None:  # after COMMIT: a checkpoint of what is durable
            first, last = rows[0], rows[-1]
            anchor.record(int(first["seq"]) - 1, str(first["prev_hash"]), int(last["seq"]),
                          str(last["hash"]))  # fmt: skip

    def rollback(self) -> None:
        """Discard everything done so far, audit events included (the default on exit)."""
        self._events = []
        self._carried = []
        self.session.rollback()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: when the block raises, its statements and the audit events
        recorded in it are undone, the exception goes on, and the unit stays usable (the
        desk's group commit runs the case intake so: a failure there never takes back
        the IARs of the same transaction, issue 18).

        When the session holds no ORM objects (the group commit writes Core statements
        only) the savepoint is two plain statements: the ORM's nested transaction cost
        six times as much, per transaction of the desk. ORM objects loaded or added in
        the block are let go of when it fails (their rows were rolled back).
        """
        events, carried = len(self._events), len(self._carried)
        session = self.session
        try:
            if session.new or session.dirty or session.deleted or len(session.identity_map):
                with session.begin_nested():
                    yield
            else:
                with self._plain_savepoint():
                    yield
        except BaseException:
            del self._events[events:]
            del self._carried[carried:]
            raise

    @contextmanager
    def _plain_savepoint(self) -> Iterator[None]:
        session = self.session
        connection = session.connection()
        driver_sql(connection, f"SAVEPOINT {SAVEPOINT}")
        try:
            yield
        except BaseException:
            driver_sql(connection, f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
            driver_sql(connection, f"RELEASE SAVEPOINT {SAVEPOINT}")
            session.expunge_all()  # whatever the block loaded is no longer in the database
            raise
        driver_sql(connection, f"RELEASE SAVEPOINT {SAVEPOINT}")

    def include(self, carried: CarriedEvents | None) -> None:
        """Write events drafted before this unit (the API gate's) with it, if it commits."""
        if carried is None or carried.written or carried in self._carried:
            return
        if self.read_only:
            raise RuntimeError(READ_ONLY_ERROR.format(what="record audit events"))
        self._events.extend(carried.drafts)
        self._carried.append(carried)

    def audit(
        self,
        event_type: str,
        *,
        outcome: str = "success",
        object_type: str | None = None,
        object_id: str | None = None,
        reason: str | None = None,
        requesting_ori: str | None = None,
        purpose: str | None = None,
        details: Mapping[str, Any] | None = None,
        actor: Actor | None = None,
    ) -> EventDraft:
        """Record an audit event of this unit: written to the chain when it commits.

        Nothing reaches the log unless the unit commits, and everything the unit did
        reaches it together with its events (``commit`` appends them in the order they
        were recorded, under one lock of the chain head).
        """
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its 'with' block")
        if self.read_only:
            raise RuntimeError(READ_ONLY_ERROR.format(what="record audit events"))
        event = event_writer().draft(
            actor=actor or self.actor,
            at=self.now(),
            event_type=event_type,
            outcome=outcome,
            object_type=object_type,
            object_id=object_id,
            reason=reason,
            requesting_ori=requesting_ori,
            purpose=purpose,
            details=details,
        )
        self._events.append(event)
        return event
