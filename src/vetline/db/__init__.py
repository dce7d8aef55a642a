"""Persistence for the trust layer and everything after it (accounts, audit, work queues).

Edit here: the engine factory (``engine.py``), the unit of work that owns every
transaction (``uow.py``), migrations (``migrations/versions/``, one file per change, chained
by ``down_revision``), the generic work-item claim (``work.py``) the desk's queue reuses, and
the group commit (``batch.py``) that lets many request threads share one write transaction.
Domain tables live with their domain (``vetline.auth.models``, ``vetline.audit.models``);
they all share :class:`Base` so Alembic and tests see one metadata.
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
