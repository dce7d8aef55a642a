"""``vetline users`` / ``vetline audit`` / ``vetline db`` on a SQLite data folder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from trusthelpers import PASSWORD
from typer.testing import CliRunner

from vetline.cli import app

runner = CliRunner()


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def test_users_and_audit_commands(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    code, out = _run("db", "upgrade", "--data", data)
    assert code == 0 and "database at revision" in out
    code, out = _run(
        "users",
        "add",
        "agency1",
        "--role",
        "requesting_agency",
        "--ori",
        "ca0194200",
        "--password-stdin",
        "--data",
        data,
        stdin=PASSWORD + "\n",
    )
    assert code == 0, out
    code, out = _run(
        "users",
        "add",
        "analyst1",
        "--role",
        "desk_analyst",
        "--totp",
        "--password-stdin",
        "--data",
        data,
        stdin=PASSWORD + "\n",
    )
    assert code == 0 and "otpauth://totp/" in out
    code, out = _run(
        "users",
        "add",
        "agency2",
        "--role",
        "requesting_agency",
        "--password-stdin",
        "--data",
        data,
        stdin=PASSWORD + "\n",
    )
    assert code != 0  # BadInput: the ORI is required (main() turns it into exit 2)
    code, out = _run("users", "disable", "agency1", "--reason", "left", "--data", data)
    assert code == 0
    code, out = _run("users", "list", "--data", data)
    assert code == 0 and "CA0194200" in out and "disabled" in out
    code, out = _run("audit", "verify", "--data", data)
    assert code == 0 and "intact: 4 events" in out
    head = out.strip().rsplit(" ", 1)[-1]
    code, out = _run("audit", "verify", "--data", data, "--expect-head", head)
    assert code == 0
    code, out = _run("audit", "search", "--data", data, "--type", "USER_DISABLED")
    assert code == 0 and "USER_DISABLED" in out and "left" in out
    exported = tmp_path / "audit.jsonl"
    code, _ = _run(
        "audit", "export", "--data", data, "--out", str(exported), "--type", "USER_CREATED"
    )
    assert code == 0 and len(exported.read_text().splitlines()) == 2

    engine = create_engine(f"sqlite:///{tmp_path / 'data' / 'vetline.db'}")
    with engine.begin() as conn:  # an insider removes the trigger and edits a row
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET reason = 'nothing' WHERE seq = 3"))
    engine.dispose()
    code, out = _run("audit", "verify", "--data", data)
    assert code == 1 and "seq=3" in out
    code, out = _run("users", "disable-inactive", "--days", "90", "--data", data)
    assert code == 0 and "disabled 0" in out
