"""The record store held in memory for the person lookup: ``fetch`` in microseconds.

Why: ``RecordStore.fetch`` runs a DuckDB query per source per call (~20 ms for one
person), which alone would cap the desk far below its target rate. The desk reads the
same Parquet files (a source's base and its segments, each key's newest version) once at
start-up and answers ``fetch`` from memory. It is a snapshot,
like the resolver's index: ``vetline serve`` is restarted after an ingest and build.

Why rows are kept as JSON text and not as Arrow tables: ``Table.take(...).to_pylist()``
has a fixed cost of ~0.2 ms per call whatever the row count (~0.85 ms for 4 records at
1M records, a tenth of the desk's CPU per IAQ). At load DuckDB reads each source's file
and writes every row as a JSON array of its values (vectorised, one query per source)
into one contiguous Arrow string array; ``fetch`` slices the wanted rows' bytes and
decodes each with ``orjson`` (a few µs). The values are the store's, value for value and
type for type: strings stay strings (any content; JSON escapes round-trip), integers stay
``int``, nulls are ``None``. A source with a column type JSON cannot carry exactly
(floats, dates, nested types) keeps the Arrow path: slower, never different.

Edit here: how a source's rows are held (the JSON path ``_encode``, the Arrow path ``_take``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from vetline.person.shared_rows import Built, open_shared
from vetline.records.contract import SOURCE_NAMES
from vetline.records.current import files_rows_sql, newest_segments_sql, store_files
from vetline.records.layout import source_file

_DUCKDB_INTEGERS = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
)


def _arrow_kind(dtype: pa.DataType) -> str | None:
    """The JSON kind ``to_pylist`` gives for ``dtype``; ``None`` if JSON cannot carry it."""
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return "text"
    if pa.types.is_integer(dtype):
        return "int"
    if pa.types.is_boolean(dtype):
        return "bool"
    return "null" if pa.types.is_null(dtype) else None


def _duckdb_kind(dtype: object) -> str | None:
    """The JSON kind DuckDB writes for ``dtype`` (its ``JSON`` type is embedded raw: none)."""
    name = str(dtype)
    if name == "VARCHAR":
        return "text"
    if name in _DUCKDB_INTEGERS:
        return "int"
    return {"BOOLEAN": "bool", '"NULL"': "null"}.get(name)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _record_ids(column: pa.ChunkedArray | pa.Array) -> list[str]:
    """Record ids as the keys ``fetch`` is asked with: ``str`` of each stored value."""
    text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
    if text and column.null_count == 0:
        return column.to_pylist()  # type: ignore[no-any-return]
    return [str(value) for value in column.to_pylist()]


def _one_array(column: pa.ChunkedArray) -> pa.Array:
    """The column as one contiguous array (a copy only when DuckDB gave several batches)."""
    if column.num_chunks == 1:
        return column.chunk(0)
    return pa.concat_arrays(column.chunks) if column.num_chunks else pa.array([], column.type)


def _offsets(strings: pa.Array) -> NDArray[np.int64]:
    """Where each string of ``strings`` starts in its data buffer, and where the last ends."""
    if not (pa.types.is_large_string(strings.type) or pa.types.is_string(strings.type)):
        raise TypeError(f"expected a string array, got {strings.type}")
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    buffer = strings.buffers()[1]
    if buffer is None:  # an empty array may have no offsets buffer
        return np.zeros(1, dtype=np.int64)
    at = np.frombuffer(buffer, dtype=width)[strings.offset : strings.offset + len(strings) + 1]
    return at.astype(np.int64, copy=False)


@dataclass(frozen=True)
class _JsonRows:
    """One source's rows as JSON arrays in one buffer: row ``i`` is ``data[o[i]:o[i+1]]``."""

    columns: tuple[str, ...]
    offsets: NDArray[np.int64]
    data: memoryview
    add_source: bool

    def row(self, index: int, source: str) -> dict[str, object]:
        values = orjson.loads(self.data[self.offsets[index] : self.offsets[index + 1]])
        # Lengths match by construction (one JSON value per column of the same row).
        row: dict[str, object] = dict(zip(self.columns, values, strict=False))
        if self.add_source:
            row["source"] = source
        return row


