"""``vetline serve``: the API on uvicorn, the desk built and warm before the first request.

Start-up order: open and migrate the database, build the desk (resolver loaded, first-call
costs paid), answer any query a crash left RECEIVED, then listen. SIGTERM or Ctrl-C lets
uvicorn stop accepting, finish in-flight requests, and exit.

``workers > 1`` runs that many worker processes under uvicorn's supervisor (restarted when
one dies), each with its own copy of the index: one Python process uses one core, and
resolving plus assessing an IAQ is CPU work. The database is migrated once, by the
supervisor, before any worker starts; each worker answers RECEIVED leftovers at start
(compare-and-set: of two workers, one answers each query). With more than one worker,
SQLite serialises the workers' writes through a lock file (``Database.one_writer``),
PostgreSQL through its own locks; bench/README.md has both.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
from pathlib import Path

from fastapi import FastAPI

from vetline.api.app import create_app
from vetline.api.routers.batch import start_batch_runner
from vetline.api.routers.desk import install_desk
from vetline.api.routers.vetting import install_vetting
from vetline.api.settings import Settings
from vetline.db.engine import Database
from vetline.db.migrate import upgrade
from vetline.desk.service.service import DeskService
from vetline.errors import BadInput
from vetline.person import PersonLookup
from vetline.status import load_policy
from vetline.vetting import VettingService

GRACEFUL_SECONDS = 15
#: How long a thread may hold the GIL while another waits (Python's default: 5 ms). The
#: desk's writer thread needs the GIL back after every SQLite call, while the event loop
#: works queries out without pause: at 5 ms per hand-over a group commit of a few
#: statements took tens of milliseconds, holding the database's writer lock (and every
#: other worker process) meanwhile. Measured in bench/README.md.
GIL_SWITCH_SECONDS = 0.0005
#: How long the supervisor waits for a worker's health-check answer before killing it
#: (uvicorn's default: 5 s). A worker loading the 1M-record index holds the GIL in long
#: calls; with 5 s, workers were killed and restarted over and over while loading, and
#: two workers took minutes to come up under load instead of seconds.
WORKER_START_SECONDS = 120
log = logging.getLogger("vetline.serve")


def build_app(settings: Settings) -> FastAPI:
    """The API with the desk installed (when the index can be opened) and leftovers answered."""
    database = Database.from_url(settings.resolved_database_url())
    database.anchor = settings.audit_anchor()  # every commit checkpointed (issue 13 item 2)
    app = create_app(settings, database=database)
    try:
        desk = DeskService(database, PersonLookup.open(settings.data), policy=load_policy())
    except (BadInput, OSError, ValueError) as exc:  # no (usable) index: queries are kept
        log.warning("query desk not ready: %s", exc)
    else:
        install_desk(app, desk)
        install_vetting(app, VettingService(desk, data_dir=settings.data))  # cases on IARs
        desk.recover()
        desk.warm_up()
    start_batch_runner(app)  # API batch jobs: resumes those a previous process left
    freeze_loaded_objects()
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    return app


def freeze_loaded_objects() -> None:
    """Move everything loaded so far out of the garbage collector's sight (``gc.freeze``).

    The index and the in-memory records hold dictionaries of a million entries; every
    full collection walked them, a 90 ms pause at the 1M-record world that showed as the
    desk's tail latency under steady load. They live as long as the process, so the
    collector has nothing to find there.
    """
    gc.collect()
    gc.freeze()
    # Unfrozen at exit, so interpreter shutdown frees them as usual (frozen objects are
    # never collected: DuckDB's bindings then printed "leaked instances" on every stop).
    atexit.register(gc.unfreeze)


def worker_app() -> FastAPI:
    """One worker process's app, configured from the environment ``run`` prepared."""
    return build_app(Settings())


def run(data_dir: Path, host: str, port: int, workers: int = 1) -> None:
    """Serve until signalled."""
    import uvicorn

    settings = Settings(data=data_dir)
    settings.check_secret()
    if workers == 1:
        uvicorn.run(
            build_app(settings), host=host, port=port, log_level="warning",
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
        )  # fmt: skip
        return
    if settings.migrate_on_start:
        database = Database.from_url(settings.resolved_database_url())
        upgrade(database.engine)
        database.dispose()
    os.environ["VETLINE_DATA"] = str(data_dir.resolve())
    os.environ["VETLINE_MIGRATE_ON_START"] = "0"
    # One set of rate-limit buckets for all workers (issue 13 item 7), new each start.
    buckets = data_dir.resolve() / "run" / f"ratelimit-{port}.bin"
    buckets.unlink(missing_ok=True)
    os.environ["VETLINE_RATE_LIMIT_FILE"] = str(buckets)
    uvicorn.run(
        "vetline.serve:worker_app", factory=True, workers=workers, host=host,
        port=port, log_level="warning", timeout_graceful_shutdown=GRACEFUL_SECONDS,
        timeout_worker_healthcheck=WORKER_START_SECONDS,
    )  # fmt: skip
