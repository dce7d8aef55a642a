"""The tamper table (issue 13 item 2): consistent rewrites the chain alone cannot see, each
caught by the keyed checkpoints outside the database — on SQLite and PostgreSQL.

Every row is a rewrite an insider with database access could make: they get past the
append-only trigger and rewrite rows, hashes and the head so that the chain verifies
against itself (asserted first, so the row proves the anchor is what catches it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from test_audit_chain import _bypass_trigger, _restore_sqlite_trigger

from vetline.audit.anchor import AnchorLog, derive_key
from vetline.audit.chain import event_hash
from vetline.audit.models import GENESIS_HASH, HASHED_COLUMNS, AuditEvent
from vetline.audit.service import verify_audit
from vetline.audit.verify import verify_chain
from vetline.db import Actor, Database, UnitOfWork

SECRET = "anchor-test-secret-0123456789abcdef"
Rows = list[dict[str, Any]]


@pytest.fixture
def anchored(database: Database, tmp_path: Path) -> Database:
    """The test database with checkpoints in a temporary data folder."""
    database.anchor = AnchorLog.for_data(tmp_path, SECRET)
    actor = Actor(user_id="u-1", username="analyst1", role="desk_analyst", via="session")
    for kind, count in (("LOGIN_SUCCEEDED", 2), ("RECORD_VIEWED", 3), ("LOGOUT", 1)):
        for i in range(count):
            with UnitOfWork(database, actor, write=True) as uow:
                uow.audit(kind, object_type="person", object_id=f"P{i}", details={"i": i})
                uow.commit()
    return database


def _rows(db: Database) -> Rows:
    with UnitOfWork(db, Actor.system()) as uow:
        return [
            e.as_dict() for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
        ]


def _rechain(rows: Rows) -> Rows:
    """Renumber from 1 and recompute every hash: a chain that verifies against itself."""
    prev, out = GENESIS_HASH, []
    for seq, row in enumerate(rows, start=1):
        row = {**row, "seq": seq, "prev_hash": prev}
        row["hash"] = prev = event_hash({c: row[c] for c in HASHED_COLUMNS})
        out.append(row)
    return out


def _rewrite(db: Database, rows: Rows) -> None:
    """Replace the whole table and the head with ``rows``, past the trigger."""
    with db.engine.begin() as conn:
        _bypass_trigger(conn)
        conn.execute(text("DELETE FROM audit_events"))
        if rows:
            conn.execute(AuditEvent.__table__.insert(), rows)  # type: ignore[attr-defined]
        last = rows[-1] if rows else {"seq": 0, "hash": GENESIS_HASH}
        conn.execute(
            text("UPDATE audit_chain_head SET last_seq = :s, last_hash = :h WHERE id = 1"),
            {"s": last["seq"], "h": last["hash"]},
        )
    if db.dialect == "sqlite":
        _restore_sqlite_trigger(db)


def _delete_tail(rows: Rows) -> Rows:
    return rows[:-2]


def _edit_and_rehash(rows: Rows) -> Rows:
    rows[2] = {**rows[2], "object_id": "P-someone-else"}
    return _rechain(rows)


def _drop_a_type_and_renumber(rows: Rows) -> Rows:
    return _rechain([r for r in rows if r["event_type"] != "RECORD_VIEWED"])


def _append_forged(rows: Rows) -> Rows:
    forged = {**rows[-1], "event_id": "forged-0001", "event_type": "USER_ROLE_CHANGED",
              "details": '{"after":"auditor"}'}  # fmt: skip
    return _rechain([*rows, forged])


TAMPER_TABLE: list[tuple[str, Callable[[Rows], Rows], str]] = [
    ("delete the tail, fix the head", _delete_tail, "behind checkpoint"),
    ("edit a row, rehash everything after it", _edit_and_rehash, "differs from its checkpoint"),
    ("delete every event of one type, renumber", _drop_a_type_and_renumber, "checkpoint"),
    ("append a forged event", _append_forged, "not covered by any checkpoint"),
]


@pytest.mark.parametrize(
    ("name", "rewrite", "words"), TAMPER_TABLE, ids=[t[0] for t in TAMPER_TABLE]
)
def test_consistent_rewrites_are_caught_by_the_checkpoints(
    anchored: Database, name: str, rewrite: Callable[[Rows], Rows], words: str
) -> None:
    before = verify_audit(anchored, Actor.system(), anchor=anchored.anchor)  # type: ignore[arg-type]
    assert before.ok, before.describe()
    _rewrite(anchored, rewrite(_rows(anchored)))
    with UnitOfWork(anchored, Actor.system()) as uow:
        assert verify_chain(uow.session).ok, f"{name}: the chain alone should not see it"
    report = verify_audit(anchored, Actor.system(), anchor=anchored.anchor)  # type: ignore[arg-type]
    assert not report.ok, name
    assert report.problem is not None and words in report.problem, report.problem


def test_a_forged_or_truncated_anchor_file_is_caught(anchored: Database, tmp_path: Path) -> None:
    anchor = anchored.anchor
    assert isinstance(anchor, AnchorLog)
    path = anchor.paths[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # the last checkpoint removed
    report = verify_audit(anchored, Actor.system(), anchor=anchor)
    assert not report.ok and "not covered" in (report.problem or "")
    path.write_text("".join([*lines[:-1], lines[-1].replace('"seq":6', '"seq":7')]), "utf-8")
    report = verify_audit(anchored, Actor.system(), anchor=anchor)
    assert not report.ok and "MAC" in (report.problem or "")
    # The wrong key (someone who rewrote the file without the server secret) fails too.
    path.write_text("".join(lines), encoding="utf-8")
    wrong = AnchorLog([path], derive_key("another-secret-0123456789abcdefghij"))
    assert "MAC" in (verify_audit(anchored, Actor.system(), anchor=wrong).problem or "")
    assert verify_audit(anchored, Actor.system(), anchor=anchor).ok


def test_verify_writes_nothing_unless_asked(anchored: Database) -> None:
    anchor = anchored.anchor
    assert isinstance(anchor, AnchorLog)
    count = len(_rows(anchored))
    assert verify_audit(anchored, Actor.system(), anchor=anchor).ok
    assert len(_rows(anchored)) == count
    assert verify_audit(anchored, Actor.system(), anchor=anchor, record=True).ok
    assert [r["event_type"] for r in _rows(anchored)][count:] == ["AUDIT_VERIFIED"]
    assert verify_audit(anchored, Actor.system(), anchor=anchor).ok  # its commit was anchored
