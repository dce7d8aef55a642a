"""Issue 13, items 5, 8, 9, 10: read-only by default, free text refused, least data, small lies.

Each test is one defect the outside tester found, asserted the way they saw it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from vetline.audit.search import AuditFilter
from vetline.audit.service import export_events
from vetline.auth.errors import NotFound
from vetline.auth.secrets import password_problem
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.nlets_iar import agency_view
from vetline.errors import BadInput
from vetline.text import check_text


def test_a_unit_of_work_reads_unless_told_to_write(database: Database) -> None:
    with UnitOfWork(database, Actor.system()) as uow:
        assert uow.read_only
        with pytest.raises(RuntimeError, match="write=True"):
            uow.audit("API_CALL")
        with pytest.raises(RuntimeError, match="write=True"):
            uow.commit()


def test_a_write_goes_through_while_a_slow_export_streams(sqlite_database: Database) -> None:
    """Issue 13 item 5: the export held the SQLite writer lock for the whole download."""
    db = sqlite_database
    with UnitOfWork(db, Actor.system(), write=True) as uow:
        for i in range(30):
            uow.audit("API_CALL", details={"i": i})
        uow.commit()
    lines = export_events(db, Actor.system("auditor"), AuditFilter(), "jsonl")
    first = next(lines)  # the export's unit is open, the download is "slow"
    assert first.startswith("{")
    took: list[float] = []

    def write() -> None:
        started = time.monotonic()
        with UnitOfWork(db, Actor.system("admin"), write=True) as uow:
            uow.audit("USERS_LISTED")
            uow.commit()
        took.append(time.monotonic() - started)

    writer = threading.Thread(target=write)
    writer.start()
    writer.join(timeout=10)
    rest = list(lines)
    assert took and took[0] < 2.0, f"a write waited {took} s behind an open export"
    assert len(rest) >= 30


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("reason\x00with NUL", "reason"),
        ("bell\x07", "reason"),
        ("right-to-left \u202e override", "reason"),
        ("zero\u200bwidth", "reason"),
    ],
)
def test_control_and_invisible_characters_are_refused(value: str, field: str) -> None:
    with pytest.raises(BadInput) as caught:
        check_text(value, field, 200)
    assert caught.value.field == field


def test_free_text_length_is_checked_on_what_is_stored() -> None:
    assert check_text("  Cafe\u0301  ", "name", 4) == "Café"  # composed first, then counted
    with pytest.raises(BadInput):
        check_text("x" * 5, "name", 4)


@pytest.mark.parametrize(
    "password", ["password1234", "qwertyuiop123", "aaaaaaaaaaaa", "letmein12345"]
)
def test_common_passwords_are_refused(password: str) -> None:
    problem = password_problem(password, "someone")
    assert problem is not None and "guess" in problem


def test_a_passphrase_passes() -> None:
    assert password_problem("correct horse battery staple", "someone") is None


def test_the_agency_view_names_no_other_person() -> None:
    iar = {
        "iar_id": "I1",
        "recommendation": {"action": "NO_ACTION"},
        "match": {
            "level": "PROBABLE", "person_id": "P1", "probability": 0.99,
            "candidates": [{"person_id": "P1", "probability": 0.99},
                           {"person_id": "P2", "probability": 0.41}],
            "possible_same_person": [{"person_id": "P3", "records": []}],
        },
    }  # fmt: skip
    view = agency_view(iar)
    assert "recommendation" not in view
    assert view["match"]["candidates"] == [] and view["match"]["possible_same_person"] == []
    assert view["match"]["person_id"] == "P1"
    assert iar["match"]["candidates"]  # the stored IAR is unchanged


def test_a_404_message_does_not_echo_a_long_id() -> None:
    long_id = "A" * 5000
    err = NotFound.of("iar", long_id)
    assert len(str(err)) < 80 and err.object_id == long_id[:128]


def test_audit_verify_on_a_fresh_data_folder_is_one_line(tmp_path: Path) -> None:
    vetline = Path(sys.executable).with_name("vetline")
    done = subprocess.run(
        [str(vetline), "audit", "verify", "--data", str(tmp_path / "fresh")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "no vetline database" in done.stderr


def test_a_name_is_validated_as_it_is_stored() -> None:
    """10 × U+FDFA (one code point that NFKC expands to 18 characters) passed a length
    check made before normalisation; the check is on the stored form."""
    import pydantic

    from vetline.desk.iaq import IAQ

    body = {"query_type": "IAQ", "ori": "CA0194200", "subject": {"first_name": "A"}}
    with pytest.raises(pydantic.ValidationError, match="at most 60"):
        IAQ.model_validate({**body, "subject": {"last_name": "\ufdfa" * 10, "first_name": "A"}})
    stored = IAQ.model_validate({**body, "subject": {"last_name": "\ufdfa", "first_name": "A"}})
    name = stored.subject.last_name or ""
    assert len(name) <= 60 and any("A" <= ch <= "Z" for ch in name)


def test_a_429_is_audited_summarised(database: Database) -> None:
    from sqlalchemy import select
    from trusthelpers import add_user, api_client

    from vetline.api import Settings, create_app
    from vetline.audit.models import AuditEvent
    from vetline.auth.roles import Role

    app = create_app(Settings(demo_mode=True, rate_limit_per_minute=3), database=database)
    add_user(database, "busy.analyst", Role.DESK_ANALYST)
    client = api_client(app, "busy.analyst")
    statuses = [client.get("/v1/auth/me").status_code for _ in range(6)]
    assert statuses[:3] == [200, 200, 200] and set(statuses[3:]) == {429}
    with UnitOfWork(database, Actor.system()) as uow:
        rows = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "RATE_LIMITED")
        ).all()
        limited = [(r.actor_username, r.outcome) for r in rows]
    assert limited == [("busy.analyst", "denied")]  # one event for the burst, named


def test_a_form_upload_from_a_session_is_refused_by_field_not_500(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """A logged-in (cookie) multipart post: the route parsed its form before the CSRF
    check read the body, and the check's read of the consumed stream was a 500 (found by
    schemathesis on POST /v1/batch-jobs with empty fields)."""
    from trusthelpers import add_user, api_client

    from vetline.api import Settings, create_app
    from vetline.auth.roles import Role

    add_user(sqlite_database, "lead.one", Role.LEAD_ANALYST)
    app = create_app(Settings(demo_mode=True, data=tmp_path), database=sqlite_database)
    client: Any = api_client(app, "lead.one")
    token = client.headers.pop("X-CSRF-Token")  # a browser form: the token rides in the form
    empty = {"purpose": "", "authority": "", "csrf_token": token}
    response = client.post("/v1/batch-jobs", files={"file": ("list.csv", b"")}, data=empty)
    assert response.status_code == 422, response.text
    forged = client.post(
        "/v1/batch-jobs",
        files={"file": ("list.csv", b"a\n")},
        data={"purpose": "p", "authority": "a"},
    )
    assert forged.status_code == 403, forged.text
