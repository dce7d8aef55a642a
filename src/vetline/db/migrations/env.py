"""Alembic environment: online migrations on the engine handed over by ``vetline.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from vetline.db.base import Base

config = context.config
# The shared metadata carries the naming convention every migration's constraints are
# named by. Its tables matter only to autogenerate, which imports ``vetline.tables``
# first (that composition module imports every domain's models; persistence does not).
metadata = Base.metadata
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only when run from a raw alembic CLI
    from vetline.db.engine import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
