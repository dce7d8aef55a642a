"""Every SQLite connection checkpoints the WAL at ``WAL_AUTOCHECKPOINT_PAGES``, not at
SQLite's default 1000 pages (issue 18 goal 1, bench/README.md round 9), and keeps the
settings durability rests on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from vetline.db import Database
from vetline.db.engine import WAL_AUTOCHECKPOINT_PAGES


def test_each_connection_checkpoints_at_the_larger_wal(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path / 'wal.db'}")
    try:
        for sessions in (database.sessions, database.readers):
            with sessions() as session:
                pragma = session.execute(text("PRAGMA wal_autocheckpoint")).scalar()
                assert pragma == WAL_AUTOCHECKPOINT_PAGES > 1000
                assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
                assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        database.dispose()
