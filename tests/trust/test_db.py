"""The database layer: migrations match the models, the unit of work rolls back by default."""

from __future__ import annotations

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
