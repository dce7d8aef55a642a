"""``POST /v1/iaq`` with an API token: the gate's API_CALL event rides in the desk's own
transaction, and every request still gets exactly one, whichever way the route ends."""

from __future__ import annotations

from typing import Any

from deskhelpers import ORI, DeskWorld, iaq, token_client
from fastapi import FastAPI
from sqlalchemy import select

from vetline.audit.models import AuditEvent
from vetline.audit.verify import verify_chain
from vetline.auth.models import ApiToken
from vetline.db import Actor, Database, UnitOfWork


def _chain(database: Database) -> list[dict[str, Any]]:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        assert verify_chain(uow.session).ok
        rows = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
        return [row.as_dict() for row in rows]


def test_every_token_call_is_audited_once_and_new_queries_in_one_transaction(
    app: FastAPI, database: Database, desk_world: DeskWorld
) -> None:
    client = token_client(app, database)
    answers: list[Any] = []
    for n in range(3):
        answers.append(client.post("/v1/iaq", json=iaq(desk_world.facts[n], iaq_id=f"T{n}")))
    answers.append(client.post("/v1/iaq", json=iaq(desk_world.facts[0], iaq_id="T0")))  # again
    answers.append(client.post("/v1/iaq", json={"query_type": "IAQ", "ori": ORI}))  # malformed
    answers.append(client.post("/v1/iaq", json=iaq(desk_world.facts[4], iaq_id="T9",
                                                   ori="TX2270000")))  # fmt: skip
    assert [a.status_code for a in answers] == [201, 201, 201, 200, 422, 403]
    chain = _chain(database)
    calls = [e for e in chain if e["event_type"] == "API_CALL" and e["via"] == "token"]
    assert len(calls) == len(answers)  # one per request: none lost, none doubled
    assert all('"route":"/v1/iaq"' in e["details"] for e in calls)
    received = [e for e in chain if e["event_type"] == "IAQ_RECEIVED"]
    assert len(received) == 3
    by_seq = {e["seq"]: e for e in chain}
    # after the first call (which records the token's use in the gate's own unit), the
    # gate's event is written by the desk: right before the query's received event
    carried = [r for r in received if by_seq[r["seq"] - 1]["event_type"] == "API_CALL"]
    assert len(carried) >= 2
    refused = [e for e in chain if e["event_type"] == "IAQ_REFUSED"]
    assert len(refused) == 2
    assert all(by_seq[r["seq"] - 1]["event_type"] == "API_CALL" for r in refused)


def test_token_use_is_recorded_to_the_minute(
    app: FastAPI, database: Database, desk_world: DeskWorld
) -> None:
    client = token_client(app, database)
    assert client.post("/v1/iaq", json=iaq(desk_world.facts[0], iaq_id="U0")).status_code == 201
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        first = uow.session.scalar(select(ApiToken.last_used_at))
    assert first is not None
    assert client.post("/v1/iaq", json=iaq(desk_world.facts[1], iaq_id="U1")).status_code == 201
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        assert uow.session.scalar(select(ApiToken.last_used_at)) == first
