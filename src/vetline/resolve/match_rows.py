"""The match table as DuckDB reads it for the build's scoring: row numbers, Splink's
columns, from a Parquet file.

Why a file (stop 33): Splink's predict on registered pairs first copies each side's
records out of its input (a semi-join per side, per slice). From the pandas frame every
such scan turned ≈ 27 columns of Python strings into DuckDB's, under the GIL — at 3M
records ≈ 14 CPU s a side, a slice — and once the scoring is cut into blocks of rows
(``bulk.pair_slices``) there are many more of them. Arrow kept in memory scans in
≈ 2.5–3.5 s, but at 10M records it would be ≈ 3 GB beside the pandas frame the build
still needs, where the build's peak is already 14.5 GB of the 16 allowed; a Parquet file
written a million rows at a time costs one conversion and the page cache, not the
process's memory (bench/README.md "Scoring in blocks of rows").
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vetline.resolve.comparisons import BLOCKING_RULES, comparison_columns
from vetline.resolve.standardise import LIST_COLUMNS

#: Rows converted and written at a time (one Parquet row group: DuckDB scans groups in
#: parallel).
WRITE_ROWS = 1_000_000
#: The DuckDB view over the file.
VIEW = "vetline_match_rows"


def splink_columns() -> list[str]:
    """Columns Splink reads: the comparisons' and the blocking rules'."""
    seen = dict.fromkeys(["unique_id", *comparison_columns()])
    for rule in BLOCKING_RULES:
        seen.update(dict.fromkeys(rule))
    return list(seen)


def row_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The match table as Splink sees it here: ``unique_id`` = row number."""
    keys = table["unique_id"]
    if not keys.is_monotonic_increasing or keys.duplicated().any():
        raise ValueError("the match table must be sorted by unique_id, without duplicates")
    wanted = [c for c in splink_columns() if c in table.columns]
    frame = table[wanted].copy(deep=False)
    frame["unique_id"] = np.arange(len(table), dtype=np.int64)
    return frame


def _schema(frame: pd.DataFrame) -> pa.Schema:
    """The file's schema, one for every part: a column with no value in the first part
    takes the type of its first value anywhere, and a column with none at all is text
    (or a list of text), as DuckDB typed an empty object column read from pandas."""
    schema = pa.Schema.from_pandas(frame.iloc[:WRITE_ROWS], preserve_index=False)
    for i, field in enumerate(schema):
        if field.type != pa.null():
            continue
        first = frame[field.name].first_valid_index()
        if first is not None:
            kind = pa.array([frame[field.name].at[first]]).type
        else:
            kind = pa.list_(pa.string()) if field.name in LIST_COLUMNS else pa.string()
        schema = schema.set(i, pa.field(field.name, kind))
    return schema


def write_rows(
    table: pd.DataFrame,
    path: Path,
    schema_of: Callable[[pd.DataFrame], pa.Schema] | None = None,
) -> None:
    """``row_frame(table)`` as a Parquet file, ``WRITE_ROWS`` at a time, typed by
    ``schema_of(frame)`` (default: as DuckDB typed the pandas frame; Spark's build gives
    its own types)."""
    frame = row_frame(table)
    schema = (schema_of or _schema)(frame)
    with pq.ParquetWriter(path, schema) as writer:
        for at in range(0, max(len(frame), 1), WRITE_ROWS):
            part = pa.Table.from_pandas(
                frame.iloc[at : at + WRITE_ROWS], schema=schema, preserve_index=False
            )
            writer.write_table(part, row_group_size=WRITE_ROWS)


@contextmanager
def match_rows_view(con: Any, table: pd.DataFrame, work_dir: Path | None) -> Iterator[str]:
    """A DuckDB view of ``row_frame(table)`` over a Parquet file under ``work_dir`` (a
    temporary folder if None); the view and the file are removed on exit."""
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="match-rows-") as folder:
        path = Path(folder) / "rows.parquet"
        write_rows(table, path)
        literal = path.as_posix().replace("'", "''")  # a data folder may hold a quote
        con.execute(f"create view {VIEW} as select * from read_parquet('{literal}')")
        try:
            yield VIEW
        finally:
            con.execute(f"drop view if exists {VIEW}")
