"""One database connection and session a writer thread keeps for its whole life.

Why (issue 18 goal 1): the desk's group commit writes one transaction per batch, and at
the rates the desk sees a batch is one or two IAQs. Opening a session, checking a
connection out of the pool (on PostgreSQL with its pre-ping round trip), resetting it
on the way back and closing the session again cost about as much CPU as the statements
of the transaction themselves. A writer thread that keeps one connection and one
session skips all of that; the transaction boundaries stay exactly as they were: the
unit of work begins a transaction on it, commits it (audit rows included) or rolls it
back, and nothing is acknowledged before its COMMIT returned.

What it must not do is carry trouble from one transaction into the next:

* a transaction that did not commit is rolled back, and whatever ORM objects it loaded
  are let go of, so the next unit starts clean;
* a connection the driver reports lost (``connection_invalidated``), or one whose
  rollback failed, is thrown away and the next unit opens a new one; the group commit
  runs a batch once more when its connection was found lost before COMMIT was sent
  (``vetline.db.batch``), as the pool's pre-ping would have replaced it;
* a process forked after the connection was opened never uses the parent's (a socket
  or SQLite handle must not be shared across processes): it opens its own.

Only the thread that owns it uses it (the group commit's writer thread): there is no
lock here.
"""

from __future__ import annotations

import logging
import os

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from vetline.db.engine import Database

log = logging.getLogger("vetline.db")

#: A parent's connection and session found in a forked child: kept referenced, never
#: closed or collected here (either would talk on the parent's socket or file handle).
_PARENTS: list[object] = []

__all__ = ["HeldConnection"]


class HeldConnection:
    """A connection and a session on it, opened on first use and kept between units."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._connection: Connection | None = None
        self._session: Session | None = None
        self._pid = 0
        #: How many connections were opened (the first one included): tests, the bench.
        self.opened = 0

    def session(self) -> Session:
        """The session for the next unit of work (a transaction begins on first use)."""
        connection = self._connection
        pid = os.getpid()
        if connection is None or connection.invalidated or connection.closed or self._pid != pid:
            return self._open()
        assert self._session is not None
        return self._session

    def end(self, committed: bool) -> None:
        """After a unit: roll back what did not commit, forget its ORM objects.

        A rollback that fails, or a connection the driver lost, leaves nothing to reuse:
        the connection is closed and the next unit opens a new one.
        """
        session, connection = self._session, self._connection
        if session is None or connection is None:
            return
        try:
            if not committed or session.in_transaction():
                session.rollback()
            if session.identity_map:
                session.expunge_all()
        except Exception:
            self.close()
            raise
        if connection.invalidated:
            self.close()

    def close(self) -> None:
        """Close the session and give the connection back (the writer thread ends)."""
        session, connection = self._session, self._connection
        self._session = self._connection = None
        if connection is None:
            return
        if self._pid != os.getpid():  # the parent's: not ours to close
            _PARENTS.append((session, connection))
            return
        for closing in (session, connection):
            if closing is None:
                continue
            try:
                closing.close()
            except Exception:  # a broken connection: nothing left to give back
                log.warning("closing the writer's connection failed", exc_info=True)

    def _open(self) -> Session:
        self.close()
        connection = self.database.engine.connect()
        self._connection = connection
        self._session = self.database.sessions(bind=connection)
        self._pid = os.getpid()
        self.opened += 1
        return self._session
