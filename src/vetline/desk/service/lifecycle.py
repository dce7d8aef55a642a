"""The query lifecycle as a transition table: an illegal transition raises.

Why explicit: a query must never be answered twice, answered while an analyst holds it,
or silently dropped. ``RECEIVED`` is committed before anything else happens, so a crash
leaves a visible ``RECEIVED`` row that start-up recovery answers; every later state is
reached through :func:`check_transition` (and, in the database, a compare-and-set update
so two workers cannot both move the same query).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from vetline.errors import BadInput


class QueryState(StrEnum):
    """Where a query is in its life."""

    RECEIVED = "received"  # stored durably, not yet answered
    ANSWERED = "answered"  # an IAR was sent (automatically or by an analyst)
    QUEUED = "queued"  # waiting for an analyst; an interim IAR was sent
    CLAIMED = "claimed"  # an analyst is working on it


#: state → states it may move to. Nothing leaves ANSWERED: a correction is a new query.
TRANSITIONS: Final[dict[QueryState, frozenset[QueryState]]] = {
    QueryState.RECEIVED: frozenset({QueryState.ANSWERED, QueryState.QUEUED}),
    QueryState.QUEUED: frozenset({QueryState.CLAIMED}),
    QueryState.CLAIMED: frozenset({QueryState.QUEUED, QueryState.ANSWERED}),
    QueryState.ANSWERED: frozenset(),
}


class IllegalTransition(BadInput):
    """A lifecycle move the table does not allow (e.g. answering an answered query)."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__("state", f"a query cannot go from {current} to {wanted}")
        self.current = current
        self.wanted = wanted


def check_transition(current: str, wanted: QueryState) -> QueryState:
    """``wanted`` if the table allows ``current`` → ``wanted``; ``IllegalTransition`` if not."""
    try:
        state = QueryState(current)
    except ValueError:
        raise IllegalTransition(current, wanted.value) from None
    if wanted not in TRANSITIONS[state]:
        raise IllegalTransition(state.value, wanted.value)
    return wanted
