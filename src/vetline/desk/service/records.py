"""The record store held in memory for the desk: ``fetch`` in microseconds, not milliseconds.

Why: ``RecordStore.fetch`` runs a DuckDB query per source per call (~20 ms for one
person), which alone would cap the desk far below its target rate. The desk reads the
same Parquet files once at start-up (Arrow tables plus a record-id → row map per source;
a few hundred MB for the 1M-record world) and answers ``fetch`` with ``Table.take``. The
rows are the store's rows, value for value. It is a snapshot, like the resolver's index:
``vetline serve`` is restarted after an ingest and build.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from vetline.records.contract import SOURCE_NAMES
from vetline.records.layout import source_file


class MemoryRecords:
    """``fetch(keys)`` over an in-memory copy of a data folder's current records."""

    def __init__(self, tables: dict[str, pa.Table]) -> None:
        self.tables = tables
        self.rows: dict[str, dict[str, int]] = {
            source: {str(rid): i for i, rid in enumerate(table.column("record_id").to_pylist())}
            for source, table in tables.items()
        }

    @classmethod
    def load(cls, data_dir: Path) -> MemoryRecords:
        """Read every source's Parquet file of ``data_dir``."""
        tables = {
            source: pq.read_table(source_file(data_dir, source))
            for source in SOURCE_NAMES
            if source_file(data_dir, source).is_file()
        }
        return cls(tables)

    def fetch(self, keys: Iterable[tuple[str, str]]) -> list[dict[str, object]]:
        """Rows for ``(source, record_id)`` keys in the order asked; unknown keys skipped."""
        out: list[dict[str, object]] = []
        for source, record_id in keys:
            index = self.rows.get(source, {}).get(record_id)
            if index is not None:
                row = self.tables[source].slice(index, 1).to_pylist()[0]
                out.append({**row, "source": source} if "source" not in row else row)
        return out
