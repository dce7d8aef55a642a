"""The demo's batch step: the demo world's INTERPOL notices, vetted (README demo).

The loaded notices go through ``run_job`` like any list, into
``<data>/batch/demo-interpol`` (replaced on each demo run: the demo world is regenerated
each time). The overstay list is the leads demo's step (``vetline.demo.overstay_leads``
runs it as a batch job into ``<data>/batch/demo-overstays`` and imports it into leads),
so it is not run twice here.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from vetline.batch.job import JobRequest, run_job
from vetline.batch.lists import choose_list
from vetline.batch.policy import load_batch_policy
from vetline.progress import ProgressFn, no_progress

AUTHORITY = "DHS/ICE-011 CARIER routine use (demo)"


def demo_lists(
    data_dir: Path, as_of: date, progress: ProgressFn = no_progress
) -> list[tuple[Path, dict[str, Any]]]:
    """Vet the demo world's INTERPOL notices; (result folder, manifest)."""
    done = []
    for preset, purpose in (("interpol", "INTERPOL open files vetted against all records (demo)"),):
        out = data_dir / "batch" / f"demo-{preset}"
        shutil.rmtree(out, ignore_errors=True)
        choice = choose_list(None, preset, None, data_dir, out, as_of)
        request = JobRequest(
            list_path=choice.path, purpose=purpose, authority=AUTHORITY, requester="demo",
            data_dir=data_dir, source_name=preset, as_of=as_of, list_kind=choice.kind,
            extra=choice.details,
        )  # fmt: skip
        done.append((out, run_job(request, out, load_batch_policy(), progress=progress)))
    return done
