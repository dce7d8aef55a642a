"""``vetline build`` on Spark (local mode) beside DuckDB: one model, the whole process tree.

Run: ``.venv/bin/python bench/bench_spark_build.py --data INGESTED --work DIR
[--engine duckdb --engine spark] [--min-available-gb 3] [--json OUT] [--reference BUILT]
[--link]``.

``INGESTED`` is a data folder ``vetline ingest`` filled; it is only read. The model is
trained once, by a DuckDB build on ``DIR/train`` (skipped if that folder or ``INGESTED``
already holds a model), and every engine then builds its own copy (``DIR/<engine>``)
with that model (``--link``: its files hard-linked), so the persons can be compared —
with the DuckDB copy's, or with ``--reference``, a folder DuckDB built with the same model
(at 10M a second DuckDB build would cost 20 minutes). Each build is ``vetline build --engine
E`` in a child process (its own session) measured as a **process tree**: Spark's JVM is
a grandchild of the Python driver, so the driver's own CPU clock misses most of Spark's
work. A sampler reads ``/proc`` every 0.2 s: CPU seconds are every process's ``utime +
stime`` as last seen (a process that ends between samples loses at most 0.2 s), RSS is
the tree's sum; the watchdog ends the build's process group when the machine's
``MemAvailable`` falls under ``--min-available-gb`` (other jobs share the machine).

Then every engine's folder is compared with DuckDB's: the same person for every record
(``bench_build_scale.same_persons``), and ``persons/records.parquet``, ``persons.parquet``
and ``links.parquet`` value for value (``compare_builds.differences``, which also compares
the index files byte for byte); where only weights differ, by how much.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import cast

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build_scale import load_average, mem_available_gb, same_persons
from compare_builds import differences

VETLINE = Path(sys.executable).parent / "vetline"
_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, RSS bytes) of one process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the name may hold spaces
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK, int(fields[21]) * _PAGE


def tree(root: int) -> dict[int, tuple[float, int]]:
    """CPU seconds and RSS of ``root`` and every descendant, by pid."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (found := _stat(int(entry))) is not None:
            stats[int(entry)] = found
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            out[pid] = stats[pid][1:]
            todo += children.get(pid, [])
    return out


@dataclass
class Run:
    """One measured build."""

    engine: str
    data: str
    wall: float = 0.0
    cpu: float = 0.0
    peak_rss_mb: float = 0.0
    lowest_available_gb: float = 0.0
    loads: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    report: dict[str, object] = field(default_factory=dict)
    stopped: bool = False


def measured_build(
    data: Path, engine: str, min_available_gb: float, src: Path | None = None
) -> Run:
    """``vetline build --engine ENGINE`` on ``data``, the process tree measured; ``src``:
    another checkout's ``src`` folder to run instead of the installed one."""
    run = Run(engine, str(data), loads=[load_average()], lowest_available_gb=mem_available_gb())
    cpu: dict[int, float] = {}
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [str(VETLINE), "build", "--data", str(data), "--engine", engine],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(src)} if src else None,
    )
    done = threading.Event()

    def sample() -> None:
        last_load = time.perf_counter()
        while not done.wait(0.2):
            seen = tree(child.pid)
            for pid, (seconds, _) in seen.items():
                cpu[pid] = max(cpu.get(pid, 0.0), seconds)
            run.peak_rss_mb = max(run.peak_rss_mb, sum(r for _, r in seen.values()) / 2**20)
            available = mem_available_gb()
            run.lowest_available_gb = min(run.lowest_available_gb, available)
            if available < min_available_gb and not run.stopped:
                run.stopped = True
                print(f"watchdog: MemAvailable {available:.1f} GB, stopping", flush=True)
                os.killpg(child.pid, signal.SIGKILL)
            if time.perf_counter() - last_load > 30:
                run.loads.append(load_average())
                last_load = time.perf_counter()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    child.wait()
    done.set()
    sampler.join()
    run.wall = time.perf_counter() - t0
    run.cpu = sum(cpu.values())
    run.loads.append(load_average())
    if child.returncode != 0 and not run.stopped:
        raise SystemExit(f"vetline build --engine {engine} failed ({child.returncode})")
    report = data / "model" / "build.json"
    if report.exists():
        run.report = json.loads(report.read_text())
        run.stages = dict(cast("dict[str, float]", run.report.pop("seconds", {})))
    return run


