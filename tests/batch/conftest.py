"""A small built world (the shared 3,000-person store, resolved once per session) and a
list drawn from its ground truth, for the batch tests."""

from __future__ import annotations

import csv
import shutil
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

AS_OF = date(2026, 11, 1)


@dataclass(frozen=True)
class BatchWorld:
    data: Path
    facts: list[dict[str, str]]


@pytest.fixture(scope="session")
def batch_world(tmp_path_factory: pytest.TempPathFactory, small_store: Path,
                small_extract: Path) -> BatchWorld:  # fmt: skip
    from vetline.resolve import build_persons

    data = tmp_path_factory.mktemp("batch") / "data"
    shutil.copytree(small_store, data)
    build_persons(data)
    with (small_extract / "person_facts.csv").open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    return BatchWorld(data, facts)


def write_list(path: Path, facts: list[dict[str, str]], *, a_number_every: int = 2) -> Path:
    """A list file in extract columns from ground-truth persons (every other with its
    A-number), ``list_ref`` L<n>."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["list_ref", "last_name", "first_name", "dob", "sex", "a_number"])
        for n, f in enumerate(facts):
            a = f["a_number"] if a_number_every and n % a_number_every == 0 else ""
            out.writerow([f"L{n}", f["true_last_name"], f["true_first_name"], f["true_dob"],
                          f["sex"], a])  # fmt: skip
    return path
