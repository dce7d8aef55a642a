"""The WAL checkpointer beside the writer (``vetline.db.checkpoint``): it keeps the WAL
from growing while writers never stop, and leaves a whole database.

Why: with checkpoints taken off the commit path, a passive checkpoint rarely catches
the WAL's end under continuous writes, and SQLite starts the WAL over only when it did;
the checkpointer finishes under the writer lock for that. A WAL that never starts over
grows without bound, which is what this test would see.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text

from vetline.db import Database
from vetline.db.checkpoint import Checkpointer
from vetline.db.engine import WAL_AUTOCHECKPOINT_PAGES

ROW = "x" * 6000  # two pages and more a row: every transaction writes several frames
TRANSACTIONS = 600


def _wal_bytes(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_only_a_sqlite_file_is_checkpointed(database: Database, tmp_path: Path) -> None:
    assert Checkpointer.wanted(database) == (database.dialect == "sqlite")
    memory = Database.from_url("sqlite://")
    assert not Checkpointer.wanted(memory)
    memory.dispose()


def test_the_wal_starts_over_while_writers_never_stop(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    database = Database.from_url(f"sqlite:///{path}")
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"))
        pages = conn.execute(text("PRAGMA wal_autocheckpoint")).scalar()
    assert pages == WAL_AUTOCHECKPOINT_PAGES  # the backstop, far above what is written here
    checkpointer = Checkpointer(database, interval=0.002, restart_pages=64)
    checkpointer.start()
    try:
        largest = 0
        for n in range(TRANSACTIONS):
            with database.one_writer(), database.engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES (:n, :body)"), {"n": n, "body": ROW})
            largest = max(largest, _wal_bytes(path))
    finally:
        checkpointer.stop()
    assert checkpointer.finished >= 1
    # without restarts the WAL would hold every frame written: ≥ 2 pages a transaction
    assert largest < TRANSACTIONS * 2 * 4096 / 4, largest
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == TRANSACTIONS
    database.dispose()
    assert os.path.getsize(path) > TRANSACTIONS * 6000  # the rows reached the database file
