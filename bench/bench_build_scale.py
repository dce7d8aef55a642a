"""``vetline build`` at scale: wall, CPU and peak RSS per stage, with a memory watchdog.

Run: ``.venv/bin/python bench/bench_build_scale.py --data DIR [--json out.json]
[--min-available-gb 3]``. Runs ``build_persons`` in this process (what ``vetline build``
runs) on a data folder that ``vetline ingest`` filled; a sampler thread reads the
process's RSS every 0.2 s and charges it to the stage the build's progress last named,
and CPU seconds (every thread of the process: DuckDB's included) are read at each stage
change. The watchdog ends the process (exit 3) when the machine's ``MemAvailable`` drops
under ``--min-available-gb`` (other jobs share the machine).

The build WRITES into ``--data`` (persons, links, index, model): point it at a copy.

``--compare OTHER``: after the build (or with ``--no-build``), check that every record
is in a person with exactly the same records in both folders (person ids may differ).
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from pathlib import Path

import pandas as pd


def _status_kb(field: str, path: str = "/proc/self/status") -> int:
    with open(path) as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def mem_available_gb() -> float:
    return _status_kb("MemAvailable:", "/proc/meminfo") / 1024**2


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class StageMeter:
    """Progress callback + sampler: wall, CPU and peak RSS per stage."""

    def __init__(self, min_available_gb: float) -> None:
        self.min_available_gb = min_available_gb
        self.stage = "start"
        self.rows: dict[str, dict[str, float]] = {}
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()
        self._t = self.t0
        self._c = self.c0
        self.peak_mb = 0.0
        self.loads: list[str] = [load_average()]
        self.low_available_gb = mem_available_gb()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _row(self, stage: str) -> dict[str, float]:
        return self.rows.setdefault(stage, {"wall": 0.0, "cpu": 0.0, "peak_rss_mb": 0.0})

    def _sample(self) -> None:
        n = 0
        while not self._stop.wait(0.2):
            rss = _status_kb("VmRSS:") / 1024
            available = mem_available_gb()
            with self._lock:
                row = self._row(self.stage)
                row["peak_rss_mb"] = max(row["peak_rss_mb"], rss)
                self.peak_mb = max(self.peak_mb, rss)
                self.low_available_gb = min(self.low_available_gb, available)
            n += 1
            if n % 150 == 0:
                self.loads.append(load_average())
            if available < self.min_available_gb:
                print(
                    f"WATCHDOG: MemAvailable {available:.1f} GB < {self.min_available_gb} GB "
                    f"in stage {self.stage!r} at RSS {rss:.0f} MB: stopping",
                    flush=True,
                )
                os._exit(3)

    def __call__(self, stage: str, done: int, total: int) -> None:
        # Stages of a few steps are metered per step: "predict + cluster 1/5" is the
        # work after step 1 was reported (reading the pairs back, for that stage).
        name = f"{stage} {done}/{total}" if 1 < total <= 5 and done < total else stage
        if name == self.stage or (done == total and self.stage.startswith(stage)):
            return
        self.switch(name)

    def switch(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        rss = _status_kb("VmRSS:") / 1024
        with self._lock:
            row = self._row(self.stage)
            row["wall"] += now - self._t
            row["cpu"] += cpu - self._c
            row["peak_rss_mb"] = max(row["peak_rss_mb"], rss)
            print(
                f"  {self.stage:<20} wall {row['wall']:7.1f} s  cpu {row['cpu']:7.1f} s  "
                f"peak {row['peak_rss_mb']:8.0f} MB  (load {load_average()})",
                flush=True,
            )
            self.stage = stage
            self._t, self._c = now, cpu
            self._row(stage)["peak_rss_mb"] = max(self._row(stage)["peak_rss_mb"], rss)

    def stop(self) -> None:
        self.switch("done")
        self._stop.set()
        self.loads.append(load_average())


def same_persons(a: Path, b: Path) -> tuple[int, int]:
    """(records whose person holds the same records in both folders, records)."""

    def groups(folder: Path) -> pd.Series:
        from vetline.resolve.layout import read_person_records

        frame = read_person_records(folder, ["unique_id", "person_id"]).to_pandas()
        first = frame.groupby("person_id")["unique_id"].transform("min")
        size = frame.groupby("person_id")["unique_id"].transform("size")
        return pd.Series(
            first.astype(str).to_numpy() + "#" + size.astype(str).to_numpy(),
            index=frame["unique_id"].to_numpy(),
        ).sort_index()

    left, right = groups(a), groups(b)
    if not left.index.equals(right.index):
        raise SystemExit(f"the two folders hold different records ({len(left)} vs {len(right)})")
    same = int((left.to_numpy() == right.to_numpy()).sum())
    return same, len(left)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--min-available-gb", type=float, default=3.0)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()

    if not args.no_build:
        from vetline.resolve import build_persons

        print(f"MemAvailable {mem_available_gb():.1f} GB, load {load_average()}", flush=True)
        meter = StageMeter(args.min_available_gb)
        report = build_persons(args.data, progress=meter)
        meter.stop()
        total_wall = time.perf_counter() - meter.t0
        total_cpu = time.process_time() - meter.c0
        print(
            f"records {report.records:,}  persons {report.persons:,}  pairs {report.pairs:,}  "
            f"links {report.links:,}",
        )
        print(
            f"total wall {total_wall:.1f} s  cpu {total_cpu:.1f} s  peak RSS "
            f"{meter.peak_mb:.0f} MB  lowest MemAvailable {meter.low_available_gb:.1f} GB  "
            f"loads {meter.loads}"
        )
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "data": str(args.data),
                        "records": report.records,
                        "persons": report.persons,
                        "pairs": report.pairs,
                        "links": report.links,
                        "stages": meter.rows,
                        "wall": total_wall,
                        "cpu": total_cpu,
                        "peak_rss_mb": meter.peak_mb,
                        "lowest_available_gb": meter.low_available_gb,
                        "loads": meter.loads,
                    },
                    indent=1,
                )
            )
    if args.compare:
        same, n = same_persons(args.data, args.compare)
        print(f"same person membership: {same:,} of {n:,} records ({same / n:.6f})")


if __name__ == "__main__":
    main()
