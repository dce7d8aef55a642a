"""Engine factory: one URL decides SQLite (default) or PostgreSQL (psycopg 3).

SQLite needs three things to behave like a server database under concurrent writers:
WAL (readers never block the writer), a busy timeout (writers queue instead of failing),
and ``BEGIN IMMEDIATE`` (a transaction takes the write lock when it starts, so two
transactions can never both read the audit-chain head and then both try to extend it —
the upgrade-deadlock SQLite otherwise reports as "database is locked").
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from vetline.db.prebuilt import driver_sql
from vetline.errors import BadInput
from vetline.settings import sqlite_url

SQLITE_BUSY_TIMEOUT_S = 30.0
SUPPORTED_DRIVERS = ("sqlite", "postgresql+psycopg")
READ_ONLY_OPTION = "vetline_read_only"


def database_url(data_dir: Path, url: str | None = None) -> str:
    """``url`` if given, else SQLite at ``<data>/vetline.db``.

    No environment read here: ``$VETLINE_DATABASE_URL`` is read once, at the entry point,
    into ``vetline.settings.Settings`` (``Settings.resolved_database_url``).
    """
    return url or sqlite_url(data_dir)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; refuses drivers the code is not tested against."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with the URL in it
        raise BadInput("database_url", "not a valid SQLAlchemy URL") from exc
    driver = parsed.drivername
    if driver not in SUPPORTED_DRIVERS:
        raise BadInput(
            "database_url",
            f"driver {driver!r} not supported; use one of {', '.join(SUPPORTED_DRIVERS)}",
        )
    if driver == "sqlite":
        return _sqlite_engine(url, echo=echo)
    return create_engine(url, echo=echo, pool_pre_ping=True, future=True)


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" hook below (pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A read-only unit reads a snapshot and takes no write lock (see Database.readers).
        # On the DBAPI cursor: every transaction begins here, and ``exec_driver_sql``'s
        # execution context cost several times the statement (issue 18).
        readonly = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        driver_sql(conn, "BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


class WriterLock:
    """A re-entrant lock across the threads of this process and, through ``flock`` on a
    file beside the database, across processes.

    ``flock`` locks belong to an open file, which all threads of a process share, so the
    threads first queue on an in-process lock; the kernel then queues the processes and
    wakes the next one when the holder releases (or dies: a killed process's locks go
    with it, so a crash never leaves the database locked).
    """

    def __init__(self, path: Path | None) -> None:
        self._threads = threading.RLock()
        self._path = path
        self._fd: int | None = None
        self._finalizer: weakref.finalize[[int], WriterLock] | None = None
        self._depth = 0

    def __enter__(self) -> WriterLock:
        self._threads.acquire()
        try:
            if self._depth == 0 and self._path is not None:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                    # closed with the lock even when nobody calls ``close`` (a Database
                    # dropped without ``dispose``): no descriptor outlives its lock
                    self._finalizer = weakref.finalize(self, os.close, self._fd)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1
        return self

    def __exit__(self, *_: object) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        """Close the lock file (when no unit holds it)."""
        with self._threads:
            if self._fd is not None and self._depth == 0:
                if self._finalizer is not None:
                    self._finalizer()
                self._fd = None
                self._finalizer = None


class ChainAnchor(Protocol):
    """Something that records each commit's segment of the audit chain outside the
    database (``vetline.audit.anchor.AnchorLog``); set on a :class:`Database` by the edge
    that knows the key (``vetline serve``, the CLI)."""

    def record(self, prev_seq: int, prev_hash: str, seq: int, digest: str) -> None: ...


class Database:
    """An engine and its session factories: the one handle services receive.

    ``sessions`` for units that may write; ``readers`` for units that only read, which on
    SQLite start a plain (deferred) transaction instead of ``BEGIN IMMEDIATE`` and so
    neither wait for nor hold up the writer.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: Checkpoints of the audit chain outside the database, when the caller set one.
        self.anchor: ChainAnchor | None = None
        self.sessions: sessionmaker[Session] = sessionmaker(
            bind=engine, expire_on_commit=False, autoflush=True
        )
        self.readers: sessionmaker[Session] = sessionmaker(
            bind=engine.execution_options(**{READ_ONLY_OPTION: True}),
            expire_on_commit=False,
            autoflush=False,
        )
        self._writer: AbstractContextManager[object] = nullcontext()
        if self.dialect == "sqlite":
            file = make_url(str(engine.url)).database
            on_disk = file not in (None, "", ":memory:")
            self._writer = WriterLock(Path(f"{file}.writer") if on_disk else None)

    def one_writer(self) -> AbstractContextManager[object]:
        """Held by a writing unit of work from start to end on SQLite; nothing on PostgreSQL.

        Every SQLite write transaction here is ``BEGIN IMMEDIATE``, so writing units run
        one at a time anyway; what this lock changes is how a unit waits for its turn.
        Without it the waiter sits in SQLite's busy handler, which sleeps 1, 2, 5 … 100 ms
        between polls: under a burst of IAQs the tail latency was hundreds of
        milliseconds while the database was free most of the time. A unit blocked on
        this lock wakes the moment the previous one ends, in this process or another
        (``vetline serve --workers``).
        """
        return self._writer

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Open (not migrate) the database at ``url``."""
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``: for the few places SQL differs."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close pooled connections and the writer lock file (tests and shutdown)."""
        self.engine.dispose()
        if isinstance(self._writer, WriterLock):
            self._writer.close()
