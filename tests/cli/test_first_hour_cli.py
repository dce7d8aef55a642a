"""Issue 14's CLI papercuts, each run as a user runs it: ``--version``, help without
``<bool>``, an extract file rejected whole exits 2 with its reason, ignored columns
printed, and ``vetline serve`` saying where it listens, refusing a busy port, and
getting ready on a folder that has no index yet."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

VETLINE = shutil.which("vetline") or str(Path(sys.executable).parent / "vetline")
SERVE_ENV = {"VETLINE_DEMO_MODE": "1", "VETLINE_COOKIE_SECURE": "0", "COLUMNS": "80"}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VETLINE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "80", **(env or {})},
    )


def test_version() -> None:
    from importlib.metadata import version

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"vetline {version('vetline')}"


def test_a_query_imports_neither_the_api_nor_the_build() -> None:
    """The sub-command groups load when named: a one-shot ``vetline query`` (or
    ``--version``) does not import the HTTP API, the PDFs, the batch engines, the Splink
    build or Alembic on an up-to-date database (a cold query's seconds, issue 14)."""
    probe = (
        "import sys, vetline.cli\n"
        "from vetline.desk.service.cli import answer_all, open_desk\n"
        "heavy = ('fastapi', 'fpdf', 'jinja2', 'splink', 'alembic', 'vetline.api',"
        " 'vetline.batch', 'vetline.leads', 'vetline.vetting', 'vetline.resolve.build')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"


def test_every_command_group_is_listed_and_has_the_top_levels_plain_help() -> None:
    from vetline.cli import LAZY_GROUPS

    listed = run("--help").stdout
    for group in LAZY_GROUPS:
        assert f"  {group} " in listed
        result = run(group, "--help")
        assert result.returncode == 0, result.stderr
        assert "--install-completion" not in result.stdout and "<bool>" not in result.stdout
        assert result.stdout.startswith(f"Usage: vetline {group} ")


def test_top_level_help_imports_no_group_and_lists_each_groups_own_help() -> None:
    """``vetline --help`` lists the groups from ``LAZY_GROUPS`` without importing them
    (the first command a newcomer types: 1.8 → 0.2 s); what it prints is what the
    groups' own help says, as the listing with every group loaded prints it."""
    probe = (
        "import sys\n"
        "from vetline.cli import LAZY_GROUPS, main\n"
        "sys.argv = ['vetline', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "groups = [m for m, _, _ in LAZY_GROUPS.values()]\n"
        "heavy = ['fastapi', 'fpdf', 'pandas', 'sqlalchemy', *groups]\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, env={**os.environ, "COLUMNS": "80"})  # fmt: skip
    assert result.stderr.strip() == "[]"
    assert result.stdout == run("--help").stdout

    import typer
    from typer.main import get_command
    from typer.testing import CliRunner

    from vetline.cli import LAZY_GROUPS, app

    lazy = CliRunner().invoke(app, ["--help"]).stdout
    group = get_command(app)
    ctx = typer.Context(group, info_name="vetline")
    for name, (_, _, listed) in LAZY_GROUPS.items():
        loaded = group.get_command(ctx, name)  # imported now, not a stand-in
        assert loaded is not None and loaded.help == listed
    assert group.get_help(ctx) + "\n" == lazy


def test_help_names_no_bool_value_for_flags_and_fits_80_columns() -> None:
    for command in ("demo", "query", "build"):
        result = run(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "<bool>" not in result.stdout and "BOOLEAN" not in result.stdout
        assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "--no-serve " in run("demo", "--help").stdout


def test_extract_file_rejected_whole_exits_2_with_its_reason(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    assert run("synth", "--persons", "40", "--seed", "2", "--out", str(extract)).returncode == 0
    warrants = extract / "warrants.csv"
    # a header in Latin-1 (a clerk's export): the file cannot be read as UTF-8 at all
    warrants.write_bytes(b'"r\xe9cord_id",' + warrants.read_bytes())
    status = extract / "status.csv"
    lines = status.read_text(encoding="utf-8").splitlines()
    status.write_text(
        "\n".join([lines[0] + ",favourite_colour", *(row + ",blue" for row in lines[1:])]) + "\n",
        encoding="utf-8",
    )
    result = run("ingest", str(extract), "--data", str(tmp_path / "data"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "warrants.csv" in result.stderr and "UTF-8" in result.stderr
    assert "rejected whole" in result.stdout  # beside the table, with the reason
    assert "favourite_colour" in result.stdout  # ignored columns are named, not only kept


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_on_a_busy_port_says_so_and_exits_2(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run("serve", "--data", str(tmp_path), "--port", str(port), env=SERVE_ENV)
    assert result.returncode == 2
    assert f"127.0.0.1:{port} is already in use" in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr


def test_serve_says_where_it_listens_then_ready(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [VETLINE, "serve", "--data", str(tmp_path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **SERVE_ENV, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith(f"listening on http://127.0.0.1:{port}"), first
        seen = [first]
        deadline = time.monotonic() + 120
        while not seen[-1].startswith("ready") and time.monotonic() < deadline:
            seen.append(proc.stdout.readline())
        assert seen[-1].startswith(f"ready: http://127.0.0.1:{port}"), seen
        # no index in this folder: said so, and the API still answers
        assert any("query desk not ready" in line for line in seen), seen
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=60)
