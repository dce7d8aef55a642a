"""The README's first command: ``vetline demo`` on a fresh folder, end to end.

Run as a user would (the console script in a subprocess, in an empty directory) without
serving: synthesise, ingest, build, demo accounts, sample queries through the desk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_runs_from_an_empty_folder(tmp_path: Path) -> None:
    vetline = Path(sys.executable).with_name("vetline")
    run = subprocess.run(
        [str(vetline), "demo", "--no-serve", "--persons", "600"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": str(vetline.parent), "HOME": str(tmp_path), "COLUMNS": "80"},
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    # the first answers show the range (issue 14), each a block within 80 columns
    assert "one answer of each kind" in run.stdout
    from vetline.desk.service.showcase import OUTCOMES

    for heading in OUTCOMES.values():
        assert heading in run.stdout, heading
    blocks = run.stdout[run.stdout.index("one answer of each kind") :]
    assert max(len(line) for line in blocks.splitlines()) <= 80
    assert "/v1/queue/iaq/" in blocks and "/v1/iar/" in blocks
    # --no-serve too prints the logins (issue 13 item 10)
    assert "demo logins" in run.stdout and "demo.admin" in run.stdout
    data = tmp_path / "vetline-data"
    assert (data / "vetline.db").is_file()
    assert (data / "index").is_dir() and (data / "model").is_dir()
    # the demo's audit events are checkpointed, and the chain verifies against them
    assert (data / "audit-anchor.jsonl").is_file()
    verify = subprocess.run(
        [str(vetline), "audit", "verify"], cwd=tmp_path, capture_output=True, text=True,
        timeout=120, env={"PATH": str(vetline.parent), "HOME": str(tmp_path)},
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "checkpoints outside the database agree" in verify.stdout
