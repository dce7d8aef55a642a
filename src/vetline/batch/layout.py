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
import os
import socket
import uuid
from pathlib import Path
from typing import Any

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
    """A temporary name beside ``final``, this writer's own (its host and process in it).

    Why not one fixed name: two runners on one job (a takeover while the first was still
    alive) would write the same temporary file at once — one truncating what the other
    was writing, or renaming it away under it. Each writer's own name keeps every
    published file whole; both compute the same content, so whichever rename lands last
    publishes a correct file."""
    return final.with_name(f".{final.name}.{_HOST}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


#: This machine's name as temporary names carry it (no dots: they separate the parts).
_HOST = socket.gethostname().replace(".", "_") or "host"


def sweep_temporaries(out: Path) -> int:
    """Remove the temporary files dead writers left in a job's folder; how many.

    Each writer's own temporary name (``temporary``) means a writer killed mid-write
    leaves its file behind instead of the next run overwriting it: a resumed job removes
    those whose process, on this machine, is gone. A live writer's file (even one whose
    file has not changed for a while: a list's rejects) and another machine's are kept."""
    gone = 0
    for folder in (out, out / CHUNKS):
        for path in folder.glob(".*.tmp") if folder.is_dir() else ():
            parts = path.name.rsplit(".", 4)  # [.name, host, pid, random, tmp]
            if len(parts) != 5 or parts[1] != _HOST or not parts[2].isdigit():
                continue
            if _alive(int(parts[2])):
                continue
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


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
