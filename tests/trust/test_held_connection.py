"""The group commit's long-lived writer connection (``vetline.db.held``): one connection
for every transaction, the same transaction boundaries as a session per transaction, a
failed transaction rolled back with the connection still usable, and a lost connection
replaced (the batch run once more only when nothing of it can have committed)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from vetline.audit.verify import verify_chain
from vetline.db import Actor, Database, UnitOfWork
from vetline.db.batch import GroupCommit


class Writer:
    """One audit event and one scratch row per job; ``boom`` fails after both are written."""

    def __init__(self) -> None:
        self.calls = 0
        self.kill: Database | None = None  # the next call first loses its connection
        self.kill_late: Database | None = None  # ... after its own statements

    def __call__(self, uow: UnitOfWork, jobs: Sequence[str]) -> list[str | Exception]:
        self.calls += 1
        connection = uow.session.connection()
        if self.kill is not None:
            _lose(self.kill, connection)
            self.kill = None
        for job in jobs:
            uow.audit("API_CALL", details={"job": job})
            connection.execute(text("INSERT INTO scratch (name) VALUES (:n)"), {"n": job})
            if job == "boom":
                raise RuntimeError("the batch cannot be written")
        if self.kill_late is not None:  # the chain append, on the DBAPI cursor, meets it
            _lose(self.kill_late, connection)
            self.kill_late = None
        return [f"stored {job}" for job in jobs]


def _lose(database: Database, connection: object) -> None:
    """Take the writer's connection away under it, as a server restart or a network
    failure would."""
    raw = connection.connection.dbapi_connection  # type: ignore[attr-defined]
    if database.dialect == "postgresql":
        pid = raw.info.backend_pid
        with database.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
    else:
        raw.close()


@pytest.fixture
def scratch(database: Database) -> Database:
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (name VARCHAR(40) PRIMARY KEY)"))
    return database


def _names(database: Database) -> list[str]:
    with database.engine.connect() as connection:
        return [str(r[0]) for r in connection.execute(text("SELECT name FROM scratch"))]


def _events(database: Database) -> int:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        assert verify_chain(uow.session).ok
        return int(uow.session.execute(text("SELECT count(*) FROM audit_events")).scalar_one())


def test_every_transaction_runs_on_one_connection(scratch: Database) -> None:
    group = GroupCommit(scratch, Writer(), actor=Actor.system("test"))
    assert [group.run(f"job-{n}") for n in range(20)] == [f"stored job-{n}" for n in range(20)]
    assert group.held.opened == 1 and group.batches == 20
    # committed before the caller got its answer: another connection sees every row
    assert sorted(_names(scratch)) == sorted(f"job-{n}" for n in range(20))
    group.close()
    assert _events(scratch) == 20


def test_a_failed_transaction_rolls_back_and_the_connection_stays_usable(
    scratch: Database,
) -> None:
    group = GroupCommit(scratch, Writer(), actor=Actor.system("test"))
    assert group.run("before") == "stored before"
    with pytest.raises(RuntimeError, match="cannot be written"):
        group.run("boom")
    assert group.run("after") == "stored after"
    assert group.held.opened == 1
    group.close()
    assert sorted(_names(scratch)) == ["after", "before"]  # nothing of "boom"
    assert _events(scratch) == 2


def test_a_lost_connection_is_replaced_and_the_batch_written_once(scratch: Database) -> None:
    writer = Writer()
    group = GroupCommit(scratch, writer, actor=Actor.system("test"))
    assert group.run("first") == "stored first"
    writer.kill = scratch
    assert group.run("second") == "stored second"  # lost before COMMIT: run again
    assert group.held.opened == 2 and writer.calls == 3
    assert group.run("third") == "stored third"
    assert group.held.opened == 2
    group.close()
    assert sorted(_names(scratch)) == ["first", "second", "third"]
    assert _events(scratch) == 3


def test_a_connection_lost_before_the_chain_append_is_replaced(scratch: Database) -> None:
    """The first statement to meet the lost connection runs on the DBAPI cursor
    (``db.prebuilt``): it is marked lost as Core marks it, and the batch runs again."""
    writer = Writer()
    group = GroupCommit(scratch, writer, actor=Actor.system("test"))
    writer.kill_late = scratch
    assert group.run("only") == "stored only"
    assert group.held.opened == 2 and writer.calls == 2
    group.close()
    assert _names(scratch) == ["only"]
    assert _events(scratch) == 1


def test_a_connection_lost_between_transactions_is_replaced(scratch: Database) -> None:
    """Lost while idle (no pre-ping on a held connection): the next batch notices it on
    its first statement, before anything of it was written, and runs on a new one."""
    group = GroupCommit(scratch, Writer(), actor=Actor.system("test"))
    assert group.run("first") == "stored first"
    connection = group.held._connection  # the writer thread is idle, waiting for work
    assert connection is not None
    _lose(scratch, connection)
    assert group.run("second") == "stored second"
    assert group.held.opened == 2
    group.close()
    assert sorted(_names(scratch)) == ["first", "second"]


def test_a_connection_lost_during_commit_is_not_retried(
    scratch: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """COMMIT sent and the connection gone: the outcome is unknown, so the callers get the
    error (writing the batch again could write it twice) and the next batch reconnects."""
    writer = Writer()
    group = GroupCommit(scratch, writer, actor=Actor.system("test"))
    assert group.run("first") == "stored first"
    session = group.held._session
    assert session is not None
    real_commit = session.commit

    def lose_and_commit() -> None:  # the audit rows are written; COMMIT is next
        monkeypatch.delattr(session, "commit")
        _lose(scratch, session.connection())
        real_commit()

    monkeypatch.setattr(session, "commit", lose_and_commit, raising=False)
    with pytest.raises(DBAPIError):
        group.run("second")
    assert writer.calls == 2  # not run again
    assert group.run("third") == "stored third"
    group.close()
    assert "third" in _names(scratch)
