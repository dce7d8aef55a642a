"""Run the migrations shipped inside the package, without an ``alembic.ini``.

Why programmatic: the server runs ``upgrade`` at start-up and ``vetline db upgrade`` runs it
on demand, from an installed wheel where no ini file sits next to the code. The script
location is this package's ``migrations`` folder; later packages (the desk) add revisions
there, chained by ``down_revision``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged scripts and reusing ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> str | None:
    """Bring the schema to ``revision`` (default: the newest); returns the new revision."""
    command.upgrade(alembic_config(engine), revision)
    return current_revision(engine)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, ``None`` when never migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