def _json_rows(rows: duckdb.DuckDBPyRelation, schema: pa.Schema) -> Built | None:
    """The record ids and JSON rows of ``rows`` (``shared_rows.Built``); ``None`` if
    not JSON-exact (see ``_encode``)."""
    if "record_id" not in schema.names:
        raise ValueError(f"a record table without a record_id column: {schema.names}")
    kinds = [_arrow_kind(field.type) for field in schema]
    if None in kinds or kinds != [_duckdb_kind(t) for t in rows.types]:
        return None
    values = ", ".join(_quoted(name) for name in schema.names)
    result = rows.project(f"record_id, json_array({values})::VARCHAR").to_arrow_table(
        batch_size=1 << 22
    )
    ids = _record_ids(result.column(0))
    return ids, _one_array(result.column(1)), tuple(schema.names), "source" not in schema.names


def _encode(
    rows: duckdb.DuckDBPyRelation, schema: pa.Schema
) -> tuple[dict[str, int], _JsonRows] | None:
    """The record-id → row map and the JSON rows of ``rows``; ``None`` if not JSON-exact.

    ``schema`` is the Arrow schema the reference rows have (``to_pylist``); every column
    must be of a kind JSON carries exactly, on the Arrow side and as DuckDB reads it.
    The map and the JSON come from one result, so they agree in any row order.
    """
    built = _json_rows(rows, schema)
    if built is None:
        return None
    ids, encoded, columns, add_source = built
    index = dict(zip(ids, range(len(encoded)), strict=True))
    json_rows = _JsonRows(
        columns=columns,
        offsets=_offsets(encoded),
        data=memoryview(encoded.buffers()[2] or b""),
        add_source=add_source,
    )
    return index, json_rows


def _mapped(
    files: Path | Sequence[Path], build: Callable[[], Built | None]
) -> tuple[Mapping[str, int], _JsonRows] | None:
    """The rows ``open_shared`` maps for ``files`` (built by ``build`` if not yet)."""
    shared = open_shared(files, build)
    if shared is None:
        return None
    shared_ids, strings, columns, add_source = shared
    data = memoryview(strings.buffers()[2] or b"")
    return shared_ids, _JsonRows(columns, _offsets(strings), data, add_source)


def _mapped_layers(
    con: duckdb.DuckDBPyConnection, files: Sequence[Path], schema: pa.Schema
) -> tuple[Mapping[str, int], _JsonRows | _LayeredRows] | None:
    """A source's mapped rows: its base's, and when it has segments, theirs (each key's
    newest version) over it. ``None`` when they cannot be mapped (see ``open_shared``).

    Why two layers: after an ingest adds a segment, a server reloading its records maps
    the base's file as it was and writes only the segments' rows (50k at a daily delta),
    not the whole source again (a 10M-record store's reload rewrote ≈ 3.7 GB).
    """
    base, *segments = files
    below = _mapped(base, lambda: _json_rows(con.read_parquet(str(base)), schema))
    if below is None or not segments:
        return below
    newer = con.sql(newest_segments_sql(segments, "*"))
    above = _mapped(segments, lambda: _json_rows(newer, pq.read_schema(segments[0])))
    if above is None:
        return None
    return _LayeredIds(above[0], below[0]), _LayeredRows(above[1], below[1], len(above[0]))


class _LayeredIds(Mapping[str, int]):
    """Record id → row of a layered source: rows ``0 .. n_above - 1`` are the segments'
    (the newest versions), the base's row ``i`` is ``n_above + i``."""

    def __init__(self, above: Mapping[str, int], below: Mapping[str, int]) -> None:
        self._above, self._below, self._n = above, below, len(above)

    def get(self, key: str, default: Any = None) -> Any:
        row = self._above.get(key)
        if row is not None:
            return row
        row = self._below.get(key)
        return default if row is None else self._n + row

    def __getitem__(self, key: str) -> int:
        row = self.get(key)
        if row is None:
            raise KeyError(key)
        return int(row)

    def __iter__(self) -> Iterator[str]:
        yield from self._above
        yield from (k for k in self._below if self._above.get(k) is None)

    def __len__(self) -> int:
        return len(self._below) + sum(1 for k in self._above if self._below.get(k) is None)


@dataclass(frozen=True)
class _LayeredRows:
    """``_JsonRows`` of a layered source, numbered as ``_LayeredIds`` numbers them."""

    above: _JsonRows
    below: _JsonRows
    n_above: int

    def row(self, index: int, source: str) -> dict[str, object]:
        if index < self.n_above:
            return self.above.row(index, source)
        return self.below.row(index - self.n_above, source)


