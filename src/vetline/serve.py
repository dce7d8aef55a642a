"""``vetline serve``: the API on uvicorn, the desk built and warm before the first request.

Start-up order: bind the port (a port in use is refused at once, with its reason, before
seconds of loading), say where it listens, then open and migrate the database, build the
desk (resolver loaded, first-call costs paid, each step reported as it finishes), answer
any query a crash left RECEIVED, and serve on the socket bound first — connections made
while loading wait in its backlog instead of being refused. SIGTERM or Ctrl-C lets
uvicorn stop accepting, finish in-flight requests, and exit.

``workers > 1`` runs that many worker processes under uvicorn's supervisor (restarted when
one dies): one Python process uses one core, and resolving plus assessing an IAQ is CPU
work. The workers share the index and the records: both are files each worker maps
(``vetline.resolve.saved``, ``vetline.person.shared_rows``), so the pages are the page
cache's, paid once (issue 18 goal 2). The database is migrated once, by the
supervisor, before any worker starts; each worker answers RECEIVED leftovers at start
(compare-and-set: of two workers, one answers each query). With more than one worker,
SQLite serialises the workers' writes through a lock file (``Database.one_writer``),
PostgreSQL through its own locks; bench/README.md has both.
"""

from __future__ import annotations

import atexit
import errno
import gc
import logging
import os
import socket
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from vetline.errors import BadInput

if TYPE_CHECKING:
    from pathlib import Path

    from fastapi import FastAPI

    from vetline.desk.service.service import DeskService
    from vetline.resolve.generation import GenerationWatch, Stamp
    from vetline.settings import Settings

# The API, the desk and the person core are imported where they are used, after the port
# is bound: they take seconds to import on a loaded machine, and the port comes first.

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
#: uvicorn's httptools protocol sending each response's headers and body in one write
#: (``vetline.api.httpproto``: one system call per response instead of two; issue 18).
HTTP_PROTOCOL = "vetline.api.httpproto:CoalescingHttpTools"
#: How often the vetting centre's clocks are swept (overdue claims escalated, detainers
#: past their custody deadline lapsed; ``vetline.vetting.sweep``).
VETTING_SWEEP_SECONDS = 60.0
log = logging.getLogger("vetline.serve")


Say = Callable[[str], None]


def _quiet(_: str) -> None:
    """The default reporter of ``build_app``: workers say nothing."""


def build_app(settings: Settings, say: Say = _quiet) -> FastAPI:
    """The API with the desk installed (when the index can be opened) and leftovers answered.

    ``say`` hears each loading step as it finishes, with its time (``vetline serve``
    prints them: the index of a large world takes a while, and a silent start looks hung).
    """

    from vetline.api.app import create_app
    from vetline.api.routers.batch import start_batch_runner
    from vetline.api.routers.desk import install_desk
    from vetline.api.routers.vetting import install_vetting
    from vetline.audit.anchor import AnchorLog
    from vetline.db.engine import Database
    from vetline.desk.service.service import DeskService
    from vetline.person import PersonLookup
    from vetline.status import load_policy
    from vetline.vetting import VettingService
    from vetline.web import install_web

    started = time.perf_counter()

    def step(what: str) -> None:
        say(f"  {what} ({time.perf_counter() - started:.1f} s)")

    database = Database.from_url(settings.resolved_database_url())
    database.anchor = AnchorLog.for_settings(settings)  # every commit checkpointed (issue 13)
    app = install_web(create_app(settings, database=database), warm=True)
    step("database open and migrated, web app mounted")
    try:
        generation = index_generation(settings.data)  # before loading: none missed
        lookup = PersonLookup.open(settings.data, warm=False)
        step("person index and records loaded")
        desk = DeskService(database, lookup, policy=load_policy())
    except (BadInput, OSError, ValueError) as exc:  # no (usable) index: queries are kept
        log.warning("query desk not ready: %s", exc)
        say(f"  query desk not ready ({exc}): queries are kept and answered after a build")
    else:
        install_desk(app, desk)
        install_vetting(
            app, VettingService(desk, data_dir=settings.data), sweep_every=VETTING_SWEEP_SECONDS
        )  # cases on IARs; claim escalation and detainer lapse every minute
        desk.recover()
        desk.warm_up()
        step("query desk warm")
        app.state.index_watch = watch_index(settings.data, desk, generation)
    start_batch_runner(app)  # API batch jobs: resumes those a previous process left
    freeze_loaded_objects()
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    return app


