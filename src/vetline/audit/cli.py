"""``vetline audit``: verify the chain, search and export (console access is audited too)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from vetline.audit.search import AuditFilter
from vetline.audit.service import anchor_of, export_events, search_events, verify_audit
from vetline.db.cli import DataOpt, UrlOpt, cli_actor, open_database
from vetline.errors import BadInput

audit_app = typer.Typer(help="Audit trail: verify, search, export.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


@audit_app.command("verify")
def verify_cmd(
    data: DataOpt = None,
    db_url: UrlOpt = None,
    expect_head: Annotated[
        str | None,
        typer.Option(
            "--expect-head",
            help="Head hash recorded earlier elsewhere; must still be in the "
            "chain's history (detects a rewritten chain).",
        ),
    ] = None,
    no_anchor: Annotated[
        bool,
        typer.Option(
            "--no-anchor",
            help="Skip the check against the checkpoints in <data>/audit-anchor.jsonl "
            "(the chain is then only checked against itself).",
        ),
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Also write an AUDIT_VERIFIED event into the database verified "
            "(by default verify reads only).",
        ),
    ] = False,
) -> None:
    """Check every event's hash and link and the checkpoints outside the database; exit 1
    naming the first bad event. Reads only unless --record."""
    db = open_database(data, db_url, migrate=False)
    try:
        report = verify_audit(
            db, cli_actor(), anchor=None if no_anchor else anchor_of(db),
            expect_head=expect_head, record=record,
        )  # fmt: skip
    finally:
        db.dispose()
    if not report.ok:
        err_console.print(report.describe(), highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    typer.echo(report.describe())


def _when(value: str | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(field, "not an ISO-8601 date-time") from None
    if moment.tzinfo is None:
        raise BadInput(field, "give a time zone, e.g. 2026-11-24T00:00:00+00:00")
    return moment


@audit_app.command("export")
def export_cmd(
    out: Annotated[Path | None, typer.Option("--out", help="File (default: stdout).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl | csv")] = "jsonl",
    event_type: Annotated[str | None, typer.Option("--type")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Actor username.")] = None,
    object_id: Annotated[str | None, typer.Option("--object-id")] = None,
    since: Annotated[str | None, typer.Option("--since", help="ISO date-time with zone.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="ISO date-time with zone.")] = None,
    data: DataOpt = None,
    db_url: UrlOpt = None,
) -> None:
    """Search the audit trail and write the matching events (JSON lines or CSV)."""
    if fmt not in ("jsonl", "csv"):
        raise BadInput("--format", "jsonl or csv")
    flt = AuditFilter(
        event_type=event_type,
        actor_username=actor,
        object_id=object_id,
        since=_when(since, "--since"),
        until=_when(until, "--until"),
    )
    db = open_database(data, db_url, migrate=False)
    try:
        lines = export_events(db, cli_actor(), flt, fmt, to=str(out or "-"))  # type: ignore[arg-type]
        if out is None:
            sys.stdout.writelines(lines)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                handle.writelines(lines)
    finally:
        db.dispose()


@audit_app.command("search")
def search_cmd(
    event_type: Annotated[str | None, typer.Option("--type")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Actor username.")] = None,
    object_id: Annotated[str | None, typer.Option("--object-id")] = None,
    since: Annotated[str | None, typer.Option("--since", help="ISO date-time with zone.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    data: DataOpt = None,
    db_url: UrlOpt = None,
) -> None:
    """Show matching events as a table (oldest first); use export for everything."""
    from rich.table import Table

    flt = AuditFilter(
        event_type=event_type,
        actor_username=actor,
        object_id=object_id,
        since=_when(since, "--since"),
    )
    db = open_database(data, db_url, migrate=False)
    try:
        rows = search_events(db, cli_actor(), flt, limit)
    finally:
        db.dispose()
    table = Table(title=f"audit events ({len(rows)})")
    for column in (
        "seq",
        "ts",
        "event_type",
        "outcome",
        "actor_username",
        "client",
        "object_type",
        "object_id",
        "reason",
    ):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(
                str(row[c] or "")
                for c in (
                    "seq",
                    "ts",
                    "event_type",
                    "outcome",
                    "actor_username",
                    "client",
                    "object_type",
                    "object_id",
                    "reason",
                )
            )
        )
    # piped output (files, grep, tests) gets full-width rows instead of truncated cells
    (console if sys.stdout.isatty() else Console(width=240)).print(table)
