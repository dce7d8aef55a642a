"""The gate's token cache (issue 18 goal 1): ``POST /v1/iaq`` reads an API token once,
not per call, and a revocation still stops the very next query — the desk's writer asks
the database again in the transaction that stores it. A revoked token, a disabled
account or an expired token: 401, nothing stored, the refusal audited and no API_CALL
for it. A change that still allows the call (a renamed account): stored once, under the
caller as the database has it now."""

from __future__ import annotations

from typing import Any

import pytest
from deskhelpers import DeskWorld, iaq, token_client
from fastapi import FastAPI
from sqlalchemy import func, select, update

from vetline.api.state import AppState
from vetline.api.tokencache import TokenCache
from vetline.audit.models import AuditEvent
from vetline.audit.verify import verify_chain
from vetline.auth.models import ApiToken, User
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.service.models import DeskQuery


def _events(database: Database) -> list[tuple[str, str | None, str | None]]:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        assert verify_chain(uow.session).ok
        rows = uow.session.execute(
            select(AuditEvent.event_type, AuditEvent.via, AuditEvent.actor_username).order_by(
                AuditEvent.seq
            )
        ).all()
    return [(str(kind), via, who) for kind, via, who in rows]


def _stored(database: Database, iaq_id: str) -> int:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        count = uow.session.scalar(
            select(func.count()).select_from(DeskQuery).where(DeskQuery.iaq_id == iaq_id)
        )
    return int(count or 0)


def _change(database: Database, statement: Any) -> None:
    """A change made elsewhere (the CLI, the web app, another worker): not through this
    app, so its cache is not told."""
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        uow.session.execute(statement)
        uow.commit()


CHANGES = {
    "revoked": update(ApiToken).values(revoked_at="2026-11-24T08:00:00.000000Z"),
    "account disabled": update(User)
    .where(User.username == "agency.cad")
    .values(disabled_at="2026-11-24T08:00:00.000000Z"),
    "expired": update(ApiToken).values(expires_at="2000-01-01T00:00:00.000000Z"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_token_ended_elsewhere_stops_the_next_iaq_though_cached(
    app: FastAPI, database: Database, desk_world: DeskWorld, change: str
) -> None:
    client = token_client(app, database)
    state: AppState = app.state.vetline
    for n in range(3):  # the first records the token's use, the next ones are cached
        answer = client.post("/v1/iaq", json=iaq(desk_world.facts[n], iaq_id=f"C{n}"))
        assert answer.status_code == 201, answer.text
    assert len(state.tokens) == 1
    before = _events(database)
    _change(database, CHANGES[change])
    refused = client.post("/v1/iaq", json=iaq(desk_world.facts[5], iaq_id="C5"))
    assert refused.status_code == 401, refused.text
    assert _stored(database, "C5") == 0 and len(state.tokens) == 0
    after = _events(database)[len(before) :]
    assert [kind for kind, _, _ in after] == ["AUTH_FAILED"]
    again = client.post("/v1/iaq", json=iaq(desk_world.facts[6], iaq_id="C6"))
    assert again.status_code == 401 and _stored(database, "C6") == 0


def test_a_change_that_still_allows_the_call_stores_the_query_once(
    app: FastAPI, database: Database, desk_world: DeskWorld
) -> None:
    client = token_client(app, database)
    for n in range(2):
        assert client.post("/v1/iaq", json=iaq(desk_world.facts[n], iaq_id=f"R{n}")).is_success
    before = _events(database)
    _change(database, update(User).where(User.username == "agency.cad").values(
        username="agency.cad2"))  # fmt: skip
    answer = client.post("/v1/iaq", json=iaq(desk_world.facts[3], iaq_id="R3"))
    assert answer.status_code == 201, answer.text
    assert _stored(database, "R3") == 1
    after = _events(database)[len(before) :]
    sent = "IAR_SENT" if answer.json()["state"] == "ANSWERED" else "IAQ_QUEUED"
    assert [(kind, who) for kind, _, who in after] == [
        ("API_CALL", "agency.cad2"),  # the full gate's, in its own transaction
        ("IAQ_RECEIVED", "agency.cad2"),
        (sent, "agency.cad2"),
    ]


def test_the_cache_forgets_old_entries_and_stays_bounded() -> None:
    now = [0.0]
    cache = TokenCache(max_age=60.0, max_entries=4, clock=lambda: now[0])
    caller: Any = object()
    cache.put("a", caller)
    assert cache.get("a") is caller
    now[0] = 59.9
    assert cache.get("a") is caller
    now[0] = 60.0
    assert cache.get("a") is None and len(cache) == 0
    for n, key in enumerate("bcdef"):
        now[0] = 100.0 + n
        cache.put(key, caller)
    assert len(cache) <= 4 and cache.get("f") is caller and cache.get("b") is None
