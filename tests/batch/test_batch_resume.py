"""Resume after ``kill -9`` (issue 16 item 1): a job killed mid-run continues from its
last durable chunk and ends with exactly one result per row — the same results as a run
never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from helpers import AS_OF_TEXT, policy, request

from conftest import BatchWorld, write_list
from vetline.batch import run_job
from vetline.batch.layout import done_chunks, temporary


def test_a_job_killed_with_sigkill_resumes_to_exactly_one_result_per_row(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    rows = 900
    listed = write_list(tmp_path / "list.csv", (batch_world.facts * 2)[:rows])
    out = tmp_path / "killed"
    command = [
        sys.executable, "-m", "vetline.cli", "batch", str(listed), "--purpose", "test",
        "--authority", "DHS/ICE-011", "--out", str(out), "--data", str(batch_world.data),
        "--as-of", AS_OF_TEXT, "--chunk-rows", "5",
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(done_chunks(out)) < 4:
            assert proc.poll() is None, "the job ended before it could be killed"
            assert time.monotonic() < deadline, "no chunk finished in two minutes"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    finished = done_chunks(out)
    assert 4 <= len(finished) < rows // 5, "killed mid-run"
    assert not (out / "manifest.json").exists() and not (out / "results.parquet").exists()

    resumed = run_job(request(listed, batch_world.data), out, policy(chunk_rows=5))
    results = pd.read_parquet(out / "results.parquet")
    assert results["row_number"].tolist() == list(range(rows))  # all, once, in order
    assert results["row_number"].is_unique and resumed["input_rows"] == rows
    assert sorted(done_chunks(out)) == list(range(rows // 5))

    clean = tmp_path / "clean"
    run_job(request(listed, batch_world.data), clean, policy(chunk_rows=5))
    pd.testing.assert_frame_equal(results, pd.read_parquet(clean / "results.parquet"))


def test_a_finished_job_run_again_returns_its_manifest_and_another_list_is_refused(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    from vetline.errors import BadInput

    listed = write_list(tmp_path / "list.csv", batch_world.facts[:20])
    first = run_job(request(listed, batch_world.data), tmp_path / "out", policy())
    again = run_job(request(listed, batch_world.data), tmp_path / "out", policy())
    assert again == first
    other = write_list(tmp_path / "other.csv", batch_world.facts[20:30])
    with pytest.raises(BadInput) as caught:
        run_job(request(other, batch_world.data), tmp_path / "out", policy())
    assert caught.value.field == "out"


def test_a_resumed_job_clears_what_dead_writers_left_and_nothing_else(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    """Each writer writes its own temporary name, so a writer killed mid-write leaves its
    file; the resume removes those of writers that are gone, never a live writer's."""
    listed = write_list(tmp_path / "list.csv", batch_world.facts[:20])
    out = tmp_path / "out"
    run_job(request(listed, batch_world.data), out, policy())
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process that has ended: its pid names a dead writer
    dead = temporary(out / "chunks" / "000000.parquet")
    dead = dead.with_name(dead.name.replace(f".{os.getpid()}.", f".{gone.pid}."))
    live = temporary(out / "rejects.csv")  # this process's: alive
    for path in (dead, live):
        path.write_bytes(b"half a file")
    run_job(request(listed, batch_world.data), out, policy())
    assert not dead.exists() and live.exists()
