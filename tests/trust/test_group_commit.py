"""Group commit (``vetline.db.batch``): jobs from many threads share transactions, each
caller gets its own job's outcome only after the commit, and one bad job fails no other."""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future

import pytest
from sqlalchemy import text

from vetline.audit.verify import verify_chain
from vetline.db import Actor, Database, UnitOfWork
from vetline.db.batch import HITS_FLOOR, PROBE_EVERY, GroupCommit, should_linger


class Writer:
    """Audits one event per job; ``hold`` blocks the writer thread until released,
    ``refuse`` is a job-level failure, ``explode`` fails the whole batch."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.holding = threading.Event()
        self.batch_sizes: list[int] = []

    def __call__(self, uow: UnitOfWork, jobs: Sequence[str]) -> list[str | Exception]:
        self.batch_sizes.append(len(jobs))
        outcomes: list[str | Exception] = []
        for job in jobs:
            if job == "hold":
                self.holding.set()
                assert self.release.wait(30)
            if job == "explode":
                raise RuntimeError("the batch cannot be written")
            if job.startswith("refuse"):
                outcomes.append(ValueError(job))
                continue
            uow.audit("API_CALL", details={"job": job})
            outcomes.append(f"stored {job}")
        return outcomes


def _chain(database: Database) -> list[str]:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        assert verify_chain(uow.session).ok
        rows = uow.session.execute(text("SELECT details FROM audit_events ORDER BY seq")).all()
    return [str(row[0]) for row in rows]


def _held(group: GroupCommit[str, str], writer: Writer) -> Future[str]:
    held = group.submit("hold")
    assert writer.holding.wait(30)
    return held


def test_jobs_queued_together_share_one_transaction(database: Database) -> None:
    writer = Writer()
    group = GroupCommit(database, writer, actor=Actor.system("test"))
    held = _held(group, writer)
    futures = [group.submit(f"job-{n}") for n in range(10)]
    assert not any(f.done() for f in futures)  # nothing acknowledged before its commit
    writer.release.set()
    assert [f.result(30) for f in futures] == [f"stored job-{n}" for n in range(10)]
    assert held.result(30) == "stored hold"
    group.close()
    assert writer.batch_sizes == [1, 10]
    assert (group.batches, group.jobs) == (2, 11)
    assert len(_chain(database)) == 11


def test_a_refused_job_fails_alone_and_leaves_nothing(database: Database) -> None:
    writer = Writer()
    group = GroupCommit(database, writer, actor=Actor.system("test"))
    held = _held(group, writer)
    futures = [group.submit(name) for name in ("a", "refuse-b", "c")]
    writer.release.set()
    held.result(30)
    assert futures[0].result(30) == "stored a"
    with pytest.raises(ValueError, match="refuse-b"):
        futures[1].result(30)
    assert futures[2].result(30) == "stored c"
    group.close()
    assert [d for d in _chain(database) if "refuse" in d] == []


def test_a_failing_batch_is_retried_job_by_job(database: Database) -> None:
    writer = Writer()
    group = GroupCommit(database, writer, actor=Actor.system("test"))
    held = _held(group, writer)
    futures = [group.submit(name) for name in ("a", "explode", "c")]
    writer.release.set()
    held.result(30)
    assert futures[0].result(30) == "stored a"
    with pytest.raises(RuntimeError, match="cannot be written"):
        futures[1].result(30)
    assert futures[2].result(30) == "stored c"
    group.close()
    assert writer.batch_sizes[1:] == [3, 1, 1, 1]  # together, then each alone
    assert len(_chain(database)) == 3  # hold, a, c: the failed batch left nothing


def test_many_threads_lose_nothing_and_close_writes_what_is_queued(database: Database) -> None:
    group = GroupCommit(database, Writer(), actor=Actor.system("test"), max_batch=8)
    results: list[str] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        for n in range(25):
            stored = group.run(f"c{k}-{n}")
            with lock:
                results.append(stored)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    last = group.submit("last")
    group.close()
    assert last.result(0) == "stored last"
    assert len(results) == len(set(results)) == 200
    assert group.jobs == 201 and group.batches <= 201
    assert len(_chain(database)) == 201
    assert group.run("after close") == "stored after close"  # a new writer thread starts
    group.close()


def test_jobs_of_one_loop_turn_are_handed_over_together(database: Database) -> None:
    """``run_async``: what a loop produces in one turn is one queue item, one transaction,
    and each caller still gets its own outcome, only after the commit."""
    writer = Writer()
    group = GroupCommit(database, writer, actor=Actor.system("test"))

    async def burst() -> list[object]:
        names = ["a", "refuse-b", "c", "d"]
        return await asyncio.gather(*(group.run_async(n) for n in names), return_exceptions=True)

    outcomes = asyncio.run(burst())
    assert outcomes[0] == "stored a" and outcomes[2:] == ["stored c", "stored d"]
    assert isinstance(outcomes[1], ValueError)
    assert writer.batch_sizes == [4] and (group.batches, group.jobs) == (1, 4)
    group.close()
    assert len(_chain(database)) == 3


def test_a_loop_job_cancelled_before_the_writer_takes_it_is_not_written(
    database: Database,
) -> None:
    writer = Writer()
    group = GroupCommit(database, writer, actor=Actor.system("test"))
    held = _held(group, writer)

    async def cancel_one() -> str:
        gone = asyncio.ensure_future(group.run_async("gone"))
        kept = asyncio.ensure_future(group.run_async("kept"))
        await asyncio.sleep(0.05)  # both handed over; the writer is still held
        gone.cancel()
        await asyncio.sleep(0)
        writer.release.set()
        return await kept

    assert asyncio.run(cancel_one()) == "stored kept"
    assert held.result(30) == "stored hold"
    group.close()
    assert [d for d in _chain(database) if "gone" in d] == []


# -- lingering under load: a batch waits only for a job that is coming -------------------


def test_should_linger_only_when_the_next_job_is_likely() -> None:
    """The rate half of the rule: arrivals must make a job in time more likely than not,
    and lately a wait must have caught one (or this batch probes)."""
    linger = 0.01
    assert should_linger(0.005, linger, 1.0, 1)  # 200 jobs/s: one in 10 ms is likely
    assert should_linger(0.0144, linger, 1.0, 1)  # just under linger / ln 2
    assert not should_linger(0.015, linger, 1.0, 1)  # fewer than ~70/s: commit at once
    assert not should_linger(math.inf, linger, 1.0, 1)  # no rate seen yet (a first job)
    assert not should_linger(0.005, 0.0, 1.0, 1)  # lingering switched off
    assert not should_linger(0.005, linger, HITS_FLOOR - 0.01, 1)  # waits came back empty
    assert should_linger(0.005, linger, HITS_FLOOR - 0.01, PROBE_EVERY)  # ... but it probes


def test_an_expected_job_joins_the_batch_that_waits_for_it(database: Database) -> None:
    """The desk announces a query it is working out; the batch the writer takes meanwhile
    waits for that job and both commit in one transaction."""
    writer = Writer()
    group = GroupCommit(database, writer, actor=Actor.system("test"), linger=0.5)

    async def scenario() -> tuple[str, str]:
        expected = group.expect()
        first = group.submit("first")  # taken by the writer: it waits for the expected job
        await asyncio.sleep(0.05)
        assert not first.done()  # waiting, not committed without it
        second = await group.run_async("second", expected)
        return first.result(30), second

    assert asyncio.run(scenario()) == ("stored first", "stored second")
    group.close()
    assert writer.batch_sizes == [2]


def test_an_abandoned_job_is_not_waited_for(database: Database) -> None:
    """A query refused after it was announced: the writer is woken and commits the rest
    (a linger of 60 s would otherwise hold the first job for a minute)."""
    writer = Writer()
    group = GroupCommit(database, writer, actor=Actor.system("test"), linger=60.0)
    expected = group.expect()
    first = group.submit("first")
    time.sleep(0.05)
    assert not first.done()
    expected.abandon()
    expected.abandon()  # settled once
    assert first.result(10) == "stored first"
    group.close()
    assert writer.batch_sizes == [1]


def test_under_a_steady_stream_a_batch_waits_for_the_next_job(database: Database) -> None:
    """Jobs lately came close together: a batch with nothing more queued waits (here up
    to 2 s) for the next job, which joins its transaction; the wait ends at that job."""
    writer = Writer()
    group = GroupCommit(database, writer, actor=Actor.system("test"), linger=2.0)
    held = _held(group, writer)
    burst = [group.submit(f"burst-{n}") for n in range(5)]  # a fraction of a ms apart
    writer.release.set()
    assert held.result(30) == "stored hold"
    time.sleep(0.2)
    assert not any(f.done() for f in burst)  # waiting for a likely next job
    started = time.monotonic()
    assert group.run("next") == "stored next"
    assert time.monotonic() - started < 1.5  # ended at the job, not at the deadline
    assert [f.result(30) for f in burst] == [f"stored burst-{n}" for n in range(5)]
    group.close()
    assert writer.batch_sizes == [1, 6] and (group.waits, group.waits_empty) == (1, 0)


def test_a_client_waiting_for_each_commit_is_not_waited_for_long(database: Database) -> None:
    """One client that sends its next job only after the previous one committed: a wait
    for another job can only end empty; after a few such waits the writer stops waiting
    (it tries again every ``PROBE_EVERY`` batches)."""
    writer = Writer()
    group = GroupCommit(database, writer, actor=Actor.system("test"), linger=0.05)
    for n in range(5):  # a burst first, so the arrival rate says "likely"
        group.submit(f"burst-{n}")
    for n in range(25):
        assert group.run(f"closed-{n}") == f"stored closed-{n}"
    group.close()
    assert group.waits_empty == group.waits  # nothing else ever came...
    assert 1 <= group.waits <= 8  # ... and the writer soon stopped waiting for it