def fresh_copy(source: Path, target: Path, model_from: Path | None, link: bool = False) -> None:
    """``target`` = the ingested ``source`` (+ the model folder of ``model_from``), without
    its persons and index; ``link``: the files hard-linked, not copied (a 10M store is
    5 GB; a build replaces files, never writes into them)."""
    shutil.rmtree(target, ignore_errors=True)
    skip = {"persons", "index"}
    shutil.copytree(
        source,
        target,
        ignore=lambda folder, names: [n for n in names if folder == str(source) and n in skip],
        copy_function=os.link if link else shutil.copy2,
    )
    if model_from is not None:
        shutil.rmtree(target / "model", ignore_errors=True)
        shutil.copytree(model_from / "model", target / "model")
        (target / "model" / "build.json").unlink(missing_ok=True)


def weight_gaps(a: Path, b: Path) -> dict[str, float]:
    """Largest absolute difference per weight column of the two folders' links, and
    whether their key columns are equal (1.0) or not (0.0)."""
    left = pq.read_table(a / "persons" / "links.parquet").to_pandas()
    right = pq.read_table(b / "persons" / "links.parquet").to_pandas()
    weights = [c for c in left.columns if c.startswith("match_")]
    keys = [c for c in left.columns if c not in weights]
    left = left.sort_values(keys[:2]).reset_index(drop=True)
    right = right.sort_values(keys[:2]).reset_index(drop=True)
    gaps = {"link keys equal": float(left[keys].astype(str).equals(right[keys].astype(str)))}
    if len(left) == len(right):
        for column in weights:
            gaps[column] = float((left[column] - right[column]).abs().max() or 0.0)
    return gaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="an ingested folder (read)")
    parser.add_argument("--work", type=Path, required=True, help="where the copies go")
    parser.add_argument("--engine", action="append", choices=("duckdb", "spark"))
    parser.add_argument("--min-available-gb", type=float, default=3.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--src", type=Path, help="build with this checkout's src (e.g. the branch point's)"
    )
    parser.add_argument("--tag", default="", help="suffix of the copies' folder names")
    parser.add_argument(
        "--reference",
        type=Path,
        help="a folder DuckDB built with --data's model, compared instead of the duckdb copy",
    )
    parser.add_argument("--link", action="store_true", help="hard-link the copies' files")
    args = parser.parse_args()
    engines = args.engine or ["duckdb", "spark"]
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"data": str(args.data)}

    train = args.work / "train"
    if (args.data / "model" / "model.json").exists():
        train = args.data  # built before: its model serves both engines
    elif not (train / "model" / "model.json").exists():
        fresh_copy(args.data, train, None)
        run = measured_build(train, "duckdb", args.min_available_gb)
        results["train"] = asdict(run)
        print(f"trained (DuckDB build): wall {run.wall:.1f} s, cpu {run.cpu:.1f} s", flush=True)
    runs: dict[str, Run] = {}
    for engine in engines:
        folder = args.work / f"{engine}{args.tag}"
        fresh_copy(args.data, folder, train, args.link)
        print(f"{engine}: MemAvailable {mem_available_gb():.1f} GB, load {load_average()}")
        run = runs[engine] = measured_build(folder, engine, args.min_available_gb, args.src)
        results[engine] = asdict(run)
        r = run.report
        print(
            f"{engine}: records {r.get('records')}, persons {r.get('persons')}, pairs "
            f"{r.get('pairs')}, links {r.get('links')}; wall {run.wall:.1f} s, cpu "
            f"{run.cpu:.1f} s, peak RSS {run.peak_rss_mb:.0f} MB, stages "
            f"{ {k: round(v, 1) for k, v in run.stages.items()} }, loads {run.loads}"
            + (" STOPPED" if run.stopped else ""),
            flush=True,
        )
    reference = args.reference or args.work / f"duckdb{args.tag}"
    if not reference.exists():
        reference = args.work / "duckdb"
    for engine in engines:
        if engine == "duckdb" or runs[engine].stopped or not reference.exists():
            continue
        folder = args.work / f"{engine}{args.tag}"
        same, n = same_persons(reference, folder)
        print(f"{engine} vs duckdb: same person for {same:,} of {n:,} records")
        found = differences(reference, folder)
        gaps = weight_gaps(reference, folder)
        print(f"{engine} vs duckdb: files differing {found or 'none'}; links {gaps}")
        results[f"{engine}_vs_duckdb"] = {
            "same_person": same,
            "records": n,
            "differences": found,
            "links": gaps,
        }
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
