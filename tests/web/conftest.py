"""The web app over a small built world: the API app with the desk and the web installed,
one account per role, and (for the browser tests) a real server on a loopback port.

SQLite only: the pages call the desk services whose PostgreSQL behaviour
``tests/desk_service`` already covers on both backends; here the subject is the page.
"""

from __future__ import annotations

import csv
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webhelpers import AGENCY, ANALYST, OTHER_AGENCY, WebWorld, add_users

from vetline.db import Database
from vetline.desk.service import DeskService
from vetline.person import PersonLookup
from vetline.status import load_policy


@pytest.fixture(scope="session")
def web_world(
    tmp_path_factory: pytest.TempPathFactory, small_store: Path, small_extract: Path
) -> WebWorld:
    from vetline.resolve import build_persons

    data = tmp_path_factory.mktemp("web") / "data"
    shutil.copytree(small_store, data)
    build_persons(data)
    with (small_extract / "person_facts.csv").open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    return WebWorld(data, facts)


@pytest.fixture(scope="session")
def lookup(web_world: WebWorld) -> PersonLookup:
    return PersonLookup.open(web_world.data)


@pytest.fixture
def desk(sqlite_database: Database, lookup: PersonLookup) -> Iterator[DeskService]:
    service = DeskService(sqlite_database, lookup, policy=load_policy())
    yield service
    service.close()


def make_app(database: Database, desk: DeskService, **settings: Any) -> Any:
    from vetline.api import Settings, create_app
    from vetline.api.routers.desk import install_desk
    from vetline.web import install_web

    options = {"demo_mode": True, "rate_limit_per_minute": 100_000, **settings}
    app = install_web(create_app(Settings(**options), database=database))
    install_desk(app, desk)
    add_users(database)
    return app


@pytest.fixture
def app(sqlite_database: Database, desk: DeskService) -> Any:
    return make_app(sqlite_database, desk)


class LiveServer:
    """uvicorn serving ``app`` on a free loopback port, in a thread of this process."""

    def __init__(self, app: Any) -> None:
        import socket

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("web test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def live(sqlite_database: Database, desk: DeskService) -> Iterator[LiveServer]:
    app = make_app(sqlite_database, desk, cookie_secure=False)
    with LiveServer(app) as server:
        yield server


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright (the system binary, no download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: apt-get install -y chromium (README's test line)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        launched = play.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


__all__ = ["AGENCY", "ANALYST", "OTHER_AGENCY"]
