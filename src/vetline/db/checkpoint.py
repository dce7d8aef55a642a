"""WAL checkpoints taken beside the desk's writer instead of inside its commits.

Why (issue 18 goal 1, bench/README.md round 9): with SQLite's automatic checkpoint, the
connection whose COMMIT takes the WAL past ``wal_autocheckpoint`` pages copies the WAL
back into the database before that COMMIT returns, with the writer lock still held: the
batch it belongs to is acknowledged late and the other worker's writer waits. And the
more often the WAL is checkpointed, the more often the same hot pages (index right
edges, the audit chain's head) are copied: each checkpoint copies every page written
since the last one, once.

A :class:`Checkpointer` is a thread with its own connection that, every ``interval``
seconds, copies what the WAL holds into the database (``PRAGMA wal_checkpoint(PASSIVE)``)
while the writers go on; SQLite's ``sqlite3`` module lets go of the GIL while it does, so
the event loop runs meanwhile. A passive checkpoint never waits and never makes anyone
wait, so with writes arriving all the time it rarely catches the WAL's very end, and
SQLite starts the WAL over from its beginning only once everything in it was copied: a
WAL that is never caught up grows without bound. So once the WAL holds ``restart_pages``
frames, the thread finishes the copy holding the writer lock (``Database.one_writer``):
what is left is what came in during the passive pass, a few transactions; the next
writer then starts the WAL over.

Durability does not change: a COMMIT is durable when its frames are fsynced in the WAL
(``synchronous=FULL``), checkpoint or not; a checkpoint interrupted by a crash is
repeated from the WAL at the next start (SQLite's design). The connections keep an
automatic checkpoint as a backstop (``engine.WAL_AUTOCHECKPOINT_PAGES``) for when no
checkpointer runs, as in the CLI, or when one falls behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

from vetline.db.engine import SQLITE_BUSY_TIMEOUT_S, Database

log = logging.getLogger("vetline.db")

#: Seconds between passive checkpoints.
INTERVAL_S = 0.5
#: WAL frames past which a checkpoint is finished under the writer lock.
RESTART_PAGES = 4000


class Checkpointer:
    """One thread checkpointing one SQLite database's WAL off the writers' path.

    ``passes`` and ``finished`` count passive checkpoints and those finished under the
    writer lock (for tests and benches)."""

    def __init__(
        self,
        database: Database,
        *,
        interval: float = INTERVAL_S,
        restart_pages: int = RESTART_PAGES,
        name: str = "wal-checkpoint",
    ) -> None:
        self.database = database
        self.interval = interval
        self.restart_pages = restart_pages
        self._name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0
        self.finished = 0

    @staticmethod
    def wanted(database: Database) -> bool:
        """Only an SQLite database in a file has a WAL to checkpoint."""
        if database.dialect != "sqlite":
            return False
        return make_url(str(database.engine.url)).database not in (None, "", ":memory:")

    def start(self) -> None:
        """Start the thread (again after ``stop``, or in a forked child)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the thread after its current checkpoint."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        thread.join(timeout)

    def _run(self) -> None:
        path = make_url(str(self.database.engine.url)).database
        assert path is not None
        try:
            db = sqlite3.connect(Path(path), timeout=SQLITE_BUSY_TIMEOUT_S,
                                 isolation_level=None, check_same_thread=False)  # fmt: skip
        except sqlite3.Error as exc:
            log.warning("WAL checkpointer: cannot open %s (%s); automatic checkpoints only",
                        path, exc)  # fmt: skip
            return
        try:
            db.execute("PRAGMA synchronous=FULL")  # the database file is fsynced as now
            db.execute("PRAGMA wal_autocheckpoint=0")  # this connection never writes
            while not self._stop.wait(self.interval):
                self.checkpoint(db)
        finally:
            db.close()

    def checkpoint(self, db: sqlite3.Connection) -> None:
        """One pass: a passive checkpoint, finished under the writer lock once the WAL
        holds ``restart_pages`` frames."""
        try:
            _, frames, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.passes += 1
            if frames >= self.restart_pages:
                with self.database.one_writer():
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                self.finished += 1
        except sqlite3.Error as exc:  # the next pass tries again; the backstop remains
            log.warning("WAL checkpointer: %s", exc)
        else:
            log.debug("WAL checkpoint: %d of %d frames", copied, frames)
