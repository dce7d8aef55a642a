"""Where the chunks run: local processes (``duckdb``, the default) or Spark tasks.

Both engines run the very same function on each chunk (``score_chunk``: read the chunk's
row group, the person core on each row, write the result chunk durably), so they cannot
differ in what they decide: ``tests/batch/test_batch_engines.py`` checks the results are
identical. What differs is who runs it:

* ``duckdb``: this machine. ``--workers N`` forks N processes after the lookup is loaded
  once (copy-on-write: the index and records are shared, not loaded N times). DuckDB
  does the set work around the scoring (list presets, roster delta, the final assembly).
* ``spark``: each pending chunk is one Spark task (``local[*]`` in tests, a master URL
  in production). A Python worker loads the lookup once and keeps it for later tasks
  (``spark.python.worker.reuse``). On a cluster the data folder and ``--out`` must be
  on storage every executor sees (NFS, a mounted bucket): README "batch on a cluster".

Edit here: how chunks are spread (``run_local``, ``run_spark``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from pathlib import Path
from typing import Any

from vetline.batch import layout
from vetline.batch.chunks import read_chunk, write_chunk
from vetline.batch.policy import BatchPolicy
from vetline.batch.scoring import Scorer
from vetline.errors import BadInput

#: List rows the parent scores before forking, to build the lookup's lazy per-column
#: caches once for every worker instead of once in each (their answers are kept).
WARM_ROWS = 64

#: The collector's thresholds while a job's chunks run here (``run_local``; Python's
#: default is (700, 10, 10)).
GC_THRESHOLD = (50_000, 20, 100)

Progress = Callable[[int], None]  # a chunk finished: its number (once per chunk)

#: The scorer of this process, keyed by what it was opened for (workers reuse it).
_SCORERS: dict[tuple[str, str, str], Scorer] = {}


def scorer_for(data_dir: Path, policy_json: str, as_of: str) -> Scorer:
    key = (str(data_dir), policy_json, as_of)
    if key not in _SCORERS:
        _SCORERS.clear()
        batch = BatchPolicy.model_validate_json(policy_json)
        _SCORERS[key] = Scorer.open(data_dir, batch, date.fromisoformat(as_of))
    return _SCORERS[key]


def score_chunk(out: str, data_dir: str, policy_json: str, as_of: str, chunk: int) -> int:
    """Score one chunk and write its result file; returns the rows written."""
    folder = Path(out)
    if layout.chunk_file(folder, chunk).exists():  # a retried task: already durable
        return 0
    scorer = scorer_for(Path(data_dir), policy_json, as_of)
    results = scorer.score(read_chunk(folder, chunk))
    write_chunk(folder, chunk, results)
    return len(results)


def warm_name_library(out: Path) -> bool:
    """Load the given-name library (rigour's data: ~5 s of CPU and its memory) in this
    process when the prepared list holds a given name the index did not know, so forked
    workers share it instead of each loading it again. Whether it was loaded."""
    import duckdb

    from vetline.resolve.standardise import given_symbols, is_known

    prepared = str(out / layout.PREPARED).replace("'", "''")
    con = duckdb.connect()
    try:
        names = con.execute(
            "SELECT DISTINCT json_extract_string(subject, '$.first_name') AS n "
            f"FROM read_parquet('{prepared}') WHERE n IS NOT NULL"
        ).fetchall()
    finally:
        con.close()
    unknown = next((str(n) for (n,) in names if not is_known(str(n))), None)
    if unknown is None:
        return False
    given_symbols(unknown)
    return True


def run_local(
    args: tuple[str, str, str, str], pending: Sequence[int], workers: int, progress: Progress
) -> None:
    """Run ``pending`` chunks here: in this process, or forked workers sharing the lookup."""
    out, data_dir, policy_json, as_of = args
    scorer = scorer_for(Path(data_dir), policy_json, as_of)  # load once, before any fork
    forking = workers > 1 and len(pending) > 1
    if forking:
        warm_name_library(Path(out))  # once here, not once per forked worker
        scorer.warm_up(read_chunk(Path(out), pending[0])[:WARM_ROWS])
    # Move everything loaded so far (the person index, the records, the name library) out
    # of the collector's reach while the job runs: every full collection would else walk
    # those millions of long-lived objects again, and in a forked worker write their
    # headers, copying every page they sit on. Measured (bench/README.md, batch CPU):
    # 2 workers cost ~45 % more CPU than 1 without this. Undone when the chunks are done.
    gc.freeze()
    # And collect rarely: a row allocates thousands of short-lived objects (typed records,
    # resolutions, result rows) and almost none are cyclic garbage, yet at the default
    # thresholds the collector ran every 700 allocations and walked the growing memos in
    # its full collections: ~5 % of a row's CPU (bench/README.md, "round 5").
    threshold = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        if not forking:
            for chunk in pending:
                score_chunk(out, data_dir, policy_json, as_of, chunk)
                progress(chunk)
            return
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(score_chunk, *args, chunk): chunk for chunk in pending}
            try:
                for future in as_completed(futures):
                    future.result()
                    progress(futures[future])
            except BaseException:
                # A failed chunk, or a runner told to stop (its job taken over): the chunks
                # not started never start (leaving the pool would otherwise wait for all).
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _spark_partition(args: tuple[str, str, str, str], chunks: Iterator[int]) -> Iterator[int]:
    for chunk in chunks:
        yield score_chunk(*args, chunk)


def run_spark(
    args: tuple[str, str, str, str], pending: Sequence[int], master: str, progress: Progress
) -> None:
    """Run ``pending`` chunks as Spark tasks, one chunk per partition."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise BadInput(
            "--engine spark", "pyspark is not installed; run `pip install 'vetline[spark]'`"
        ) from None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from vetline.resolve.engine import spark_session

    if not pending:
        return
    context: Any = spark_session(master).sparkContext
    rdd = context.parallelize(list(pending), len(pending))
    failure: list[BaseException] = []

    def collect() -> None:
        try:
            rdd.mapPartitions(lambda it: _spark_partition(args, it)).collect()
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=collect, name="vetline-batch-spark", daemon=True)
    worker.start()
    folder, wanted, told = Path(args[0]), set(pending), set[int]()

    def tell() -> None:  # each chunk once, when its result file has appeared
        for chunk in sorted((layout.done_chunks(folder) & wanted) - told):
            told.add(chunk)
            progress(chunk)

    while worker.is_alive():
        worker.join(0.5)
        tell()
    if failure:
        raise failure[0]
    tell()
