"""Crash safety of the trust layer: kill -9 the server mid-load, restart, count.

Every write the server acknowledged (201) must be there after the crash, every account
must have exactly its one USER_CREATED audit event (no action without its audit record,
no audit record without its action), and the chain must verify. The query desk extends
this with queued queries and cases once it exists. Also checks graceful shutdown: SIGTERM
lets the server finish and exit cleanly.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from trusthelpers import PASSWORD, add_user

from serverproc import ServerProcess
from vetline.audit import verify_chain
from vetline.audit.models import AuditEvent
from vetline.auth.models import AccountRequest
from vetline.auth.roles import Role
from vetline.db import Actor, Database, UnitOfWork

pytestmark = pytest.mark.slow
WRITERS = 3
ACKED_BEFORE_KILL = 9


def _server(url: str, data: Path) -> ServerProcess:
    """``uvicorn --factory vetline.api:create_app``: the trust layer without the desk."""
    args = ["uvicorn", "--factory", "vetline.api:create_app", "--host", "127.0.0.1"]
    return ServerProcess([*args, "--log-level", "warning"], url, VETLINE_DATA=str(data))


@pytest.fixture
def server(database_url: str, database: Database, tmp_path: Path) -> Iterator[ServerProcess]:
    add_user(database, "crash.admin", Role.ADMINISTRATOR)
    srv = _server(database_url, tmp_path)
    yield srv
    srv.stop()


def _admin(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    login = client.post("/v1/auth/login", json={"username": "crash.admin", "password": PASSWORD})
    assert login.status_code == 200, login.text
    client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return client


def test_kill_9_loses_no_acknowledged_write(server: ServerProcess, database: Database) -> None:
    server.start()
    acked: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(k: int) -> None:
        client = _admin(server.base)
        for i in range(1000):
            if stop.is_set():
                return
            name = f"crash.{k}.{i}"
            try:
                response = client.post("/v1/users", json={"username": name, "role": "auditor"})
            except httpx.HTTPError:
                return  # the server died mid-request: not acknowledged
            if response.status_code == 202:  # an acknowledged account request
                with lock:
                    acked.append(name)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(WRITERS)]
    for t in threads:
        t.start()
    while len(acked) < ACKED_BEFORE_KILL and all(t.is_alive() for t in threads):
        time.sleep(0.05)
    server.signal(signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert len(acked) >= ACKED_BEFORE_KILL

    server.start()  # restart on the same database: start-up must succeed after a crash
    requests = _admin(server.base).get("/v1/account-requests").json()
    listed = {r["request"]["username"] for r in requests}
    assert set(acked) <= listed
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        result = verify_chain(uow.session)
        stored = set(uow.session.scalars(select(AccountRequest.id)))
        audited = list(
            uow.session.scalars(
                select(AuditEvent.object_id).where(AuditEvent.event_type == "ACCOUNT_REQUESTED")
            )
        )
    assert result.ok, result.describe()
    assert sorted(audited) == sorted(stored)  # exactly one audit event per request

    # Graceful shutdown: uvicorn drains in-flight requests, then re-raises SIGTERM.
    assert server.signal(signal.SIGTERM) in (0, -signal.SIGTERM)
