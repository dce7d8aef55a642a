"""The installed ``vetline`` console script, run as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

VETLINE = shutil.which("vetline") or str(Path(sys.executable).parent / "vetline")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VETLINE, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def test_synth_then_ingest_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "extract"
    synth = run("synth", "--persons", "300", "--seed", "3", "--out", str(out))
    assert synth.returncode == 0, synth.stderr
    assert (out / "truth.csv").exists() and (out / "person_facts.csv").exists()

    data = tmp_path / "data"
    first = run("ingest", str(out), "--data", str(data))
    assert first.returncode == 0, first.stderr
    assert "status" in first.stdout and "accepted" in first.stdout

    again = run("ingest", str(out), "--data", str(data))
    assert again.returncode == 0, again.stderr


def test_user_error_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "no-such-extract"), "--data", str(tmp_path / "d"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr


def test_data_folder_defaults_to_env(tmp_path: Path) -> None:
    out = tmp_path / "extract"
    assert run("synth", "--persons", "50", "--seed", "1", "--out", str(out)).returncode == 0
    env_data = tmp_path / "from-env"
    result = subprocess.run(
        [VETLINE, "ingest", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "VETLINE_DATA": str(env_data)},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert env_data.exists()
