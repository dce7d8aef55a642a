"""An API batch job in a process of its own, at a lower priority than the desk.

Why: the serve process's runner thread used to run the job itself, and a job is Python
that holds the GIL for seconds at a time. A 20,000-row list (what a 1 MB upload holds) run
beside the desk in one process took the desk's p50 from 12 to 47 ms and its p99 from 17 to
336 ms at 100 IAQ/s for the job's 25 s (stop 40, bench/README.md). The job now runs in a
child process with an interpreter of its own (spawned: forking a server that has live
threads and connections is unsafe) at ``nice`` +10, so the desk's processes come first on
a busy machine. The runner thread keeps what is the serve process's: the claim, the
heartbeat, the progress row and the end; the child runs ``run_job`` — the very function
``vetline batch`` calls — and reports its progress through a pipe. A runner told to stop
(its job taken over) ends the child; the chunks it finished are whole and count on resume.

Edit here: the child's priority (``NICE``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final

from vetline.batch.job import JobRequest, run_job
from vetline.batch.policy import BatchPolicy
from vetline.progress import ProgressFn

#: How much lower the job's process runs than the server's (``nice`` increment).
NICE: Final = 10


class JobFailed(Exception):
    """The job's process failed; ``error`` is its exception's type and message."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def run_isolated(
    request: JobRequest, out: Path, policy: BatchPolicy, *, progress: ProgressFn, now: datetime
) -> dict[str, Any]:
    """``run_job(request, out, policy)`` in a child process; its manifest.

    ``progress`` is called here, in this process, with the child's figures (it may raise
    to stop the job: the child is ended). ``now``: the caller's clock at the start — the
    child's clock runs on from it."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(request, str(out), policy.model_dump_json(), now - datetime.now(UTC), sender),
        name="vetline-batch-job",
        # ended with the server (a job left RUNNING is resumed by the next runner); a
        # daemonic process may not start children, and an API job runs in one process
        daemon=True,
    )
    child.start()
    sender.close()  # the child holds the only sending end: its exit is our end of file
    try:
        while True:
            if not receiver.poll(0.5):
                if child.is_alive():
                    continue
                if not receiver.poll(0):  # gone with nothing left to read
                    raise JobFailed(_ended(child))
            try:
                kind, *payload = receiver.recv()
            except EOFError:  # the child closed its end without a last word
                raise JobFailed(_ended(child)) from None
            if kind == "progress":
                progress(*payload)
            elif kind == "done":
                manifest: dict[str, Any] = payload[0]
                return manifest
            else:
                raise JobFailed(str(payload[0]))
    except BaseException:
        if child.is_alive():
            child.terminate()
        raise
    finally:
        child.join(30)
        receiver.close()


def _ended(child: Any) -> str:
    child.join(10)
    return f"the job's process ended without a result (exit code {child.exitcode})"


def _child(
    request: JobRequest, out: str, policy_json: str, offset: timedelta, sender: Connection
) -> None:
    with contextlib.suppress(OSError):  # not allowed here: the server's priority, then
        os.nice(NICE)

    def progress(stage: str, done: int, total: int) -> None:
        sender.send(("progress", stage, done, total))

    try:
        manifest = run_job(
            request, Path(out), BatchPolicy.model_validate_json(policy_json),
            progress=progress, clock=lambda: datetime.now(UTC) + offset,
        )  # fmt: skip
    except BaseException as exc:  # the parent records it on the job's row
        sender.send(("failed", f"{type(exc).__name__}: {exc}"))
    else:
        sender.send(("done", manifest))
    finally:
        sender.close()
