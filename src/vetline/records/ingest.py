"""``vetline ingest``: an extract folder → the record store, rejects file and counts.

The service behind the CLI command (and the demo, and test fixtures). It finds the source
files of an extract, processes each one (``pipeline``), merges the accepted rows into the
store (``merge``), writes one rejects file for the run and appends a line to the ingest log.
Only files named after a contract source are read: ground truth (``truth.csv``,
``person_facts.csv``), ``world.json`` and anything else are listed as ignored and never
opened, because vetline must never decide from ground truth.

A bad file never stops the others: it is rejected as a whole, with its reason, in the
rejects file. Only a missing or empty extract folder is a ``BadInput`` for the caller.

Decisions, in one place:

* a row with several problems gets one rejects line per problem (``rejects.py``);
* a bad optional field is set aside and the rest of the record kept (a ``field set aside``
  line in the rejects file); the key, identification and an event's required or coded
  values reject the record (``checks.py`` has the list and the reasons);
* a ``record_id`` repeated within a file rejects every copy: which one is right is unknown;
* a key already stored with the same content is "already loaded"; with different content
  the newer extract wins and the replaced version goes to ``history/`` (``merge.py``);
* records missing from a later extract stay: extracts may be partial, and vetline never
  deletes a record because a feed forgot it;
* columns outside the contract are dropped and named in the report (least data: a
  customer's ``race`` column must never reach the store);
* a source's first load writes its base file; later loads append their new and changed
  rows as a segment (``merge.py``), each written atomically; a crash between sources
  leaves some sources loaded and the rest untouched, and re-running the ingest completes it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from vetline.errors import BadInput
from vetline.progress import ProgressFn, no_progress
from vetline.records.contract import EXTRACT_SUFFIXES, SOURCE_NAMES
from vetline.records.layout import LOCK_FILE, MANIFEST_FILE, store_dir
from vetline.records.merge import merge_source, remove_stale_temp
from vetline.records.pipeline import (
    ACCEPTED,
    REJECT_SCHEMA,
    NameCaches,
    file_reject,
    process_file,
    release,
)
from vetline.records.readers import FileRejected
from vetline.records.rejects import write_rejects
from vetline.records.report import IngestReport, SourceCounts
from vetline.records.sqlparts import connect


def discover(extract_dir: Path) -> tuple[dict[str, list[Path]], tuple[str, ...]]:
    """Source files by source (contract order) and the names of every other file."""
    if not extract_dir.is_dir():
        raise BadInput("extract", f"not a folder: {extract_dir}")
    found: dict[str, list[Path]] = {}
    ignored: list[str] = []
    for path in sorted(p for p in extract_dir.iterdir() if p.is_file()):
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if stem in SOURCE_NAMES and suffix in EXTRACT_SUFFIXES:
            found.setdefault(stem, []).append(path)
        else:
            ignored.append(path.name)
    if not found:
        expected = ", ".join(f"{s}.csv" for s in SOURCE_NAMES)
        raise BadInput("extract", f"no source files in {extract_dir} (expected any of {expected})")
    ordered = {s: found[s] for s in SOURCE_NAMES if s in found}
    return ordered, tuple(ignored)


def extract_hash(files: dict[str, list[Path]]) -> str:
    """Content hash of the extract's source files: the same files give the same id."""
    digest = hashlib.blake2b(digest_size=8)
    for paths in files.values():
        for path in paths:
            digest.update(path.name.encode() + b"\0")
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 22):
                    digest.update(chunk)
            digest.update(b"\0")
    return digest.hexdigest()


def _rows_in(path: Path) -> int:
    """Best-effort row count of a file that could not be processed (for the counts)."""
    try:
        if path.suffix.lower() == ".parquet":
            return int(pq.ParquetFile(path).metadata.num_rows)
        with path.open("rb") as fh:
            lines = sum(1 for line in fh if line.strip())
        return max(lines - 1, 0) if path.suffix.lower() == ".csv" else lines
    except (OSError, pa.ArrowException):
        return 0


