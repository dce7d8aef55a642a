"""A running API job's heartbeat: liveness written every few seconds, whatever the job does.

Why apart from progress: the runner used to write the heartbeat only with the rows'
progress, so a stage that reports no rows — reading and validating a long list (≈ 20 s a
million rows), loading the person index, assembling the results — left it unwritten. Past
``STALE_AFTER_S`` another serve process's runner would take the job over while the first
was still working on it, and the two would write the same job folder (stop 40). A thread
now beats every ``STALE_AFTER_S / 4`` seconds until the job ends; when the job's row says
it is no longer this runner's (a stall made it look dead), the beating stops and the job
stops at its next step (``Pulse``, ``TakenOver``).

Edit here: how often it beats (``EVERY_S``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Final

from vetline.batch.lifecycle import STALE_AFTER_S, JobState
from vetline.batch.models import BatchJob
from vetline.db import Actor, Database, UnitOfWork, utc_iso

#: Seconds between beats: four chances before a job looks dead to the other runners.
EVERY_S: Final = STALE_AFTER_S / 4

log = logging.getLogger("vetline.batch")


def write_beat(
    database: Database,
    clock: Callable[[], datetime],
    job_id: str,
    runner: str,
    *,
    rows: tuple[int, int] | None = None,
) -> bool:
    """The job's heartbeat now (and with ``rows`` its rows done and total), if ``runner``
    still runs it; whether it does (a job taken over or ended is not written)."""
    with UnitOfWork(database, Actor.system("batch-runner"), clock=clock, write=True) as uow:
        row = uow.session.get(BatchJob, job_id)
        if row is None or row.runner != runner or row.state != JobState.RUNNING.value:
            return False
        if rows is not None:
            row.rows_done, row.rows_total = rows
        row.heartbeat_at = utc_iso(uow.now())
        uow.commit()
        return True


class TakenOver(Exception):
    """This runner's job now belongs to another runner (ours looked dead): stop working it."""


class Pulse:
    """What the running job asks of its heartbeat: is the job still this runner's?"""

    def __init__(self) -> None:
        self.lost = threading.Event()

    def check(self) -> None:
        """Raise ``TakenOver`` once a beat found the job another runner's."""
        if self.lost.is_set():
            raise TakenOver


@contextmanager
def beating(beat: Callable[[], bool], every_s: float = EVERY_S) -> Iterator[Pulse]:
    """Call ``beat`` every ``every_s`` seconds while the block runs.

    ``beat`` writes the heartbeat and says whether the job is still this runner's; once it
    says no, the beating stops and the yielded ``Pulse`` says so (the job's progress
    checks it: a runner whose job was taken over stops at its next step instead of working
    the job beside its new runner). A failed write is logged and tried again at the next
    beat: one lost beat of four does not stale a job.
    """
    stop, pulse = threading.Event(), Pulse()

    def loop() -> None:
        while not stop.wait(every_s):
            try:
                if not beat():
                    pulse.lost.set()
                    return
            except Exception:
                log.exception("batch job heartbeat not written; trying again")

    thread = threading.Thread(target=loop, name="vetline-batch-heartbeat", daemon=True)
    thread.start()
    try:
        yield pulse
    finally:
        stop.set()
        thread.join()
