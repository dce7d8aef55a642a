"""Builders for the vetting tests: accounts, logged-in clients, biometric IAQs from the
world's ground truth (tests only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ORI = "CA0194200"  # Los Angeles County Sheriff in the shipped directory
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class World:
    data: Path
    facts: list[dict[str, str]]


class Clock:
    """A settable clock shared by the desk and the vetting centre."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def add_user(db: Any, username: str, role: str, **bindings: str) -> None:
    from vetline.auth.accounts import NewUser, create_user
    from vetline.db import Actor, UnitOfWork

    new = NewUser.parse(username=username, role=role, password=PASSWORD, **bindings)
    with UnitOfWork(db, Actor(user_id=None, username="cli:test", via="cli"), write=True) as uow:
        create_user(uow, new)
        uow.commit()


def client_for(app: Any, username: str) -> Any:
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    response = client.post("/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def biometric_iaq(fact: dict[str, str], fin: str, iaq_id: str) -> dict[str, Any]:
    """A booking's fingerprint hit: the subject as booked, in custody on a criminal charge."""
    subject: dict[str, Any] = {
        "last_name": fact["true_last_name"],
        "first_name": fact["true_first_name"],
        "dob": fact["true_dob"],
        "sex": fact["sex"],
        "fin": fin,
    }
    return {
        "iaq_id": iaq_id,
        "query_type": "BIOMETRIC",
        "ori": ORI,
        "subject": subject,
        "encounter": {"state": "CA", "county_fips": "06037", "date": "2026-11-20"},
        "custody": {"in_custody": True, "facility_ori": ORI, "release_date": "2026-11-27"},
        "charges": [
            {"charge_code": "1313", "charge_text": "ASSAULT", "offense_level": "MISDEMEANOR"}
        ],
    }


def dumps(body: dict[str, Any]) -> str:
    return json.dumps(body)


def detainer_candidates(lookup: Any, facts: list[dict[str, str]], limit: int = 3) -> list[Any]:
    """(fact, fin) of removable non-citizens whose biometric IAQ the desk answers by itself
    with a DETAINER recommendation and no citizenship sign (worked out, nothing stored)."""
    from datetime import date

    from vetline.desk.iaq import parse_iaq_json
    from vetline.desk.service.question import question_of
    from vetline.person import work_out
    from vetline.status import load_policy
    from vetline.vetting.working import citizenship_sign

    policy, found = load_policy(), []
    for fact in facts:
        if fact["removable"] != "Y" or fact["us_citizen"] != "N" or fact["expected_flags"]:
            continue
        from vetline.resolve import Subject

        rows = lookup.find(
            Subject(
                last_name=fact["true_last_name"],
                first_name=fact["true_first_name"],
                dob=fact["true_dob"],
            )
        ).rows
        fins = sorted({str(r["fin"]) for r in rows if r.get("fin")})
        if not fins:
            continue
        question = question_of(parse_iaq_json(dumps(biometric_iaq(fact, fins[0], "PROBE"))))
        out = work_out(question, lookup, received=date(2026, 11, 24), policy=policy)
        a = out.assessment
        if (
            out.decision.automatic
            and a.recommendation.action.value == "DETAINER"
            and not citizenship_sign(a)
        ):
            found.append((fact, fins[0]))
            if len(found) >= limit:
                break
    return found
