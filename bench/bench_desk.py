"""Query-desk load: IAQs per second and end-to-end latency against a real ``vetline serve``.

Run: ``.venv/bin/python bench/bench_desk.py --data D [--facts person_facts.csv]
[--count N] [--seconds S] [--concurrency C] [--rate R] [--workers W]
[--database sqlite|postgres] [--profile OUT] [--latencies FILE]``.
``D`` is a built data folder (``vetline ingest`` + ``vetline build``); the queries are
built from the world's ``person_facts.csv`` (found next to the data folder's extract when
not given). The server (``vetline serve --workers W``) runs on loopback with its own
throwaway database (SQLite, or a PostgreSQL 15 server started for the run with
``vetline.db.pgserver``); the generator sends at most ``N`` queries or runs at most ``S``
seconds, then checks the database: every acknowledged query stored exactly once with the
IAR it was answered with (lost / duplicated). Prints a table.

``--latencies FILE``: each measured query's number, due time, latency, status and answer
time as CSV, to see *when* the slow answers fell (bursts at the same second of every run
point away from the queries themselves: bench/README.md, "The desk at stop 37").

``--beside-job ROWS``: a lead analyst submits a batch job of ``ROWS`` list rows (the world's
own subjects, by name, date of birth and sex) over the API after the warm-up, and the load is
measured while the job runs (``vetline.batch`` runs an API job in a process of its own at
nice +10, whose CPU is not in the server's figures); the job's rows done by the end of the
load, its state and its time to FINISHED are printed under the table. The desk beside the
national analysis centre's work: bench/README.md, "The desk beside an API batch job".

``--profile OUT``: ``py-spy`` (the ``bench`` extra: ``uv pip install -e '.[bench]'``)
samples the server's processes while the measured load runs, only the threads holding the
GIL (``--gil``: Python's CPU, not waits), writes the raw stacks to ``OUT`` and prints the
server CPU per IAQ split by stage (:data:`STAGES`): each sample goes to the stage of its
deepest frame that names one, the shares scaled to the measured CPU per IAQ. Work done
outside the GIL (SQLite's own code, system calls) shows under the stage that called it
only as far as the GIL was held, so the figures are a guide to where the time goes, and
the measured total the figure to compare.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from gauge import gauge_line, host_gauge
from vetline.audit.anchor import ANCHOR_FILE
from vetline.auth.accounts import NewUser, create_user
from vetline.db import Actor, Database, UnitOfWork, upgrade
from vetline.db.pgserver import PostgresServer, find_pg_bin
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.ops import percentile

ORI = "CA0194200"
#: (frame text, stage) for ``--profile``. A sample counts for the first of these found
#: anywhere in its stack (ordered: the writer thread and the case intake first, then the
#: inner steps before the ones that call them) ...
STAGES: tuple[tuple[str, str], ...] = (
    ("notify_answered", "vetting case intake (on_answered hook)"),
    ("DeskAnswering._follow", "vetting case intake (in the desk's transaction)"),
    ("still_authenticated", "write: API token checked again"),
    ("append_events", "write: audit chain append (hash, insert, head)"),
    ("AnchorLog.record", "write: audit anchor line"),
    ("UnitOfWork.commit", "write: commit"),
    ("write_answered", "write: INSERT query, IAR version, work item; events drafted"),
    ("GroupCommit._hand_over", "desk: hand-over to the group commit"),
    ("GroupCommit._", "write: group commit (queue, lock, session)"),
    ("GroupCommit.", "desk: hand-over to the group commit"),
    ("_token_principal", "gate: token look-up"),
    ("_api_call", "gate: API_CALL event drafted"),
    ("_gate_inline", "gate: permission, rate limit, CSRF"),
    ("(vetline/api/deps.py", "gate: permission, rate limit, CSRF"),
    ("DeskService._accept", "intake: parse and validate"),
    ("work_out (vetline/person", "person core: resolve, records, status, decision"),
    ("DeskAnswering._work_out", "IAR: assemble, Nlets text, JSON"),
    ("DeskAnswering._new_row", "row: ids, canonical IAQ, triage"),
    ("(vetline/desk/", "desk: other"),
    ("IARResponse", "response: orjson"),
    ("(vetline/api/routers/desk.py", "route"),
)
#: ... else for the deepest frame naming one of these (the layers every request passes).
LAYERS: tuple[tuple[str, str], ...] = (
    ("BodyTypes", "middleware: body types (duplicate keys)"),
    ("(vetline/api/guard.py", "middleware: guard, admission"),
    ("(vetline/api/admission.py", "middleware: guard, admission"),
    ("(starlette/middleware", "middleware: starlette/fastapi"),
    ("(fastapi/middleware", "middleware: starlette/fastapi"),
    ("(fastapi/_body_limit", "middleware: starlette/fastapi"),
    ("(fastapi/telemetry", "middleware: starlette/fastapi"),
    ("(fastapi/", "fastapi: routing, dependencies"),
    ("(starlette/", "fastapi: routing, dependencies"),
    ("(anyio/", "fastapi: routing, dependencies"),
    ("(uvicorn/", "uvicorn: HTTP parse and send, event loop"),
    ("(asyncio/", "uvicorn: HTTP parse and send, event loop"),
    ("(vetline/api/httpproto.py", "uvicorn: HTTP parse and send, event loop"),
)
PASSWORD = "benchmark passphrase 2026"
LEADS = "bench.leads"


def _commits(data: Path) -> int:
    """Transactions committed so far: one audit anchor line each (``vetline.audit.anchor``)."""
    try:
        with (data / ANCHOR_FILE).open("rb") as handle:
            return sum(1 for _ in handle)
    except FileNotFoundError:
        return 0


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _facts(data: Path, given: Path | None) -> list[dict[str, str]]:
    candidates = [given] if given else [
        data.parent / "extract" / "person_facts.csv", data / "demo-extract" / "person_facts.csv",
    ]  # fmt: skip
    for path in candidates:
        if path is not None and path.is_file():
            with path.open(encoding="utf-8") as handle:
                return [f for f in csv.DictReader(handle) if f["true_last_name"]]
    sys.exit("bench_desk: give --facts person_facts.csv of the world in --data")


def _body(fact: dict[str, str], n: int) -> dict[str, Any]:
    subject = {"last_name": fact["true_last_name"], "first_name": fact["true_first_name"],
               "dob": fact["true_dob"], "sex": fact["sex"]}  # fmt: skip
    if fact["a_number"]:
        subject["a_number"] = fact["a_number"]
    return {
        "iaq_id": f"B{n}", "query_type": "IAQ", "ori": ORI, "subject": subject,
        "encounter": {"state": "CA", "county_fips": "06037", "date": "2026-11-01"},
    }  # fmt: skip


def _server(data: Path, url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = {**os.environ, "VETLINE_DATABASE_URL": url, "VETLINE_DEMO_MODE": "1",
           "VETLINE_COOKIE_SECURE": "0", "VETLINE_RATE_LIMIT_PER_MINUTE": "1000000"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "vetline.cli", "serve", "--data", str(data), "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)  # the supervisor and its workers
    sys.exit("bench_desk: the server did not start")


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of ``pid`` and its children so far (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.is_file():
        pids += [int(c) for c in children.read_text().split()]
    user = system = 0.0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        user += int(fields[11]) / tick  # utime
        system += int(fields[12]) / tick  # stime
    return user, system


def _thread_cpu(pid: int) -> tuple[float, float, float]:
    """CPU seconds (user + system) so far of the server's supervisor ``pid``, of its
    workers' event-loop (main) threads and of their other threads (the group commit's
    writer, thread-pool calls): a split no sampler's GIL attribution can blur."""
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    workers = [int(c) for c in children.read_text().split()] if children.is_file() else []
    supervisor, loops, others = sum(_cpu_seconds_one(pid, pid)), 0.0, 0.0
    for worker in workers:
        try:
            tids = [int(t.name) for t in Path(f"/proc/{worker}/task").iterdir()]
        except OSError:
            continue
        for tid in tids:
            spent = sum(_cpu_seconds_one(worker, tid))
            if tid == worker:
                loops += spent
            else:
                others += spent
    return supervisor / tick, loops / tick, others / tick


