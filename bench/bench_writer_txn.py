"""CPU per group-commit transaction of one job, in process: the desk writer's fixed cost.

Run: ``.venv/bin/python bench/bench_writer_txn.py [--database sqlite|postgres]
[--transactions N]``. A migrated throwaway database (SQLite with ``synchronous=FULL``, or
a PostgreSQL 15 server started for the run); ``GroupCommit._transaction`` runs N times
with one job each, the shape of the desk's transactions at the rates it sees: one SELECT
(standing for the API token's re-check), a plain savepoint (the case intake's), one
audit event appended to the chain, COMMIT and the anchor-less checkpoint. Prints this
process's user and system CPU and the wall time per transaction (on PostgreSQL, the
server's own CPU is not counted). Compare two versions of the code by running the same
script with ``PYTHONPATH`` on each one's ``src/``, alternated.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import text

import vetline.audit  # noqa: F401  (installs the audit chain's event writer)
from vetline.db import Actor, Database, UnitOfWork, make_engine, upgrade
from vetline.db.batch import GroupCommit
from vetline.db.pgserver import PostgresServer, find_pg_bin

WARM_UP = 200


def _write(uow: UnitOfWork, jobs: Sequence[str]) -> list[str]:
    uow.session.connection().execute(text("SELECT 1"))
    with uow.savepoint():
        pass
    for job in jobs:
        uow.audit("API_CALL", details={"job": job})
    return ["ok" for _ in jobs]


def measure(url: str, transactions: int) -> tuple[float, float, float]:
    """(user, system, wall) milliseconds per one-job transaction."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    database = Database.from_url(url)
    group = GroupCommit(database, _write, actor=Actor.system("bench"))
    for n in range(WARM_UP):
        group._transaction([f"warm-{n}"])
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    for n in range(transactions):
        group._transaction([f"job-{n}"])
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - start
    held = getattr(group, "held", None)  # the code before this change had none
    if held is not None:
        held.close()
    database.dispose()
    per = 1000 / transactions
    return (
        (after.ru_utime - before.ru_utime) * per,
        (after.ru_stime - before.ru_stime) * per,
        wall * per,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--transactions", type=int, default=2000)
    args = parser.parse_args()
    with ExitStack() as stack:
        if args.database == "postgres":
            bin_dir = find_pg_bin()
            if bin_dir is None:
                raise SystemExit("PostgreSQL 15 binaries not found (set VETLINE_PG_BIN)")
            server = PostgresServer(bin_dir)
            server.start()
            stack.callback(server.stop)
            url = server.create_database("bench_writer")
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url = f"sqlite:///{folder / 'vetline.db'}"
        user, system, wall = measure(url, args.transactions)
    print(
        f"{args.database}: {args.transactions} one-job transactions: "
        f"CPU {user + system:.3f} ms each ({user:.3f} user + {system:.3f} system), "
        f"wall {wall:.3f} ms"
    )


if __name__ == "__main__":
    main()
