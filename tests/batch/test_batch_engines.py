"""Engines (issue 16 item 3): the same job on Spark local mode gives identical results to
DuckDB's local processes (and to several forked workers)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import policy, request

from conftest import BatchWorld, write_list
from vetline.batch import run_job


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


@pytest.mark.spark
def test_spark_local_mode_gives_identical_results(batch_world: BatchWorld, tmp_path: Path) -> None:
    listed = write_list(tmp_path / "list.csv", batch_world.facts[200:290])
    duck = _run(batch_world, listed, tmp_path / "duck")
    spark = _run(batch_world, listed, tmp_path / "spark", engine="spark", spark_master="local[2]")
    pd.testing.assert_frame_equal(duck, spark)
    assert (tmp_path / "spark" / "manifest.json").exists()