@contextmanager
def _ingest_lock(data_dir: Path) -> Iterator[None]:
    """One ingest at a time per data folder; readers are never blocked."""
    folder = store_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK_FILE).open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ingest_extract(
    extract_dir: Path,
    data_dir: Path,
    progress: ProgressFn | None = None,
    *,
    today: date | None = None,
) -> IngestReport:
    """Validate, normalise and load an extract into ``data_dir``'s record store.

    ``today`` is the load date (a ``dob`` after it is impossible); it defaults to the UTC
    date and is a parameter so tests are independent of the clock.
    """
    started = time.perf_counter()
    report_progress = progress or no_progress
    extract_dir, data_dir = Path(extract_dir), Path(data_dir)
    files, ignored = discover(extract_dir)
    load_date = today or datetime.now(UTC).date()
    extract_id = extract_hash(files)
    counts: dict[str, SourceCounts] = {}
    rejects: dict[str, pa.Table] = {}
    with _ingest_lock(data_dir):
        remove_stale_temp(data_dir)
        con = connect()
        caches = NameCaches()
        try:
            for done, (source, paths) in enumerate(files.items()):
                report_progress("ingest", done, len(files))
                counts[source], rejects[source] = _ingest_source(
                    con, data_dir, source, paths, extract_id, load_date, caches
                )
            report_progress("ingest", len(files), len(files))
        finally:
            con.close()
        rejects_path, reject_lines = write_rejects(data_dir, extract_id, rejects)
        report = IngestReport(
            extract_id=extract_id,
            store_dir=store_dir(data_dir),
            rejects_path=rejects_path,
            reject_lines=reject_lines,
            sources=counts,
            ignored_files=ignored,
            seconds=time.perf_counter() - started,
        )
        _log(data_dir, extract_dir, report)
    return report


def _ingest_source(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    source: str,
    paths: list[Path],
    extract_id: str,
    today: date,
    caches: NameCaches,
) -> tuple[SourceCounts, pa.Table]:
    started = time.perf_counter()
    counts, rejects = _load_source(con, data_dir, source, paths, extract_id, today, caches)
    counts.seconds = time.perf_counter() - started
    return counts, rejects


def _load_source(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    source: str,
    paths: list[Path],
    extract_id: str,
    today: date,
    caches: NameCaches,
) -> tuple[SourceCounts, pa.Table]:
    names = ", ".join(p.name for p in paths)
    if len(paths) > 1:
        reason = f"several files for one source ({names}); keep exactly one"
        rows = sum(_rows_in(p) for p in paths)
        return SourceCounts(rejected=rows, file=names, file_rejected=reason), file_reject(
            reason, "file"
        )
    path = paths[0]
    try:
        result = process_file(con, source, path, extract_id, today, caches)
    except FileRejected as exc:
        why = f"{exc.field}: {exc.reason}" if exc.field else exc.reason
        counts = SourceCounts(rejected=_rows_in(path), file=names, file_rejected=why)
        return counts, file_reject(exc.reason, exc.field)
    except (pa.ArrowInvalid, pa.ArrowTypeError, duckdb.ConversionException) as exc:
        # Data the readers did not foresee: lose this file, never the others.
        reason = f"could not be processed: {str(exc).splitlines()[0][:300]}"
        counts = SourceCounts(rejected=_rows_in(path), file=names, file_rejected=reason)
        return counts, file_reject(reason, "file")
    merged = merge_source(con, data_dir, source, ACCEPTED, extract_id)
    release(con)
    counts = SourceCounts(
        accepted=merged.new + merged.updated,
        rejected=result.rejected_rows,
        duplicate=merged.duplicate,
        updated=merged.updated,
        file=names,
        ignored_columns=result.ignored_columns,
        set_aside=result.set_aside,
    )
    return counts, result.rejects.cast(REJECT_SCHEMA)


def _log(data_dir: Path, extract_dir: Path, report: IngestReport) -> None:
    """Append the run to ``<data>/store/manifest.jsonl``: which extract, when, what counts."""
    entry = {
        "extract_id": report.extract_id,
        "extract_dir": str(extract_dir.resolve()),
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(report.seconds, 3),
        "rejects": str(report.rejects_path),
        "ignored_files": list(report.ignored_files),
        "sources": {
            s: {
                "file": c.file,
                "accepted": c.accepted,
                "updated": c.updated,
                "rejected": c.rejected,
                "duplicate": c.duplicate,
                "set_aside": c.set_aside,
                "ignored_columns": list(c.ignored_columns),
                "seconds": round(c.seconds, 3),
            }
            for s, c in report.sources.items()
        },
    }
    with (store_dir(data_dir) / MANIFEST_FILE).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
