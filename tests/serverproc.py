"""A vetline HTTP server in a child process on loopback, for crash and shutdown tests.

The trust layer's and the desk's kill -9 tests both start a real server, load it, kill it
and restart it; this is the one place that knows how to start one and wait for it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence

import httpx

START_SECONDS = 120
STOP_SECONDS = 60


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """``python -m <args> --port P`` with demo-mode settings and the given database."""

    def __init__(self, args: Sequence[str], database_url: str, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.args = [*args, "--port", str(self.port)]
        self.env = {
            **os.environ,
            "VETLINE_DATABASE_URL": database_url,
            "VETLINE_DEMO_MODE": "1",
            "VETLINE_COOKIE_SECURE": "0",
            "VETLINE_RATE_LIMIT_PER_MINUTE": "100000",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start and wait until ``/healthz`` answers; a child that dies says why."""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *self.args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: ``stop`` ends its workers too
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read().decode() if self.proc.stderr else "")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()  # its workers too: nothing left running behind a failed test
        raise RuntimeError("server did not start")

    def signal(self, sig: int) -> int:
        """Send ``sig`` to the server (its supervisor, with ``--workers``); its exit code."""
        assert self.proc is not None
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=STOP_SECONDS)

    def stop(self) -> None:
        """Kill whatever of the server's process group still runs (worker processes too:
        a killed supervisor does not take its workers with it)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=STOP_SECONDS)
