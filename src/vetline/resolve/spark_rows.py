"""The build's link step on Spark: NumPy's candidate pairs, scored by Splink on Spark.

Why: the Spark build went through ``engine.link`` (Splink's own blocking, every pair back
to pandas), while the DuckDB build finds its candidate pairs in NumPy and has Splink score
exactly those (``bulk.link_rows``). Measured at 25k records on ``local[2]`` (bench/README.md,
"The build on Spark beside DuckDB"): Splink's 21 blocking joins on Spark were most of a
151 s predict (DuckDB's whole link step: 3.3 s), the match table crossed into the JVM as
Python tuples, and the two engines did not score one set of pairs by construction.

Here Spark does what only an engine needs to do — score the pairs — and everything around
it is the DuckDB build's own code: ``match_rows.row_frame`` (records as row numbers),
``bulk.pair_slices`` (``blocked.candidate_pairs``), then each slice's scored pairs, read
back as Arrow, go through ``bulk.scored_batches`` (``cluster.classify``'s code, the same
threshold filter; an in-process DuckDB only reads the Arrow table for it), and
``bulk.linkage_of`` (order, cluster, links). So the two engines differ only
in the arithmetic of the weights (summed in another order: ≤ 1e-13 apart).

The records and each slice's pairs are written by the driver as Parquet files that Spark
reads (``link_rows``; the pairs are found on the driver: 8 bytes a pair, ≈ 1.6 GB at 10M
records). The slices follow the DuckDB build's blocks of rows
(``ResolveSettings.predict_block_rows``): each joins pairs of at most that many records a
side. Spark's Jaro-Winkler is DuckDB's to the bit (``engine.duckdb_jaro_winkler``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vetline.progress import ProgressFn, no_progress
from vetline.resolve import bulk, match_rows, splink_model
from vetline.resolve.cluster import weight_columns
from vetline.resolve.model import MatchModel
from vetline.resolve.standardise import INT_COLUMNS, LIST_COLUMNS

#: The scored pairs' table as the reader (DuckDB over Arrow) names it.
_PAIRS = "spark_scored_pairs"


def spark_schema(frame: pd.DataFrame) -> pa.Schema:
    """``match_rows.row_frame``'s columns with Spark's types: row numbers as int64, the
    date parts int32, token lists as lists of strings, the rest strings."""
    fields = []
    for column in frame.columns:
        if column == "unique_id":
            kind: pa.DataType = pa.int64()
        elif column in INT_COLUMNS:
            kind = pa.int32()
        elif column in LIST_COLUMNS:
            kind = pa.list_(pa.string())
        else:
            kind = pa.string()
        fields.append(pa.field(column, kind, nullable=True))
    return pa.schema(fields)


def _read(db_api: Any, path: Path) -> Any:
    """A Parquet file the driver wrote, as a Spark DataFrame read from disk as Spark needs
    it. The build writes under the data folder's ``model/``, which a cluster's nodes see
    at the same path (README, "Running on a Spark cluster"), as Splink's own tables."""
    return db_api.spark.read.parquet(path.as_posix())


@dataclass(frozen=True)
class _ArrowReader:
    """What ``bulk.scored_batches`` reads through: a DuckDB connection (``duckdb_con``)
    that sees the scored pairs Spark returned as an Arrow table."""

    duckdb_con: Any


def scored_slice(
    db_api: Any, table_name: str, threshold: float, model: MatchModel, names: list[str]
) -> list[pd.DataFrame]:
    """One Spark predict table's pairs ≥ ``threshold``, classified as the DuckDB build
    classifies them (``bulk.scored_batches`` on the pairs Spark returns as Arrow)."""
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    columns += weight_columns()
    # the same loose filter as bulk's (the exact test is classify's), so fewer pairs cross
    sql = (
        f"select {', '.join(columns)} from {table_name} "
        f"where match_probability >= {threshold - 1e-6!r}"
    )
    scored = db_api.spark.sql(sql).toArrow()
    con = duckdb.connect(":memory:")
    try:
        con.register(_PAIRS, scored)
        return bulk.scored_batches(_ArrowReader(con), _PAIRS, threshold, model, names)
    finally:
        con.close()


