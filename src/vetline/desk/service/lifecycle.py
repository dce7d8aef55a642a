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

from vetline.statemachine import IllegalTransition, StateMachine

__all__ = ["LIFECYCLE", "TRANSITIONS", "IllegalTransition", "QueryState", "check_transition"]


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


#: The query lifecycle on the project's one state-machine mechanism.
LIFECYCLE: Final[StateMachine[QueryState]] = StateMachine("query", QueryState, TRANSITIONS)


def check_transition(current: str, wanted: QueryState) -> QueryState:
    """``wanted`` if the table allows ``current`` → ``wanted``; ``IllegalTransition`` if not."""
    return LIFECYCLE.check(current, wanted)
