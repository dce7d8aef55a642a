"""``vetline serve``: the API on uvicorn, the desk built and warm before the first request.

Start-up order: open and migrate the database, build the desk (resolver loaded, first-call
costs paid), answer any query a crash left RECEIVED, then listen. SIGTERM or Ctrl-C lets
uvicorn stop accepting, finish in-flight requests, and exit.
"""

from __future__ import annotations

import logging
from pathlib import Path

from vetline.api.app import create_app
from vetline.api.routers.desk import install_desk
from vetline.api.settings import Settings
from vetline.db.engine import Database
from vetline.desk.service.lookup import PersonLookup
from vetline.desk.service.service import DeskService
from vetline.errors import BadInput

GRACEFUL_SECONDS = 15
log = logging.getLogger("vetline.serve")


def run(data_dir: Path, host: str, port: int) -> None:
    """Serve until signalled."""
    import uvicorn

    settings = Settings(data=data_dir)
    settings.check_secret()
    database = Database.from_url(settings.resolved_database_url())
    app = create_app(settings, database=database)
    try:
        desk = DeskService(database, PersonLookup.open(data_dir))
    except (BadInput, OSError, ValueError) as exc:  # no (usable) index: queries are kept
        log.warning("query desk not ready: %s", exc)
    else:
        install_desk(app, desk)
        desk.recover()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )
