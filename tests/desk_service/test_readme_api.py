"""The README's "Use the API" section, run as written: every ``bash`` and ``python`` block,
in order, in one shell, against a real ``vetline serve`` on a built world with the demo's
accounts and sample queries (so the queue has work). An example that stops working fails
here, not in a newcomer's terminal."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from deskhelpers import DeskWorld

README = Path(__file__).resolve().parents[2] / "README.md"
VETLINE = shutil.which("vetline") or str(Path(sys.executable).parent / "vetline")
DEMO_URL = "http://127.0.0.1:8000"


def api_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Use the API\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def blocks(section: str) -> list[tuple[str, str]]:
    """(language, code) of every fenced block, in order."""
    return [(m[1], m[2]) for m in re.finditer(r"```(bash|python)\n(.*?)```", section, re.S)]


def as_script(found: list[tuple[str, str]], base: str) -> str:
    """One bash script: bash blocks verbatim, Python blocks through this interpreter."""
    parts = ["set -euo pipefail"]
    for language, code in found:
        code = code.replace(DEMO_URL, base)
        if language == "bash":
            parts.append(code)
        else:
            parts.append(f"'{sys.executable}' - <<'PYTHON_BLOCK'\n{code}PYTHON_BLOCK")
    return "\n".join(parts) + "\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_every_example_of_use_the_api_runs(desk_world: DeskWorld, tmp_path: Path) -> None:
    from vetline import demo

    found = blocks(api_section())
    assert {lang for lang, _ in found} == {"bash", "python"} and len(found) >= 5
    data = tmp_path / "data"
    shutil.copytree(desk_world.data, data, ignore=shutil.ignore_patterns("vetline.db*"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETLINE_")}
    env.update(
        VETLINE_DEMO_MODE="1", VETLINE_COOKIE_SECURE="0", PYTHONUNBUFFERED="1",
        PATH=f"{Path(VETLINE).parent}{os.pathsep}{env.get('PATH', '')}",
        VETLINE_DATA=str(data),
    )  # fmt: skip
    saved = os.environ.pop("VETLINE_DATABASE_URL", None)
    try:
        demo.create_demo_users(data)
        demo.answer_samples(data)  # as the demo does: queued work for the analyst example
    finally:
        if saved is not None:
            os.environ["VETLINE_DATABASE_URL"] = saved
    port = _free_port()
    server = subprocess.Popen(
        [VETLINE, "serve", "--data", str(data), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        deadline, line = time.monotonic() + 180, ""
        while not line.startswith("ready") and time.monotonic() < deadline:
            line = server.stdout.readline()
            assert line or server.poll() is None, "server stopped"
        script = tmp_path / "use_the_api.sh"
        script.write_text(as_script(found, f"http://127.0.0.1:{port}"), encoding="utf-8")
        work = tmp_path / "work"
        work.mkdir()
        run = subprocess.run(
            ["bash", str(script)], cwd=work, env=env, capture_output=True, text=True,
            timeout=600, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        assert '"state":"ANSWERED"' in run.stdout.replace(" ", "")  # the analyst's answer
        assert (work / "iar.json").is_file() and (work / "queue.json").is_file()
    finally:
        server.terminate()
        server.wait(timeout=60)
