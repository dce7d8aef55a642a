"""The group commit's writer thread: CPU and wall per one-job transaction with the main
thread idle, and with it busy in Python as the event loop is while it works queries out.

Why (issue 18 goal 1): ``sqlite3`` lets go of the GIL at every statement, and while the
loop holds it the writer waits for the switch interval and takes it back by force, once
per statement. Over HTTP the writer threads cost about 2 ms of CPU per IAQ
(``bench_desk.py`` prints the split by thread) against ≈ 0.5-1 ms for the same kind of
transaction alone. Run: ``.venv/bin/python bench/bench_writer_gil.py [--transactions N]``
(SQLite, ``synchronous=FULL``, the transaction of ``bench_writer_txn.py``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_writer_txn import _write
from vetline.db import Actor, Database, make_engine, upgrade
from vetline.db.batch import GroupCommit

WARM_UP = 200


def measure(busy: bool, transactions: int, interval: float) -> tuple[float, float]:
    """(CPU, wall) ms of the writer thread per transaction."""
    sys.setswitchinterval(interval)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'vetline.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        database = Database.from_url(url)
        group = GroupCommit(database, _write, actor=Actor.system("bench"))
        spent: dict[str, float] = {}

        def writer() -> None:
            for n in range(WARM_UP):
                group._transaction([f"warm-{n}"])
            cpu, wall = time.thread_time(), time.perf_counter()
            for n in range(transactions):
                group._transaction([f"job-{n}"])
            spent["cpu"] = (time.thread_time() - cpu) * 1000 / transactions
            spent["wall"] = (time.perf_counter() - wall) * 1000 / transactions

        thread = threading.Thread(target=writer)
        thread.start()
        total = 0
        while thread.is_alive():
            if busy:
                for i in range(2000):  # pure Python, holding the GIL like the loop
                    total += i * i
            else:
                time.sleep(0.001)
        thread.join()
        group.held.close()
        database.dispose()
    return spent["cpu"], spent["wall"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=400)
    args = parser.parse_args()
    for interval in (0.0005, 0.005):
        for busy in (False, True, False, True):
            cpu, wall = measure(busy, args.transactions, interval)
            print(f"switch interval {interval * 1000:.1f} ms, main thread "
                  f"{'busy' if busy else 'idle'}: writer CPU {cpu:.3f} ms, wall {wall:.2f} ms "
                  "per transaction")  # fmt: skip


if __name__ == "__main__":
    main()
