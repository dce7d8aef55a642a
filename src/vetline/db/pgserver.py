"""A throwaway PostgreSQL server, for the tests' fixtures and the benchmarks.

Started from the binaries on the machine (``/usr/lib/postgresql/<v>/bin``, or
``VETLINE_PG_BIN``) in a temporary folder, listening only on a unix socket, and removed
when stopped. ``initdb`` refuses to run as root, so as root the cluster belongs to the
``postgres`` system user and the binaries run through ``runuser``. No pytest here: the
fixtures that use it live with the tests (``tests/dbfixtures.py``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from vetline.db.engine import make_engine

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
