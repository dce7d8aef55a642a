"""The desk's CPU per automatic IAQ in process, through ``DeskService.submit_async`` on an
event loop, its write included: what HTTP adds is left out, what the loop and the writer
do between them is in (issue 18 goal 1).

Why beside ``bench_desk.py``: over HTTP on a shared machine the same code gives 5.3-7.3 ms
per IAQ from run to run, more than the changes to compare. Here one process, one loop,
IAQs offered at ``--rate`` per second (open loop: each is started at its time, whatever
is still being written), on a migrated SQLite database with the server's settings
(``synchronous=FULL``); CPU is this process's (every thread: the loop and any writer
thread), wall the time from an IAQ's start to its answer. Compare two versions of the
code by running the same script with ``PYTHONPATH`` on each one's ``src/``, alternated.

    .venv/bin/python bench/bench_desk_async.py --data D [--facts person_facts.csv]
        [--count 2000] [--rate 80] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_iar_assembly import AGENCY, iaq_bodies
from vetline.actor import Actor
from vetline.db import Database, upgrade
from vetline.desk.service import DeskService
from vetline.person import PersonLookup
from vetline.status import load_policy


async def _offer(desk: DeskService, bodies: list[str], rate: float) -> list[float]:
    """Start each IAQ at its time; the latency of each, in ms."""
    actor = Actor(user_id=None, username="bench.agency", via="token")
    latencies: list[float] = []
    start = time.perf_counter()

    async def one(n: int, body: str) -> None:
        due = start + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        began = time.perf_counter()
        sub = await desk.submit_async(body, actor, AGENCY)
        if sub.state.value != "answered":
            raise SystemExit(f"bench_desk_async: IAQ {n} not answered automatically")
        latencies.append((time.perf_counter() - began) * 1000)

    await asyncio.gather(*(one(n, b) for n, b in enumerate(bodies)))
    return latencies


def _automatic(desk: DeskService, bodies: list[str]) -> list[str]:
    """The bodies the desk answers automatically (worked out, not written)."""
    kept = []
    lookup = desk.lookup()
    for body in bodies:
        received = desk.clock()
        intake = desk._accept(body, AGENCY, None, received)
        row = desk._new_row(intake, received)
        if desk._work_out(row, lookup, intake).automatic:
            kept.append(body)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--facts", type=Path)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=80.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    facts = args.facts or args.data.parent / "extract" / "person_facts.csv"
    if not facts.is_file():
        sys.exit("bench_desk_async: give --facts person_facts.csv of the world in --data")
    lookup = PersonLookup.open(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        database = Database.from_url(f"sqlite:///{tmp}/desk.db")
        upgrade(database.engine)
        desk = DeskService(database, lookup, policy=load_policy())
        pool = _automatic(desk, iaq_bodies(facts, 2000))
        print(f"{len(pool)} automatic subjects")
        try:
            for r in range(args.rounds + 1):  # round 0 warms up (first-call costs)
                size = 200 if r == 0 else args.count  # the subjects again under new ids
                bodies = [
                    pool[n % len(pool)].replace('"iaq_id": "B', f'"iaq_id": "R{r}-{n}-')
                    for n in range(size)
                ]
                before = resource.getrusage(resource.RUSAGE_SELF)
                latencies = asyncio.run(_offer(desk, bodies, args.rate))
                after = resource.getrusage(resource.RUSAGE_SELF)
                if r == 0:
                    continue
                n = len(bodies)
                user = (after.ru_utime - before.ru_utime) * 1000 / n
                system = (after.ru_stime - before.ru_stime) * 1000 / n
                latencies.sort()
                print(
                    f"round {r}: {n} IAQs at {args.rate:g}/s: CPU {user + system:.3f} ms/IAQ "
                    f"({user:.3f} user + {system:.3f} system), latency p50 "
                    f"{statistics.median(latencies):.1f} / p99 "
                    f"{latencies[int(0.99 * (n - 1))]:.1f} ms"
                )
        finally:
            desk.close()
            database.dispose()


if __name__ == "__main__":
    main()
