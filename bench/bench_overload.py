"""Overload: what clients see past capacity, with and without admission control.

Run: ``.venv/bin/python bench/bench_overload.py [--concurrency 64] [--seconds 15]
[--max-in-flight 8]``. Starts a real server (``vetline serve``, one worker, SQLite in a
temporary folder) on loopback twice — admission control at ``--max-in-flight`` and effectively off
— and drives each with ``--concurrency`` clients in a closed loop (each sends its next
request when the last one is answered) calling ``GET /v1/iar`` with an agency token: the
gate (token read, audit write) and a scoped read, the desk's cheapest audited call.
Prints accepted requests per second, their p50/p99/max latency and the 503 count.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from vetline.api import Settings, create_app
from vetline.auth.accounts import NewUser, create_user
from vetline.auth.policy import AuthPolicy
from vetline.auth.principal import Principal
from vetline.auth.roles import Role
from vetline.auth.tokens import issue_token
from vetline.db import Actor, Database, UnitOfWork, upgrade

PASSWORD = "benchmark passphrase 2026"
ORI = "CA0194200"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _token(url: str) -> str:
    database = Database.from_url(url)
    upgrade(database.engine)
    settings = Settings(demo_mode=True)
    clear: str
    with UnitOfWork(database, Actor.system("bench"), write=True) as uow:
        user, _ = create_user(uow, NewUser.parse(username="bench.agency", role="requesting_agency",
                                                 password=PASSWORD, ori=ORI))  # fmt: skip
        principal = Principal(user.id, user.username, Role.REQUESTING_AGENCY, ORI, None,
                              "session", "bench")  # fmt: skip
        policy = AuthPolicy.from_settings(settings)
        clear, _ = issue_token(uow, policy, principal, "bench", ["iar.read"], 30)
        uow.commit()
    database.dispose()
    create_app  # noqa: B018 - imported so a broken app fails here, not in the child
    return clear


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    """One keep-alive HTTP/1.1 exchange; the status code."""
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def _drive(base: str, token: str, clients: int, seconds: float) -> dict[str, float]:
    """``clients`` closed-loop connections for ``seconds``: client-side figures.

    A bare asyncio HTTP/1.1 client (one pre-built request, keep-alive): a full HTTP client
    library costs a millisecond of CPU per request, and with dozens of clients on a shared
    two-core machine the load generator's own queue became most of the latency measured.
    """
    host, port = base.removeprefix("http://").split(":")
    raw = (f"GET /v1/iar?limit=5 HTTP/1.1\r\nHost: {host}\r\n"
           f"Authorization: Bearer {token}\r\n\r\n").encode()  # fmt: skip
    latencies: list[float] = []
    refused = errors = 0
    deadline = time.monotonic() + seconds

    async def one() -> None:
        nonlocal refused, errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    status = await _request(reader, writer, raw)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                    continue
                took = time.perf_counter() - started
                if status == 200:
                    latencies.append(took)
                elif status == 503:
                    refused += 1
                    await asyncio.sleep(0.05)  # a polite client backs off a little
                else:
                    errors += 1
        finally:
            writer.close()

    await asyncio.gather(*(one() for _ in range(clients)))
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "accepted_per_s": len(latencies) / seconds,
        "p50_ms": pct(0.50) if latencies else 0.0,
        "p99_ms": pct(0.99) if latencies else 0.0,
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
        "refused_503": float(refused),
        "errors": float(errors),
    }


def run_case(clients: int, seconds: float, max_in_flight: int) -> dict[str, float]:
    """One server, one load: the client-side figures."""
    with tempfile.TemporaryDirectory(prefix="vetline-overload-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'vetline.db'}"
        token = _token(url)
        port = _port()
        env = {**os.environ, "VETLINE_DATABASE_URL": url, "VETLINE_DATA": tmp,
               "VETLINE_DEMO_MODE": "1", "VETLINE_RATE_LIMIT_PER_MINUTE": "100000000",
               "VETLINE_MAX_IN_FLIGHT": str(max_in_flight)}  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "vetline.cli", "serve", "--data", tmp, "--port", str(port)],
            env=env, start_new_session=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            asyncio.run(_drive(base, token, clients, 2.0))  # warm-up, not measured
            return asyncio.run(_drive(base, token, clients, seconds))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--max-in-flight", type=int, default=8)
    args = parser.parse_args()
    table = Table(title=f"GET /v1/iar, {args.concurrency} closed-loop clients, {args.seconds:g} s")
    for column in ("admission", "accepted/s", "p50 ms", "p99 ms", "max ms", "503s", "errors"):
        table.add_column(column)
    for label, bound in ((f"max {args.max_in_flight} in flight", args.max_in_flight),
                         ("off (10,000)", 10_000)):  # fmt: skip
        r = run_case(args.concurrency, args.seconds, bound)
        table.add_row(label, f"{r['accepted_per_s']:.0f}", f"{r['p50_ms']:.1f}",
                      f"{r['p99_ms']:.1f}", f"{r['max_ms']:.1f}", f"{r['refused_503']:.0f}",
                      f"{r['errors']:.0f}")  # fmt: skip
    Console().print(table)


if __name__ == "__main__":
    main()
