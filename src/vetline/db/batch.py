"""Group commit: writes from many request threads share one transaction and one fsync.

Why: the desk stores every accepted IAQ durably before acknowledging it. One transaction
per IAQ means one writer-lock turn, one chain-head update and one fsync each; under a
burst the requests queue for the lock one by one (and, across ``vetline serve`` workers,
a process holding the lock while its thread waits for the GIL stalls every other worker).
A :class:`GroupCommit` has one writer thread per process: callers hand it a job and
block (or ``await``) until the transaction holding their job has committed. Whatever
queued up while the previous transaction ran is written together, so the cost per job
falls as the load rises, which is exactly when it matters. At low load a batch is a
single job and nothing is waited for.

**Lingering under load.** Under steady load a batch was still one job (1.01–1.05 jobs
per transaction at 300 IAQ/s on two workers: each request's job came alone, milliseconds
after the previous commit), so every IAQ paid a whole transaction — begin, the token
checked again, the chain head, the anchor line, the commit and its fsync — some 0.5 ms,
a sixth of the desk's CPU per IAQ (bench/README.md, the desk at stop 39). So a batch may wait a
little (``linger``, 10 ms at most) for one more job, the group commit of PostgreSQL's
``commit_delay`` and MySQL's ``binlog_group_commit_sync_delay``, but only when that job is
likely (``should_linger``):

* a caller announced it is preparing one (``expect``: the desk, before it works a query
  out on its event loop) — waited for until it is handed over or abandoned;
* or jobs have lately arrived more often than one per ``linger`` / ln 2 (so the next is
  more likely than not to come in time), and lately a wait did catch one: a wait ends
  at the first job, and when waits keep ending empty (the clients are all waiting for
  this very commit before they send again) it stops waiting, trying again now and then.

At low load neither holds: a batch is one job, committed at once, as before.

Nothing is acknowledged before its commit: a job's result is delivered only after
``COMMIT`` returned. When a batch fails as a whole, each of its jobs is retried alone,
so one bad job never fails the others and each caller gets its own job's outcome.

The writer thread keeps one connection and session for its life
(``vetline.db.held.HeldConnection``): a pooled session per transaction cost as much CPU
as the transaction's statements (issue 18). A batch whose connection turns out lost
before its COMMIT was sent ran nothing that lasts, so it runs once more on a new
connection, as the pool's pre-ping would have given it one; lost during the COMMIT, the
outcome is unknown and the callers get the error, as before.
"""

from __future__ import annotations

import asyncio
import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import DBAPIError

from vetline.db.base import utcnow
from vetline.db.engine import Database
from vetline.db.held import HeldConnection
from vetline.db.uow import Actor, UnitOfWork

J = TypeVar("J")
R = TypeVar("R")

log = logging.getLogger("vetline.db")

#: Jobs per transaction at most: bounds the time the writer lock is held by one batch.
MAX_BATCH = 64
#: The longest a batch waits for one more job (``should_linger``); a desk query is
#: worked out in about 2 ms, so an expected one comes well within it.
LINGER_S = 0.01
#: Arrival gaps and wait outcomes are averaged with this weight on the newest.
_EWMA = 0.1
#: A wait is tried when lately at least this share of waits caught a job...
HITS_FLOOR = 0.5
#: ... and otherwise every this many batches, to notice that the clients changed.
PROBE_EVERY = 32


def should_linger(gap: float, linger: float, hits: float, batch_number: int) -> bool:
    """Whether a batch with nothing more queued or expected waits up to ``linger`` s for
    one more job: arrivals (mean ``gap`` s apart lately, taken as a Poisson stream) more
    likely than not to bring one in time (``gap <= linger / ln 2``), and lately a wait
    did catch a job (``hits``, the share of recent waits that did), or this batch probes.
    """
    if linger <= 0 or gap > linger / math.log(2):
        return False
    return hits >= HITS_FLOOR or batch_number % PROBE_EVERY == 0


class _Stop:
    """Sentinel: the writer thread ends after the jobs queued before it."""


class _Nudge:
    """Wakes the writer thread: a job it may be waiting for will not come."""


