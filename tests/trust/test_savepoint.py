"""``UnitOfWork.savepoint``: a failing block leaves nothing of itself in the unit — its
rows and its audit events — and the unit commits the rest; the same whether the session
held ORM objects (the ORM's nested transaction) or not (two plain statements)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from vetline.audit.models import AuditEvent
from vetline.audit.verify import verify_chain
from vetline.auth.models import RoleRow
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.service.models import DeskQuery


def _row(n: int) -> dict[str, object]:
    return {"id": f"q{n}", "iaq_id": f"I{n}", "ori": "CA0194200", "query_type": "IAQ",
            "form": "json", "state": "received", "iaq_json": "{}", "iaq_hash": "h",
            "intake_json": "{}", "priority": 1, "received_at": "2026-11-24T08:00:00.000000Z",
            "due_at": "2026-11-24T09:00:00.000000Z"}  # fmt: skip


def _counts(database: Database) -> tuple[int, list[str]]:
    with UnitOfWork(database, Actor.system()) as uow:
        assert verify_chain(uow.session).ok
        rows = uow.session.scalar(select(func.count()).select_from(DeskQuery))
        kinds = list(uow.session.scalars(select(AuditEvent.details).order_by(AuditEvent.seq)))
    return int(rows or 0), [str(k) for k in kinds]


@pytest.mark.parametrize("orm", [False, True], ids=["plain", "orm"])
def test_a_failing_block_leaves_nothing_and_the_unit_commits_the_rest(
    database: Database, orm: bool
) -> None:
    with UnitOfWork(database, Actor.system("test"), write=True) as uow:
        if orm:  # an ORM object in the session: the ORM's own nested transaction
            assert uow.session.scalars(select(RoleRow)).first() is not None
        uow.session.connection().execute(insert(DeskQuery.__table__), [_row(1)])
        uow.audit("API_CALL", details={"step": "before"})
        with pytest.raises(RuntimeError, match="inside"), uow.savepoint():
            uow.session.connection().execute(insert(DeskQuery.__table__), [_row(2)])
            uow.audit("API_CALL", details={"step": "inside"})
            raise RuntimeError("inside")
        with uow.savepoint():  # a later savepoint in the same unit works
            uow.session.connection().execute(insert(DeskQuery.__table__), [_row(3)])
            uow.audit("API_CALL", details={"step": "after"})
        uow.commit()
    rows, details = _counts(database)
    assert rows == 2
    assert [d for d in details if "step" in d] == ['{"step":"before"}', '{"step":"after"}']
