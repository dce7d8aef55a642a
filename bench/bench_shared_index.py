"""Memory of the person index per ``vetline serve`` worker, shared or not (issue 18 goal 2).

Run: ``.venv/bin/python bench/bench_shared_index.py --data /tmp/vetline-bench-shindex/data
[--workers 1 2]``.
The real-time latency is measured in process by ``bench_resolve_cpu.py``.

For each worker count: starts ``vetline serve --workers N`` on the built data folder
(demo mode, its own SQLite database under ``--work``), waits until every worker has
loaded and warmed its desk (``/healthz`` answers, then each worker's CPU falls idle:
the time given is the start of that idle second), then reads
``/proc/<pid>/smaps_rollup`` of every worker: RSS (every resident page, shared ones counted
in each process), PSS (shared pages divided among the processes that map them: the sum
over workers is what the machine pays) and USS (private pages only). Also, in a child
process: ``RecordIndex.load`` and ``Resolver.load`` wall time, and the PSS they add; with
``--queried N``, two person lookups side by side after answering ``bench_resolve_cpu``'s
queries (N of each kind, records fetched): the pages real traffic touches.

Prints one table; the numbers go to bench/README.md (issue 18 goal 2).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

VETLINE = str(Path(sys.executable).with_name("vetline"))
FIELDS = ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean")


def rollup(pid: int) -> dict[str, int]:
    """MB per field of ``/proc/<pid>/smaps_rollup`` (USS = private clean + dirty)."""
    out: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            parts = line.split()
            if parts and parts[0].rstrip(":") in FIELDS:
                out[parts[0].rstrip(":")] = int(parts[1]) // 1024
    out["Uss"] = out.get("Private_Clean", 0) + out.get("Private_Dirty", 0)
    return out


def children(pid: int) -> list[int]:
    """uvicorn's worker processes under supervisor ``pid`` (not multiprocessing's resource
    tracker, also a child)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"resource_tracker" not in cmdline:
                found.append(int(child))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(data: Path, work: Path, workers: int, timeout: float) -> dict[str, object]:
    """Start ``vetline serve``; seconds to ``/healthz``; each worker's memory once ready."""
    port = free_port()
    db = work / f"serve{workers}.sqlite"
    db.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETLINE_")}
    env.update(VETLINE_DEMO_MODE="1", VETLINE_COOKIE_SECURE="0",
               VETLINE_DATABASE_URL=f"sqlite:///{db}", PYTHONUNBUFFERED="1")  # fmt: skip
    args = [VETLINE, "serve", "--data", str(data), "--port", str(port), "--workers", str(workers)]
    started = time.perf_counter()
    log = (work / f"serve{workers}.log").open("w")
    proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        ready = float("nan")
        while time.perf_counter() - started < timeout:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    ready = time.perf_counter() - started
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        pids = children(proc.pid) if workers > 1 else [proc.pid]
        if workers > 1:  # /healthz answers when the first worker is up: wait for them all
            deadline = time.perf_counter() + timeout
            while len(pids) < workers and time.perf_counter() < deadline:
                time.sleep(0.2)
                pids = children(proc.pid)
            ready = _all_idle(pids, deadline) - started
        cpu = sum(_cpu(p) for p in pids)  # the workers' CPU s to ready (wall grows with load)
        time.sleep(2.0)  # let the warm-up settle
        return {"ready": ready, "cpu": cpu, "workers": [rollup(p) for p in pids]}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _all_idle(pids: list[int], deadline: float, window: float = 1.0) -> float:
    """When every worker had finished loading: the start of the first ``window`` in
    which none used more than 2 % of a core (a loaded worker only waits for requests)."""
    history: list[tuple[float, list[float]]] = []
    while time.perf_counter() < deadline:
        history.append((time.perf_counter(), [_cpu(p) for p in pids]))
        past = [h for h in history if h[0] <= history[-1][0] - window]
        if past:
            then, cpus = past[-1]
            used = [now - before for now, before in zip(history[-1][1], cpus, strict=True)]
            if all(u < 0.02 * window for u in used):
                return then
        time.sleep(0.1)
    return float("nan")


LOAD = """
import sys, time, os
from pathlib import Path
def pss():
    for line in open(f"/proc/{os.getpid()}/smaps_rollup"):
        if line.startswith("Pss:"):
            return int(line.split()[1]) // 1024
from vetline.resolve import Resolver
from vetline.resolve.index import RecordIndex
data = Path(sys.argv[1])
before = pss()
t = time.perf_counter(); RecordIndex.load(data / "index"); index_s = time.perf_counter() - t
t = time.perf_counter(); r = Resolver.load(data); resolver_s = time.perf_counter() - t
print(f"{index_s:.2f} {resolver_s:.2f} {pss() - before}")
"""


QUERY = """
import sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from bench_resolve_cpu import _queries
from vetline.person import PersonLookup
from vetline.resolve import Subject
data = Path(sys.argv[1])
queries = _queries(data.parent / "extract", int(sys.argv[2]), 5)
lookup = PersonLookup.open(data)
for _, q in queries:
    lookup.find(Subject.from_dict(q))
print("done", flush=True)
time.sleep(600)
"""


def queried(data: Path, processes: int, per_kind: int) -> list[dict[str, int]]:
    """``processes`` desks side by side (what each worker holds, without HTTP), each
    having answered the same queries (``bench_resolve_cpu`` kinds, records fetched):
    the pages a served day touches, not only those of the warm-up."""
    bench = str(Path(__file__).parent)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", QUERY, str(data), str(per_kind), bench],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            proc.stdout.readline()
        return [rollup(p.pid) for p in procs]
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/vetline-bench-shindex/work"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--timeout", type=float, default=170)
    parser.add_argument("--label", default="")
    parser.add_argument("--queried", type=int, default=0,
                        help="also: 2 desks in process after N queries of each kind")  # fmt: skip
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()}")
    out = subprocess.run([sys.executable, "-c", LOAD, str(args.data)], capture_output=True,
                         text=True, check=True).stdout.split()  # fmt: skip
    print(f"{args.label} RecordIndex.load {out[0]} s, Resolver.load {out[1]} s, PSS +{out[2]} MB")
    for n in args.workers:
        result = serve(args.data, args.work, n, args.timeout)
        rows = result["workers"]
        assert isinstance(rows, list)
        print(f"{args.label} workers={n} ready {result['ready']:.1f} s, "
              f"workers' CPU {result['cpu']:.1f} s")  # fmt: skip
        for i, m in enumerate(rows):
            print(f"  worker {i}: RSS {m['Rss']} PSS {m['Pss']} USS {m['Uss']} "
                  f"shared {m['Shared_Clean']} MB")  # fmt: skip
        print(f"  sum: RSS {sum(m['Rss'] for m in rows)} PSS {sum(m['Pss'] for m in rows)} "
              f"USS {sum(m['Uss'] for m in rows)} MB")  # fmt: skip
    if args.queried:
        rows = queried(args.data, 2, args.queried)
        print(f"{args.label} 2 desks after {args.queried} queries of each kind:")
        for i, m in enumerate(rows):
            print(f"  desk {i}: RSS {m['Rss']} PSS {m['Pss']} USS {m['Uss']} "
                  f"shared {m['Shared_Clean']} MB")  # fmt: skip
        print(f"  sum: PSS {sum(m['Pss'] for m in rows)} USS {sum(m['Uss'] for m in rows)} MB")
    print(f"load average {os.getloadavg()}")
    shutil.rmtree(args.work / "unused", ignore_errors=True)


if __name__ == "__main__":
    main()
