"""Chunked writers for the extract formats (CSV, Parquet, JSON Lines): every chunk of
people appends to the same files, so a 10-million-record world never sits in memory."""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from vetline.errors import BadInput
from vetline.records.contract import EXTRACT_SUFFIXES, SOURCE_NAMES

FORMATS = ("csv", "parquet", "jsonl")


class TableWriter:
    """Append Arrow tables of one schema to one file in the given format."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str) -> None:
        self.path, self.schema, self.fmt = path, schema, fmt
        self._csv: pacsv.CSVWriter | None = None
        self._pq: pq.ParquetWriter | None = None
        self._fh: IO[str] | None = None
        if fmt == "csv":
            self._csv = pacsv.CSVWriter(str(path), schema)
        elif fmt == "parquet":
            self._pq = pq.ParquetWriter(str(path), schema, compression="zstd")
        elif fmt == "jsonl":
            self._fh = path.open("w", encoding="utf-8", newline="\n")
        else:
            raise BadInput("format", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")

    def write(self, table: pa.Table) -> None:
        table = table.cast(self.schema)
        if self._csv is not None:
            self._csv.write_table(table)
        elif self._pq is not None:
            self._pq.write_table(table)
        elif self._fh is not None:
            names = table.column_names
            for batch in table.to_batches(max_chunksize=65_536):
                cols = [c.to_pylist() for c in batch.columns]
                for row in zip(*cols, strict=True):
                    self._fh.write(
                        json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) + "\n"
                    )

    def close(self) -> None:
        if self._csv is not None:
            self._csv.close()
        if self._pq is not None:
            self._pq.close()
        if self._fh is not None:
            self._fh.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def string_schema(columns: tuple[str, ...] | list[str]) -> pa.Schema:
    """All extract columns are text: the contract's formats agree on strings."""
    return pa.schema([(c, pa.string()) for c in columns])


def clear_stale_sources(out: Path, fmt: str) -> None:
    """Remove source files of *other* formats left by an earlier run into the same folder,
    so the extract never holds two versions of one source."""
    for source in SOURCE_NAMES:
        for suffix in EXTRACT_SUFFIXES:
            path = out / f"{source}{suffix}"
            if suffix != f".{fmt}" and path.exists():
                path.unlink()
