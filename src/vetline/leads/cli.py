"""``vetline leads``: the leads commands at the console, through ``LeadsService`` (the
API's path). The operator is audited as ``cli:<login>`` and sees every lead (console scope).

Edit here: a console command (its rule belongs in the service, not here).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic_core import to_jsonable_python
from rich.console import Console
from rich.table import Table

from vetline.db.cli import DataOpt, UrlOpt, cli_actor, open_database
from vetline.errors import BadInput
from vetline.settings import resolve_data_dir

if TYPE_CHECKING:
    from vetline.leads.service import LeadsService

leads_app = typer.Typer(
    help="Leads: import batch results, review the audit sample, confirm, assign, outcomes.",
    no_args_is_help=True,
)
console = Console()
NoteOpt = Annotated[str, typer.Option("--note", help="Why (recorded with the decision).")]


def _console() -> Any:
    """The console's row scope: every lead."""
    from vetline.auth.roles import RowScope, ScopeKind

    return RowScope(ScopeKind.ALL)


#: The vetting centre as the leads' port, handed in by the composition root
#: (``vetline.cli``): leads do not import their sibling workflow.
_VETTING: list[Callable[[], Any]] = []


def use_vetting(factory: Callable[[], Any]) -> None:
    """Have every ``vetline leads`` command see the vetting centre's open cases."""
    _VETTING[:] = [factory]


@contextmanager
def _service(data: Path | None, url: str | None) -> Iterator[LeadsService]:
    from vetline.auth.errors import NotFound
    from vetline.leads.service import LeadsService

    folder = resolve_data_dir(data)
    db = open_database(data, url)

    def checker() -> Any:
        from vetline.leads.person_check import PersonCoreCheck

        return PersonCoreCheck.open(folder)

    try:
        yield LeadsService(db, checker, vetting=_VETTING[0]() if _VETTING else None)
    except NotFound as exc:
        raise BadInput("id", str(exc)) from None
    finally:
        db.dispose()


def _run(data: Path | None, url: str | None, call: Callable[[LeadsService], Any]) -> None:
    with _service(data, url) as service:
        out = to_jsonable_python(call(service), by_alias=True)  # typed views as the API's JSON
        typer.echo(json.dumps(out, indent=2, sort_keys=True))


@leads_app.command("import")
def import_cmd(
    result: Annotated[Path, typer.Argument(help="A batch job's --out folder.")],
    data: DataOpt = None,
    db_url: UrlOpt = None,
    list_file: Annotated[
        Path | None, typer.Option("--list", help="The list the job read (for the reviewers).")
    ] = None,
) -> None:
    """Import a batch result (refused unless its SHA-256 matches the manifest)."""
    _run(data, db_url, lambda s: s.import_folder(result, cli_actor(), list_file))


@leads_app.command("jobs")
def jobs_cmd(data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Imported jobs with their leads and measured strong-band precision."""
    with _service(data, db_url) as service:
        jobs = service.jobs(cli_actor())
    table = Table("job", "source", "rows", "leads", "diverted", "strong precision [CI]")
    for job in jobs:
        strong = job.precision.get("STRONG")
        shown = "not reviewed"
        if strong is not None and strong.precision is not None:
            shown = f"{strong.precision:.3f} [{strong.ci_low or 0:.3f}, {strong.ci_high or 0:.3f}]"
            shown += f" {strong.reviewed}/{strong.sampled}"
        table.add_row(
            job.job_id,
            f"{job.source_name} {job.source_version}",
            str(job.input_rows),
            str(job.import_.get("leads_created", 0)),
            str(job.import_.get("citizenship_diverted", 0)),
            shown,
        )
    console.print(table)


@leads_app.command("job")
def job_cmd(job_id: str, data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """One job: manifest, import summary, leads by state, precision per band (JSON)."""
    _run(data, db_url, lambda s: s.job(job_id, cli_actor()))


@leads_app.command("list")
def list_cmd(
    data: DataOpt = None,
    db_url: UrlOpt = None,
    state: Annotated[str | None, typer.Option("--state")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 100,
) -> None:
    """Leads, highest priority first."""
    with _service(data, db_url) as service:
        found = service.leads(cli_actor(), _console(), state=state, limit=limit)
    table = Table("lead", "state", "priority", "status", "aor", "expires", "list ref")
    for lead in found:
        table.add_row(
            lead.lead_id,
            lead.state,
            str(lead.priority),
            str(lead.status_code),
            str(lead.aor or ""),
            str(lead.expires_on or ""),
            str(lead.list_ref or ""),
        )
    console.print(table)


@leads_app.command("sample")
def sample_cmd(
    job_id: str,
    data: DataOpt = None,
    db_url: UrlOpt = None,
    pending: Annotated[bool, typer.Option("--pending")] = False,
) -> None:
    """The job's audit sample, blind (no band, no score)."""
    _run(data, db_url, lambda s: s.sample(job_id, cli_actor(), pending))


@leads_app.command("review")
def review_cmd(
    job_id: str,
    item_id: str,
    verdict: Annotated[str, typer.Argument(help="SAME, DIFFERENT, MISSED or UNSURE.")],
    data: DataOpt = None,
    db_url: UrlOpt = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Record a blind verdict on one sampled row."""
    _run(data, db_url, lambda s: s.review_sample(job_id, item_id, cli_actor(), verdict, note))


@leads_app.command("confirm")
def confirm_cmd(lead_id: str, note: NoteOpt, data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Confirm identity after a fresh re-check (a citizenship sign diverts instead)."""
    _run(data, db_url, lambda s: s.confirm(lead_id, cli_actor(), note))


@leads_app.command("reject")
def reject_cmd(lead_id: str, note: NoteOpt, data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Take a lead out before the field."""
    _run(data, db_url, lambda s: s.reject(lead_id, cli_actor(), note))


@leads_app.command("assign")
def assign_cmd(
    lead_id: str,
    data: DataOpt = None,
    db_url: UrlOpt = None,
    aor: Annotated[str | None, typer.Option("--aor", help="Override the computed AOR.")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Package and assign to the field office (once the job's precision holds)."""
    _run(data, db_url, lambda s: s.assign(lead_id, cli_actor(), note, aor))


@leads_app.command("expire")
def expire_cmd(data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Expire open leads past their date (they must be re-vetted)."""
    _run(data, db_url, lambda s: s.expire_due(cli_actor()))


@leads_app.command("metrics")
def metrics_cmd(data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """Lead quality from field outcomes per list, source, band and AOR."""
    _run(data, db_url, lambda s: s.metrics(cli_actor()))


@leads_app.command("diversions")
def diversions_cmd(
    data: DataOpt = None,
    db_url: UrlOpt = None,
    job_id: Annotated[str | None, typer.Option("--job")] = None,
) -> None:
    """The citizenship-review list."""
    _run(data, db_url, lambda s: s.diversions(cli_actor(), job_id))
