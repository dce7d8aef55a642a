"""The background runner of API batch jobs: a daemon thread of the serve process.

It claims one job at a time (``BatchService.claim``: QUEUED, or RUNNING with a dead
heartbeat), runs it, and looks again; woken at once when a job is submitted, otherwise
every ``poll_s`` seconds. A job's failure is recorded on its row and in the audit trail
(FAILED), never only logged; the runner goes on with the next job. With ``vetline serve
--workers N`` each worker process has a runner; the compare-and-set claim lets exactly
one of them run a given job. A job runs in a process of its own at a lower priority
(``isolated.py``: run in this thread, it held the GIL beside the desk), one local process
per job; a large list is better run with ``vetline batch --workers N``.

Edit here: how often it looks, how many jobs run at once (one).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid

from vetline.batch.service import BatchService

log = logging.getLogger("vetline.batch")


class BatchRunner:
    def __init__(self, service: BatchService, poll_s: float = 5.0) -> None:
        self.service = service
        self.poll_s = poll_s
        self.name = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._loop, name="vetline-batch-runner", daemon=True
                )
                self._thread.start()

    def wake(self) -> None:
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_pending(self) -> int:
        """Run every job that can be claimed now, one after another; how many ran."""
        ran = 0
        while not self._stop.is_set():
            job_id = self.service.claim(self.name)
            if job_id is None:
                return ran
            try:
                self.service.run(job_id, self.name)
            except Exception:
                log.exception("batch job %s failed", job_id)
            ran += 1
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pending()
            except Exception:
                log.exception("batch runner: claiming failed; retrying")
            self._wake.wait(self.poll_s)
            self._wake.clear()
