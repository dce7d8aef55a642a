"""Engine factory: one URL decides SQLite (default) or PostgreSQL (psycopg 3).

SQLite needs three things to behave like a server database under concurrent writers:
WAL (readers never block the writer), a busy timeout (writers queue instead of failing),
and ``BEGIN IMMEDIATE`` (a transaction takes the write lock when it starts, so two
transactions can never both read the audit-chain head and then both try to extend it —
the upgrade-deadlock SQLite otherwise reports as "database is locked").
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from vetline.errors import BadInput

DATABASE_URL_ENV = "VETLINE_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_S = 30.0
SUPPORTED_DRIVERS = ("sqlite", "postgresql+psycopg")


def database_url(data_dir: Path, url: str | None = None) -> str:
    """``url`` if given, else ``$VETLINE_DATABASE_URL``, else SQLite at ``<data>/vetline.db``."""
    chosen = url or os.environ.get(DATABASE_URL_ENV)
    if chosen:
        return chosen
    return f"sqlite:///{(data_dir / 'vetline.db').resolve()}"


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
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """An engine and its session factory: the one handle services receive."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = sessionmaker(
            bind=engine, expire_on_commit=False, autoflush=True
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Open (not migrate) the database at ``url``."""
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``: for the few places SQL differs."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close pooled connections (tests and shutdown)."""
        self.engine.dispose()
