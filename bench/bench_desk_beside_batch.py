"""The desk's latency while an API batch job runs beside it (stop 40).

Why: the serve process's batch runner ran a job in a thread of the desk's own process, and
a job's Python holds the GIL for seconds at a time. This bench answers automatic IAQs in
process (``DeskService.submit_async`` on an event loop, its SQLite write included, the
serve's 0.5 ms switch interval) at ``--rate``, in rounds: alone, beside a batch job run in
a thread of this process (the runner's old way), and beside the same job run by
``run_isolated`` (a process of its own at nice +10: the runner's way now), alone between
them. Each job vets a fresh ``--rows``-row list of the bench's kind (``bench_batch.py``).

    .venv/bin/python bench/bench_desk_beside_batch.py [--rows 20000] [--count 2500]
        [--rate 100] [--world /tmp/vetline-bench-batch/synth-p250000-s7]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench_batch import make_list
from bench_desk_async import _automatic, _offer
from bench_iar_assembly import iaq_bodies
from vetline.batch import JobRequest, load_batch_policy, run_job
from vetline.batch.isolated import run_isolated
from vetline.db import Database, upgrade
from vetline.desk.service import DeskService
from vetline.person import PersonLookup
from vetline.status import load_policy

ROUNDS = ("alone", "thread", "alone", "process", "alone")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--world", type=Path, default=Path("/tmp/vetline-bench-batch/synth-p250000-s7")
    )
    parser.add_argument(
        "--strangers", type=Path, default=Path("/tmp/vetline-bench-batch/synth-p62500-s8")
    )
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--count", type=int, default=2_500)
    parser.add_argument("--rate", type=float, default=100.0)
    args = parser.parse_args()  # fmt: skip
    sys.setswitchinterval(0.0005)  # as ``vetline serve`` sets it
    data, facts = args.world / "data", args.world / "extract" / "person_facts.csv"
    work = Path(tempfile.mkdtemp(prefix="bench-desk-batch-"))
    database = Database.from_url(f"sqlite:///{work}/desk.db")
    upgrade(database.engine)
    desk = DeskService(database, PersonLookup.open(data), policy=load_policy())
    pool = _automatic(desk, iaq_bodies(facts, 2000))

    def bodies(r: int, size: int) -> list[str]:
        return [pool[n % len(pool)].replace('"iaq_id": "B', f'"iaq_id": "R{r}-{n}-')
                for n in range(size)]  # fmt: skip

    asyncio.run(_offer(desk, bodies(0, 200), args.rate))  # warm-up
    print("| round | p50 ms | p99 ms | max ms | batch job s |\n|---|---|---|---|---|")
    for r, how in enumerate(ROUNDS, start=1):
        took: dict[str, float] = {}
        job = None
        if how != "alone":
            listed = work / f"list{r}.csv"
            make_list(args.world, args.strangers, args.rows, 100 + r, listed)
            req = JobRequest(list_path=listed, purpose="bench", authority="bench",
                             requester="bench", data_dir=data, as_of=date(2026, 11, 1))  # fmt: skip

            def run(
                req: JobRequest = req,
                out: Path = work / f"job{r}",
                how: str = how,
                took: dict[str, float] = took,
            ) -> None:
                started = time.perf_counter()
                if how == "thread":
                    run_job(req, out, load_batch_policy())
                else:
                    run_isolated(req, out, load_batch_policy(), progress=lambda *a: None,
                                 now=datetime.now(UTC))  # fmt: skip
                took["s"] = time.perf_counter() - started

            job = threading.Thread(target=run)
            job.start()
            time.sleep(1.0)
        latencies = sorted(asyncio.run(_offer(desk, bodies(r, args.count), args.rate)))
        if job is not None:
            job.join()
        label = {"alone": "desk alone", "thread": "beside a job in a thread of this process",
                 "process": "beside a job in its own process (nice +10)"}[how]  # fmt: skip
        print(f"| {r}: {label} | {statistics.median(latencies):.1f} | "
              f"{latencies[int(0.99 * (len(latencies) - 1))]:.1f} | {latencies[-1]:.1f} | "
              f"{took.get('s', 0):.1f} |", flush=True)  # fmt: skip
    desk.close()
    database.dispose()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
