"""Database fixtures for every package's tests: migrated databases on both backends.

Loaded by the root conftest (``pytest_plugins``). The ``database`` fixture is
parametrised over SQLite and PostgreSQL, so every test that takes it runs on both; the
PostgreSQL server (``vetline.db.pgserver``) is started once per test session and stopped
at the end. Each test gets a copy of a migrated template (a file copy on SQLite, ``CREATE
DATABASE ... TEMPLATE`` on PostgreSQL): migrating per test cost more than the tests.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from vetline.db.engine import Database, make_engine
from vetline.db.migrate import upgrade
from vetline.db.pgserver import PostgresServer, find_pg_bin


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for this test session. Missing binaries fail the tests that need
    it rather than skip them: a skipped backend is a missing test."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.fail("PostgreSQL 15 server binaries not found: install postgresql-15 or set "
                    "VETLINE_PG_BIN to the folder holding initdb", pytrace=False)  # fmt: skip
    server = PostgresServer(bin_dir)
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        server.stop()
        raise RuntimeError(f"could not start PostgreSQL: {exc.stderr!r}") from exc
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dbtemplate") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_template(postgres_server: PostgresServer) -> str:
    url = postgres_server.create_database("vetline_template")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return "vetline_template"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a freshly migrated, empty database on each backend (dropped afterwards)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        target = tmp_path / "vetline.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template_name: str = request.getfixturevalue("_pg_template")
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield server.create_database(name, template=template_name)
    server.drop_database(name)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A :class:`Database` on a fresh migrated database, each backend in turn."""
    db = Database.from_url(database_url)
    yield db
    db.dispose()


@pytest.fixture
def sqlite_database_url(_sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite database only: for tests whose subject is not the backend
    (the CLI path, a crash test) and that are too costly to run twice on 2 cores."""
    target = tmp_path / "vetline-sqlite.db"
    shutil.copyfile(_sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def sqlite_database(sqlite_database_url: str) -> Iterator[Database]:
    """A :class:`Database` on :func:`sqlite_database_url`."""
    db = Database.from_url(sqlite_database_url)
    yield db
    db.dispose()
