"""SQLite's own cost of a desk-like write transaction: CPU per transaction by b-trees
touched, writer processes and ``mmap_size`` (issue 18 goal 1, bench/README.md round 8).

Why: over HTTP on a shared machine the desk's CPU per IAQ moves by a millisecond from run
to run, more than any change to the writer; here only SQLite works. ``--writers`` processes
(``vetline serve``'s workers) write one WAL database in turn with ``synchronous=FULL`` and
``BEGIN IMMEDIATE``; each transaction reads and inserts one row in each of ``--tables``
tables carrying ``--indexes`` indexes besides their key's (the desk's transaction
touches some 40 b-trees); CPU is each process's user + system time per transaction,
averaged over the writers; latency is each transaction's wall time from waiting for its
turn to its COMMIT's return (p50 / p99 / max over all writers).

The writers take vetline's ``WriterLock`` (``Database.one_writer``) around each
transaction, as the desk's do. ``--rate``: each writer's transactions are due at a fixed
rate and their latency counts from then (a stall shows in the tail). Round 9 also ran a
checkpointer thread beside the writers here (``--checkpointer``, commit 05e491c; not
merged, bench/README.md).

    .venv/bin/python bench/bench_wal_writers.py [--tables 8] [--indexes 4] [--writers 2]
        [--transactions 1500] [--mmap 0] [--autocheckpoint 1000] [--body 300]
        [--rate 0]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from vetline.db.engine import WriterLock

ROW_BODY = 300  # bytes of the unindexed body column of each row (``--body``)


def _setup(path: Path, tables: int, indexes: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for t in range(tables):
        columns = "".join(f"c{i} TEXT, " for i in range(indexes))
        db.execute(f"CREATE TABLE t{t} (id TEXT PRIMARY KEY, {columns}body TEXT)")
        for i in range(indexes):
            db.execute(f"CREATE INDEX t{t}_c{i} ON t{t}(c{i})")
    db.close()


def _write(
    path: Path, args: argparse.Namespace, out: multiprocessing.Queue[tuple[float, list[float]]]
) -> None:
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    db.execute("PRAGMA synchronous=FULL")
    db.execute(f"PRAGMA mmap_size={args.mmap}")
    db.execute(f"PRAGMA wal_autocheckpoint={args.autocheckpoint}")
    marks = ",".join("?" * (args.indexes + 2))
    body = "x" * args.body
    turn = WriterLock(Path(f"{path}.writer"))  # as the desk's writers wait for their turn
    latencies: list[float] = []
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    for n in range(args.transactions):
        began = time.perf_counter()
        if args.rate:  # open loop: due at n / rate, its latency counted from then
            began = start + n / args.rate
            time.sleep(max(0.0, began - time.perf_counter()))
        turn.__enter__()
        db.execute("BEGIN IMMEDIATE")
        for t in range(args.tables):
            key = uuid.uuid4().hex
            db.execute(f"SELECT count(*) FROM t{t} WHERE id = ?", (key,)).fetchone()
            values = [key, *(f"{n:08d}{uuid.uuid4().hex[: 4 + i]}" for i in range(args.indexes))]
            db.execute(f"INSERT INTO t{t} VALUES ({marks})", (*values, body))
        db.execute("COMMIT")
        turn.__exit__(None, None, None)
        latencies.append((time.perf_counter() - began) * 1000)
    after = resource.getrusage(resource.RUSAGE_SELF)
    db.close()
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    out.put((used * 1000 / args.transactions, latencies))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", type=int, default=8)
    parser.add_argument("--indexes", type=int, default=4)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--transactions", type=int, default=1500)
    parser.add_argument("--mmap", type=int, default=0, help="PRAGMA mmap_size, bytes")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="transactions a second per writer (open loop); 0: closed")  # fmt: skip
    parser.add_argument("--body", type=int, default=ROW_BODY,
                        help="bytes of each row's unindexed column (the stored JSON)")  # fmt: skip
    parser.add_argument("--autocheckpoint", type=int, default=1000,
                        help="PRAGMA wal_autocheckpoint, pages (SQLite default 1000)")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wal.db"
        _setup(path, args.tables, args.indexes)
        context = multiprocessing.get_context("spawn")
        out: multiprocessing.Queue[tuple[float, list[float]]] = context.Queue()
        writers = [context.Process(target=_write, args=(path, args, out))
                   for _ in range(args.writers)]  # fmt: skip
        for writer in writers:
            writer.start()
        results = [out.get() for _ in writers]
        for writer in writers:
            writer.join()
    per_writer = [cpu for cpu, _ in results]
    latencies = sorted(ms for _, each in results for ms in each)
    trees = args.tables * (args.indexes + 2)  # the table, its key's index, the indexes
    paced = f" at {args.rate:g}/s" if args.rate else ""
    print(
          f"{args.writers} writer(s){paced}, {trees} b-trees, {args.body} B rows, "
          f"mmap {args.mmap}, "
          f"autocheckpoint {args.autocheckpoint}: "
          f"{sum(per_writer) / len(per_writer):.3f} ms CPU per transaction"
          + f"; latency p50 {latencies[len(latencies) // 2]:.2f} / p99 "
          f"{latencies[int(0.99 * (len(latencies) - 1))]:.2f} / max {latencies[-1]:.1f} ms"
    )  # fmt: skip


if __name__ == "__main__":
    main()
