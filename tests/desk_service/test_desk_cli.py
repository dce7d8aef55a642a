"""``vetline query``: the API's own service, one IAR per line in input order, refusals
named by line and field, exit code 2 (the console entry point turns BadInput into it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from deskhelpers import DeskWorld, dumps, iaq
from typer.testing import CliRunner

from vetline.cli import app
from vetline.errors import BadInput


@pytest.fixture
def cli_env(sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI path is the API's own service (tested on both backends there): SQLite only."""
    monkeypatch.setenv("VETLINE_DATABASE_URL", sqlite_database_url)


def test_query_file_in_order_with_refusals(
    cli_env: None, desk_world: DeskWorld, tmp_path: Path
) -> None:
    lines = [
        dumps(iaq(desk_world.facts[0], iaq_id="CLI-1")),
        '{"query_type": "IAQ", "ori": "CA0194200", "subject": {"dob": "1990-13-01"}}',
        dumps(iaq(desk_world.facts[1], iaq_id="CLI-2")),
    ]
    source, out = tmp_path / "iaqs.jsonl", tmp_path / "iars.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = str(desk_world.data)
    result = CliRunner().invoke(
        app, ["query", "--data", data, "--file", str(source), "--out", str(out)]
    )
    assert isinstance(result.exception, BadInput)  # main() → exit 2 with this one line
    assert "1 of 3 queries refused" in str(result.exception)
    answers = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [a.get("iaq_id") for a in answers] == ["CLI-1", None, "CLI-2"]
    assert answers[1]["line"] == 2
    assert "subject.dob" in {f["field"] for f in answers[1]["error"]["fields"]}
    assert "recommendation" in answers[0]  # the console operator sees the full IAR
    again = CliRunner().invoke(app, ["query", "--data", data, "--json", lines[0]])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output.splitlines()[-1])["iar_id"] == answers[0]["iar_id"]


def test_query_needs_exactly_one_input(cli_env: None, desk_world: DeskWorld) -> None:
    result = CliRunner().invoke(app, ["query", "--data", str(desk_world.data)])
    assert isinstance(result.exception, BadInput) and "--json" in str(result.exception)


def test_samples_cover_every_query_type_and_the_nlets_form(
    cli_env: None, desk_world: DeskWorld
) -> None:
    result = CliRunner().invoke(app, ["query", "--data", str(desk_world.data), "--samples"])
    assert result.exit_code == 0, result.output
    iars = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    kinds = {iar["answer"]["query_type"] for iar in iars}
    assert kinds == {"IAQ", "BIOMETRIC", "NCIC_WARRANT", "NICS", "CRITICAL_INFRASTRUCTURE"}
    assert any(iar["iaq_id"] == "DEMO7" for iar in iars)  # the Nlets text query


def test_a_cold_query_on_sqlite_loads_only_what_it_uses(
    sqlite_database_url: str, desk_world: DeskWorld, tmp_path: Path
) -> None:
    """A whole one-shot ``vetline query`` in a fresh process (not only its imports), a
    given name the index knows: it answers without the HTTP API, the PDFs, the Splink
    build, Alembic, the name library's tagger or PostgreSQL's dialect (issue 14: the
    seconds of a cold query). Run as ``vetline query``'s own entry point."""
    body = dumps(iaq(desk_world.facts[0], iaq_id="COLD-1"))
    out = tmp_path / "iar.jsonl"
    probe = (
        "import sys\n"
        "from vetline.cli import main\n"
        "sys.argv = ['vetline', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    heavy = ('fastapi', 'fpdf', 'jinja2', 'splink', 'alembic', 'rigour', 'polars',"
        " 'sqlalchemy.dialects.postgresql', 'vetline.api', 'vetline.batch',"
        " 'vetline.resolve.build')\n"
        "    print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    args = ["query", "--data", str(desk_world.data), "--json", body, "--out", str(out)]
    env = {**os.environ, "VETLINE_DATABASE_URL": sqlite_database_url}
    result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                            text=True, env=env, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["iaq_id"] == "COLD-1"
    assert result.stderr.strip().splitlines()[-1] == "[]"
