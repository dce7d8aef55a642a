"""Restart in the middle of a load: kill -9 a real ``vetline serve``, restart, count.

Every query acknowledged before the kill is in the database after the restart, with the
same IAR; none is stored twice (the (ORI, iaq_id) key); a query stored but not yet answered
when the process died is answered by the start-up recovery; the audit chain verifies; and
SIGTERM shuts the server down gracefully.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from deskhelpers import ORI, PASSWORD, DeskWorld, add_user, iaq
from sqlalchemy import func, select

from serverproc import ServerProcess
from vetline.audit import verify_chain
from vetline.auth.roles import Role
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.nlets_iar import agency_view
from vetline.desk.service.models import DeskQuery

pytestmark = pytest.mark.slow
WRITERS = 3
ACKED_BEFORE_KILL = 12


@pytest.fixture
def serve(
    sqlite_database_url: str, sqlite_database: Database, desk_world: DeskWorld
) -> Iterator[ServerProcess]:
    """One backend is enough for the crash test on a 2-core machine (the trust layer's own
    kill-9 test runs on both)."""
    add_user(sqlite_database, "crash.agency", Role.REQUESTING_AGENCY, ori=ORI)
    server = ServerProcess(
        ["vetline.cli", "serve", "--data", str(desk_world.data)], sqlite_database_url
    )
    yield server
    server.stop()


def _client(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    login = client.post("/v1/auth/login", json={"username": "crash.agency", "password": PASSWORD})
    assert login.status_code == 200, login.text
    client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return client


def test_kill_9_mid_load_loses_no_accepted_query(
    serve: ServerProcess, sqlite_database: Database, desk_world: DeskWorld
) -> None:
    serve.start()
    acked: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def writer(k: int) -> None:
        client = _client(serve.base)
        for i in range(400):
            if stop.is_set():
                return
            iaq_id = f"K{k}-{i}"
            body = iaq(desk_world.facts[(k * 400 + i) % len(desk_world.facts)], iaq_id=iaq_id)
            try:
                response = client.post("/v1/iaq", json=body)
            except httpx.HTTPError:
                return  # the server died mid-request: not acknowledged
            if response.status_code in (200, 201):
                with lock:
                    acked[iaq_id] = response.json()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(WRITERS)]
    for t in threads:
        t.start()
    while len(acked) < ACKED_BEFORE_KILL and all(t.is_alive() for t in threads):
        time.sleep(0.05)
    serve.signal(signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert len(acked) >= ACKED_BEFORE_KILL

    serve.start()  # start-up recovery answers what the crash left RECEIVED
    with UnitOfWork(sqlite_database, Actor.system(), write=True) as uow:
        rows = {q.iaq_id: q for q in uow.session.scalars(select(DeskQuery))}
        duplicates = uow.session.scalar(select(func.count()).select_from(DeskQuery)) - len(
            {(q.ori, q.iaq_id) for q in rows.values()}
        )
        chain = verify_chain(uow.session)
    assert set(acked) <= set(rows), "an acknowledged query was lost"
    assert duplicates == 0
    for iaq_id, iar in acked.items():
        stored = json.loads(rows[iaq_id].iar_json or "{}")
        assert stored["iar_id"] == iar["iar_id"]
        assert agency_view(stored)["match"] == iar["match"]  # the agency sees its view
    assert all(q.state != "received" for q in rows.values()), "recovery left a query unanswered"
    assert chain.ok, chain.describe()
    some = sorted(acked)[0]  # resending an acknowledged query after the restart: same IAR
    k, i = (int(part) for part in some[1:].split("-"))
    fact = desk_world.facts[(k * 400 + i) % len(desk_world.facts)]
    again = _client(serve.base).post("/v1/iaq", json=iaq(fact, iaq_id=some))
    assert again.status_code == 200 and again.json()["iar_id"] == acked[some]["iar_id"]

    assert serve.signal(signal.SIGTERM) in (0, -signal.SIGTERM)


def test_two_worker_processes_share_one_database(
    sqlite_database_url: str, sqlite_database: Database, desk_world: DeskWorld
) -> None:
    """``serve --workers 2``: queries from several clients are answered by both processes
    into one SQLite file; every one stored once, one audit chain; SIGTERM stops both."""
    add_user(sqlite_database, "crash.agency", Role.REQUESTING_AGENCY, ori=ORI)
    server = ServerProcess(
        ["vetline.cli", "serve", "--data", str(desk_world.data), "--workers", "2"],
        sqlite_database_url,
    )
    server.start()
    try:
        codes: list[int] = []

        def sender(k: int) -> None:
            client = _client(server.base)
            try:
                for i in range(8):
                    body = iaq(desk_world.facts[k * 8 + i], iaq_id=f"W{k}-{i}")
                    codes.append(client.post("/v1/iaq", json=body).status_code)
            finally:
                client.close()

        threads = [threading.Thread(target=sender, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert codes == [201] * 32
        assert server.signal(signal.SIGTERM) in (0, -signal.SIGTERM)
    finally:
        server.stop()
    with UnitOfWork(sqlite_database, Actor.system(), write=True) as uow:
        stored = uow.session.scalar(select(func.count()).select_from(DeskQuery))
        chain = verify_chain(uow.session)
    assert stored == 32
    assert chain.ok, chain.describe()
