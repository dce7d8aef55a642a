"""``vetline.db.prebuilt``: a statement sent to the DBAPI cursor stores exactly what
``Connection.execute`` stores, on both backends, and fails as SQLAlchemy fails."""

from __future__ import annotations

from typing import Any, cast

import pytest
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError

from vetline.db import Actor, Database, UnitOfWork
from vetline.db.prebuilt import Prebuilt
from vetline.desk.service.models import DeskQuery

QUERIES = cast(Table, DeskQuery.__table__)
PREBUILT = Prebuilt(insert(QUERIES))


def _row(n: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {column.key: None for column in QUERIES.columns}
    row.update(
        id=f"q{n}", iaq_id=f"I{n}", ori="CA0194200", query_type="IAQ", form="json",
        state="answered", iaq_json="{}", iaq_hash="h", intake_json="{}", priority=2,
        received_at="2026-12-06T00:00:00.000000Z", due_at="2026-12-06T00:00:00.000000Z",
        automatic=True, response_ms=7,
    )  # fmt: skip
    row.update(changes)
    return row


def _stored(database: Database) -> list[tuple[Any, ...]]:
    with UnitOfWork(database, Actor.system()) as uow:
        rows = uow.session.connection().execute(select(QUERIES).order_by(QUERIES.c.iaq_id))
        return [tuple(r)[1:] for r in rows]  # all but the id


def test_the_same_rows_as_core(database: Database) -> None:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        connection = uow.session.connection()
        PREBUILT.execute(connection, [_row(1), _row(2, automatic=False, aor="LOS")])
        connection.execute(insert(QUERIES), [_row(3), _row(4, automatic=False, aor="LOS")])
        uow.session.commit()
    stored = _stored(database)
    assert [r[0] for r in stored] == ["I1", "I2", "I3", "I4"]
    assert stored[0][1:] == stored[2][1:] and stored[1][1:] == stored[3][1:]
    assert stored[0][QUERIES.c.keys().index("automatic") - 1] is True


def test_a_driver_error_is_sqlalchemys(database: Database) -> None:
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        connection = uow.session.connection()
        PREBUILT.execute(connection, [_row(1)])
        with pytest.raises(IntegrityError):
            PREBUILT.execute(connection, [_row(1)])  # the same primary key


def test_a_select_reads_what_core_reads(database: Database) -> None:
    """A SELECT of columns the driver returns as they are goes to the cursor; one with a
    column Core converts (a boolean) is read through Core: the same rows either way."""
    strings = Prebuilt(select(QUERIES.c.iaq_id, QUERIES.c.aor).where(QUERIES.c.ori == "CA0194200"))
    converted = Prebuilt(select(QUERIES.c.iaq_id, QUERIES.c.automatic))
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        connection = uow.session.connection()
        PREBUILT.execute(connection, [_row(1), _row(2, automatic=False, aor="LOS")])
        core = connection.execute(strings.statement).all()
        assert sorted(strings.returning(connection, {})) == sorted(tuple(r) for r in core)
        assert sorted(converted.returning(connection, {})) == [("I1", True), ("I2", False)]
        uow.session.rollback()
    if database.engine.dialect.name == "sqlite":  # stores booleans as 0 and 1
        assert list(converted._plans.values()) == [None]  # Core's path, not the cursor's
    assert all(plan is not None for plan in strings._plans.values())
