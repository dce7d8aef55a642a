"""Query-desk load: IAQs per second and end-to-end latency against a real ``vetline serve``.

Run: ``.venv/bin/python bench/bench_desk.py --data D [--facts person_facts.csv]
[--count N] [--seconds S] [--concurrency C] [--rate R] [--workers W]
[--database sqlite|postgres]``.
``D`` is a built data folder (``vetline ingest`` + ``vetline build``); the queries are
built from the world's ``person_facts.csv`` (found next to the data folder's extract when
not given). The server (``vetline serve --workers W``) runs on loopback with its own
throwaway database (SQLite, or a PostgreSQL 15 server started for the run with
``vetline.db.pgserver``); the generator sends at most ``N`` queries or runs at most ``S``
seconds, then checks the database: every acknowledged query stored exactly once with the
IAR it was answered with (lost / duplicated). Prints a table.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
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

from vetline.auth.accounts import NewUser, create_user
from vetline.db import Actor, Database, UnitOfWork, upgrade
from vetline.db.pgserver import PostgresServer, find_pg_bin
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.ops import percentile

ORI = "CA0194200"
PASSWORD = "benchmark passphrase 2026"


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


def _token(base: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        login = client.post(
            "/v1/auth/login", json={"username": "bench.agency", "password": PASSWORD}
        )
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        issued = client.post("/v1/tokens", json={"name": "bench", "scopes": ["iaq.submit"]})
        return str(issued.json()["token"])


def _load(base: str, token: str, bodies: list[dict[str, Any]], seconds: float, workers: int,
          rate: float | None = None,
          ) -> tuple[list[tuple[float, int, dict[str, Any] | None]], float]:  # fmt: skip
    """``workers`` threads, each with one keep-alive connection, send the bodies in turn.

    Closed loop by default (each thread sends its next query when the last is answered:
    capacity). With ``rate``, open loop: query ``n`` is due at ``n / rate`` seconds and
    its latency counts from then, waiting for a free connection included, so a server
    that falls behind shows it in the percentiles (no coordinated omission).
    ``http.client`` rather than httpx: the generator shares the machine's two cores with
    the server, and its per-request cost (about a fifth of httpx's) is then the server's
    gain. Bodies are encoded before the clock starts.
    """
    results: list[tuple[float, int, dict[str, Any] | None]] = []
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
                    results.append((took, response.status, json.loads(payload) if ok else None))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - began


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
            uow.commit()
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
            cpu_before, client_before = _cpu_seconds(proc.pid), time.process_time()
            db_before = sum(_cpu_seconds(postmaster)) if postmaster else 0.0
            results, elapsed = _load(base, token, bodies, args.seconds, args.concurrency, args.rate)
            cpu_after = _cpu_seconds(proc.pid)
            server_user, server_sys = (a - b for a, b in zip(cpu_after, cpu_before, strict=True))
            db_cpu = sum(_cpu_seconds(postmaster)) - db_before if postmaster else 0.0
            client_cpu = time.process_time() - client_before
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
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
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
