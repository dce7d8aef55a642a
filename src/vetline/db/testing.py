"""Test support: a throwaway PostgreSQL server and migrated databases on both backends.

A pytest plugin (``pytest_plugins = ["vetline.db.testing"]``, or import the fixtures into a
conftest). The ``database`` fixture is parametrised over SQLite and PostgreSQL, so every
test that takes it runs on both; the PostgreSQL server is started once per test session
from the binaries on the machine (``/usr/lib/postgresql/<v>/bin``) in a temporary folder
and stopped at the end. ``initdb`` refuses to run as root, so as root the cluster belongs
to the ``postgres`` system user and the binaries run through ``runuser``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from vetline.db.engine import Database, make_engine
from vetline.db.migrate import upgrade

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
PG_USER = "postgres"


def find_pg_bin() -> Path | None:
    """The newest PostgreSQL server binary folder on the machine, if any."""
    env = os.environ.get("VETLINE_PG_BIN")
    candidates = [env] if env else sorted(glob.glob(PG_BIN_GLOB), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def _scratch_dir() -> str | None:
    """RAM-backed ``/dev/shm`` when available: a cluster holds thousands of small files and
    creating/removing them on a slow disk dominated the test run; durability is moot here."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One throwaway cluster listening only on a unix socket in its temporary folder."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.base = Path(tempfile.mkdtemp(prefix="vetline-pg-", dir=_scratch_dir()))
        self.data = self.base / "data"
        self.port = _free_port()
        self._as_postgres = os.getuid() == 0

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", PG_USER, "--"] if self._as_postgres else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """initdb + pg_ctl start (fsync off: the cluster is thrown away)."""
        os.chmod(self.base, 0o755)
        if self._as_postgres:
            shutil.chown(self.base, user=PG_USER, group=None)
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            PG_USER,
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.base / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """pg_ctl stop -m fast, then remove the folder."""
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(
                str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
            )
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL for ``database`` on this server."""
        return f"postgresql+psycopg://{PG_USER}@/{database}?host={self.base}&port={self.port}"

    def drop_database(self, name: str) -> None:
        """``DROP DATABASE ... WITH (FORCE)`` (ends leftover connections first)."""
        engine = make_engine(self.url()).execution_options(isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            engine.dispose()

    def create_database(self, name: str, template: str | None = None) -> str:
        """``CREATE DATABASE`` (optionally from a template); returns its URL."""
        engine = make_engine(self.url()).execution_options(isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                suffix = f" TEMPLATE {template}" if template else ""
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
        finally:
            engine.dispose()
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for this test session (skipped only if no binaries exist)."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found (set VETLINE_PG_BIN)")
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
