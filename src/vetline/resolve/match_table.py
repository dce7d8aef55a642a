"""The match table: the record store read and standardised, one row a record, by key.

Split from ``build.py``: reading the store (only the columns standardisation reads) and
standardising it a chunk at a time is where a 10M-record build's memory goes, and an
update (``delta.py``) and the tests make the same table without building persons.
``build_match_table`` standardises records already in memory; ``_standardise_store``
gives the same table from the store, ``STANDARDISE_ROWS`` records at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vetline.errors import BadInput
from vetline.progress import ProgressFn, no_progress
from vetline.resolve.standardise import standardise_arrow, standardise_frame


def _read_records(data_dir: Path) -> pd.DataFrame:
    """Every record's identity columns and its ``content_hash`` (the version resolved)."""
    from vetline.records import RecordStore

    store = RecordStore(data_dir)
    try:
        identities = store.read_identities(with_hash=True)
    finally:
        store.close()
    if identities.num_rows == 0:
        raise BadInput(str(data_dir), "the record store is empty; run `vetline ingest` first")
    records: pd.DataFrame = identities.to_pandas()
    return records


#: Store columns standardisation never reads (provenance, originals, aliases): not
#: carried through the build (at 10M records they are ≈ 1 GB of Arrow strings).
UNUSED_COLUMNS: tuple[str, ...] = (
    "aliases",
    "citizenship",
    "passport_country",
    "county_fips",
    "record_date",
    "last_name_orig",
    "first_name_orig",
    "middle_name_orig",
    "aliases_orig",
    "dob_year",
    "dob_month",
    "dob_day",
    "extract_id",
    "line",
)
#: Records standardised at a time. The whole store as pandas objects at once (every
#: record's row and its match row side by side) peaked at 6.7 GB at 3M records.
STANDARDISE_ROWS = 250_000


def _read_identities(data_dir: Path) -> pa.Table:
    """Every record's identity columns and ``content_hash``, as Arrow, sorted by key.

    Read from the store's files, only the columns standardisation reads (what
    ``RecordStore.read_identities`` returns, less ``UNUSED_COLUMNS``): at 10M records the
    whole identity table, cast and then sorted, was 6.4 GB resident before standardising.
    """
    from vetline.records import RecordStore
    from vetline.records.layout import CONTENT_HASH, IDENTITY_STORE_COLUMNS

    wanted = [c for c in IDENTITY_STORE_COLUMNS if c not in UNUSED_COLUMNS] + [CONTENT_HASH]
    schema = pa.schema([(c, pa.string()) for c in wanted])
    parts = []
    store = RecordStore(data_dir)
    try:
        for source in store.sources():
            # The store's one reader: base and segments, each record's newest version.
            part = store.read_columns(source, wanted)
            present = set(part.column_names)
            for c in wanted:
                if c not in present:
                    part = part.append_column(c, pa.nulls(part.num_rows, pa.string()))
            parts.append(part.select(wanted).cast(schema))
    finally:
        store.close()
    identities = pa.concat_tables(parts) if parts else schema.empty_table()
    del parts
    if identities.num_rows == 0:
        raise BadInput(str(data_dir), "the record store is empty; run `vetline ingest` first")
    # The match table's key, ``source|record_id`` (standardise_frame's), sorted as pandas
    # sorts it: Arrow compares UTF-8 bytes, i.e. code points, as Python compares str.
    source = pc.fill_null(identities["source"], "query")
    record_id = pc.fill_null(identities["record_id"], "")
    order = pc.sort_indices(pc.binary_join_element_wise(source, record_id, "|"))
    del source, record_id
    columns = {}
    for name in wanted:  # one column at a time: the unsorted one is freed as we go
        columns[name] = identities[name].take(order)
        identities = identities.drop_columns([name])
    pa.default_memory_pool().release_unused()
    return pa.table(columns)


def _standardise_store(identities: pa.Table, progress: ProgressFn = no_progress) -> pd.DataFrame:
    """``build_match_table`` of the (key-sorted) store, a chunk of records at a time.

    Row for row the same table: standardisation reads one record per row, and the
    chunks come in key order (checked: otherwise the whole table is sorted as there).
    Each chunk's object columns are copied into one preallocated block (the layout
    pandas keeps them in) and the chunk freed: ``pd.concat`` of the chunks held every
    column's pointers twice at its peak (≈ 2 GB more at 10M records).
    """
    n = identities.num_rows
    steps = max(1, -(-n // STANDARDISE_ROWS))
    progress("standardise", 0, steps)
    columns: list[str] = []
    objects_at: list[str] = []
    block: npt.NDArray[np.object_] = np.empty((0, n), dtype=object)
    others: dict[str, list[pd.Series]] = {}
    pools: dict[str, dict[Any, Any]] = {}
    for step, start in enumerate(range(0, n, STANDARDISE_ROWS), start=1):
        # Equal values one object across chunks (``pools``); the keys are made below.
        part = standardise_arrow(identities.slice(start, STANDARDISE_ROWS), pools, keys=False)
        if not columns:
            columns = list(part.columns)
            objects_at = [c for c in columns if part[c].dtype == object]
            block = np.empty((len(objects_at), n), dtype=object)
        # The two per-record strings are made once below, in a row: made here they sat
        # scattered among each chunk's freed temporaries, which then kept their memory.
        for j, column in enumerate(objects_at):
            if column not in ("unique_id", "record_id"):
                block[j, start : start + len(part)] = part[column].to_numpy(dtype=object)
        for column in columns:
            if column not in objects_at:
                others.setdefault(column, []).append(part[column])
        del part
        progress("standardise", step, steps)
    del pools
    table = pd.DataFrame(block.T, columns=objects_at, dtype=object, copy=False)
    del block  # the frame holds it (a view, not a copy)
    for column, pieces in others.items():
        table.insert(columns.index(column), column, pd.concat(pieces, ignore_index=True))
    del others
    pa.default_memory_pool().release_unused()
    # As standardise_frame makes them: source (or "query") | record_id (or "").
    source = pc.fill_null(identities["source"], "query")
    record_id = pc.fill_null(identities["record_id"], "")
    table["record_id"] = record_id.to_numpy(zero_copy_only=False)
    table["unique_id"] = pc.binary_join_element_wise(source, record_id, "|").to_numpy(
        zero_copy_only=False
    )
    if not table["unique_id"].is_monotonic_increasing:
        table = table.sort_values("unique_id", kind="stable").reset_index(drop=True)
    if table["unique_id"].duplicated().any():
        dup = table.loc[table["unique_id"].duplicated(), "unique_id"].iloc[0]
        raise BadInput("record_id", f"duplicate record key {dup!r}")
    return table


def build_match_table(records: pd.DataFrame, progress: ProgressFn = no_progress) -> pd.DataFrame:
    """Standardise contract-shaped records into the match table (sorted by key)."""
    progress("standardise", 0, 1)
    table = standardise_frame(records)
    table = table.sort_values("unique_id", kind="stable").reset_index(drop=True)
    if table["unique_id"].duplicated().any():
        dup = table.loc[table["unique_id"].duplicated(), "unique_id"].iloc[0]
        raise BadInput("record_id", f"duplicate record key {dup!r}")
    progress("standardise", 1, 1)
    out: pd.DataFrame = table
    return out
