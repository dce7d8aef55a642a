"""``vetline leads``: the console path calls the same service (SQLite only: the subject is
the command line, not the backend)."""

from __future__ import annotations

import json
from pathlib import Path

from leadhelpers import row, write_result
from typer.testing import CliRunner

from vetline.cli import app


def test_import_jobs_sample_review_and_bad_input(tmp_path: Path, sqlite_database_url: str) -> None:
    runner = CliRunner()
    opts = ["--data", str(tmp_path), "--db-url", sqlite_database_url]
    folder = write_result(tmp_path / "out", [row("STRONG", "P1"), row("NONE", None)])
    done = runner.invoke(app, ["leads", "import", str(folder), *opts])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["leads_created"] == 1
    again = runner.invoke(app, ["leads", "import", str(folder), *opts])
    assert again.exit_code != 0 and "already imported" in str(again.exception)
    listed = runner.invoke(app, ["leads", "jobs", *opts])
    assert listed.exit_code == 0 and "job-1" in listed.output and "not reviewed" in listed.output
    items = json.loads(runner.invoke(app, ["leads", "sample", "job-1", *opts]).output)
    assert len(items) == 2 and "band" not in items[0]
    for item in items:
        verdict = "SAME" if item["candidate_person_id"] else "DIFFERENT"
        ok = runner.invoke(app, ["leads", "review", "job-1", item["item_id"], verdict, *opts])
        assert ok.exit_code == 0, ok.output
    shown = runner.invoke(app, ["leads", "jobs", *opts])
    assert "1.000 [" in shown.output
    leads = runner.invoke(app, ["leads", "list", *opts])
    assert leads.exit_code == 0 and "NEW" in leads.output
    missing = runner.invoke(app, ["leads", "confirm", "nope", "--note", "x", *opts])
    assert missing.exit_code != 0 and "no such lead" in str(missing.exception)
