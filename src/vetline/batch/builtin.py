"""A built-in list as an API job: INTERPOL's open files, the overstays (issue 16 items 1, 8).

The national analysis centre runs these every month from the records already loaded; with
``vetline batch --list interpol|overstays`` only an operator with a shell on the server
could. Here the list is derived at submission, into the job's own folder (``lists.py``'s
``choose_list``, the very function the command line calls: the same rows), so the job's
input SHA-256 is known, stored and audited before the 202, and a resumed job reads the
same file. The assessment date is the submission's: the overstays derived "as of" a day
are assessed as of that day, even when the job waits in the queue past midnight.

Edit here: what a built-in job records by default (its source name).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from vetline.batch.job import JobRequest
from vetline.batch.listfile import file_sha256
from vetline.batch.lists import choose_list
from vetline.batch.presets import PRESETS
from vetline.batch.service import BatchService, check_why
from vetline.batch.shapes import BatchJobView
from vetline.db import Actor
from vetline.errors import BadInput


def submit_builtin(
    svc: BatchService, preset: str, fields: dict[str, Any], actor: Actor
) -> BatchJobView:
    """Derive the built-in list ``preset`` and store its job (QUEUED), audited; durable
    when this returns. A list with no row in the loaded records is refused (nothing to vet)
    and leaves no folder behind."""
    if preset not in PRESETS:
        raise BadInput("list", f"built-in lists: {', '.join(PRESETS)}; not {preset!r}")
    check_why(fields)
    job_id = str(uuid.uuid4())
    folder = svc.folder(job_id)
    as_of = svc.clock().date()
    try:
        choice = choose_list(None, preset, None, svc.data_dir, folder / "out", as_of)
        size = choice.path.stat().st_size
        request = JobRequest(
            list_path=choice.path, purpose=str(fields["purpose"]),
            authority=str(fields["authority"]), requester=actor.username,
            data_dir=svc.data_dir, source_name=fields.get("source_name") or preset,
            source_version=fields.get("source_version") or None, job_id=job_id,
            as_of=as_of, list_kind=choice.kind, extra=choice.details,
        )  # fmt: skip
        request.check()
        if not _rows(choice.path):
            raise BadInput("list", f"the built-in list {preset} has no row in the loaded records")
        sha256 = file_sha256(choice.path)
        return svc.record(request, folder, choice.path.name, sha256, size, actor)
    except BaseException:  # refused, or not stored (a full disk): no folder left behind
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)
