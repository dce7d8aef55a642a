"""Statements a writer runs in every transaction, compiled once and run on the DBAPI cursor.

Why (issue 18 goal 1): the desk's group commit runs the same dozen INSERTs and UPDATEs in
every transaction, and SQLAlchemy's execution path around each — the compiled-cache
look-up, the execution context, parameter processing, the result object — cost three to
four times the statement itself in SQLite (about 15 µs against 4 µs per INSERT on this
machine, more under load: bench/README.md). A :class:`Prebuilt` is an ordinary Core
statement; the first time it meets a dialect and a set of parameter names it is compiled
by SQLAlchemy (the same SQL text Core would send), and from then on it goes straight to
the DBAPI cursor of the unit's own connection: the same transaction, the same SQL, the
same values (the type's bind processors applied, the column's scalar default filled in
for a key the rows leave out, the statement's own literal values kept).

Anything it cannot do that way — a column with a Python-callable default the rows leave
out — runs through ``Connection.execute`` as before, so a caller never has to know.

Edit here: nothing per table; a new statement is a module-level ``Prebuilt(insert(...))``
beside the code that runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import Insert, Update, UpdateBase
from sqlalchemy.sql.selectable import Select

__all__ = ["Prebuilt", "driver_sql"]


class _Plan:
    """One compiled form: the SQL text and how to turn a row into its parameters."""

    __slots__ = ("fixed", "names", "positional", "processors", "sql")

    def __init__(
        self,
        sql: str,
        names: tuple[str, ...],
        positional: bool,
        fixed: dict[str, Any],
        processors: dict[str, Callable[[Any], Any]],
    ) -> None:
        self.sql = sql
        self.names = names
        self.positional = positional
        self.fixed = fixed
        self.processors = processors

    def parameters(self, row: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = {**self.fixed, **row} if self.fixed else row
        processors = self.processors
        if self.positional:
            if processors:
                return tuple(
                    processors[n](values[n]) if n in processors else values[n] for n in self.names
                )
            return tuple([values[n] for n in self.names])
        out = {n: values[n] for n in self.names}
        for name, process in processors.items():
            out[name] = process(out[name])
        return out


class Prebuilt:
    """A Core INSERT or UPDATE (or a SELECT, read with :meth:`returning`) run on the DBAPI
    cursor of the caller's connection."""

    __slots__ = ("_plans", "statement")

    def __init__(self, statement: Insert | Update | UpdateBase | Select[*tuple[Any, ...]]) -> None:
        self.statement = statement
        self._plans: dict[tuple[str, tuple[str, ...]], _Plan | None] = {}

    def execute(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per row (``executemany``); every row has the same keys."""
        if not rows:
            return
        plan = self._plan(connection, rows[0])
        if plan is None:
            connection.execute(self.statement, [dict(row) for row in rows])
            return
        cursor = _cursor(connection)
        try:
            if len(rows) == 1:
                parameters: Any = plan.parameters(rows[0])
                cursor.execute(plan.sql, parameters)
            else:
                parameters = [plan.parameters(row) for row in rows]
                cursor.executemany(plan.sql, parameters)
        except _dbapi_error(connection) as exc:
            raise _wrapped(connection, plan.sql, exc) from exc
        finally:
            cursor.close()

    def returning(self, connection: Connection, row: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement for one row and return the rows of its ``RETURNING`` clause
        (of a SELECT: its rows, as the driver gives them — no result processors, so only
        for columns whose type has none, such as strings and integers)."""
        plan = self._plan(connection, row)
        if plan is None:
            return [tuple(r) for r in connection.execute(self.statement, dict(row)).all()]
        cursor = _cursor(connection)
        try:
            cursor.execute(plan.sql, plan.parameters(row))
            return [tuple(r) for r in cursor.fetchall()]
        except _dbapi_error(connection) as exc:
            raise _wrapped(connection, plan.sql, exc) from exc
        finally:
            cursor.close()

    def _plan(self, connection: Connection, row: Mapping[str, Any]) -> _Plan | None:
        dialect = connection.dialect
        key = (dialect.name, tuple(row))
        try:
            return self._plans[key]
        except KeyError:
            plan = self._plans[key] = _compile(self.statement, dialect, key[1])
            return plan


def _compile(statement: Any, dialect: Any, keys: tuple[str, ...]) -> _Plan | None:
    """The statement compiled for ``dialect`` and rows with ``keys`` (None: use Core)."""
    is_insert = isinstance(statement, Insert)
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) if is_insert else None)
    if isinstance(statement, Select) and _converts_results(compiled, dialect):
        return None  # a column Core would convert on the way out: Core reads it
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.binds)
    literal = compiled.construct_params(_check=False)
    table: Table | None = getattr(statement, "table", None)
    fixed: dict[str, Any] = {}
    for name in names:
        if name in keys:
            continue
        column = table.c.get(name) if is_insert and table is not None else None
        if column is not None and column.default is not None:
            if not getattr(column.default, "is_scalar", False):
                return None  # a callable default: Core computes it
            fixed[name] = column.default.arg  # type: ignore[attr-defined]
        elif column is not None:
            fixed[name] = None  # left out of the row: NULL, as Core sends it
        else:
            fixed[name] = literal.get(name)  # the statement's own value (a WHERE literal)
    processors = dict(getattr(compiled, "_bind_processors", {}) or {})
    return _Plan(compiled.string, names, positional, fixed, processors)


def _converts_results(compiled: Any, dialect: Any) -> bool:
    """Whether any result column's type converts the driver's value (a result processor)."""
    for entry in compiled._result_columns:
        if entry.type.dialect_impl(dialect).result_processor(dialect, None) is not None:
            return True
    return False


def driver_sql(connection: Connection, sql: str) -> None:
    """Run one statement without parameters or rows (``SAVEPOINT``, ``BEGIN IMMEDIATE``)
    on ``connection``'s DBAPI cursor: what ``exec_driver_sql`` sends, without its
    execution context, which cost several times the statement (issue 18)."""
    try:
        cursor = _cursor(connection)  # a closed connection fails here already
        try:
            cursor.execute(sql)
        finally:
            cursor.close()
    except _dbapi_error(connection) as exc:
        raise _wrapped(connection, sql, exc) from exc


def _dbapi_error(connection: Connection) -> type[Exception]:
    """The driver's base error class (``sqlite3.Error``, ``psycopg.Error``)."""
    error: type[Exception] = connection.dialect.loaded_dbapi.Error
    return error


def _wrapped(connection: Connection, sql: str, exc: Exception) -> Exception:
    """The driver's error as SQLAlchemy raises it from ``Connection.execute``
    (``OperationalError``, ``IntegrityError``…, with the driver's as ``orig``), so the
    callers' handling is unchanged: a full disk is still a 503 (``db.storage``).

    A lost connection is marked and invalidated as ``Connection.execute`` would: a
    writer that keeps its connection (``vetline.db.held``) must see it is gone.
    """
    dialect = connection.dialect
    lost = bool(dialect.is_disconnect(exc, connection.connection.dbapi_connection, None))  # type: ignore[arg-type]
    if lost:
        connection.invalidate(exc)
    return DBAPIError.instance(
        sql, None, exc, _dbapi_error(connection), dialect=dialect, connection_invalidated=lost
    )


def _cursor(connection: Connection) -> Any:
    """A DBAPI cursor on ``connection``'s own DBAPI connection (its open transaction)."""
    return connection.connection.cursor()
