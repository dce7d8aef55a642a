"""The read side of the record store: what identity resolution and the status engine use.

Other packages never open the store's files by path; they go through ``RecordStore`` so the
layout can change in one place. Reads use a private in-memory DuckDB connection over the
Parquet files (no server, no lock), so any number of readers can share a data folder while
an ingest replaces files atomically underneath them.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from vetline.errors import BadInput
from vetline.records.contract import SOURCE_NAMES
from vetline.records.layout import (
    CONTENT_HASH,
    IDENTITY_STORE_COLUMNS,
    INT16_COLUMNS,
    INT64_COLUMNS,
    source_file,
    store_dir,
)
from vetline.records.sqlparts import connect


def _quote(path: Path) -> str:
    """A path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def identity_schema() -> pa.Schema:
    """Arrow schema of ``RecordStore.read_identities`` (also used for an empty store)."""
    fields = []
    for name in IDENTITY_STORE_COLUMNS:
        if name in INT16_COLUMNS:
            fields.append(pa.field(name, pa.int16()))
        elif name in INT64_COLUMNS:
            fields.append(pa.field(name, pa.int64()))
        else:
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


class RecordStore:
    """Read access to the normalised records of a data folder.

    Rows are plain: every value is a ``str``, an ``int`` or ``None``. The key of a record is
    ``(source, record_id)``; a store holds exactly one current version per key.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._con = connect()
        self._lock = threading.Lock()

    # -- paths -------------------------------------------------------------------------

    @property
    def store_dir(self) -> Path:
        """The folder that holds one Parquet file per source."""
        return store_dir(self.data_dir)

    def sources(self) -> list[str]:
        """Sources that have data, in contract order."""
        return [s for s in SOURCE_NAMES if source_file(self.data_dir, s).is_file()]

    def parquet_glob(self, source: str) -> str:
        """A path (a glob without wildcards) that ``read_parquet`` in DuckDB or Spark reads."""
        return str(self._file(source))

    def _file(self, source: str) -> Path:
        if source not in SOURCE_NAMES:
            raise BadInput("source", f"unknown source {source!r}; known: {', '.join(SOURCE_NAMES)}")
        path = source_file(self.data_dir, source)
        if not path.is_file():
            raise BadInput("source", f"no records of {source!r} in {self.store_dir}")
        return path

    # -- reads -------------------------------------------------------------------------

    def _query(self, sql: str, params: list[object] | None = None) -> pa.Table:
        # One cursor per call: DuckDB connections are not shared across threads.
        with self._lock:
            cur = self._con.cursor()
        try:
            rel = cur.sql(sql, params=params) if params else cur.sql(sql)
            assert rel is not None
            return rel.to_arrow_table()
        finally:
            cur.close()

    def read_source(self, source: str) -> pa.Table:
        """Every current record of ``source``, all store columns, sorted by ``record_id``."""
        return self._query(f"SELECT * FROM read_parquet({_quote(self._file(source))})")

    def read_identities(
        self, keys: Iterable[tuple[str, str]] | None = None, *, with_hash: bool = False
    ) -> pa.Table:
        """Identity and provenance columns of every record of every source, as one table.

        ``keys``: only these ``(source, record_id)`` records (an incremental update reads
        the records it re-examines, not the store). ``with_hash``: add ``content_hash``,
        read in the same query as the row, so a build records the version it resolved.
        """
        columns = [*IDENTITY_STORE_COLUMNS, *([CONTENT_HASH] if with_hash else [])]
        wanted: pa.Table | None = None
        if keys is not None:
            pairs = list(keys)
            wanted = pa.table(
                {"source": [k[0] for k in pairs], "record_id": [k[1] for k in pairs]},
                schema=pa.schema([("source", pa.string()), ("record_id", pa.string())]),
            )
        parts = []
        for s in self.sources():
            part = f"SELECT {', '.join(columns)} FROM read_parquet({_quote(self._file(s))})"
            if wanted is not None:
                chosen = f"SELECT record_id FROM wanted WHERE source = {_literal(s)}"
                part += f" WHERE record_id IN ({chosen})"
            parts.append(part)
        schema = identity_schema()
        if with_hash:
            schema = schema.append(pa.field(CONTENT_HASH, pa.string()))
        if not parts:
            return schema.empty_table()
        sql = " UNION ALL ".join(parts)
        if wanted is None:
            return self._query(sql).cast(schema)
        with self._lock:
            cur = self._con.cursor()
        try:
            cur.register("wanted", wanted)
            rel = cur.sql(sql)
            assert rel is not None
            return rel.to_arrow_table().cast(schema)
        finally:
            cur.close()

    def content_hashes(self) -> pa.Table:
        """``source``, ``record_id``, ``content_hash`` of every current record: what an
        incremental update compares with the versions the persons were built from."""
        parts = [
            f"SELECT source, record_id, {CONTENT_HASH} FROM read_parquet({_quote(self._file(s))})"
            for s in self.sources()
        ]
        schema = pa.schema(
            [("source", pa.string()), ("record_id", pa.string()), (CONTENT_HASH, pa.string())]
        )
        if not parts:
            return schema.empty_table()
        return self._query(" UNION ALL ".join(parts)).cast(schema)

    def fetch(self, keys: Iterable[tuple[str, str]]) -> list[dict[str, object]]:
        """Full rows for ``(source, record_id)`` keys, in the order asked; unknown keys skipped.

        A key asked twice is returned twice, so callers can zip answers with their own list.
        """
        wanted = list(keys)
        by_source: dict[str, list[str]] = defaultdict(list)
        for source, record_id in wanted:
            by_source[source].append(record_id)
        found: dict[tuple[str, str], dict[str, object]] = {}
        for source, ids in by_source.items():
            if source not in SOURCE_NAMES or not source_file(self.data_dir, source).is_file():
                continue
            # A literal IN-list (not a join) lets DuckDB skip row groups by their min/max
            # statistics: the file is sorted by record_id, so a few keys read a few groups.
            in_list = ", ".join(_literal(i) for i in sorted(set(ids)))
            table = self._query(
                f"SELECT * FROM read_parquet({_quote(self._file(source))}) "
                f"WHERE record_id IN ({in_list})"
            )
            for row in table.to_pylist():
                found[(source, str(row["record_id"]))] = row
        return [found[key] for key in wanted if key in found]

    def counts(self) -> dict[str, int]:
        """Number of current records per source that has data."""
        out: dict[str, int] = {}
        for source in self.sources():
            table = self._query(
                f"SELECT count(*) AS n FROM read_parquet({_quote(self._file(source))})"
            )
            out[source] = int(table.column("n")[0].as_py())
        return out

    def close(self) -> None:
        """Release the DuckDB connection."""
        self._con.close()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
