"""The query lifecycle's transition table: allowed moves pass, every other move raises."""

from __future__ import annotations

import pytest

from vetline.desk.service import TRANSITIONS, IllegalTransition, QueryState
from vetline.desk.service.lifecycle import check_transition

ALLOWED = {
    (QueryState.RECEIVED, QueryState.ANSWERED),
    (QueryState.RECEIVED, QueryState.QUEUED),
    (QueryState.QUEUED, QueryState.CLAIMED),
    (QueryState.CLAIMED, QueryState.QUEUED),
    (QueryState.CLAIMED, QueryState.ANSWERED),
}


@pytest.mark.parametrize("current", list(QueryState))
@pytest.mark.parametrize("wanted", list(QueryState))
def test_every_pair(current: QueryState, wanted: QueryState) -> None:
    if (current, wanted) in ALLOWED:
        assert check_transition(current.value, wanted) is wanted
    else:
        with pytest.raises(IllegalTransition):
            check_transition(current.value, wanted)


def test_table_matches_and_answered_is_final() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert TRANSITIONS[QueryState.ANSWERED] == frozenset()


def test_unknown_state_raises() -> None:
    with pytest.raises(IllegalTransition):
        check_transition("lost", QueryState.ANSWERED)
