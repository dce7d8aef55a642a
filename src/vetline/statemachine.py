"""One small state-machine mechanism for every stateful row: queries, work items, the
vetting centre's cases and requests, leads, batch jobs and account requests.

Why one mechanism: a query must never be answered twice, a work item never completed by
someone who does not hold it, a detainer never served before a supervisor approved it.
Kept in step by hand as SQL conditions in several places, such rules drift. Here a machine
is a transition table (state → states it may move to), optional guards per transition
(functions that return the reason a move is refused, or ``None``), and one compare-and-set
update that moves a row only if it is still in the state read, so two workers racing on
the same row cannot both win (one UPDATE changes one row for exactly one of two racing
transactions, on SQLite and PostgreSQL alike).

Edit here: the mechanism only. Each domain keeps its own table next to its model
(``desk/service/lifecycle.py`` for queries, ``db/work.py`` for work items,
``vetting/states.py``, ``leads/lifecycle.py``, ``batch/lifecycle.py``, ``auth/requests.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from vetline.errors import BadInput

S = TypeVar("S", bound=StrEnum)

#: A guard sees the move's context and returns why it is refused, or ``None``.
Guard = Callable[[Mapping[str, Any]], str | None]


class IllegalTransition(BadInput):
    """A move the table (or a guard) does not allow; names the object, states and reason."""

    def __init__(self, what: str, current: str, wanted: str, why: str | None = None) -> None:
        reason = f": {why}" if why else ""
        super().__init__("state", f"a {what} cannot go from {current} to {wanted}{reason}")
        self.current = current
        self.wanted = wanted
        self.why = why


@dataclass(frozen=True)
class StateMachine(Generic[S]):
    """A transition table over the enum ``states`` with optional guards per move."""

    what: str
    states: type[S]
    transitions: Mapping[S, frozenset[S]]
    guards: Mapping[tuple[S, S], tuple[Guard, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(self.states) - set(self.transitions)
        if missing:
            raise ValueError(f"{self.what}: no transitions listed for {sorted(missing)}")
        for move in self.guards:
            if move[1] not in self.transitions[move[0]]:
                raise ValueError(f"{self.what}: guard on a move the table forbids: {move}")

    def allowed(self, current: S) -> frozenset[S]:
        """The states ``current`` may move to."""
        return self.transitions[current]

    def check(self, current: str, wanted: S, context: Mapping[str, Any] | None = None) -> S:
        """``wanted`` if the move is allowed and every guard passes; else ``IllegalTransition``."""
        try:
            state = self.states(current)
        except ValueError:
            raise IllegalTransition(self.what, current, wanted.value) from None
        if wanted not in self.transitions[state]:
            raise IllegalTransition(self.what, state.value, wanted.value)
        for guard in self.guards.get((state, wanted), ()):
            if (why := guard(context or {})) is not None:
                raise IllegalTransition(self.what, state.value, wanted.value, why)
        return wanted

    def move(
        self,
        session: Session,
        id_column: InstrumentedAttribute[Any],
        state_column: InstrumentedAttribute[Any],
        row_id: Any,
        current: str,
        wanted: S,
        *,
        where: tuple[ColumnElement[bool], ...] = (),
        context: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> bool:
        """Compare-and-set one row from ``current`` to ``wanted``; ``False`` if it had moved.

        ``check`` runs first (an illegal move raises, it is a bug or a stale client, not a
        race); ``where`` adds conditions (e.g. the claim holder) to the same UPDATE.
        """
        self.check(current, wanted, context)
        table = id_column.class_
        result = session.execute(
            update(table)
            .where(id_column == row_id, state_column == current, *where)
            .values({state_column.key: wanted.value, **values})
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount) == 1  # type: ignore[attr-defined]
