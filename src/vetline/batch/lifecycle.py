"""The batch-job lifecycle on the project's state machine (``vetline.statemachine``).

QUEUED → RUNNING → FINISHED | FAILED; RUNNING → RUNNING is the takeover of a job whose
runner died (its heartbeat is older than ``STALE_AFTER_S``); FAILED → QUEUED is a retry.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from vetline.statemachine import StateMachine

#: A RUNNING job whose heartbeat is older than this is taken over (its runner died).
STALE_AFTER_S: Final = 60


class JobState(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"


TRANSITIONS: Final[dict[JobState, frozenset[JobState]]] = {
    JobState.QUEUED: frozenset({JobState.RUNNING}),
    JobState.RUNNING: frozenset({JobState.RUNNING, JobState.FINISHED, JobState.FAILED}),
    JobState.FINISHED: frozenset(),
    JobState.FAILED: frozenset({JobState.QUEUED}),
}

LIFECYCLE: Final[StateMachine[JobState]] = StateMachine("batch job", JobState, TRANSITIONS)
