"""Building and running jobs in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from vetline.batch import BatchPolicy, JobRequest, load_batch_policy, run_job

AS_OF_TEXT = "2026-11-01"


def policy(chunk_rows: int = 40, per_band: int = 5) -> BatchPolicy:
    base = load_batch_policy()
    return base.model_copy(
        update={
            "job": base.job.model_copy(update={"chunk_rows": chunk_rows}),
            "audit_sample": base.audit_sample.model_copy(update={"per_band": per_band}),
        }
    )


def request(list_path: Path, data: Path, **extra: Any) -> JobRequest:
    from datetime import date

    return JobRequest(
        list_path=list_path, purpose="test vetting", authority="DHS/ICE-011 routine use",
        requester="test", data_dir=data, as_of=date.fromisoformat(AS_OF_TEXT), **extra,
    )  # fmt: skip


def run(
    list_path: Path, data: Path, out: Path, **extra: Any
) -> tuple[dict[str, Any], pd.DataFrame]:
    manifest = run_job(request(list_path, data, **extra), out, policy())
    return manifest, pd.read_parquet(out / "results.parquet")
