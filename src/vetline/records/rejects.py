"""The rejects file: every row an ingest run refused, with its source, line and reason.

One CSV per run, ``<data>/rejects/<extract_id>.csv``, and a copy at
``<data>/rejects/latest.csv`` so a person fixing the extract always finds the newest one.
Columns: ``source, line, record_id, field, reason, action``. A row with several problems
has one line per problem (so ``field`` is always a single column name and a spreadsheet
filter on it works); the ingest counts rows, not lines. ``action`` says what the problem
cost: ``record rejected`` (the row was not loaded), ``field set aside`` (the row was
loaded without that value; issue 11) or ``file rejected``. A file rejected as a whole has
one line at ``line`` 1 (its header) whose ``field`` names the missing column or is
``file``. ``action`` was added after the first five columns, so readers by name still work.

The file is written even when nothing was rejected (header only), so its path in the
report always exists and an old ``latest.csv`` never outlives a clean run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from vetline.records.layout import rejects_dir
from vetline.records.pipeline import REJECT_SCHEMA

LATEST = "latest.csv"


def _write_csv_atomic(table: pa.Table, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed"))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_rejects(
    data_dir: Path, extract_id: str, by_source: dict[str, pa.Table]
) -> tuple[Path, int]:
    """Write the run's rejects (sources in the given order); return the path and line count."""
    parts = []
    for source, table in by_source.items():
        typed = table.cast(REJECT_SCHEMA)
        parts.append(
            typed.add_column(0, "source", pa.array([source] * typed.num_rows, pa.string()))
        )
    schema = pa.schema([pa.field("source", pa.string()), *REJECT_SCHEMA])
    combined = pa.concat_tables(parts) if parts else schema.empty_table()
    folder = rejects_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{extract_id}.csv"
    _write_csv_atomic(combined, path)
    _write_csv_atomic(combined, folder / LATEST)
    return path, combined.num_rows
