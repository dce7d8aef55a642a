"""The overdue case list, SQLite and PostgreSQL: most overdue first (a case at its first
late clock), paged with ``before`` through every overdue case — no gap, no duplicate —
with and without a case filter, and the same set as the per-row overdue flag.

The rows are written directly (no world, no intake): what is tested is the list's query
over every shape of clock a case can have.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from vetline.db import Actor, Database, UnitOfWork
from vetline.db.base import utc_iso
from vetline.errors import BadInput
from vetline.vetting.case_list import list_cases
from vetline.vetting.models import CitizenshipClaim, VettingCase, VettingRequest

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


def _at(hours: float) -> str:
    return utc_iso(NOW + timedelta(hours=hours))


def _case(i: int, aor: str) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=(i * 7919) % 1000 + 1)),  # ids not in case-number order
        "number": f"VC-{i:06d}",
        "state": "IN_REVIEW",
        "open_key": None,
        "person_id": f"P{i}",
        "encounter": "CA0194200|2026-11-20",
        "ori": "CA0194200",
        "aor": aor,
        "field_office": "x",
        "opened_via": "AUTOMATIC",
        "opened_reason": "test",
        "opened_at": _at(-100 - i),
        "opened_by": "test",
        "query_id": str(uuid.uuid4()),
        "match_level": "POSITIVE",
        "identity_basis": "BIOMETRIC",
        "recommendation": "DETAINER",
        "subject_json": "{}",
        "working_json": "{}",
        "updated_at": _at(-100 - i),
    }


def _request(case_id: str, state: str, due: float | None, rid: str | None = None) -> Any:
    return {
        "id": rid or str(uuid.uuid4()),
        "number": f"DET-{uuid.uuid4().hex[:12]}",
        "case_id": case_id,
        "kind": "DETAINER",
        "state": state,
        "pc_bases": "[]",
        "drafted_by": "u",
        "drafted_by_name": "test",
        "drafted_at": _at(-200),
        "deadline_at": None if due is None else _at(due),
    }


def _claim(case_id: str, state: str, due: float) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "case_id": case_id,
        "state": state,
        "claimant": "SUBJECT",
        "statement": "test",
        "opened_by": "test",
        "opened_at": _at(-200),
        "due_at": _at(due),
    }


def _world(db: Database) -> dict[str, tuple[str, str]]:
    """30 cases with every shape of clock; returns each overdue case's (due, aor)."""
    cases = [_case(i, "LOS" if i % 3 else "SFR") for i in range(30)]
    ids = [c["id"] for c in cases]
    reqs, claims = [], []
    expected: dict[str, tuple[str, str]] = {}
    for i, cid in enumerate(ids):
        aor = cases[i]["aor"]
        shape = i % 10
        if shape == 0:  # one late detainer, the running states in turn
            reqs.append(_request(cid, ("ISSUED", "SERVED", "ACKNOWLEDGED")[i % 3], -5 - i))
            expected[cid] = (_at(-5 - i), aor)
        elif shape == 1:  # a late claim only
            claims.append(_claim(cid, ("OPEN", "ASSIGNED")[i % 2], -3))
            expected[cid] = (_at(-3), aor)  # same due time for several cases: id breaks ties
        elif shape == 2:  # a late claim before a late detainer: listed once, at the claim
            claims.append(_claim(cid, "OPEN", -20 - i))
            reqs.append(_request(cid, "SERVED", -2))
            expected[cid] = (_at(-20 - i), aor)
        elif shape == 3:  # a late detainer before a late claim
            reqs.append(_request(cid, "ACKNOWLEDGED", -30 - i))
            claims.append(_claim(cid, "ASSIGNED", -1))
            expected[cid] = (_at(-30 - i), aor)
        elif shape == 4:  # two late detainers due at the same time, and a claim too
            reqs.append(_request(cid, "ISSUED", -3))
            reqs.append(_request(cid, "SERVED", -3))
            claims.append(_claim(cid, "OPEN", -3))
            expected[cid] = (_at(-3), aor)
        elif shape == 5:  # clocks that no longer run, past due: not overdue
            reqs.append(_request(cid, "LAPSED", -10))
            reqs.append(_request(cid, "CANCELLED", -10))
            claims.append(_claim(cid, "DETERMINED", -10))
        elif shape == 6:  # running, not yet due
            reqs.append(_request(cid, "ACKNOWLEDGED", 5))
            claims.append(_claim(cid, "OPEN", 1))
        elif shape == 7:  # a running request without a deadline (a notification) and a late one
            reqs.append(_request(cid, "ISSUED", None))
            reqs.append(_request(cid, "ISSUED", -7))
            expected[cid] = (_at(-7), aor)
        # shapes 8, 9: no clock at all
    with UnitOfWork(db, Actor.system("test"), write=True) as uow:
        uow.session.execute(insert(VettingCase), cases)
        uow.session.execute(insert(VettingRequest), reqs)
        uow.session.execute(insert(CitizenshipClaim), claims)
        uow.commit()
    return expected


def _pages(db: Database, limit: int, **filters: Any) -> list[list[dict[str, Any]]]:
    pages, before = [], None
    while True:
        with UnitOfWork(db, Actor.system("test"), clock=lambda: NOW) as uow:
            page = list_cases(uow, overdue=True, before=before, limit=limit, **filters)
        pages.append(page["cases"])
        before = page["next"]
        if before is None:
            return pages
        assert len(pages) < 50, "the cursor does not advance"


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 50])
def test_overdue_pages_most_overdue_first_without_gaps_or_duplicates(
    database: Database, limit: int
) -> None:
    expected = _world(database)
    order = sorted(expected, key=lambda cid: (expected[cid][0], cid))
    pages = _pages(database, limit)
    seen = [c["case_id"] for page in pages for c in page]
    assert seen == order
    assert all(len(page) <= limit for page in pages)
    assert all(c["overdue"] for page in pages for c in page)


@pytest.mark.parametrize("limit", [1, 4, 50])
def test_overdue_pages_with_a_case_filter(database: Database, limit: int) -> None:
    expected = _world(database)
    order = sorted(
        (cid for cid, (_, aor) in expected.items() if aor == "SFR"),
        key=lambda cid: (expected[cid][0], cid),
    )
    assert order  # the filter keeps some and drops some
    seen = [c["case_id"] for page in _pages(database, limit, aor="sfr") for c in page]
    assert seen == order
    assert _pages(database, limit, aor="SFR", state="CLOSED") == [[]]


def test_overdue_list_is_the_set_the_flag_marks(database: Database) -> None:
    expected = _world(database)
    with UnitOfWork(database, Actor.system("test"), clock=lambda: NOW) as uow:
        everything = list_cases(uow, limit=500)["cases"]
    assert {c["case_id"] for c in everything if c["overdue"]} == set(expected)
    assert len(everything) == 30


def test_a_malformed_cursor_names_the_field(database: Database) -> None:
    with UnitOfWork(database, Actor.system("test"), clock=lambda: NOW) as uow:
        for overdue in (True, False):
            with pytest.raises(BadInput) as err:
                list_cases(uow, overdue=overdue, before="not-a-cursor")
            assert err.value.field == "before"
