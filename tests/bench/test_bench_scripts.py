"""The benchmark scripts still run: every one imports, the quick ones run at a tiny size.

Why: bench/README.md's figures are only worth what the scripts that print them are, and a
script nobody ran for a week can rot while the code it measures moves on (stop 40 found
``bench_leads.py`` failing at its last line: the leads service had come to return a typed
job, the script still indexed a dict). Speed is not asserted here — that is the bench's
job, on a quiet machine (see the brief) — only that each script starts, runs its real
path end to end on a small input, and prints its result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"

#: Helper modules of the bench (imported by the scripts, no ``main``).
HELPERS = {"febrl", "gauge", "status_world"}


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_every_bench_script_imports() -> None:
    """One process imports every script as a module (its ``__main__`` block not run): a
    missing name, a moved import or a syntax error anywhere in bench/ fails here."""
    code = (
        "import runpy, sys, pathlib\n"
        f"bench = pathlib.Path({str(BENCH)!r})\n"
        "sys.path.insert(0, str(bench))\n"
        "missing = []\n"
        "for path in sorted(bench.glob('*.py')):\n"
        "    runpy.run_path(str(path), run_name='bench_import_check')\n"
        f"    if path.stem not in {sorted(HELPERS)!r} and '__main__' not in path.read_text():\n"
        "        missing.append(path.name)\n"
        "print('no __main__ block:', missing)\n"
        "sys.exit(1 if missing else 0)\n"
    )
    done = _run("-c", code)
    assert done.returncode == 0, done.stdout + done.stderr


def test_desk_intake_runs() -> None:
    done = _run("bench/desk_intake.py", "--calls", "20")
    assert done.returncode == 0, done.stderr
    for operation in ("parse_iaq_json", "parse_nlets_iaq", "route_query", "render_iar_text"):
        assert operation in done.stdout


def test_leads_import_runs(tmp_path: Path) -> None:
    done = _run("bench/bench_leads.py", "--rows", "3000")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == 3000
    assert result["leads_created"] > 0
    assert result["job_bands"] > 0 and result["sample_items"] == result["sampled"]


def test_trust_bench_runs() -> None:
    done = _run("bench/bench_trust.py", "--events", "20")
    assert done.returncode == 0, done.stderr
    assert "audit verify" in done.stdout and "GET /v1/auth/me" in done.stdout


def test_status_bench_runs_on_a_small_world(small_extract: Path) -> None:
    """Exit code 1 would mean a U.S. citizen was given an enforcement action."""
    done = _run("bench/bench_status.py", "--extract", str(small_extract), "--limit", "400")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert "status code agreement" in done.stdout


@pytest.mark.slow
def test_generator_and_loader_benches_run(tmp_path: Path) -> None:
    done = _run("bench/bench_synth.py", "--persons", "300", "--workers", "1",
                "--out", str(tmp_path / "world"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "world" / "world.json").exists()
    done = _run("bench/bench_ingest.py", "--extract", str(tmp_path / "world"))
    assert done.returncode == 0, done.stderr


def test_the_loader_bench_world_is_one_the_loader_accepts() -> None:
    """The simple generator's rows pass the loader's checks (stop 40: its charge codes
    were not NCIC codes, and a fifth of the "million records" were rejected unnoticed)."""
    done = _run("bench/bench_ingest.py", "--records", "3000")
    assert done.returncode == 0, done.stderr
    first = done.stdout.split("second ingest")[0]
    rows = [line.split() for line in first.splitlines() if line[:1].isalpha()]
    per_source = [r for r in rows if len(r) == 5 and r[1].replace(",", "").isdigit()]
    assert len(per_source) >= 9, first
    assert all(r[2] == "0" for r in per_source), first


def test_vetting_list_bench_runs() -> None:
    done = _run("bench/bench_vetting.py", "--cases", "300", "--runs", "5")
    assert done.returncode == 0, done.stderr
    assert "list_cases()" in done.stdout


@pytest.mark.parametrize("script", ["bench/bench_writer_txn.py", "bench/bench_wal_writers.py"])
def test_writer_benches_run(script: str) -> None:
    done = _run(script, "--transactions", "30")
    assert done.returncode == 0, done.stderr
    assert "transaction" in done.stdout and " ms" in done.stdout
