"""``vetline cases``: the vetting centre at the console — list, show, open, intake, revet.

Thin: each command opens the data folder's database, builds the same ``VettingService``
the API uses and calls the one service function; the console operator is audited as
``cli:<login>``. The person index is opened only by the commands that need it (open,
intake, revet).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from vetline.db.cli import DataOpt
from vetline.errors import BadInput

cases_app = typer.Typer(
    help="Vetting cases: list, show, open, intake, revet, sweep, notices.", no_args_is_help=True
)
console = Console()
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON instead of a table.")]


def _service(data: Path | None) -> Any:
    from vetline.audit.anchor import AnchorLog
    from vetline.db.engine import Database
    from vetline.db.migrate import upgrade
    from vetline.desk.service import DeskService
    from vetline.person import PersonLookup
    from vetline.settings import Settings
    from vetline.status import load_policy
    from vetline.vetting import VettingService

    settings = Settings.load(data)  # this command's settings, read once
    folder = settings.data
    if not folder.is_dir():
        raise BadInput("--data", f"{folder} is not a data folder (run `vetline ingest`)")
    database = Database.from_url(settings.resolved_database_url())
    database.anchor = AnchorLog.for_settings(settings)  # issue 13
    upgrade(database.engine)
    desk = DeskService(database, lambda: PersonLookup.open(folder), policy=load_policy())
    return VettingService(desk, data_dir=folder)


def _actor() -> Any:
    from vetline.desk.service.cli import console_actor

    return console_actor()


@cases_app.command("list")
def list_cmd(
    data: DataOpt = None,
    state: Annotated[str | None, typer.Option("--state", help="OPEN, IN_REVIEW, ...")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Past-due clocks only.")] = False,
    revet: Annotated[bool, typer.Option("--revet", help="Flagged for re-vetting only.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The case queue, newest first."""
    from vetline.vetting.case_list import list_cases

    svc = _service(data)
    with svc.uow(_actor(), read_only=True) as uow:
        page = list_cases(uow, state=state, overdue=overdue, revet=revet, limit=limit)
    if as_json:
        typer.echo(json.dumps(page, indent=2))
        return
    table = Table("case", "state", "opened", "person", "basis", "recommendation", "flags")
    for c in page["cases"]:
        flags = " ".join(
            name
            for name, on in (
                ("CITIZENSHIP", c["citizenship_sign"]),
                ("PROTECTED", c["protected_status"]),
                ("OVERDUE", c["overdue"]),
                ("REVET", c["revet_reason"]),
            )
            if on
        )
        table.add_row(
            c["number"],
            c["state"],
            c["opened_at"][:16],
            str(c["person_id"] or "-"),
            c["identity_basis"],
            c["recommendation"],
            flags,
        )
    console.print(table)


@cases_app.command("show")
def show_cmd(case_id: str, data: DataOpt = None) -> None:
    """One case in full (checklist, records, requests, claims, snapshots) as JSON."""
    from vetline.vetting import cases

    typer.echo(json.dumps(cases.view(_service(data), case_id, _actor()), indent=2))


@cases_app.command("open")
def open_cmd(
    query_id: str,
    reason: Annotated[str, typer.Option("--reason", help="Why the case is opened.")],
    data: DataOpt = None,
) -> None:
    """Open a case by hand for an answered IAQ (the same checks as the automatic path)."""
    from vetline.vetting import intake

    out = intake.open_case(_service(data), query_id, _actor(), via="OFFICER", reason=reason)
    typer.echo(json.dumps(out))


@cases_app.command("intake")
def intake_cmd(data: DataOpt = None) -> None:
    """Open a case for every answered, actionable IAQ that has none (idempotent)."""
    from vetline.vetting import intake

    opened = intake.sweep(_service(data), _actor())
    typer.echo(
        f"{sum(o['created'] for o in opened)} case(s) opened, "
        f"{sum(o['attached'] for o in opened)} IAR(s) attached"
    )


@cases_app.command("revet")
def revet_cmd(data: DataOpt = None) -> None:
    """Flag open cases whose records changed or moved since their last decision."""
    from vetline.vetting import cases

    flagged = cases.revet(_service(data), _actor())
    for one in flagged:
        typer.echo(f"{one['case_id']}: {one['reason']}")
    typer.echo(f"{len(flagged)} case(s) flagged for re-vetting")


@cases_app.command("sweep")
def sweep_cmd(data: DataOpt = None, as_json: JsonOpt = False) -> None:
    """Escalate overdue citizenship claims and lapse detainers past their custody deadline
    (idempotent; ``vetline serve`` runs it every minute)."""
    from vetline.vetting.sweep import sweep

    out = sweep(_service(data), _actor())
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo(
        f"{len(out['claims_escalated'])} claim(s) escalated, "
        f"{len(out['detainers_lapsed'])} detainer(s) lapsed (as of {out['at']})"
    )


@cases_app.command("notices")
def notices_cmd(
    role: Annotated[
        str, typer.Option("--role", help="supervisor, citizenship_reviewer, vetting_officer")
    ] = "supervisor",
    data: DataOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="Acknowledged ones too.")] = False,
) -> None:
    """The notices addressed to a role (what the sweep escalated or lapsed), as JSON."""
    from dataclasses import replace

    from vetline.vetting import notices

    if role not in (notices.SUPERVISOR, notices.REVIEWER, notices.OFFICER):
        raise BadInput("--role", "supervisor, citizenship_reviewer or vetting_officer")
    actor = replace(_actor(), role=role)
    typer.echo(json.dumps(notices.list_notices(_service(data), actor, not all_), indent=2))
