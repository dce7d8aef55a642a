"""An API job in a process of its own (``isolated.py``): the same results as in process,
its progress and its failure told to the runner, and a runner's stop ends it.

Why a process: a job run in the serve process's runner thread held the GIL beside the
desk (p99 17 → 336 ms at 100 IAQ/s during a 20,000-row job; bench/README.md, stop 40)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from helpers import policy, request

from conftest import BatchWorld, write_list
from vetline.batch import run_job
from vetline.batch.heartbeat import TakenOver
from vetline.batch.isolated import JobFailed, run_isolated
from vetline.batch.layout import done_chunks


def test_a_job_in_its_own_process_gives_the_in_process_results(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    listed = write_list(tmp_path / "list.csv", batch_world.facts[100:130])
    seen: list[tuple[str, int, int]] = []
    there = run_isolated(request(listed, batch_world.data), tmp_path / "there",
                         policy(chunk_rows=10), progress=lambda *a: seen.append(a),
                         now=datetime.now(UTC))  # fmt: skip
    here = run_job(request(listed, batch_world.data), tmp_path / "here", policy(chunk_rows=10))
    assert there["input_rows"] == here["input_rows"] == 30
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "there" / "results.parquet"),
        pd.read_parquet(tmp_path / "here" / "results.parquet"),
    )
    assert ("vetting rows", 30, 30) in seen and seen[0][0] == "reading the list"


def test_the_jobs_failure_comes_back_with_its_reason(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    listed = write_list(tmp_path / "list.csv", batch_world.facts[100:110])
    unsaid = replace(request(listed, batch_world.data), purpose=" ")
    with pytest.raises(JobFailed) as failed:
        run_isolated(unsaid, tmp_path / "out", policy(), progress=lambda *a: None,
                     now=datetime.now(UTC))  # fmt: skip
    assert failed.value.error.startswith("BadInput: purpose")


def test_a_runner_that_stops_ends_its_jobs_process(batch_world: BatchWorld, tmp_path: Path) -> None:
    listed = write_list(tmp_path / "list.csv", batch_world.facts[100:190])

    def stop(stage: str, done: int, total: int) -> None:
        if stage == "reading the list" and done == total and done:
            raise TakenOver  # the runner's check: its job is another runner's now

    with pytest.raises(TakenOver):
        run_isolated(request(listed, batch_world.data), tmp_path / "out", policy(chunk_rows=3),
                     progress=stop, now=datetime.now(UTC))  # fmt: skip
    assert len(done_chunks(tmp_path / "out")) < 30
