"""Run the migrations shipped inside the package, without an ``alembic.ini``.

Why programmatic: the server runs ``upgrade`` at start-up and ``vetline db upgrade`` runs it
on demand, from an installed wheel where no ini file sits next to the code. The script
location is this package's ``migrations`` folder; later packages (the desk) add revisions
there, chained by ``down_revision``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:  # Alembic is imported when a migration runs (0.1 s a command start)
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged scripts and reusing ``engine``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> str | None:
    """Bring the schema to ``revision`` (default: the newest); returns the new revision.

    A database already at the newest revision is left without importing Alembic: every
    command start (``vetline query``, a server) calls this, and it is nearly always so."""
    if revision == "heads":
        at = _stamped(engine)
        if at is not None and at == shipped_heads():
            return next(iter(at))
    from alembic import command

    command.upgrade(alembic_config(engine), revision)
    return current_revision(engine)


_REVISION = re.compile(r"^(down_)?revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


@cache
def shipped_heads() -> frozenset[str]:
    """The newest revisions of the packaged scripts (read from their ``revision`` and
    ``down_revision`` lines; ``tests/db`` checks it against Alembic's own reading)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for down, value in _REVISION.findall(script.read_text(encoding="utf-8")):
            names = set(re.findall(r"[\"']([^\"']+)[\"']", value))
            (parents if down else revisions).update(names)
    return frozenset(revisions - parents)


def _stamped(engine: Engine) -> frozenset[str] | None:
    """The revisions in ``alembic_version``; ``None`` when the table is not there."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return frozenset(rows)
    except DBAPIError:
        return None


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, ``None`` when never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
