"""The audit chain: intact chains verify; edits and deletions are found and named.

Tampering is done the way an insider with database access would: first get past the
append-only trigger (drop it on SQLite, disable triggers for the session on PostgreSQL),
then change rows with plain SQL.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from vetline.audit import verify_chain
from vetline.audit.chain import canonical_json, event_hash
from vetline.db import Actor, Database, UnitOfWork

N_EVENTS = 6


def _write(db: Database, n: int = N_EVENTS) -> None:
    actor = Actor(
        user_id="u-1", username="analyst1", role="desk_analyst", via="session", client="10.0.0.7"
    )
    with UnitOfWork(db, actor, write=True) as uow:
        for i in range(n):
            uow.audit(
                "RECORD_VIEWED",
                object_type="person",
                object_id=f"P{i}",
                reason="query IAQ-1",
                details={"i": i, "fields": ["dob", "a_number"]},
            )
        uow.commit()


def _verify(db: Database) -> tuple[bool, int | None, str | None]:
    with UnitOfWork(db, Actor.system(), write=True) as uow:
        result = verify_chain(uow.session)
    return result.ok, result.bad_seq, result.problem


def _tamper(db: Database, sql: str) -> None:
    """Run ``sql`` around the append-only trigger, as an insider could."""
    with db.engine.begin() as conn:
        _bypass_trigger(conn)
        conn.execute(text(sql))
    if db.dialect == "sqlite":
        _restore_sqlite_trigger(db)


def _bypass_trigger(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))


def _restore_sqlite_trigger(db: Database) -> None:
    from importlib import import_module

    migration = import_module("vetline.db.migrations.versions.0001_trust")
    with db.engine.begin() as conn:
        for statement in migration.SQLITE_APPEND_ONLY:
            conn.execute(text(statement))


def test_intact_chain_verifies(database: Database) -> None:
    _write(database)
    assert _verify(database) == (True, None, None)


def test_database_refuses_update_and_delete(database: Database) -> None:
    _write(database, 2)
    for sql in (
        "UPDATE audit_events SET reason = 'x' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
            conn.execute(text(sql))
    assert _verify(database)[0]


@pytest.mark.parametrize(
    ("sql", "bad_seq", "words"),
    [
        ("UPDATE audit_events SET reason = 'no reason' WHERE seq = 3", 3, "row edited"),
        ("UPDATE audit_events SET actor_username = 'someone' WHERE seq = 1", 1, "row edited"),
        (
            "UPDATE audit_events SET ts = '2020-01-01T00:00:00.000000Z' WHERE seq = 6",
            6,
            "row edited",
        ),
        (
            # Flip the first hex digit (a plain 'f' prefix is no change when it already is 'f').
            "UPDATE audit_events SET hash = CASE WHEN substr(hash, 1, 1) = 'f' THEN '0' "
            "ELSE 'f' END || substr(hash, 2) WHERE seq = 4",
            4,
            "row edited",
        ),
        ("DELETE FROM audit_events WHERE seq = 2", 2, "deleted"),
        ("DELETE FROM audit_events WHERE seq >= 5", 5, "deleted at the tail"),
    ],
)
def test_tampering_is_detected_and_named(
    database: Database, sql: str, bad_seq: int, words: str
) -> None:
    _write(database)
    _tamper(database, sql)
    ok, seq, problem = _verify(database)
    assert not ok
    assert seq == bad_seq
    assert problem is not None and words in problem


def test_rehashed_edit_is_caught_at_the_link(database: Database) -> None:
    """An insider who edits a row AND recomputes its hash still breaks the next link."""
    _write(database)
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        row = uow.session.execute(text("SELECT * FROM audit_events WHERE seq = 3")).mappings()
        fields = {k: v for k, v in dict(row.one()).items() if k != "hash"}
    fields["reason"] = "rewritten"
    new_hash = event_hash(fields)
    _tamper(
        database, f"UPDATE audit_events SET reason = 'rewritten', hash = '{new_hash}' WHERE seq = 3"
    )
    ok, seq, problem = _verify(database)
    assert (ok, seq) == (False, 3)
    assert problem is not None and "seq=4" in problem


def test_concurrent_writers_keep_one_chain(database: Database) -> None:
    """Eight threads appending at once: gap-free sequence, every link intact."""
    threads, per_thread = 8, 10
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def writer(k: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with UnitOfWork(
                    database, Actor(user_id=f"u{k}", username=f"w{k}"), write=True
                ) as uow:
                    uow.audit("API_CALL", details={"k": k, "i": i})
                    uow.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=writer, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        result = verify_chain(uow.session)
    assert result.ok, result.describe()
    assert result.checked == threads * per_thread


def test_canonical_json_is_order_independent_and_strict() -> None:
    assert canonical_json({"b": 1, "a": [1, None]}) == canonical_json({"a": [1, None], "b": 1})
    with pytest.raises(ValueError, match="plain JSON"):
        canonical_json({"x": object()})
    with pytest.raises(ValueError, match="plain JSON"):
        canonical_json({"x": float("nan")})
