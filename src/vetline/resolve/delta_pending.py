"""What an update applies: the records an ingest added or changed since the persons' position.

The first half of ``vetline update`` (``delta.py`` applies it): the persons' manifest
(``manifest_of``), the keys the ingest journal names after the position it records, each
checked against the store and the version last resolved (``pending``: new if never
resolved, changed if its ``content_hash`` differs), and the store's rows of those keys
(``store_rows``). Reads only (nothing here writes): its own module so that what counts
as pending reads apart from the order of the update's writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vetline.errors import BadInput
from vetline.resolve import layout


def manifest_of(data_dir: Path) -> layout.Manifest:
    """The persons' manifest; for a folder built before parts, one made from its base."""
    path = layout.person_records_file(data_dir)
    if not path.exists() or not (layout.index_dir(data_dir) / "index.json").exists():
        raise BadInput(str(data_dir), "no built persons; run `vetline build` first")
    manifest = layout.Manifest.read(data_dir)
    if manifest is not None:
        return manifest
    hashes = pq.read_schema(path).names
    if (
        "content_hash" not in hashes
        or pq.read_table(path, columns=["content_hash"]).column("content_hash").null_count
        == pq.ParquetFile(path).metadata.num_rows
    ):
        raise BadInput(
            str(data_dir),
            "the last build predates incremental updates (no record versions kept); "
            "run `vetline build` once",
        )

    def rows(file: Path) -> int:
        return pq.ParquetFile(file).metadata.num_rows if file.exists() else 0

    return layout.Manifest(
        parts=[],
        journal=None,
        records=rows(path),
        persons=rows(layout.persons_file(data_dir)),
        links=rows(layout.links_file(data_dir)),
    )


@dataclass
class Pending:
    """New and changed record keys (``source|record_id``), their rows as the store holds
    them now (with ``content_hash``), and the journal entry they reach."""

    new: list[str]
    changed: list[str]
    rows: pd.DataFrame
    journal: int


def pending(data_dir: Path, manifest: layout.Manifest | None = None) -> Pending:
    """What an update applies: the keys the ingest journal names since the persons'
    position (``records/journal.py``), each checked against the store and the version
    last resolved — new if never resolved, changed if its hash differs, else dropped.
    A folder whose persons hold no journal position (built before the journal) is
    compared whole instead (``_scan``), once: the update records the position."""
    from vetline.records import journal

    manifest = manifest or manifest_of(data_dir)
    if manifest.journal is None:
        at = journal.position(data_dir)  # before the scan: later ingests are re-checked
        keys = _scan(data_dir)
    else:
        entries, at = journal.read_after(data_dir, manifest.journal)
        keys = sorted(
            set(
                pc.binary_join_element_wise(
                    entries.column("source"), entries.column("record_id"), "|"
                ).to_pylist()
            )
        )
    rows = store_rows(data_dir, keys)
    now = key_hashes(rows)
    then_table = layout.read_person_records(data_dir, ["unique_id", "content_hash"], keys=now.index)
    then = pd.Series(
        then_table.column("content_hash").to_numpy(zero_copy_only=False),
        index=then_table.column("unique_id").to_numpy(zero_copy_only=False),
    )
    known = now.index.isin(then.index)
    differs = known & (then.reindex(now.index).to_numpy() != now.to_numpy())
    new = sorted(now.index[~known])
    changed = sorted(now.index[differs])
    wanted = ~known | differs
    return Pending(new, changed, rows[wanted].reset_index(drop=True), at)


def _scan(data_dir: Path) -> list[str]:
    """Keys whose store hash differs from the version resolved (or that were never
    resolved): one DuckDB join of the store's hashes with the persons' (whole files:
    only for persons built before the ingest journal)."""
    from vetline.records import RecordStore
    from vetline.records.sqlparts import connect

    store = RecordStore(data_dir)
    try:
        parts = [
            f"SELECT source || '|' || record_id AS k, content_hash AS h "
            f"FROM ({store.rows_sql(s, ['source', 'record_id', 'content_hash'])})"
            for s in store.sources()
        ]
    finally:
        store.close()
    if not parts:
        return []
    then = layout.read_person_records(data_dir, ["unique_id", "content_hash"]).rename_columns(
        ["k", "h"]
    )
    con = connect()
    try:
        con.register("then_", then)
        found = con.sql(
            f"SELECT now_.k FROM ({' UNION ALL '.join(parts)}) AS now_ LEFT JOIN then_ USING (k) "
            f"WHERE then_.k IS NULL OR then_.h IS DISTINCT FROM now_.h"
        ).fetch_arrow_table()
    finally:
        con.close()
    return sorted(found.column("k").to_pylist())


def store_rows(data_dir: Path, keys: list[str]) -> pd.DataFrame:
    """The store's current rows of ``keys``, with their ``content_hash``."""
    from vetline.records import RecordStore

    store = RecordStore(data_dir)
    try:
        pairs = [(k.split("|", 1)[0], k.split("|", 1)[1]) for k in keys]
        frame: pd.DataFrame = store.read_identities(pairs, with_hash=True).to_pandas()
        return frame
    finally:
        store.close()


def key_hashes(rows: pd.DataFrame) -> pd.Series:
    """Each row's ``content_hash`` by its key ``source|record_id``."""
    keys = (rows["source"] + "|" + rows["record_id"]).to_numpy()
    return pd.Series(rows["content_hash"].to_numpy(), index=keys, dtype=object)
