"""A running ``vetline serve`` (a real HTTP server in a child process) answers a query about
a record that arrived in a delta, after ``update_persons``, without a restart: it notices
the new index generation and swaps it in (``resolve.generation``)."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import world
from test_delta import split_extract

from serverproc import ServerProcess
from vetline.auth.roles import Role
from vetline.db import Actor, Database, UnitOfWork
from vetline.records import ingest_extract
from vetline.resolve import build_persons
from vetline.resolve.delta import update_persons
from vetline.resolve.layout import read_person_records

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery staple"
ORI = "CA0194200"


def _add_user(db: Database, username: str) -> None:
    from vetline.auth.accounts import NewUser, create_user

    new = NewUser.parse(
        username=username, role=str(Role.REQUESTING_AGENCY), password=PASSWORD, ori=ORI
    )
    with UnitOfWork(db, Actor(user_id=None, username="cli:test", via="cli"), write=True) as uow:
        create_user(uow, new)
        uow.commit()


def _new_biometric_record(root: Path, truth: dict[tuple[str, str], str]) -> dict[str, str]:
    """A delta record with a FIN, of a person with no record in the base (a new person)."""
    in_base: set[str] = set()
    for path in (root / "base").glob("*.csv"):
        with path.open(newline="") as fh:
            in_base |= {truth[(path.stem, r["record_id"])] for r in csv.DictReader(fh)}
    for path in sorted((root / "delta").glob("*.csv")):
        with path.open(newline="") as fh:
            for row in csv.DictReader(fh):
                who = truth[(path.stem, row["record_id"])]
                if row.get("fin") and row.get("dob") and who not in in_base:
                    return {**row, "source": path.stem}
    raise AssertionError("the delta holds no new person with a FIN")


def _ask(client: httpx.Client, row: dict[str, str], n: int) -> dict[str, Any]:
    body = {
        "iaq_id": f"DELTA-{n}",
        "query_type": "IAQ",
        "ori": ORI,
        "subject": {
            "last_name": row["last_name"],
            "first_name": row["first_name"],
            "dob": row["dob"],
            "fin": row["fin"],
        },
        "encounter": {"state": "CA", "county_fips": "06037", "date": "2026-11-01"},
    }
    response = client.post("/v1/iaq", json=body)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_running_server_answers_a_delta_record(
    tmp_path: Path, sqlite_database_url: str, sqlite_database: Database
) -> None:
    people = world.make_people(300, seed=8)
    truth = world.write_extract(tmp_path / "all", people, seed=9)
    split_extract(tmp_path / "all", tmp_path / "base", tmp_path / "delta", seed=11)
    data = tmp_path / "data"
    ingest_extract(tmp_path / "base", data)
    build_persons(data)
    row = _new_biometric_record(tmp_path, truth)
    _add_user(sqlite_database, "delta.agency")
    server = ServerProcess(["vetline.cli", "serve", "--data", str(data)], sqlite_database_url)
    try:
        server.start()
        client = httpx.Client(base_url=server.base, timeout=60)
        login = client.post(
            "/v1/auth/login", json={"username": "delta.agency", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        before = _ask(client, row, 0)

        ingest_extract(tmp_path / "delta", data)
        report = update_persons(data)
        assert report.records_new
        records = read_person_records(data).to_pandas().set_index("unique_id")
        person = records.loc[f"{row['source']}|{row['record_id']}", "person_id"]
        assert person not in str(before)  # the old generation did not know this person

        deadline, n, after = time.monotonic() + 60, 1, before
        while time.monotonic() < deadline:
            after = _ask(client, row, n)
            n += 1
            if person in str(after):
                break
            time.sleep(0.5)
        assert person in str(after), after  # the new record's person, no restart
    finally:
        server.stop()
