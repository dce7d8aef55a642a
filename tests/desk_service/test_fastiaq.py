"""The dedicated ASGI route of ``POST /v1/iaq`` (``vetline.api.fastiaq``) answers exactly
what FastAPI's route answers: the same status, headers and body bytes (ids aside), the
same audit events, for new, resubmitted, malformed and refused queries; what it does not
take (a session, a cache miss with a token use to record) goes to FastAPI."""

from __future__ import annotations

import re
from typing import Any

import pytest
from deskhelpers import ORI, DeskWorld, client_for, iaq, token_client
from fastapi import FastAPI
from sqlalchemy import select

from vetline.api.fastiaq import FastIAQ
from vetline.audit.models import AuditEvent
from vetline.audit.verify import verify_chain
from vetline.db import Actor, Database, UnitOfWork

UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UUID_UPPER = re.compile(rb"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def _same_shape(body: bytes) -> bytes:
    """The body with its random ids replaced (each run draws new ones), bytes otherwise."""
    return UUID_UPPER.sub(b"<ID>", UUID.sub(b"<id>", body))


def _answers(client: Any, facts: list[dict[str, str]], tag: str) -> list[Any]:
    bodies: list[Any] = [
        iaq(facts[0], iaq_id=f"{tag}0"),
        iaq(facts[1], iaq_id=f"{tag}1"),
        iaq(facts[0], iaq_id=f"{tag}0"),  # resubmitted: the stored IAR, 200
        {"query_type": "IAQ", "ori": ORI},  # malformed: 422
        iaq(facts[4], iaq_id=f"{tag}9", ori="TX2270000"),  # another agency's ORI: 403
    ]
    return [client.post("/v1/iaq", json=body) for body in bodies]


def _events(database: Database, since: int) -> list[tuple[str, str, str | None]]:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        assert verify_chain(uow.session).ok
        rows = uow.session.execute(
            select(AuditEvent.event_type, AuditEvent.outcome, AuditEvent.details)
            .where(AuditEvent.seq > since)
            .order_by(AuditEvent.seq)
        ).all()
    return [(str(kind), str(outcome), details) for kind, outcome, details in rows]


def _last_seq(database: Database) -> int:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        return int(uow.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()))
                   or 0)  # fmt: skip


def test_the_dedicated_route_answers_what_fastapi_answers(
    app: FastAPI, database: Database, desk_world: DeskWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = token_client(app, database)
    # the first call records the token's use (the full gate, FastAPI); the rest are cached
    assert client.post("/v1/iaq", json=iaq(desk_world.facts[7], iaq_id="W0")).status_code == 201
    taken: list[bool] = []
    original = FastIAQ._takes

    def spy(scope: Any) -> bool:
        taken.append(original(scope))
        return taken[-1]

    monkeypatch.setattr(FastIAQ, "_takes", staticmethod(spy))
    start = _last_seq(database)
    fast = _answers(client, desk_world.facts, "FASTQ")
    fast_events = _events(database, start)
    assert all(taken)
    monkeypatch.setattr(FastIAQ, "_takes", staticmethod(lambda scope: False))
    start = _last_seq(database)
    slow = _answers(client, desk_world.facts, "FASTQ")  # the same ids: all resubmissions now
    assert [a.status_code for a in fast] == [201, 201, 200, 422, 403]
    # a second run of the same bodies through FastAPI: the same ids are resubmissions, so
    # compare it with the fast path's own resubmission (the third answer) and errors
    assert [a.status_code for a in slow] == [200, 200, 200, 422, 403]
    for one, other in zip(fast[2:], slow[2:], strict=True):
        assert one.content == other.content
        assert _headers(one) == _headers(other)
    slow_events = _events(database, start)
    for events, viewed in ((fast_events, 1), (slow_events, 3)):
        calls = [e for e in events if e[0] == "API_CALL"]
        assert len(calls) == 5 and all('"route":"/v1/iaq"' in str(e[2]) for e in calls)
        assert [e[0] for e in events].count("IAQ_REFUSED") == 2
        assert [e[0] for e in events].count("IAR_VIEWED") == viewed
    fresh = _answers(client, desk_world.facts, "SLOWQ")  # new ids through FastAPI
    assert [a.status_code for a in fresh] == [201, 201, 200, 422, 403]
    for one, other in zip(fast, fresh, strict=True):
        mine = _same_shape(one.content).replace(b"FASTQ", b"TAG")
        assert mine == _same_shape(other.content).replace(b"SLOWQ", b"TAG")
        assert _headers(one) == _headers(other)


def _headers(response: Any) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.items() if k != "x-request-id"]


def test_sessions_go_to_fastapi(
    app: FastAPI, database: Database, desk_world: DeskWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskhelpers import add_user

    from vetline.auth.roles import Role

    add_user(database, "agency.web", Role.REQUESTING_AGENCY, ori=ORI)
    client = client_for(app, "agency.web")
    taken: list[bool] = []
    original = FastIAQ._takes
    monkeypatch.setattr(FastIAQ, "_takes",
                        staticmethod(lambda s: taken.append(original(s)) or taken[-1]))  # fmt: skip
    answer = client.post("/v1/iaq", json=iaq(desk_world.facts[2], iaq_id="WEB1"))
    assert answer.status_code == 201, answer.text
    assert taken == [False]
    missing = client.post(
        "/v1/iaq", json=iaq(desk_world.facts[3], iaq_id="WEB2"),
        headers={"X-CSRF-Token": "wrong"},
    )  # fmt: skip
    assert missing.status_code == 403
