"""Persistence for the trust layer and everything after it (accounts, audit, work queues).

Edit here: the engine factory (``engine.py``), the unit of work that owns every
transaction (``uow.py``), migrations (``migrations/versions/``, one file per change, chained
by ``down_revision``), the generic work-item claim (``work.py``) the desk's queue reuses, and
the group commit (``batch.py``) that lets many request threads share one write transaction,
the one connection its writer thread keeps between transactions (``held.py``), the
statements it runs in every transaction compiled once and sent to the DBAPI cursor
(``prebuilt.py``),
the port through which a unit of work's audit events are written (``events.py``: the
audit trail installs its writer; persistence imports nothing above it), the column
conventions every table follows (``base.py``), running the shipped migrations
(``migrate.py``), "is this a full disk?" (``storage.py``), ``vetline db`` and the
console's way into a data folder's database (``cli.py``) and the throwaway PostgreSQL
server of the tests and benchmarks (``pgserver.py``). The engine reads no environment:
its URL comes from ``vetline.settings.Settings``, built by the entry point.
Domain tables live with their domain (``vetline.auth.models``, ``vetline.audit.models``);
they all share :class:`Base`; the top-level ``vetline.tables`` imports them all for one
metadata (schema tests, autogenerate).
"""

from __future__ import annotations

from vetline.db.base import Base, utc_iso, utcnow
from vetline.db.engine import Database, database_url, make_engine
from vetline.db.migrate import current_revision, upgrade
from vetline.db.uow import Actor, UnitOfWork

__all__ = [
    "Actor",
    "Base",
    "Database",
    "UnitOfWork",
    "current_revision",
    "database_url",
    "make_engine",
    "upgrade",
    "utc_iso",
    "utcnow",
]
