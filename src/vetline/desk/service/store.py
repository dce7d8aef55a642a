"""The desk's persistence: insert a query, move it through its lifecycle, read it scoped.

Every read of queries or IARs goes through :func:`visible`, which ANDs the caller's row
scope into the WHERE clause (an agency sees its ORI, a field officer its AOR, analysts
all), so no endpoint can forget it. Every state change is a compare-and-set UPDATE guarded
by the transition table: of two workers moving the same query, exactly one wins.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, cast

import orjson
from sqlalchemy import Select, Table, insert, select

from vetline.auth.roles import RowScope, scope_filter
from vetline.db.base import utc_iso
from vetline.db.prebuilt import Prebuilt
from vetline.db.uow import UnitOfWork
from vetline.desk.service.lifecycle import LIFECYCLE, QueryState
from vetline.desk.service.models import DeskQuery, DeskResponse

_QUERIES = cast(Table, DeskQuery.__table__)
_RESPONSES = cast(Table, DeskResponse.__table__)
_QUERY_KEYS = tuple(column.key for column in _QUERIES.columns)
# Core statements built once and run on the DBAPI cursor of the session's connection
# (``vetline.db.prebuilt``): the ORM's execution path, per-call statement building and
# Core's execution context each cost more than the inserts themselves.
_INSERT_RESPONSE = Prebuilt(insert(_RESPONSES))


def canonical_json(data: Any) -> str:
    """Compact, key-sorted JSON: the stored form and the basis of the hash."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def document_json(data: Any) -> str:
    """Key-sorted compact JSON of a large document (an IAR, the engine's working).

    ``orjson``: these are the biggest texts the desk writes per IAQ, and the stdlib's
    encoder was a visible share of its CPU. Not for ``iaq_json``: its hash must stay the
    stdlib's text so a resubmission still matches a row stored by an older version.
    """
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


def digest(text: str) -> str:
    """SHA-256 of ``text`` (hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_id() -> str:
    """A random UUID string (query and IAR ids)."""
    return str(uuid.uuid4())


def visible(scope: RowScope) -> Select[DeskQuery]:
    """``SELECT desk_queries`` limited to the rows ``scope`` may see."""
    table = DeskQuery.__table__.c
    where = scope_filter(scope, ori_column=table.ori, aor_column=table.aor)
    return select(DeskQuery).where(where)


def find_by_client_id(uow: UnitOfWork, ori: str, iaq_id: str) -> DeskQuery | None:
    """The query an ORI sent under ``iaq_id``, if any (the idempotency key)."""
    return uow.session.scalar(
        select(DeskQuery).where(DeskQuery.ori == ori, DeskQuery.iaq_id == iaq_id)
    )


def get(uow: UnitOfWork, query_id: str) -> DeskQuery | None:
    """One query by id, unscoped: for the service's own work, never for a reader."""
    return uow.session.get(DeskQuery, query_id)


def move(uow: UnitOfWork, query: DeskQuery, to: QueryState, **values: Any) -> bool:
    """Compare-and-set ``query`` from its current state to ``to``; False if someone moved it.

    ``IllegalTransition`` when the table forbids the move from the state read.
    """
    won = LIFECYCLE.move(
        uow.session, DeskQuery.id, DeskQuery.state, query.id, query.state, to, **values
    )
    if won and query in uow.session:
        uow.session.expire(query)
    return won


def add_response(
    uow: UnitOfWork,
    query_id: str,
    iar: Mapping[str, Any] | str,
    kind: str,
    sent_by: str | None,
    *,
    version: int | None = None,
) -> str:
    """Append an IAR version (a dict, or its canonical JSON) to the query's history; its id.

    ``version`` may be given when the caller knows it (1 for a query inserted in this
    unit); otherwise it is counted.
    """
    if version is None:
        version = 1 + len(
            uow.session.scalars(
                select(DeskResponse.id).where(DeskResponse.query_id == query_id)
            ).all()
        )
    text = iar if isinstance(iar, str) else canonical_json(iar)
    row = response_row(uow, query_id, text, kind, sent_by, version)
    _INSERT_RESPONSE.execute(uow.session.connection(), [row])
    return str(row["id"])


def insert_new_queries(uow: UnitOfWork, queries: Sequence[DeskQuery]) -> set[str]:
    """INSERT the rows whose ``(ori, iaq_id)`` is new; the ids of those inserted.

    ``ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL alike) instead of letting one
    duplicate fail the statement: a batch of queries from the group commit is one
    statement, and a resubmission inside it (or a race with another worker) must only
    skip its own row. The skipped ones are answered from the stored row instead.
    """
    if not queries:
        return set()
    connection = uow.session.connection()
    statement = _insert_new(uow.dialect)
    inserted: set[str] = set()
    for query in queries:  # one statement each: a batch holds a few, RETURNING per row
        row = {key: getattr(query, key) for key in _QUERY_KEYS}
        inserted.update(str(found[0]) for found in statement.returning(connection, row))
    return inserted


def _insert_new(dialect: str) -> Prebuilt:
    """``INSERT … ON CONFLICT (ori, iaq_id) DO NOTHING RETURNING id`` for ``dialect``."""
    statement = _INSERT_NEW.get(dialect)
    if statement is None:
        # only the dialect in use: ``sqlalchemy.dialects.postgresql`` alone is ~0.1 s of a
        # cold ``vetline query`` on SQLite (bench_first_hour.py)
        from importlib import import_module

        own = import_module(
            f"sqlalchemy.dialects.{'postgresql' if dialect == 'postgresql' else 'sqlite'}"
        )
        statement = Prebuilt(
            own.insert(_QUERIES)
            .on_conflict_do_nothing(index_elements=["ori", "iaq_id"])
            .returning(_QUERIES.c.id)
        )
        _INSERT_NEW[dialect] = statement
    return statement


_INSERT_NEW: dict[str, Prebuilt] = {}


def add_responses(uow: UnitOfWork, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert IAR versions built by :func:`response_row`: one statement for a batch."""
    if rows:
        _INSERT_RESPONSE.execute(uow.session.connection(), rows)


def response_row(
    uow: UnitOfWork, query_id: str, iar_json: str, kind: str, sent_by: str | None, version: int
) -> dict[str, Any]:
    """The ``desk_responses`` row of one IAR version (see :func:`add_response`)."""
    return {
        "id": new_id(),
        "query_id": query_id,
        "version": version,
        "kind": kind,
        "sent_at": utc_iso(uow.now()),
        "sent_by": sent_by,
        "iar_json": iar_json,
    }


def responses(uow: UnitOfWork, query_id: str) -> Sequence[DeskResponse]:
    """Every IAR version of a query, oldest first."""
    return uow.session.scalars(
        select(DeskResponse).where(DeskResponse.query_id == query_id).order_by(DeskResponse.version)
    ).all()
