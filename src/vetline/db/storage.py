"""Is this failure a full disk? One answer for SQLite, PostgreSQL and plain files.

Why here: a full disk is not a bug (500) but a condition the server must report as
"unavailable, nothing written, retry" (503) and ``/healthz`` must show (issue 13 item 7).
The errors differ per layer: ``OSError`` ENOSPC/EDQUOT for files (the anchor, the record
store), SQLite's ``SQLITE_FULL`` ("database or disk is full"), PostgreSQL's class 53
(insufficient resources: 53100 disk full).
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from vetline.db.engine import Database

SQLITE_FULL = 13
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps) says the storage is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in FULL_ERRNOS:
            return True
        if getattr(current, "sqlite_errorcode", None) == SQLITE_FULL:
            return True
        if "database or disk is full" in str(current):
            return True
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith("53"):
            return True
        current = current.orig if isinstance(current, DBAPIError) else current.__cause__
    return False


def disk_free(path: Path) -> int:
    """Free bytes on the file system holding ``path`` (its nearest existing parent)."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def sqlite_room(database: Database) -> int | None:
    """Pages an SQLite database may still grow by under ``max_page_count`` (None elsewhere)."""
    if database.dialect != "sqlite":
        return None
    with database.engine.connect() as conn:
        used = int(conn.execute(text("PRAGMA page_count")).scalar() or 0)
        limit = int(conn.execute(text("PRAGMA max_page_count")).scalar() or 0)
    return max(0, limit - used)
