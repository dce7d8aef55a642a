"""Where a build's predict spends its time: wall and CPU of every table Splink materialises.

Run: ``.venv/bin/python bench/bench_predict_steps.py --data DIR``. Runs ``build_persons``
(what ``vetline build`` runs) on a data folder ``vetline ingest`` filled, with Splink's
``DatabaseAPI._sql_to_splink_dataframe`` wrapped to time each materialised table (the
blocked pairs, the pruned inputs, the term-frequency tables, the scored pairs), and prints
the build's progress steps with their clock time, then the totals per table. CPU is the
whole process's (DuckDB's threads included), so the figures are comparable under load.

The build WRITES into ``--data`` (persons, links, index, model): point it at a copy.
Used for "Candidate pairs in NumPy" in bench/README.md (stop 32).
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()

    from splink.internals.database_api import DatabaseAPI

    from vetline.resolve.build import build_persons

    rows: list[tuple[str, float, float]] = []
    original = DatabaseAPI._sql_to_splink_dataframe

    def timed(self: Any, sql: str, templated_name: str, physical_name: str) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        out = original(self, sql, templated_name, physical_name)
        rows.append((templated_name, time.perf_counter() - wall, time.process_time() - cpu))
        print(f"  {templated_name:55s} wall {rows[-1][1]:8.1f} cpu {rows[-1][2]:8.1f}", flush=True)
        return out

    # splink marks the method @final; the bench wraps it to time each SQL step
    DatabaseAPI._sql_to_splink_dataframe = timed  # type: ignore[misc, method-assign]
    last: list[tuple[str, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if not last or last[-1] != (stage, done):
            print(f"{time.strftime('%H:%M:%S')} {stage} {done}/{total}", flush=True)
            last.append((stage, done))

    report = build_persons(args.data, progress=progress)
    print(f"records {report.records:,}  persons {report.persons:,}  pairs {report.pairs:,}")
    totals: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0.0])
    for name, wall, cpu in rows:
        total = totals[name]
        total[0] += 1
        total[1] += wall
        total[2] += cpu
    for name, (count, wall, cpu) in sorted(totals.items(), key=lambda item: -item[1][2]):
        print(f"{name:55s} x{int(count):3d} wall {wall:8.1f} cpu {cpu:8.1f}")


if __name__ == "__main__":
    main()