class _Handover(Generic[J, R]):
    """The jobs one event loop handed over in one turn: one queue item, one wake-up of
    the writer thread, and their outcomes sent back in one call into the loop."""

    __slots__ = ("entries", "expected", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.entries: list[tuple[J, asyncio.Future[R]]] = []
        self.expected: list[Expected] = []


class Expected:
    """A job on its way to a :class:`GroupCommit` (``GroupCommit.expect``).

    Settled once: when its job is handed over (``run_async(job, expected)``), or by
    ``abandon`` when none will come (the query was refused, preparing it failed); the
    writer stops waiting for it either way.
    """

    __slots__ = ("_commit", "_open")

    def __init__(self, commit: GroupCommit[Any, Any]) -> None:
        self._commit = commit
        self._open = True

    def abandon(self) -> None:
        """No job will come of this: a batch waiting for it need not (no-op once settled)."""
        if self._open:
            self._open = False
            self._commit._settle_expected(1, nudge=True)

    def _handed_over(self) -> bool:
        was, self._open = self._open, False
        return was


#: A job and where its outcome goes: the caller's thread future, or a loop's future.
_Entry = tuple[J, "Future[R] | tuple[asyncio.AbstractEventLoop, asyncio.Future[R]]"]


class GroupCommit(Generic[J, R]):
    """One writer thread that commits the queued jobs of many callers together.

    ``write(uow, jobs)`` returns one outcome per job, in order: a result, or the
    exception that job's caller must see (the writer then leaves that job's changes out
    of the unit). The commit is the group commit's, never the writer's.
    """

    def __init__(
        self,
        database: Database,
        write: Callable[[UnitOfWork, Sequence[J]], Sequence[R | Exception]],
        *,
        actor: Actor,
        clock: Callable[[], datetime] = utcnow,
        max_batch: int = MAX_BATCH,
        linger: float = LINGER_S,
        name: str = "group-commit",
    ) -> None:
        self.database = database
        self._write = write
        self._actor = actor
        self._clock = clock
        self._max_batch = max(1, max_batch)
        self._linger = max(0.0, linger)
        self._name = name
        self._queue: queue.SimpleQueue[tuple[J, Future[R]] | _Handover[J, R] | _Stop | _Nudge] = (
            queue.SimpleQueue()
        )
        #: Jobs announced (``expect``) and not yet handed over nor abandoned.
        self._expected = 0
        self._expected_lock = threading.Lock()
        #: Recent mean gap between queued items (s) and share of waits that caught a job
        #: (``should_linger``). Updated without a lock from the callers' threads: an
        #: estimate, a lost update only nudges it.
        self._last_put = -math.inf
        self._gap = math.inf
        self._hits = 1.0
        self._thread: threading.Thread | None = None
        self._started = threading.Lock()
        #: The writer thread's connection and session, kept between transactions.
        self.held = HeldConnection(database)
        #: Per event loop, the jobs of its current turn not yet handed over.
        self._turn: dict[asyncio.AbstractEventLoop, _Handover[J, R]] = {}
        self.batches = 0
        self.jobs = 0
        #: Waits for a likely next job (``should_linger``), and those that ended empty.
        self.waits = 0
        self.waits_empty = 0

    def submit(self, job: J) -> Future[R]:
        """Queue ``job``; the future resolves after the transaction holding it commits."""
        future: Future[R] = Future()
        self._ensure_thread()
        self._arrived()
        self._queue.put((job, future))
        return future

    def run(self, job: J) -> R:
        """Queue ``job`` and wait for its outcome (raises the job's exception)."""
        return self.submit(job).result()

    def expect(self) -> Expected:
        """Announce a job this caller is preparing: a batch being taken meanwhile waits
        for it (at most ``linger`` seconds) instead of committing without it. Hand the
        job over with ``run_async(job, expected)``, or call ``abandon()`` when there will
        be none; never await anything else in between (the writer would wait for it)."""
        with self._expected_lock:
            self._expected += 1
        return Expected(self)

    @property
    def expected(self) -> int:
        """Jobs announced (``expect``) and not yet handed over nor abandoned."""
        return self._expected

    def _settle_expected(self, count: int, *, nudge: bool) -> None:
        with self._expected_lock:
            self._expected -= count
        if nudge:
            self._queue.put(_Nudge())

    async def run_async(self, job: J, expected: Expected | None = None) -> R:
        """``run`` for the event loop: the loop serves other requests meanwhile.

        The jobs a loop produces in one turn go to the writer together, at the end of
        the turn (one queue item, one wake-up of the writer thread), and their outcomes
        come back in one call into the loop: per job, a thread wake-up each way cost
        more CPU than the job's share of the write (issue 18, bench/README.md).
        Cancelled before the writer takes it, a job is not written (as with ``submit``).
        ``expected``: what ``expect`` returned for this job (settled when handed over).
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        turn = self._turn.get(loop)
        if turn is None:
            turn = self._turn[loop] = _Handover(loop)
            loop.call_soon(self._hand_over, loop)
        turn.entries.append((job, future))
        if expected is not None:
            turn.expected.append(expected)
        return await future

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        turn = self._turn.pop(loop, None)
        if turn is None:
            return
        # Settled just before the put: a writer seeing none expected any more then finds
        # the jobs queued (or, in the rare thread switch between, takes them next batch).
        settled = sum(expected._handed_over() for expected in turn.expected)
        if settled:
            self._settle_expected(settled, nudge=False)
        if turn.entries:
            self._ensure_thread()
            self._arrived()
            self._queue.put(turn)

    def _arrived(self) -> None:
        now = time.monotonic()
        gap, self._last_put = now - self._last_put, now
        self._gap = gap if math.isinf(self._gap) else self._gap + _EWMA * (gap - self._gap)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the thread (a later ``submit`` starts a new one)."""
        with self._started:
            thread, self._thread = self._thread, None
            if thread is None:
                return
            self._queue.put(_Stop())
        thread.join(timeout)

    # -- the writer thread -------------------------------------------------------------------

    def _ensure_thread(self) -> None:
        # Started on first use, not in __init__: ``vetline serve --workers`` forks after
        # building the app, and a thread does not survive a fork.
        if self._thread is not None and self._thread.is_alive():
            return
        with self._started:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        try:
            self._serve()
        finally:
            self.held.close()

    def _serve(self) -> None:
        while True:
            first = self._queue.get()
            if isinstance(first, _Stop):
                return
            if isinstance(first, _Nudge):
                continue
            batch: list[_Entry[J, R]] = []
            self._take(first, batch)
            stop = self._gather(batch)
            if batch:
                self._commit(batch)
            if stop:
                return

    def _gather(self, batch: list[_Entry[J, R]]) -> bool:
        """Add to ``batch`` what is queued, then wait (within ``linger``) for what is
        expected (``expect``) or, once, for a likely next job (``should_linger``); True
        when a stop was taken (the batch is the last)."""
        deadline: float | None = None
        may_wait = True  # the wait on the arrival rate: once per batch
        while len(batch) < self._max_batch:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                expected = self._expected > 0
                if not expected and not (may_wait and should_linger(
                    self._gap, self._linger, self._hits, self.batches
                )):  # fmt: skip
                    return False
                now = time.monotonic()
                if deadline is None:
                    deadline = now + self._linger
                if now >= deadline:
                    return False
                if not expected:
                    may_wait = False
                    self.waits += 1
                try:
                    more = self._queue.get(timeout=deadline - now)
                except queue.Empty:
                    if not expected:
                        self.waits_empty += 1
                        self._hits -= _EWMA * self._hits  # waited for nothing
                    return False
                if not expected and not isinstance(more, _Nudge):
                    self._hits += _EWMA * (1.0 - self._hits)
            if isinstance(more, _Stop):
                return True
            if not isinstance(more, _Nudge):
                self._take(more, batch)
        return False

    @staticmethod
    def _take(item: tuple[J, Future[R]] | _Handover[J, R], batch: list[_Entry[J, R]]) -> None:
        """Add ``item``'s jobs still wanted to ``batch`` (a cancelled one is dropped)."""
        if isinstance(item, _Handover):
            loop = item.loop
            batch.extend((job, (loop, future)) for job, future in item.entries
                         if not future.cancelled())  # fmt: skip
        elif item[1].set_running_or_notify_cancel():
            batch.append(item)

    def _commit(self, live: list[_Entry[J, R]]) -> None:
        try:
            outcomes = self._transaction([job for job, _ in live])
        except Exception as exc:  # the batch as a whole failed
            if len(live) == 1:
                _deliver([(live[0][1], exc)])
                return
            log.warning("group commit of %d jobs failed (%s); writing each alone",
                        len(live), type(exc).__name__)  # fmt: skip
            for one in live:
                self._commit([one])
            return
        _deliver([(sink, outcome) for (_, sink), outcome in zip(live, outcomes, strict=True)])

    def _transaction(self, jobs: list[J]) -> Sequence[R | Exception]:
        for last in (False, True):
            uow = UnitOfWork(
                self.database, self._actor, clock=self._clock, write=True, held=self.held
            )
            try:
                with uow:
                    outcomes = self._write(uow, jobs)
                    if len(outcomes) != len(jobs):
                        raise RuntimeError("a batch writer must return one outcome per job")
                    uow.commit()
            except DBAPIError as exc:
                if last or not exc.connection_invalidated or uow.committing:
                    raise
                log.warning("group commit: the writer's connection was lost (%s); again on "
                            "a new one", type(exc.orig).__name__)  # fmt: skip
                continue
            break
        self.batches += 1
        self.jobs += len(jobs)
        return outcomes


def _deliver(
    results: Sequence[
        tuple[Future[R] | tuple[asyncio.AbstractEventLoop, asyncio.Future[R]], R | Exception]
    ],
) -> None:
    """Send each outcome to its caller: a thread's future at once, a loop's futures in one
    call into each loop."""
    loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[R], R | Exception]]] = {}
    for sink, outcome in results:
        if isinstance(sink, Future):
            if isinstance(outcome, Exception):
                sink.set_exception(outcome)
            else:
                sink.set_result(outcome)
        else:
            loops.setdefault(sink[0], []).append((sink[1], outcome))
    for loop, settled in loops.items():
        try:
            loop.call_soon_threadsafe(_settle, settled)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            log.warning("group commit: %d outcomes for a closed event loop", len(settled))


def _settle(settled: Sequence[tuple[asyncio.Future[R], R | Exception]]) -> None:
    """In the loop: resolve each future still awaited."""
    for future, outcome in settled:
        if future.done():  # cancelled meanwhile
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
