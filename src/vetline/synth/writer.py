"""Chunked writers for the extract formats (CSV, Parquet, JSON Lines): every chunk of
people appends to the same files, so a 10-million-record world never sits in memory.

Encoding is split from writing so that worker processes do it: a worker turns its
chunk's tables into CSV or JSON Lines *bytes* (``encode``), and the main process only
appends bytes to files. Bytes cross the process boundary at about half the size of the
pickled Arrow tables and the main process stays nearly idle, which is what lets two
workers use two cores. Parquet cannot be concatenated as bytes, so its tables travel as
tables and the main process writes row groups.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import TracebackType
from typing import IO, TypeAlias

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from vetline.errors import BadInput
from vetline.records.contract import EXTRACT_SUFFIXES, SOURCE_NAMES

FORMATS = ("csv", "parquet", "jsonl")
_NO_HEADER = pacsv.WriteOptions(include_header=False, batch_size=65_536)

#: What a worker hands over for one file: encoded bytes (csv, jsonl) or a table (parquet).
Encoded: TypeAlias = bytes | pa.Table


def encode(table: pa.Table, schema: pa.Schema, fmt: str) -> Encoded:
    """One chunk of one file, ready to append: CSV rows without the header, JSON Lines,
    or (Parquet) the table itself cast to the file's schema."""
    table = table.cast(schema)
    if fmt == "parquet":
        out: pa.Table = table
        return out
    if fmt == "csv":
        buf = io.BytesIO()
        pacsv.write_csv(table, buf, write_options=_NO_HEADER)
        return buf.getvalue()
    if fmt == "jsonl":
        names = table.column_names
        lines = []
        for batch in table.to_batches(max_chunksize=65_536):
            cols = [c.to_pylist() for c in batch.columns]
            for row in zip(*cols, strict=True):
                lines.append(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    raise BadInput("format", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


class TableWriter:
    """Append encoded chunks of one schema to one file in the given format."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str) -> None:
        if fmt not in FORMATS:
            raise BadInput("format", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        self.path, self.schema, self.fmt = path, schema, fmt
        self._pq: pq.ParquetWriter | None = None
        self._fh: IO[bytes] | None = None
        if fmt == "parquet":
            self._pq = pq.ParquetWriter(str(path), schema, compression="zstd")
        else:
            self._fh = path.open("wb")
            if fmt == "csv":
                buf = io.BytesIO()
                pacsv.write_csv(schema.empty_table(), buf)  # the header line
                self._fh.write(buf.getvalue())

    def write(self, table: pa.Table) -> None:
        self.write_encoded(encode(table, self.schema, self.fmt))

    def write_encoded(self, data: Encoded) -> None:
        if self._pq is not None:
            assert isinstance(data, pa.Table)
            self._pq.write_table(data)
        elif self._fh is not None:
            assert isinstance(data, bytes)
            self._fh.write(data)

    def close(self) -> None:
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