def _cpu_seconds_one(pid: int, tid: int) -> tuple[int, int]:
    """Clock ticks of user and system CPU of thread ``tid`` of ``pid`` (0, 0 if gone)."""
    try:
        fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0, 0
    return int(fields[11]), int(fields[12])


def _stage(stack: str) -> str:
    for mark, stage in STAGES:
        if mark in stack:
            return stage
    for frame in reversed(stack.split(";")):
        for mark, stage in LAYERS:
            if mark in frame:
                return stage
    return "other"


def _stages(raw: Path, cpu_ms: float) -> list[tuple[str, float, float]]:
    """(stage, share, ms per IAQ) from ``py-spy --format raw`` stacks, largest first."""
    counts: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if count.isdigit():
            counts[_stage(stack)] += int(count)
    total = sum(counts.values()) or 1
    return [(name, n / total, cpu_ms * n / total) for name, n in counts.most_common()]


def _spy(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """``py-spy record`` of ``pid`` and its worker processes, until SIGINT."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists() and shutil.which(spy) is None:
        sys.exit("bench_desk: --profile needs py-spy (the bench extra: pip install -e '.[bench]')")
    return subprocess.Popen(
        [spy, "record", "--pid", str(pid), "--subprocesses", "--gil", "--rate", "200",
         "--format", "raw", "--nonblocking", "-o", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _token(base: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        login = client.post(
            "/v1/auth/login", json={"username": "bench.agency", "password": PASSWORD}
        )
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        issued = client.post("/v1/tokens", json={"name": "bench", "scopes": ["iaq.submit"]})
        return str(issued.json()["token"])


def _list_csv(facts: list[dict[str, str]], rows: int) -> bytes:
    """A batch list of ``rows`` rows: the world's subjects in turn, by name, DOB and sex."""
    lines = ["list_ref,last_name,first_name,dob,sex"]
    for n in range(rows):
        fact = facts[n % len(facts)]
        lines.append(f"R{n},{fact['true_last_name']},{fact['true_first_name']},"
                     f"{fact['true_dob']},{fact['sex']}")  # fmt: skip
    return ("\n".join(lines) + "\n").encode("utf-8")


def _leads_client(base: str) -> httpx.Client:
    """A lead analyst's logged-in client (the session cookie sent by hand: it is Secure)."""
    client = httpx.Client(base_url=base, timeout=120)
    login = client.post("/v1/auth/login", json={"username": LEADS, "password": PASSWORD})
    login.raise_for_status()
    client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    client.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in login.cookies.items())
    return client


