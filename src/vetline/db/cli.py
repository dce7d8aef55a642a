"""``vetline db`` and the console's way into a data folder's database.

``open_database`` is what every sub-command (users, audit, cases, leads, batch) opens its
database with; it attaches the audit anchor through the port the audit trail installs
(``vetline.db.events.anchor_for``), so the console's commits are checkpointed like the
server's without persistence importing the audit trail above it.
"""

from __future__ import annotations

import getpass
import socket
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from vetline.db.engine import Database
from vetline.db.events import anchor_for
from vetline.db.migrate import current_revision, upgrade
from vetline.db.uow import Actor
from vetline.errors import BadInput
from vetline.settings import Settings

db_app = typer.Typer(help="Application database: migrations.", no_args_is_help=True)
console = Console()

DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Data folder (default: $VETLINE_DATA, else ./vetline-data)."),
]
UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--db-url",
        help="Database URL (default: $VETLINE_DATABASE_URL, else SQLite at <data>/vetline.db).",
    ),
]


def open_database(data: Path | None, url: str | None, *, migrate: bool = True) -> Database:
    """The database of a data folder (or URL), migrated to the newest schema by default.

    Its audit commits are checkpointed to the data folder's anchor file, like the
    server's (``vetline.audit.anchor``). Without ``migrate``, a database that was never
    migrated (a fresh data folder) is bad input, not a traceback.
    """
    settings = Settings.load(data, database_url=url)  # this command's settings, read once
    folder = settings.data
    db = Database.from_url(settings.resolved_database_url())
    if migrate:
        upgrade(db.engine)
    elif current_revision(db.engine) is None:
        db.dispose()
        raise BadInput(
            "--data", f"no vetline database in {folder} (run `vetline db upgrade` or ingest)"
        )
    db.anchor = anchor_for(folder, settings.secret(), settings.audit_anchor_copy)
    return db


def cli_actor() -> Actor:
    """The operator at the console, as the audit trail names them."""
    return Actor(
        user_id=None,
        username=f"cli:{getpass.getuser()}",
        via="cli",
        client=socket.gethostname()[:64],
    )


@db_app.command("upgrade")
def upgrade_cmd(data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Apply every pending migration (the server also does this at start-up)."""
    db = Database.from_url(Settings.load(data, database_url=db_url).resolved_database_url())
    try:
        revision = upgrade(db.engine)
        console.print(f"database at revision {revision}")
    finally:
        db.dispose()


@db_app.command("current")
def current_cmd(data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Print the schema revision the database is at."""
    db = Database.from_url(Settings.load(data, database_url=db_url).resolved_database_url())
    try:
        console.print(current_revision(db.engine) or "not migrated")
    finally:
        db.dispose()
