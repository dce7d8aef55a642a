"""The first hour (issue 14): what a newcomer waits for, measured as they would meet it.

Each figure runs the installed console script in a fresh process (the README's way), with
Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE`` unset: a user's machine), and
records the machine's load average beside it, because the machine is shared.

* ``--install``: the README's install line into a new virtualenv (uv + the ICU wheel).
* demo: ``vetline demo --no-serve`` on a fresh folder — total wall and the build's stages
  (from ``model/build.json``).
* ``vetline --version`` and ``vetline --help``: the command line's own start.
* cold query: ``vetline query --json …`` on that world, a given name the index knows and
  one it does not (the name library's load, which only such a query pays).
* serve: ``vetline serve`` to its "listening" line and to ``/healthz`` answering.
* served demo: ``vetline demo`` (serving) to ``/healthz`` answering: the README's first
  command after the install.

Usage: ``.venv/bin/python bench/bench_first_hour.py [--repeat 3] [--install] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
VETLINE = str(Path(sys.executable).with_name("vetline"))
KNOWN = {"last_name": "GARCIA", "dob": "1980-01-01"}
ORI = "CA0194200"


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("VETLINE_")}
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    out.update(VETLINE_DEMO_MODE="1", VETLINE_COOKIE_SECURE="0", COLUMNS="80")
    return out


def load() -> float:
    return os.getloadavg()[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one command, its child processes included."""
    started, cpu = time.perf_counter(), children_cpu()
    subprocess.run(args, env=env(), check=True, capture_output=True, timeout=1800)
    return time.perf_counter() - started, children_cpu() - cpu


def process_cpu(pid: int) -> float:
    """CPU seconds a running process (and its reaped children) used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def install(work: Path) -> float:
    """The README's install line into a fresh virtualenv, timed."""
    venv = work / "venv"
    line = (
        f"python3 -m venv {venv} && {venv}/bin/pip install -q uv && {venv}/bin/uv pip install"
        f" -q --compile-bytecode --python {venv}/bin/python --override install/overrides.txt"
        f" pyicu-wheels -e . && {venv}/bin/python -m compileall -q src"
    )
    started = time.perf_counter()
    subprocess.run(["bash", "-c", line], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def known_given(data: Path) -> str:
    """A given name the world's index holds (so the query needs no name library)."""
    import pyarrow.feather as feather

    table = feather.read_table(data / "index" / "given_symbols.arrow", columns=["given"])
    return str(table.column("given")[0])


def query_args(data: Path, first: str, n: int) -> list[str]:
    tag = "".join(c for c in first if c.isalnum())[:12]  # an iaq_id holds no space
    body = {"iaq_id": f"BENCH-{tag}-{n}-{os.getpid()}", "query_type": "IAQ", "ori": ORI,
            "subject": {**KNOWN, "first_name": first},
            "encounter": {"state": "CA", "county_fips": "06037"}}  # fmt: skip
    return [VETLINE, "query", "--data", str(data), "--json", json.dumps(body),
            "--out", os.devnull]  # fmt: skip


def serve_times(args: list[str], port: int, timeout: float = 900) -> tuple[float, float, float]:
    """(seconds to the first output line, to /healthz answering, CPU seconds by then)."""
    started = time.perf_counter()
    out = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    proc = subprocess.Popen(args, env={**env(), "PYTHONUNBUFFERED": "1"}, **out)  # type: ignore[call-overload]
    first = float("nan")
    try:
        assert proc.stdout is not None
        os.set_blocking(proc.stdout.fileno(), False)
        while time.perf_counter() - started < timeout:
            if first != first and proc.stdout.readline():
                first = time.perf_counter() - started
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return first, time.perf_counter() - started, process_cpu(proc.pid)
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("server not ready")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}" + (
        f" ({min(values):.1f}–{max(values):.1f})" if len(values) > 1 else ""
    )


def cpu_of(pairs: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    return [w for w, _ in pairs], [c for _, c in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--install", action="store_true", help="time the README install too")
    parser.add_argument("--keep", type=Path, help="keep the demo world here")
    parser.add_argument("--world", type=Path, help="a built demo world: skip the demo runs")
    ns = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="first-hour-"))
    rows: list[tuple[str, str, str, str]] = []
    try:
        if ns.install:
            before = load()
            rows.append(("install (README line, new venv)", f"{install(work):.1f}", "",
                         f"{before:.1f}"))  # fmt: skip
        data = ns.world or ns.keep or work / "demo"
        if ns.world is None:
            shutil.rmtree(data, ignore_errors=True)
            before = load()
            wall, cpu = timed([VETLINE, "demo", "--no-serve", "--data", str(data)])
            build = json.loads((data / "model" / "build.json").read_text(encoding="utf-8"))
            stages = ", ".join(f"{k} {v:.1f}" for k, v in build["seconds"].items())
            rows.append(("demo --no-serve, total", f"{wall:.1f}", f"{cpu:.1f}", f"{before:.1f}"))
            rows.append((f"  of which build ({stages})",
                         f"{sum(build['seconds'].values()):.1f}", "", ""))  # fmt: skip
        for label, flag in (("`vetline --version`", "--version"), ("`vetline --help`", "--help")):
            before = load()
            walls, cpus = cpu_of([timed([VETLINE, flag]) for _ in range(ns.repeat)])
            rows.append((label, median(walls), median(cpus), f"{before:.1f}"))
        first = known_given(data)
        for label, name in ((f"cold query, known name ({first})", first),
                            ("cold query, unseen name (library loads)", "QWENDOLYNE")):  # fmt: skip
            before = load()
            walls, cpus = cpu_of([timed(query_args(data, name, n)) for n in range(ns.repeat)])
            rows.append((label, median(walls), median(cpus), f"{before:.1f}"))
        listen, ready, cpus = [], [], []
        before = load()
        for _ in range(ns.repeat):
            port = free_port()
            args = [VETLINE, "serve", "--data", str(data), "--port", str(port)]
            a, b, c = serve_times(args, port)
            listen.append(a)
            ready.append(b)
            cpus.append(c)
        rows.append(("serve: 'listening' printed", median(listen), "", f"{before:.1f}"))
        rows.append(("serve: /healthz answers", median(ready), median(cpus), ""))
        if ns.world is None:
            served = work / "served"
            port = free_port()
            before = load()
            args = [VETLINE, "demo", "--data", str(served), "--port", str(port)]
            _, up, cpu = serve_times(args, port)
            rows.append(("demo (serving) to /healthz", f"{up:.1f}", f"{cpu:.1f}", f"{before:.1f}"))
    finally:
        if ns.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end: {load():.1f} (2 cores)")
    print("| what | wall s (median, range) | CPU s | load avg at start |")
    print("|---|---|---|---|")
    for what, secs, cpu_s, avg in rows:
        print(f"| {what} | {secs} | {cpu_s} | {avg} |")


if __name__ == "__main__":
    main()
