"""Batch vetting: a whole list through the person core, into banded, prioritised results.

The national analysis centre's workflow (reference §1.3, §11.3; issue 16 items 1-5):
a list file (or a built-in list: INTERPOL open files, overstays, a jail roster's new
bookings) → every row through ``vetline.person.work_out``, the real-time path itself →
``results.parquet`` (one row per input row, in input order, docs/batch-results.md), the
citizenship list (rows that must never become leads), the rejects, a blind audit sample
and a reproducible manifest. Resumable after ``kill -9``; DuckDB (local processes) or
Spark runs the chunks.

Public surface: ``run_job(request, out, policy)`` → manifest; ``JobRequest``;
``load_batch_policy``; ``BatchPolicy``; the bands (``bands.py``).

Edit here: see ``README.md``.
"""

from vetline.batch.job import JobRequest, run_job
from vetline.batch.policy import BatchPolicy, load_batch_policy

__all__ = ["BatchPolicy", "JobRequest", "load_batch_policy", "run_job"]