def index_generation(data: Path) -> Stamp | None:
    from vetline.resolve.generation import stamp

    return stamp(data)


def watch_index(data: Path, desk: DeskService, seen: Stamp | None) -> GenerationWatch:
    """Reload the person index and records when ``vetline build`` or ``vetline update``
    writes a new generation (issue 18): loaded beside the old one, then swapped into the
    desk (``DeskService.replace_lookup``); queries in flight finish on the old one."""
    from vetline.person import PersonLookup
    from vetline.resolve.generation import GenerationWatch

    def reload() -> None:
        lookup = PersonLookup.open(data, warm=True)
        desk.replace_lookup(lookup)
        gc.freeze()  # as at start-up: the new index out of the collector's sight

    return GenerationWatch(data, reload, seen).start()


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
    """One worker process's app, configured from the environment ``run`` prepared.

    A worker is its own composition root: uvicorn's supervisor starts it as a new
    process that imports this factory by name, so the environment is the one channel
    from ``run`` to it; the settings are read from it here, once.
    """
    from vetline.settings import Settings

    return build_app(Settings.load())


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a port in use or a bad address is ``BadInput``
    (one line, exit 2), not uvicorn's log lines and exit 3."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise BadInput("--host", f"{host!r} is not an address of this machine ({exc})") from None
    sock = socket.socket(info[0], socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(info[4])
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise BadInput(
                "--port", f"{host}:{port} is already in use (another vetline serve?); "
                "stop it or choose another port with --port",
            ) from None  # fmt: skip
        raise BadInput("--host", f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    """The address to give a browser or curl (IPv6 literals in brackets)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def run(settings: Settings, host: str, port: int, workers: int = 1, say: Say = _quiet) -> None:
    """Serve until signalled; ``say`` hears where it listens, the loading steps, "ready".

    The caller (``vetline serve``, ``vetline demo``) hands in the settings it built. With
    more than one worker, the settings travel to the worker processes as ``VETLINE_*``
    variables (``Settings.as_environment``): uvicorn starts each worker as a fresh
    process that imports ``worker_app`` by name, and no other channel reaches it. That is
    the one place vetline writes its own environment, and it happens here, at the root.
    """
    started = time.perf_counter()
    data_dir = settings.data
    settings.check_secret()
    sock = bind(host, port)
    url = url_of(host, port)
    say(f"listening on {url} (API docs {url}/docs); loading {data_dir} …")
    import uvicorn

    from vetline.db.engine import Database
    from vetline.db.migrate import upgrade

    if workers == 1:
        config = uvicorn.Config(
            build_app(settings, say), log_level="warning",
            timeout_graceful_shutdown=GRACEFUL_SECONDS, http=HTTP_PROTOCOL,
        )  # fmt: skip
        server = uvicorn.Server(config)
        say(f"ready: {url} ({time.perf_counter() - started:.1f} s; Ctrl-C to stop)")
        server.run(sockets=[sock])
        return
    if settings.migrate_on_start:
        database = Database.from_url(settings.resolved_database_url())
        upgrade(database.engine)
        database.dispose()
    # One set of rate-limit buckets for all workers (issue 13 item 7), new each start.
    buckets = data_dir.resolve() / "run" / f"ratelimit-{port}.bin"
    buckets.unlink(missing_ok=True)
    for_workers = settings.model_copy(
        update={"data": data_dir.resolve(), "migrate_on_start": False, "rate_limit_file": buckets}
    )
    os.environ.update(for_workers.as_environment())
    say(f"starting {workers} workers; each loads the index, then answers on {url}")
    sock.close()  # the supervisor binds its own (the check above made a busy port clear)
    uvicorn.run(
        "vetline.serve:worker_app", factory=True, workers=workers, host=host, port=port,
        log_level="warning", timeout_graceful_shutdown=GRACEFUL_SECONDS,
        timeout_worker_healthcheck=WORKER_START_SECONDS, http=HTTP_PROTOCOL,
    )  # fmt: skip