def _submit_job(client: httpx.Client, listed: bytes) -> str:
    """POST the list as a batch job; its id once stored (202)."""
    submitted = client.post(
        "/v1/batch-jobs",
        data={"purpose": "bench: the desk beside a batch job", "authority": "bench"},
        files={"file": ("list.csv", listed, "text/csv")},
    )
    if submitted.status_code != 202:
        sys.exit(f"bench_desk: batch job refused: {submitted.status_code} {submitted.text}")
    return str(submitted.json()["job_id"])


def _job_state(client: httpx.Client, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = client.get(f"/v1/batch-jobs/{job_id}").json()
    return job


def _wait_job(client: httpx.Client, job_id: str, timeout: float) -> tuple[dict[str, Any], float]:
    """Poll the job until it ends (or ``timeout`` s); its last view and when it was seen
    ended (``time.monotonic``)."""
    start = time.monotonic()
    job = _job_state(client, job_id)
    while job["state"] not in ("FINISHED", "FAILED") and time.monotonic() - start < timeout:
        time.sleep(0.2)
        job = _job_state(client, job_id)
    return job, time.monotonic()


def _load(base: str, token: str, bodies: list[dict[str, Any]], seconds: float, workers: int,
          rate: float | None = None, raw: dict[int, bytes] | None = None,
          timeline: list[tuple[int, float, float, int, float]] | None = None,
          ) -> tuple[list[tuple[float, int, dict[str, Any] | None]], float]:  # fmt: skip
    """``workers`` threads, each with one keep-alive connection, send the bodies in turn.

    Closed loop by default (each thread sends its next query when the last is answered:
    capacity). With ``rate``, open loop: query ``n`` is due at ``n / rate`` seconds and
    its latency counts from then, waiting for a free connection included, so a server
    that falls behind shows it in the percentiles (no coordinated omission).
    ``http.client`` rather than httpx: the generator shares the machine's two cores with
    the server, and its per-request cost (about a fifth of httpx's) is then the server's
    gain. Bodies are encoded before the clock starts. ``raw``: each response's status
    line's code and body bytes kept by query number (``--dump``). ``timeline``: each
    query's (number, seconds from the start it was due, latency in seconds, status, the
    wall clock when answered) (``--latencies``: when in the run the slow answers fell).
    """
    kept: list[tuple[float, int, bytes | None]] = []
    lock = threading.Lock()
    encoded = [json.dumps(body).encode() for body in bodies]
    cursor = iter(range(len(bodies)))
    began = time.perf_counter()
    stop_at = began + seconds
    host, port = base.removeprefix("http://").split(":")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def work() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            while True:
                with lock:
                    n = next(cursor, None)
                if n is None:
                    return
                due = began + n / rate if rate else time.perf_counter()
                if due >= stop_at:
                    return
                if (wait := due - time.perf_counter()) > 0:
                    time.sleep(wait)
                connection.request("POST", "/v1/iaq", body=encoded[n], headers=headers)
                response = connection.getresponse()
                payload = response.read()
                took = time.perf_counter() - due
                ok = response.status in (200, 201)
                with lock:
                    kept.append((took, response.status, payload if ok else None))
                    if raw is not None:
                        raw[n] = b"%d " % response.status + payload
                    if timeline is not None:
                        timeline.append((n, due - began, took, response.status, time.time()))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    # Parsed after the clock stops: 18,000 parsed IARs held while sending made this
    # process's garbage collector stop every sending thread for 100-200 ms at a time
    # (full collections over millions of objects), late queries the server never saw.
    results = [(took, code, json.loads(body) if body is not None else None)
               for took, code, body in kept]  # fmt: skip
    return results, elapsed


def _automatic_subjects(base: str, token: str, facts: list[dict[str, str]], tried: int,
                        connections: int) -> list[dict[str, str]]:  # fmt: skip
    """The subjects among the first ``tried`` whose query was answered automatically.

    Untimed (it runs before the warm-up). The target is a rate of *automatic* answers:
    about three quarters of the world's subjects go to the analyst queue (citizens,
    PROBABLE matches, protected status: the queue's rules), so a stream of automatic
    answers is made of the others, each queried again under a new ``iaq_id``.
    """
    bodies = [{**_body(facts[n % len(facts)], n), "iaq_id": f"SEL{n}"} for n in range(tried)]
    results, _ = _load(base, token, bodies, 600.0, connections)
    chosen = [facts[int(iar["iaq_id"][3:]) % len(facts)] for _, _, iar in results
              if iar is not None and iar["state"] == "ANSWERED"]  # fmt: skip
    if not chosen:
        sys.exit("bench_desk: no subject was answered automatically")
    return chosen


def _truth(facts_file: Path | None, data: Path) -> dict[tuple[str, str], str]:
    """(source, record_id) → true person, from the world's ``truth.csv`` (empty if absent)."""
    folder = facts_file.parent if facts_file else data.parent / "extract"
    path = folder / "truth.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(handle)}


def _accuracy(
    acked: list[dict[str, Any]], facts: list[dict[str, str]], truth: dict[tuple[str, str], str]
) -> tuple[int, int]:
    """Automatic IARs naming the wrong person, and automatic removability for a citizen."""
    wrong = citizen_removable = 0
    for iar in acked:
        if iar["state"] != "ANSWERED":
            continue
        fact = facts[int(iar["iaq_id"][1:]) % len(facts)]
        owners = Counter(truth.get((r["source"], r["record_id"])) for r in iar["match"]["records"])
        if truth and owners.most_common(1)[0][0] != fact["person_id"]:
            wrong += 1
        removable = iar["removability"]["assessment"] in ("REMOVABLE", "REMOVABLE_IF_CONVICTED")
        citizen_removable += fact["us_citizen"] == "Y" and removable
    return wrong, citizen_removable


def _stored_id(stored: dict[str, str | None], iaq_id: str) -> str | None:
    """The IAR id stored for ``iaq_id`` (None when the query is missing)."""
    text = stored.get(iaq_id)
    return json.loads(text).get("iar_id") if text else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--facts", type=Path)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rate", type=float, help="open loop: queries per second offered")
    parser.add_argument("--warmup", type=int, default=200, help="queries sent before measuring")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--stream", choices=("mixed", "automatic"), default="mixed",
        help="mixed: the world's subjects in turn (most go to the analyst queue); automatic: "
        "only subjects a selection pass saw answered automatically (the target's stream)",
    )  # fmt: skip
    parser.add_argument("--select", type=int, default=4000,
                        help="subjects tried before --stream automatic")  # fmt: skip
    parser.add_argument("--dump", type=Path,
                        help="write each measured response (status, body bytes) to this "
                        "file, one line per query in order: compare two runs' bytes with "
                        "bench/compare_iar_bytes.py")  # fmt: skip
    parser.add_argument("--latencies", type=Path,
                        help="write each measured query's number, due time (s from the "
                        "start), latency (ms), status and answer time (Unix s) to this CSV "
                        "file")  # fmt: skip
    parser.add_argument("--beside-job", type=int, metavar="ROWS",
                        help="measure while a batch job of ROWS list rows, submitted over "
                        "the API after the warm-up, runs")  # fmt: skip
    parser.add_argument("--profile", type=Path,
                        help="py-spy the server during the measured load: raw stacks to "
                        "this file, CPU per IAQ by stage printed")  # fmt: skip
    args = parser.parse_args()
    facts = _facts(args.data, args.facts)
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as tmp, ExitStack() as stack:
        url = f"sqlite:///{Path(tmp) / 'desk.db'}"
        postmaster = 0  # the PostgreSQL server's pid: its backends' CPU is counted apart
        if args.database == "postgres":
            bin_dir = find_pg_bin()
            if bin_dir is None:
                sys.exit("bench_desk: no PostgreSQL server binaries found")
            server = PostgresServer(bin_dir)
            server.start()
            postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
            stack.callback(server.stop)
            url = server.create_database("bench_desk")
        database = Database.from_url(url)
        upgrade(database.engine)
        with UnitOfWork(
            database, Actor(user_id=None, username="cli:bench", via="cli"), write=True
        ) as uow:
            create_user(uow, NewUser.parse(username="bench.agency", role="requesting_agency",
                                           password=PASSWORD, ori=ORI))  # fmt: skip
            if args.beside_job:
                create_user(uow, NewUser.parse(username=LEADS, role="lead_analyst",
                                               password=PASSWORD))  # fmt: skip
            uow.commit()
        gauge_before = host_gauge()
        proc, base = _server(args.data, url, args.workers)
        try:
            token = _token(base)
            if args.stream == "automatic":
                facts = _automatic_subjects(base, token, facts, args.select, args.concurrency)
            bodies = [_body(facts[n % len(facts)], n) for n in range(args.count)]
            if args.warmup:  # first calls pay lazy imports and caches: not steady state
                warm = [{**_body(facts[-1 - n % len(facts)], n), "iaq_id": f"WARM{n}"}
                        for n in range(args.warmup)]  # fmt: skip
                _load(base, token, warm, 120.0, args.concurrency)
            job_id, job_client, job_submitted = None, None, 0.0
            if args.beside_job:
                job_client = _leads_client(base)
                stack.callback(job_client.close)
                job_submitted = time.monotonic()
                job_id = _submit_job(job_client, _list_csv(facts, args.beside_job))
            spy = _spy(proc.pid, args.profile) if args.profile else None
            cpu_before, client_before = _cpu_seconds(proc.pid), time.process_time()
            threads_before = _thread_cpu(proc.pid)
            commits_before = _commits(args.data)
            db_before = sum(_cpu_seconds(postmaster)) if postmaster else 0.0
            raw: dict[int, bytes] | None = {} if args.dump else None
            timeline: list[tuple[int, float, float, int, float]] | None = (
                [] if args.latencies else None
            )
            results, elapsed = _load(base, token, bodies, args.seconds, args.concurrency,
                                     args.rate, raw, timeline)  # fmt: skip
            if args.latencies and timeline is not None:
                args.latencies.write_text("n,due_s,latency_ms,status,answered_unix\n" + "".join(
                    f"{n},{due:.4f},{took * 1000:.2f},{code},{at:.3f}\n"
                    for n, due, took, code, at in sorted(timeline)), encoding="utf-8")  # fmt: skip
            if args.dump and raw is not None:
                args.dump.write_bytes(b"".join(raw[n] + b"\n" for n in sorted(raw)))
            cpu_after = _cpu_seconds(proc.pid)
            commits = _commits(args.data) - commits_before
            threads = [a - b for a, b in zip(_thread_cpu(proc.pid), threads_before, strict=True)]
            if spy is not None:
                spy.send_signal(signal.SIGINT)  # py-spy writes its file and exits
                spy.wait(timeout=120)
            server_user, server_sys = (a - b for a, b in zip(cpu_after, cpu_before, strict=True))
            db_cpu = sum(_cpu_seconds(postmaster)) - db_before if postmaster else 0.0
            client_cpu = time.process_time() - client_before
            job_during = (_job_state(job_client, job_id)
                          if job_client is not None and job_id is not None else None)  # fmt: skip
            job_end = (_wait_job(job_client, job_id, 1800.0)
                       if job_client is not None and job_id is not None else None)  # fmt: skip
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        gauge_after = host_gauge()
        with UnitOfWork(database, Actor.system(), write=True) as uow:
            stored = {q.iaq_id: q.iar_json for q in uow.session.scalars(select(DeskQuery))}
            rows = len(list(uow.session.scalars(select(DeskQuery.id))))
        database.dispose()
    acked = [r[2] for r in results if r[2] is not None]
    lost = sum(1 for iar in acked if _stored_id(stored, iar["iaq_id"]) != iar["iar_id"])
    duplicated = (rows - len(stored)) + (len(acked) - len({iar["iar_id"] for iar in acked}))
    automatic = sorted(int(r[0] * 1000) for r in results if r[2] and r[2]["state"] == "ANSWERED")
    everything = sorted(int(r[0] * 1000) for r in results)
    wrong, citizen_removable = _accuracy(acked, facts, _truth(args.facts, args.data))
    offered = f"{args.rate:g}/s offered" if args.rate else "closed loop"
    n = max(len(results), 1)
    table = Table(title=f"query desk over HTTP: {args.data} ({args.stream} stream, "
                        f"{args.concurrency} clients, {offered}, {args.workers} workers, "
                        f"{args.database})")  # fmt: skip
    for col in ("sent", "acked", "automatic", "queued", "seconds", "IAQ/s", "p50 ms", "p99 ms",
                "auto p50", "auto p99", "errors", "lost", "duplicated", "wrong person",
                "citizen removable", "server CPU ms/IAQ usr+sys", "PostgreSQL CPU ms/IAQ",
                "client CPU ms/IAQ"):  # fmt: skip
        table.add_column(col, justify="right")
    table.add_row(
        str(len(results)), str(len(acked)), str(len(automatic)), str(len(acked) - len(automatic)),
        f"{elapsed:.1f}", f"{len(results) / elapsed:.1f}", str(percentile(everything, 50)),
        str(percentile(everything, 99)), str(percentile(automatic, 50)),
        str(percentile(automatic, 99)), str(len(results) - len(acked)), str(lost), str(duplicated),
        str(wrong), str(citizen_removable),
        f"{server_user * 1000 / n:.1f}+{server_sys * 1000 / n:.1f}",
        f"{db_cpu * 1000 / n:.1f}" if postmaster else "-", f"{client_cpu * 1000 / n:.1f}",
    )  # fmt: skip
    console = Console(width=200)
    console.print(table)
    console.print("server CPU ms/IAQ by thread (usr+sys): supervisor {:.2f}, workers' event "
                  "loops {:.2f}, their other threads (group-commit writer) {:.2f}".format(
                      *(t * 1000 / n for t in threads)))  # fmt: skip
    console.print(f"transactions committed during the run (audit anchor lines): {commits:,}, "
                  f"{len(results) / max(commits, 1):.2f} IAQs per transaction")  # fmt: skip
    console.print(gauge_line(gauge_before, gauge_after))
    if job_during is not None and job_end is not None:
        ended, ended_at = job_end
        console.print(
            f"beside a batch job of {args.beside_job:,} rows: {job_during['rows_done']:,} rows "
            f"done when the load ended ({job_during['state']}); {ended['state']} "
            f"{ended_at - job_submitted:.1f} s after its submission ({ended['rows_done']:,} rows)"
        )  # fmt: skip
    if args.profile and args.profile.is_file():
        cpu_ms = (server_user + server_sys) * 1000 / n
        split = Table(title=f"server CPU per IAQ by stage ({cpu_ms:.2f} ms measured; "
                            f"py-spy --gil samples in {args.profile})")  # fmt: skip
        for col in ("stage", "share", "ms/IAQ"):
            split.add_column(col, justify="left" if col == "stage" else "right")
        for name, share, ms in _stages(args.profile, cpu_ms):
            split.add_row(name, f"{share:.1%}", f"{ms:.2f}")
        console.print(split)


if __name__ == "__main__":
    main()
