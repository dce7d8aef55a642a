"""``run_job``: the one service path for a batch job (the CLI and the API job call it).

A job is: a request (list, purpose, legal authority, source and version, requester) →
``job.json`` (the spec, durable before any row is scored) → ``prepared.parquet`` and
``rejects.csv`` (the validated list) → result chunks (durable one by one) → the
assembly (``finish.py``: results, citizenship list, audit sample, manifest). Calling it
again on the same ``--out`` folder resumes: what is durable is kept, the rest is done,
and the end has exactly one result per input row (``tests/batch/test_batch_resume.py``
kills a job with SIGKILL). A different list in the same folder is refused.

Edit here: what a job records (``JobRequest``, ``start``), the steps (``run_job``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from vetline.batch import layout
from vetline.batch.chunks import chunk_sizes, prepare_file
from vetline.batch.engines import run_local, run_spark
from vetline.batch.finish import finish
from vetline.batch.listfile import check_list, file_sha256
from vetline.batch.policy import BatchPolicy
from vetline.errors import BadInput
from vetline.progress import ProgressFn, no_progress
from vetline.text import check_text

ENGINES = ("duckdb", "spark")


#: The longest text each field of a request may hold (``batch_jobs``' columns and beyond).
TEXT_LIMITS: dict[str, int] = {
    "purpose": 1000, "authority": 500, "requester": 128, "source_name": 128,
    "source_version": 128, "ref_column": 64,
}  # fmt: skip


@dataclass(frozen=True)
class JobRequest:
    """What a user asks for; every field is recorded in the manifest."""

    list_path: Path
    purpose: str
    authority: str
    requester: str
    data_dir: Path
    source_name: str | None = None
    source_version: str | None = None
    ref_column: str | None = None
    engine: str = "duckdb"
    spark_master: str = "local[*]"
    workers: int = 1
    as_of: date | None = None  # the assessment date (default: the day the job starts)
    retention_days: int | None = None
    job_id: str | None = None
    list_kind: str = "file"  # file | interpol | overstays | roster
    extra: tuple[tuple[str, str], ...] = ()  # preset details for the manifest

    def check(self) -> None:
        """``BadInput`` naming the field for what cannot be recorded: the reasons every
        entry point (CLI, API, web, built-in lists) gives, in the manifest and the audit
        trail, checked as every free text is (``vetline.text``) and bounded as stored."""
        for name in ("purpose", "authority", "requester"):
            if not getattr(self, name).strip():
                raise BadInput(name, "required: say why, under which authority, and who asks")
        for name, limit in TEXT_LIMITS.items():
            value = getattr(self, name)
            if value is not None:
                check_text(value, name, limit, multiline=name in ("purpose", "authority"))
        if self.engine not in ENGINES:
            raise BadInput("engine", f"one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.workers < 1:
            raise BadInput("workers", "at least 1")


def model_version(data_dir: Path) -> str:
    """The trained model and the person index the job ran on, by content."""
    from vetline.resolve import layout as resolve_layout

    parts = []
    for name, path in (
        ("model", resolve_layout.model_file(data_dir)),
        ("index", resolve_layout.index_dir(data_dir) / "index.json"),
    ):
        if not path.exists():
            raise BadInput("data", f"no {name} in {data_dir}; run `vetline build` first")
        parts.append(f"{name}:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}")
    return "+".join(parts)


def start(request: JobRequest, out: Path, policy: BatchPolicy, now: datetime) -> dict[str, Any]:
    """The job's spec: written once (resume reads it back and checks the input)."""
    request.check()
    ref_column = check_list(request.list_path, request.ref_column)
    digest = file_sha256(request.list_path)
    spec_file = out / layout.JOB
    if spec_file.exists():
        spec = layout.read_json(spec_file)
        if spec["input_sha256"] != digest:
            raise BadInput("out", f"{out} holds another job (input {spec['input_sha256'][:12]}…)")
        layout.sweep_temporaries(out)  # a resume: what killed writers left behind
        return spec
    out.mkdir(parents=True, exist_ok=True)
    if any(p.name != "input" for p in out.iterdir()):  # input/: a derived list (lists.py)
        raise BadInput("out", f"{out} is not empty and holds no job")
    as_of = request.as_of or now.date()
    days = request.retention_days or policy.job.retention_days
    spec = {
        "job_id": request.job_id or f"B{uuid.uuid4().hex[:15].upper()}",
        "purpose": request.purpose.strip(),
        "authority": request.authority.strip(),
        "source_name": request.source_name or request.list_path.stem,
        "source_version": request.source_version or digest[:12],
        "requester": request.requester,
        "list_kind": request.list_kind,
        "list_details": dict(request.extra),
        "input": str(request.list_path.resolve()),
        "input_sha256": digest,
        "ref_column": ref_column,
        "as_of": as_of.isoformat(),
        "retention_until": (as_of + timedelta(days=days)).isoformat(),
        "data_dir": str(request.data_dir.resolve()),
        "model_version": model_version(request.data_dir),
        "thresholds": policy.thresholds(),
        "policy": policy.model_dump(mode="json"),
        "engine": request.engine,
        "started_at": now.isoformat(timespec="seconds"),
    }
    layout.write_json(spec_file, spec)
    return spec


def run_job(
    request: JobRequest,
    out: Path,
    policy: BatchPolicy,
    *,
    progress: ProgressFn = no_progress,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    """Run (or resume) a job into ``out``; returns the manifest."""
    spec = start(request, out, policy, clock())
    if (out / layout.MANIFEST).exists():
        return layout.read_json(out / layout.MANIFEST)
    chunk_rows = int(spec["thresholds"]["chunk_rows"])
    if not (out / layout.PREPARED).exists():
        progress("reading the list", 0, 0)  # total unknown until read: a moving count
        rows, _ = prepare_file(
            request.list_path, spec["ref_column"], date.fromisoformat(spec["as_of"]), out,
            chunk_rows, lambda read: progress("reading the list", read, 0),
        )  # fmt: skip
        progress("reading the list", rows, rows)
    sizes = chunk_sizes(out)
    total, rows = len(sizes), sum(sizes)
    if not rows:
        raise BadInput("list", "the list has no rows")
    done = layout.done_chunks(out)
    pending = [c for c in range(total) if c not in done]
    policy_json = BatchPolicy.model_validate(spec["policy"]).model_dump_json()
    args = (str(out), spec["data_dir"], policy_json, spec["as_of"])

    # Rows done, counted as chunks finish (a listing of the chunks folder per finished
    # chunk made the job quadratic in its chunks: 79 CPU s of a 5M-row job's parent).
    finished, rows_done = set(done), sum(sizes[c] for c in done)

    def tick(chunk: int) -> None:
        nonlocal rows_done
        if chunk not in finished:
            finished.add(chunk)
            rows_done += sizes[chunk]
        progress("vetting rows", rows_done, rows)

    progress("vetting rows", rows_done, rows)

    if request.engine == "spark":
        run_spark(args, pending, request.spark_master, tick)
    else:
        run_local(args, pending, request.workers, tick)
    manifest = finish(out, {**spec, "engine": request.engine}, clock())
    progress("writing results", 1, 1)
    return manifest


def describe(request: JobRequest) -> dict[str, Any]:
    """The request as JSON (the API stores it with the job)."""
    data = asdict(request)
    return {k: (str(v) if isinstance(v, Path | date) else v) for k, v in data.items()}
