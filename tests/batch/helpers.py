"""Building and running jobs in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from vetline.batch import BatchPolicy, JobRequest, load_batch_policy, run_job

AS_OF_TEXT = "2026-11-01"


def policy(chunk_rows: int = 40, per_band: int = 5) -> BatchPolicy:
    base = load_batch_policy()
    return base.model_copy(
        update={
            "job": base.job.model_copy(update={"chunk_rows": chunk_rows}),
            "audit_sample": base.audit_sample.model_copy(update={"per_band": per_band}),
        }
    )


def request(list_path: Path, data: Path, **extra: Any) -> JobRequest:
    from datetime import date

    return JobRequest(
        list_path=list_path, purpose="test vetting", authority="DHS/ICE-011 routine use",
        requester="test", data_dir=data, as_of=date.fromisoformat(AS_OF_TEXT), **extra,
    )  # fmt: skip


def run(
    list_path: Path, data: Path, out: Path, **extra: Any
) -> tuple[dict[str, Any], pd.DataFrame]:
    manifest = run_job(request(list_path, data, **extra), out, policy())
    return manifest, pd.read_parquet(out / "results.parquet")


PASSWORD = "correct horse battery staple"


def add_user(db: Any, username: str, role: Any, **bindings: str) -> None:
    """Create and commit an account (as a console operator)."""
    from vetline.auth.accounts import NewUser, create_user
    from vetline.db import Actor, UnitOfWork

    new = NewUser.parse(username=username, role=str(role), password=PASSWORD, **bindings)
    with UnitOfWork(db, Actor(user_id=None, username="cli:test", via="cli"), write=True) as uow:
        create_user(uow, new)
        uow.commit()


def client_for(app: Any, username: str) -> Any:
    """A logged-in TestClient sending the session's CSRF token."""
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    response = client.post("/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


class LiveServer:
    """uvicorn serving ``app`` on a free loopback port, in a thread: real HTTP."""

    def __init__(self, app: Any) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)

    def client(self, username: str) -> Any:
        """An ``httpx`` client logged in as ``username`` (session cookie + CSRF header)."""
        import httpx

        client = httpx.Client(base_url=self.base, timeout=60)
        response = client.post("/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client
