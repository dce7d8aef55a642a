"""Where the record store lives inside a data folder, and the column order of its rows.

Kept apart from the reader and the writer so both (and other packages) agree on one
layout: ``<data>/store/<source>.parquet`` (the *base*) holds the records of one source,
sorted by ``record_id``, as of its first load or last fold;
``<data>/store/segments/<source>/<n>.parquet`` (numbered from 1, zero-padded) hold the rows
each later ingest added or changed, so a daily delta writes its rows and never the base.
A key's current version is its newest: the highest-numbered segment holding it, else the
base (``store.current_rows_sql`` is the one reader that applies this);
``<data>/history/<source>/<extract_id>.parquet``
holds versions that a later extract replaced; ``<data>/rejects/`` holds the rejects of
every ingest run. The layout follows the comment in ``contract.py``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from vetline.records.contract import IDENTITY_COLUMNS, SOURCES, STORE_EXTRA_COLUMNS

STORE_DIR: Final[str] = "store"
SEGMENTS_DIR: Final[str] = "segments"
HISTORY_DIR: Final[str] = "history"
REJECTS_DIR: Final[str] = "rejects"
MANIFEST_FILE: Final[str] = "manifest.jsonl"
LOCK_FILE: Final[str] = ".ingest.lock"

#: Original spellings kept next to each canonical name column.
NAME_COLUMNS: Final[tuple[str, ...]] = ("last_name", "first_name", "middle_name", "aliases")

#: A hash of a row's content (canonical contract columns and original names), used to tell
#: "already loaded" from "updated" when an extract repeats a key. Not part of the contract
#: layout's required columns; an addition that readers may ignore.
CONTENT_HASH: Final[str] = "content_hash"

#: Store columns that are not strings.
INT16_COLUMNS: Final[tuple[str, ...]] = ("dob_year", "dob_month", "dob_day")
INT64_COLUMNS: Final[tuple[str, ...]] = ("line",)


def store_columns(source: str) -> tuple[str, ...]:
    """Column order of one source's store file."""
    event = tuple(c.name for c in SOURCES[source])
    extras = tuple(c for c in STORE_EXTRA_COLUMNS if c != "source")
    return ("source", *IDENTITY_COLUMNS, *event, *extras, CONTENT_HASH)


#: Columns every source shares: what identity resolution reads across sources.
IDENTITY_STORE_COLUMNS: Final[tuple[str, ...]] = (
    "source",
    *IDENTITY_COLUMNS,
    *(c for c in STORE_EXTRA_COLUMNS if c != "source"),
)


def store_dir(data_dir: Path) -> Path:
    """The folder of the current record versions."""
    return data_dir / STORE_DIR


def source_file(data_dir: Path, source: str) -> Path:
    """The Parquet file with the current records of ``source``."""
    return store_dir(data_dir) / f"{source}.parquet"


def segment_dir(data_dir: Path, source: str) -> Path:
    """The folder of ``source``'s segments: rows ingests added or changed since the base."""
    return store_dir(data_dir) / SEGMENTS_DIR / source


def segment_file(data_dir: Path, source: str, number: int) -> Path:
    """Segment ``number`` of ``source`` (zero-padded: names sort as numbers do)."""
    return segment_dir(data_dir, source) / f"{number:08d}.parquet"


def segment_files(data_dir: Path, source: str) -> list[Path]:
    """``source``'s segments, oldest first (temporary files of a write are not segments)."""
    folder = segment_dir(data_dir, source)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".parquet" and p.stem.isdigit())


def history_dir(data_dir: Path, source: str) -> Path:
    """The folder of replaced record versions of ``source``."""
    return data_dir / HISTORY_DIR / source


def rejects_dir(data_dir: Path) -> Path:
    """The folder of rejects files, one per ingest run plus ``latest.csv``."""
    return data_dir / REJECTS_DIR


def fsync(path: Path) -> None:
    """Flush a file (or a folder's entries, after a rename) to disk: what the store
    acknowledges must survive a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(tmp: Path, final: Path) -> None:
    """Make ``tmp`` (already written) durable under ``final``: fsync it, rename it, fsync
    the folder. Why this order: after a power cut an unsynced rename can leave ``final``
    naming pages that never reached the disk, and readers trust the name."""
    fsync(tmp)
    os.replace(tmp, final)
    fsync(final.parent)


def sync_tree(*paths: Path) -> None:
    """``fsync`` every file under each of ``paths`` (a file or a folder, walked) and every
    folder met: what ``vetline build`` and ``vetline update`` wrote is on disk before the
    rename that publishes it (an index file renamed in unsynced could be mapped after a
    power cut with pages that never reached the disk). A path that does not exist is
    skipped."""
    for path in paths:
        if path.is_dir():
            for root, _, files in os.walk(path):
                for name in files:
                    fsync(Path(root) / name)
                fsync(Path(root))
        elif path.exists():
            fsync(path)