def _predict_slice(
    db_api: Any,
    linker: Any,
    pairs_file: Path,
    thresholds: tuple[float, float],
    model: MatchModel,
    names: list[str],
) -> tuple[int, list[pd.DataFrame]]:
    """Splink on Spark scores one slice of candidate pairs (a Parquet file of left and
    right rows): how many reach the predict threshold, and those ≥ the cluster threshold
    classified."""
    predict_threshold, cluster_threshold = thresholds
    registered = db_api.register(_read(db_api, pairs_file))
    linker.table_management.register_blocked_pairs_for_predict(registered)
    predictions = linker.inference.predict(
        threshold_match_probability=predict_threshold, warning_mode="never"
    )
    try:
        name = predictions.physical_name
        count = int(db_api.spark.sql(f"select count(*) from {name}").collect()[0][0])
        return count, scored_slice(db_api, name, cluster_threshold, model, names)
    finally:
        predictions.drop_table_from_database_and_remove_from_cache()
        db_api.spark.catalog.dropTempView(registered.physical_name)


def _write_pairs(pairs: tuple[bulk.Rows64, bulk.Rows64], path: Path) -> None:
    """One slice's pairs as the table Splink's predict joins (``join_key_l``,
    ``join_key_r``, a null ``match_key``)."""
    left, right = pairs
    table = pa.table(
        {
            "match_key": pa.nulls(len(left), pa.string()),
            "join_key_l": pa.array(left),
            "join_key_r": pa.array(right),
        }
    )
    pq.write_table(table, path)


def link_rows(
    db_api: Any,
    table: pd.DataFrame,
    model: MatchModel,
    *,
    predict_threshold: float,
    cluster_threshold: float,
    slice_pairs: int,
    block_rows: int | None = None,
    work_dir: Path | None = None,
    progress: ProgressFn = no_progress,
) -> bulk.RowLinkage:
    """``bulk.link_rows`` with Spark scoring: find the candidate pairs in NumPy, have
    Splink on Spark (``db_api``: a ``SparkAPI``) score them by blocks of at most
    ``block_rows`` rows a side, in slices of at most ``slice_pairs``, then classify,
    cluster and link ``table`` (sorted by key). The records and each slice's pairs are
    written as Parquet files under ``work_dir`` (a temporary folder if None; on a
    cluster, a folder every node sees) and Spark reads them from disk: Arrow sent from
    Python is held whole in the driver JVM's heap, and a 10M-record table (≈ 3 GB) does
    not fit there beside the joins of a 4 GB local-mode heap."""
    stage = "predict + cluster"
    progress(stage, 0, 5)  # pairs found, scored, ordered, clustered, linked
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="spark-rows-") as folder:
        rows_file = Path(folder) / "rows.parquet"
        match_rows.write_rows(table, rows_file, spark_schema)
        rows = _read(db_api, rows_file)
        linker = splink_model.make_linker(db_api, rows, model)
        count = 0
        names: list[str] = []
        parts: list[pd.DataFrame] = []
        slices = bulk.pair_slices(table, slice_pairs, block_rows)
        for k, pairs in enumerate(slices):
            if k == 0:
                progress(stage, 1, 5)  # every pair found (pair_slices finds all first)
            pairs_file = Path(folder) / f"pairs-{k}.parquet"
            _write_pairs(pairs, pairs_file)
            del pairs
            found, scored = _predict_slice(
                db_api, linker, pairs_file, (predict_threshold, cluster_threshold), model, names
            )
            pairs_file.unlink()
            count, parts = count + found, parts + scored
            del scored
    return bulk.linkage_of(table, parts, names, count, progress)
