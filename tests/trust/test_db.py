"""The database layer: migrations match the models, the unit of work rolls back by default."""

from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from vetline.audit.models import AuditEvent
from vetline.auth.models import RoleRow
from vetline.auth.roles import Role
from vetline.db import Actor, Database, UnitOfWork, current_revision, upgrade
from vetline.db.migrate import alembic_config, shipped_heads
from vetline.tables import metadata


def test_migrations_produce_the_model_schema(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == [], diff
    head = ScriptDirectory.from_config(alembic_config(database.engine)).get_current_head()
    assert head is not None  # later packages add revisions after 0001_trust
    assert current_revision(database.engine) == head
    assert upgrade(database.engine) == head  # idempotent


def test_the_fast_check_reads_the_same_heads_as_alembic(database: Database) -> None:
    """``upgrade`` skips Alembic when the database is at ``shipped_heads()``: that reading
    of the scripts must be Alembic's own, or a new revision would never be applied."""
    scripts = ScriptDirectory.from_config(alembic_config(database.engine))
    assert shipped_heads() == frozenset(scripts.get_heads())
    from alembic import command

    head = scripts.get_current_head()
    command.downgrade(alembic_config(database.engine), "-1")  # one revision behind:
    assert current_revision(database.engine) != head
    assert upgrade(database.engine) == head  # … the fast check sees it and Alembic runs
    assert current_revision(database.engine) == head


def test_roles_table_lists_every_role(database: Database) -> None:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        names = set(uow.session.scalars(select(RoleRow.name)))
    assert names == {str(r) for r in Role}


def test_unit_of_work_rolls_back_unless_committed(database: Database) -> None:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        uow.audit("TEST_EVENT")
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        uow.audit("TEST_EVENT")
        uow.commit()
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        count = uow.session.scalar(select(func.count()).select_from(AuditEvent))
        seqs = list(uow.session.scalars(select(AuditEvent.seq)))
    assert count == 1
    assert seqs == [1]  # the rolled-back append left no gap in the chain


def test_sqlite_reads_the_database_file_through_a_memory_map(sqlite_database_url: str) -> None:
    """Every SQLite connection maps the file (fewer ``pread`` calls after another worker's
    write emptied its page cache, bench/README.md round 8), and a row another connection
    committed is read through the map like any other: the map changes how pages are read,
    never which."""
    from vetline.db.engine import SQLITE_MMAP_BYTES

    first, second = Database.from_url(sqlite_database_url), Database.from_url(sqlite_database_url)
    try:
        with first.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == SQLITE_MMAP_BYTES
        with second.engine.connect() as conn:  # a page cache filled before the write
            before = conn.execute(select(func.count()).select_from(AuditEvent)).scalar()
        with UnitOfWork(first, Actor(user_id=None, username="test"), write=True) as uow:
            uow.audit("TEST_EVENT")
            uow.commit()
        for _ in range(2):  # checkpointed into the file or still in the WAL: the same rows
            with second.engine.connect() as conn:
                after = conn.execute(select(func.count()).select_from(AuditEvent)).scalar()
            assert after == (before or 0) + 1
            raw = sqlite3.connect(sqlite_database_url.removeprefix("sqlite:///"))
            try:  # outside any transaction (SQLAlchemy's connection begins one)
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
    finally:
        first.dispose()
        second.dispose()
