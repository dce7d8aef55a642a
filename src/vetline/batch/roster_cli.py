"""``vetline rosters``: roster jobs from the console, through the functions the API's
``/v1/rosters`` routes call (``rosters.py``: one service function per command).

The console operator acts for the centre (row scope ALL, audited as ``cli:<login>``):
it may queue any facility's roster (the serve process's runner vets it, as for an API
submission) and read every roster job. Partner officers use the API, scoped to their ORI.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from vetline.db.cli import DataOpt, UrlOpt, cli_actor, open_database
from vetline.settings import resolve_data_dir

rosters_app = typer.Typer(help="Jail-roster jobs (287(g) partners, CAP): queue, list, read.")


@contextmanager
def _service(data: Path | None, url: str | None) -> Iterator[Any]:
    from vetline.batch.policy import load_batch_policy
    from vetline.batch.service import BatchService

    database = open_database(data, url)
    try:
        yield BatchService(database, resolve_data_dir(data), load_batch_policy())
    finally:
        database.dispose()


def _scope() -> Any:
    from vetline.auth.roles import RowScope, ScopeKind

    return RowScope(ScopeKind.ALL)


def _print(call: Callable[[Any], Any], data: Path | None, url: str | None) -> None:
    from pydantic_core import to_jsonable_python

    from vetline.auth.errors import NotFound
    from vetline.errors import BadInput

    with _service(data, url) as service:
        try:
            out = to_jsonable_python(call(service), by_alias=True)
        except NotFound as exc:
            raise BadInput("job_id", str(exc)) from None
    typer.echo(json.dumps(out, indent=2, sort_keys=True))


@rosters_app.command("submit")
def submit_cmd(
    roster: Annotated[Path, typer.Argument(help="The roster: .csv, .parquet or .jsonl.")],
    facility: Annotated[str, typer.Option("--facility", help="ORI of the jail.")],
    purpose: Annotated[str | None, typer.Option("--purpose")] = None,
    authority: Annotated[str | None, typer.Option("--authority")] = None,
    data: DataOpt = None,
    db_url: UrlOpt = None,
) -> None:
    """Queue a facility's roster (vetted by the server's runner: new bookings only)."""
    from vetline.batch.rosters import submit_roster
    from vetline.errors import BadInput

    if not roster.is_file():
        raise BadInput("roster", f"no such file: {roster}")
    content, fields = roster.read_bytes(), {"purpose": purpose, "authority": authority}
    _print(
        lambda s: submit_roster(s, content, roster.name, facility, fields, cli_actor(), _scope()),
        data, db_url,
    )  # fmt: skip


@rosters_app.command("list")
def list_cmd(data: DataOpt = None, db_url: UrlOpt = None, limit: int = 100) -> None:
    """Roster jobs, newest first (JSON)."""
    from vetline.batch.rosters import list_rosters

    _print(lambda s: list_rosters(s, cli_actor(), _scope(), limit), data, db_url)


@rosters_app.command("show")
def show_cmd(job_id: str, data: DataOpt = None, db_url: UrlOpt = None) -> None:
    """One roster job: state, progress, roster rows, new bookings, counts (JSON)."""
    from vetline.batch.rosters import get_roster

    _print(lambda s: get_roster(s, job_id, cli_actor(), _scope()), data, db_url)


@rosters_app.command("results")
def results_cmd(
    job_id: str,
    data: DataOpt = None,
    db_url: UrlOpt = None,
    offset: int = 0,
    limit: int = 1000,
) -> None:
    """A page of a finished roster job's results, one row per new booking (JSON)."""
    from vetline.batch.rosters import roster_results

    _print(
        lambda s: roster_results(s, job_id, cli_actor(), _scope(), offset=offset, limit=limit),
        data, db_url,
    )  # fmt: skip
