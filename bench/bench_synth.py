"""Throughput of the synthetic world generator.

    .venv/bin/python bench/bench_synth.py --records 1000000          # ~245k people
    .venv/bin/python bench/bench_synth.py --persons 50000 --workers 1 --format parquet

Prints one table row per run: people, records, records per person, wall and CPU seconds,
records per second (wall and per CPU second) and peak RSS (this process and its worker
processes), then what a 10-million-record world would take and the look-alike persons
made per kind. Memory is bounded by the chunk size
(``vetline.synth.generate.CHUNK_PERSONS``), not by the world's size, so the 10 M
estimate scales time, not memory. On a shared machine wall time depends on what else
runs; records per CPU-second is the load-independent figure, and with ``workers``
processes on as many idle cores wall time approaches CPU time / workers (the main
process only appends bytes the workers encoded).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from vetline.synth import NoiseConfig, generate_extract
from vetline.synth.generate import CHUNK_PERSONS, default_workers

#: Measured on 10,000-person worlds (default noise): source records per person.
RECORDS_PER_PERSON = 4.1


def _peak_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def _cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--records", type=int, default=1_000_000, help="target source records")
    size.add_argument("--persons", type=int, help="people (overrides --records)")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: auto)")
    ap.add_argument("--format", default="csv", choices=("csv", "parquet", "jsonl"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, help="keep the world here (default: temp, deleted)")
    args = ap.parse_args()
    persons = args.persons or max(1, round(args.records / RECORDS_PER_PERSON))
    workers = default_workers(persons) if args.workers is None else args.workers
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-synth-"))
    try:
        cpu0, t0 = _cpu(), time.perf_counter()
        report = generate_extract(
            out,
            persons=persons,
            seed=args.seed,
            noise=NoiseConfig(),
            fmt=args.format,
            workers=workers,
        )
        wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
        made = json.loads((out / "world.json").read_text())["lookalike_persons"]
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    records = sum(report.records_per_source.values())
    own, kids = _peak_mib()
    head = (
        f"{'persons':>9} {'records':>10} {'rec/p':>5} {'fmt':>7} {'workers':>7} "
        f"{'wall s':>7} {'cpu s':>7} {'rec/s':>9} {'rec/cpu-s':>9} {'RSS MiB':>8} "
        f"{'worker RSS':>10}"
    )
    print(head)
    print("-" * len(head))
    print(
        f"{persons:>9,} {records:>10,} {records / persons:>5.2f} {args.format:>7} "
        f"{workers:>7} {wall:>7.1f} {cpu:>7.1f} {records / wall:>9,.0f} "
        f"{records / cpu:>9,.0f} {own:>8,.0f} {kids:>10,.0f}"
    )
    scale = 10_000_000 / records
    print(
        f"\n10 M records ≈ {10_000_000 / (records / persons):,.0f} persons, "
        f"≈ {wall * scale:,.0f} s wall at this rate; peak memory stays ≈ "
        f"{max(own, kids):,.0f} MiB per process (chunks of {CHUNK_PERSONS:,} people; "
        f"at most 2 × workers chunks in flight)."
    )
    print("look-alike persons per kind: " + ", ".join(f"{k} {n:,}" for k, n in made.items()))


if __name__ == "__main__":
    main()
