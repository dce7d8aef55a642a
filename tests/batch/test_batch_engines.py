"""Engines (issue 16 item 3): the same job on Spark local mode gives identical results to
DuckDB's local processes (and to several forked workers)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from helpers import policy, request

from conftest import BatchWorld, write_list
from vetline.batch import run_job
from vetline.batch.layout import done_chunks


def _run(world: BatchWorld, listed: Path, out: Path, **extra: object) -> pd.DataFrame:
    manifest = run_job(request(listed, world.data, **extra), out, policy(chunk_rows=15))
    assert manifest["engine"] == extra.get("engine", "duckdb")
    return pd.read_parquet(out / "results.parquet")


def test_two_local_workers_give_the_same_results_as_one(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    listed = write_list(tmp_path / "list.csv", batch_world.facts[100:190])
    one = _run(batch_world, listed, tmp_path / "one")
    two = _run(batch_world, listed, tmp_path / "two", workers=2)
    pd.testing.assert_frame_equal(one, two)


def _figures(world: BatchWorld, listed: Path, out: Path, **extra: object) -> list[int]:
    """The "vetting rows" figures a job reports, in order."""
    seen: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "vetting rows":
            assert total == 40
            seen.append(done)

    run_job(request(listed, world.data, **extra), out, policy(chunk_rows=15), progress=progress)
    return seen


@pytest.mark.parametrize(
    "engine", [{}, {"workers": 2}, pytest.param({"engine": "spark", "spark_master": "local[2]"},
                                                marks=pytest.mark.spark)],
    ids=["one-process", "two-workers", "spark"],
)  # fmt: skip
def test_progress_counts_each_finished_chunk_once(
    batch_world: BatchWorld, tmp_path: Path, engine: dict[str, object]
) -> None:
    """Rows done grow by each chunk's size as it finishes (15, 15 and the short 10), from
    what a resumed job found done, to every row (counted, not listed from the folder)."""
    listed = write_list(tmp_path / "list.csv", batch_world.facts[300:340])
    seen = _figures(batch_world, listed, tmp_path / "out", **engine)
    assert seen[0] == 0 and seen[-1] == 40
    assert sorted(b - a for a, b in pairwise(seen) if b != a) == [10, 15, 15]
    assert seen == sorted(seen)


def test_reading_the_list_reports_rows_as_they_are_read(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    """The list's reading moves (a million rows take ≈ 20 s): rows read after each chunk
    written, total unknown (0) until the end, then every row."""
    listed = write_list(tmp_path / "list.csv", batch_world.facts[300:340])
    seen: list[tuple[int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "reading the list":
            seen.append((done, total))

    run_job(request(listed, batch_world.data), tmp_path / "out", policy(chunk_rows=15),
            progress=progress)  # fmt: skip
    assert seen == [(0, 0), (15, 0), (30, 0), (40, 40)]


def test_a_job_told_to_stop_stops_without_working_the_rest(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    """A progress callback that raises (a runner whose job was taken over) stops the
    forked workers' job at once: the chunks not started are not worked, and a re-run
    resumes from those done."""
    listed = write_list(tmp_path / "list.csv", batch_world.facts[100:190])
    out = tmp_path / "out"

    def stop_at_first(stage: str, done: int, total: int) -> None:
        if stage == "vetting rows" and done:
            raise RuntimeError("told to stop")

    with pytest.raises(RuntimeError):
        run_job(request(listed, batch_world.data, workers=2), out, policy(chunk_rows=3),
                progress=stop_at_first)  # fmt: skip
    assert 1 <= len(done_chunks(out)) < 30
    run_job(request(listed, batch_world.data, workers=2), out, policy(chunk_rows=3))
    assert len(done_chunks(out)) == 30


def test_a_resumed_job_reports_the_rows_done_before(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    listed = write_list(tmp_path / "list.csv", batch_world.facts[300:340])
    out = tmp_path / "out"
    _figures(batch_world, listed, out)
    (out / "manifest.json").unlink()
    (out / "results.parquet").unlink()
    (out / "chunks" / "000001.parquet").unlink()  # the middle chunk not done yet
    assert _figures(batch_world, listed, out) == [25, 40]


@pytest.mark.spark
def test_spark_local_mode_gives_identical_results(batch_world: BatchWorld, tmp_path: Path) -> None:
    listed = write_list(tmp_path / "list.csv", batch_world.facts[200:290])
    duck = _run(batch_world, listed, tmp_path / "duck")
    spark = _run(batch_world, listed, tmp_path / "spark", engine="spark", spark_master="local[2]")
    pd.testing.assert_frame_equal(duck, spark)
    assert (tmp_path / "spark" / "manifest.json").exists()
