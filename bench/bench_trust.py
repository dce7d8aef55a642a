"""Trust-layer throughput: audit appends, chain verification, login, the API gate.

Run: ``.venv/bin/python bench/bench_trust.py [--events N] [--postgres]``. Prints a table;
numbers depend on the machine (the audit chain serialises appends by design).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from vetline.api import Settings, create_app
from vetline.audit import verify_chain
from vetline.auth.accounts import NewUser, create_user
from vetline.auth.login import login
from vetline.auth.policy import AuthPolicy
from vetline.db import Actor, Database, UnitOfWork, upgrade

PASSWORD = "benchmark passphrase 2026"


def _timed(fn: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    n = fn()
    return n, time.perf_counter() - start


def _append(db: Database, n: int, threads: int) -> int:
    def work(k: int) -> None:
        for i in range(n // threads):
            with UnitOfWork(db, Actor(user_id=f"u{k}", username=f"bench{k}"), write=True) as uow:
                uow.audit("API_CALL", details={"i": i, "route": "/v1/iaq"})
                uow.commit()

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return (n // threads) * threads


def _verify(db: Database) -> int:
    with UnitOfWork(db, Actor.system(), write=True) as uow:
        result = verify_chain(uow.session)
    assert result.ok
    checked: int = result.checked
    return checked


def _logins(db: Database, n: int) -> int:
    policy = AuthPolicy(pepper=b"bench" * 8)
    with UnitOfWork(db, Actor.system(), write=True) as uow:
        create_user(
            uow, NewUser.parse(username="bench.user", role="desk_analyst", password=PASSWORD)
        )
        uow.commit()
    for _ in range(n):
        with UnitOfWork(db, Actor.system(), write=True) as uow:
            assert login(uow, policy, "bench.user", PASSWORD).principal is not None
            uow.commit()
    return n


def _gate(db: Database, n: int) -> int:
    from fastapi.testclient import TestClient

    app = create_app(Settings(demo_mode=True, rate_limit_per_minute=10**9), database=db)
    client = TestClient(app, base_url="https://testserver")
    client.post("/v1/auth/login", json={"username": "bench.user", "password": PASSWORD})
    for _ in range(n):
        assert client.get("/v1/auth/me").status_code == 200
    return n


def run(backend: str, url: str, events: int, table: Table) -> None:
    db = Database.from_url(url)
    upgrade(db.engine)
    for label, fn in (
        ("audit append, 1 writer", lambda: _append(db, events, 1)),
        ("audit append, 4 writers", lambda: _append(db, events, 4)),
        ("audit verify", lambda: _verify(db)),
        ("login (argon2id)", lambda: _logins(db, 10)),
        ("GET /v1/auth/me (gate+audit)", lambda: _gate(db, 200)),
    ):
        n, seconds = _timed(fn)
        table.add_row(backend, label, f"{n:,}", f"{seconds:.2f}", f"{n / seconds:,.0f}")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true", help="also run on a throwaway PG")
    args = parser.parse_args()
    table = Table(title="trust layer")
    for column in ("backend", "operation", "n", "seconds", "per second"):
        table.add_column(column, justify="left" if column in ("backend", "operation") else "right")
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.events, table)
    if args.postgres:
        from vetline.db.pgserver import PostgresServer, find_pg_bin

        bin_dir = find_pg_bin()
        assert bin_dir is not None, "no PostgreSQL binaries"
        server = PostgresServer(bin_dir)
        server.start()
        try:
            run("postgresql", server.create_database("bench"), args.events, table)
        finally:
            server.stop()
    Console().print(table)


if __name__ == "__main__":
    main()