def _read(held: pa.Table | Path | tuple[Path, ...]) -> pa.Table:
    """A source's rows as Arrow: the table itself, its file, or its store files' current
    rows (sorted by ``record_id``, as a base file alone is)."""
    if isinstance(held, pa.Table):
        return held
    if isinstance(held, Path):
        return pq.read_table(held)
    con = duckdb.connect()
    try:
        return con.sql(files_rows_sql(held) + " ORDER BY record_id").to_arrow_table()
    finally:
        con.close()


class MemoryRecords:
    """``fetch(keys)`` over an in-memory copy of a data folder's current records.

    ``rows`` maps record id → row number per source. ``tables`` gives each source's
    Arrow table (for callers that scan rows, e.g. the demo's sample queries); after
    ``load`` they are read from the files on first use, since ``fetch`` never needs them.
    """

    def __init__(self, tables: Mapping[str, pa.Table | Path | tuple[Path, ...]]) -> None:
        """``tables``: per source an Arrow table, the Parquet file holding it, or the
        store's files of it (its base then its segments: ``records.current``)."""
        self._sources: dict[str, pa.Table | Path | tuple[Path, ...]] = {
            s: held[0] if isinstance(held, tuple) and len(held) == 1 else held
            for s, held in tables.items()
        }
        self.rows: dict[str, Mapping[str, int]] = {}
        self._json: dict[str, _JsonRows | _LayeredRows] = {}
        self._arrow: dict[str, pa.Table] = {}  # sources answered by ``take``
        con = duckdb.connect()
        try:
            con.execute("SET arrow_large_buffer_size = true")  # int64 offsets, no 2 GiB cap
            for source, held in self._sources.items():
                if isinstance(held, Path | tuple):
                    files = (held,) if isinstance(held, Path) else held
                    schema = pq.read_schema(files[0])
                    relation = (
                        con.read_parquet(str(held))
                        if isinstance(held, Path)
                        else con.sql(files_rows_sql(files))  # newest version of each key
                    )
                    layers = _mapped_layers(con, files, schema)
                    if layers is not None:  # mapped: one copy for every worker process
                        self.rows[source], self._json[source] = layers
                        continue
                else:
                    schema, relation = held.schema, con.from_arrow(held)
                built = _encode(relation, schema)
                if built is not None:
                    self.rows[source], self._json[source] = built
                    continue
                # One chunk per column: ``take`` on a many-chunk table costs
                # milliseconds, on one chunk ~0.3 ms (1M records, 3 rows).
                table = _read(held).combine_chunks()
                self._arrow[source] = table
                ids = _record_ids(table.column("record_id"))
                self.rows[source] = dict(zip(ids, range(table.num_rows), strict=True))
        finally:
            con.close()

    @classmethod
    def load(cls, data_dir: Path) -> MemoryRecords:
        """Read every source's store files of ``data_dir`` (base and segments)."""
        return cls(
            {
                source: tuple(store_files(data_dir, source))
                for source in SOURCE_NAMES
                if source_file(data_dir, source).is_file()
            }
        )

    @property
    def tables(self) -> dict[str, pa.Table]:
        """Each source's rows as an Arrow table (files are read here, then kept)."""
        for source, held in self._sources.items():
            if not isinstance(held, pa.Table):
                kept = self._arrow.get(source)
                self._sources[source] = _read(held) if kept is None else kept
        return {s: t for s, t in self._sources.items() if isinstance(t, pa.Table)}

    def fetch(self, keys: Iterable[tuple[str, str]]) -> list[dict[str, object]]:
        """Rows for ``(source, record_id)`` keys in the order asked; unknown keys skipped."""
        found: list[dict[str, object]] = []
        taken: list[tuple[int, str, int]] = []  # (place in found, source, row): Arrow path
        for source, record_id in keys:
            index = self.rows.get(source, {}).get(record_id)
            if index is None:
                continue
            json_rows = self._json.get(source)
            if json_rows is not None:
                found.append(json_rows.row(index, source))
            else:
                taken.append((len(found), source, index))
                found.append({})
        if taken:
            self._take(found, taken)
        return found

    def _take(self, found: list[dict[str, object]], taken: list[tuple[int, str, int]]) -> None:
        """One ``take`` per Arrow-path source: its cost is per call, not per row."""
        by_source: dict[str, list[tuple[int, int]]] = {}
        for place, source, index in taken:
            by_source.setdefault(source, []).append((place, index))
        for source, places in by_source.items():
            rows = self._arrow[source].take([index for _, index in places]).to_pylist()
            for (place, _), row in zip(places, rows, strict=True):
                found[place] = {**row, "source": source} if "source" not in row else row
