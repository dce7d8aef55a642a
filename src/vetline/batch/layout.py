"""Where a job keeps its files inside its ``--out`` folder, and how they are written.

Every file is written to a temporary name, flushed, fsynced and renamed, so a job killed
at any instant (``kill -9``) leaves each file whole or absent, never half: resume trusts
what exists. The folder holds one job; re-running the same command on it resumes.

```
job.json            the job as started (spec; refuses a different input on resume)
prepared.parquet    validated rows, one row group per chunk
rejects.csv         row_number, line, field, value, reason, action
chunks/NNNNNN.parquet   result rows of one chunk (exists = done)
results.parquet     all result rows in input order (docs/batch-results.md)
citizenship.csv     rows with a citizenship sign: for citizenship review, never leads
audit_sample.csv    stratified blind-review sample (no score, no band)
manifest.json       written last: the reproducible run manifest (docs/batch-results.md)
```
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any, Final

from vetline.records.layout import publish as publish  # batch's files, the store's way

JOB = "job.json"
PREPARED = "prepared.parquet"
REJECTS = "rejects.csv"
CHUNKS = "chunks"
RESULTS = "results.parquet"
CITIZENSHIP = "citizenship.csv"
AUDIT_SAMPLE = "audit_sample.csv"
MANIFEST = "manifest.json"


def temporary(final: Path) -> Path:
    """A temporary name beside ``final``, this writer's own.

    Why not one fixed name: two runners on one job (a takeover while the first was still
    alive) would write the same temporary file at once — one truncating what the other
    was writing, or renaming it away under it. Each writer's own name keeps every
    published file whole; both compute the same content, so whichever rename lands last
    publishes a correct file."""
    return final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.tmp")


#: A temporary file untouched this long is a dead writer's (a live one writes a chunk in
#: well under a second, and the list's preparation and the results grow as they go).
STALE_TEMPORARY_S: Final = 600


def sweep_temporaries(out: Path, older_than_s: float = STALE_TEMPORARY_S) -> int:
    """Remove the temporary files dead writers left in a job's folder; how many.

    Each writer's own temporary name (``temporary``) means a writer killed mid-write
    leaves its file behind instead of the next run overwriting it: a resumed job clears
    those old enough to be nobody's."""
    limit = time.time() - older_than_s
    gone = 0
    for folder in (out, out / CHUNKS):
        for path in folder.glob(".*.tmp") if folder.is_dir() else ():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    gone += 1
            except FileNotFoundError:  # its writer published or removed it meanwhile
                continue
    return gone


def chunk_file(out: Path, chunk: int) -> Path:
    return out / CHUNKS / f"{chunk:06d}.parquet"


def done_chunks(out: Path) -> set[int]:
    """Chunks whose result file exists (temporary files are not results)."""
    folder = out / CHUNKS
    if not folder.is_dir():
        return set()
    return {int(p.stem) for p in folder.glob("*.parquet") if p.stem.isdigit()}


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = temporary(path)
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    publish(tmp, path)


def read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
