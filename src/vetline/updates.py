"""``vetline update``: apply what ``vetline ingest`` added or changed to the persons and the
index without a rebuild, audit every person whose records changed, and flag their open
vetting cases (issue 18 goal 4).

Composition, not domain: identity resolution (``vetline.resolve.delta``) must not know the
database, the audit trail or the vetting centre (``tests/test_layering.py``), so this
module wires them. ``update_persons`` calls ``record_changes`` *before* it swaps the new
persons and index in: one transaction holds one ``PERSON_RECORDS_CHANGED`` event per
changed person (records added, updated, moved in and out, persons merged, split or
retired) and the re-vetting flags of those persons' open cases
(``vetting.cases.flag_changed_persons``); if it cannot commit, nothing is swapped and the
records stay pending for the next run.

A running ``vetline serve`` notices the new index and reloads it (``resolve.generation``),
so a delta record is searchable without a restart.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from vetline.db.engine import Database
    from vetline.db.uow import Actor
    from vetline.resolve.delta import PersonChange, UpdateReport


class PersonEvent(StrEnum):
    """Audit event types of identity resolution's updates."""

    PERSON_RECORDS_CHANGED = "PERSON_RECORDS_CHANGED"


def _why(change: PersonChange) -> str:
    parts = [change.kind.lower()]
    for name, items in (
        ("added", change.added),
        ("updated", change.updated),
        ("moved in", change.moved_in),
        ("moved out", change.moved_out),
        ("merged from", change.merged_from),
    ):
        if items:
            parts.append(f"{len(items)} {name}")
    if change.split_from:
        parts.append(f"split from {change.split_from}")
    if change.retired_into:
        parts.append(f"retired into {change.retired_into}")
    return ", ".join(parts)


def record_changes(database: Database, actor: Actor, report: UpdateReport) -> int:
    """One audit event per changed person and the re-vetting flags, in one transaction.

    Returns the number of open cases flagged.
    """
    import vetline.audit  # noqa: F401  (installs the audit event writer)
    from vetline.db.uow import UnitOfWork
    from vetline.vetting.cases import flag_changed_persons

    with UnitOfWork(database, actor, write=True) as uow:
        for change in report.changes:
            uow.audit(
                PersonEvent.PERSON_RECORDS_CHANGED,
                object_type="person",
                object_id=change.person_id,
                reason=_why(change)[:300],
                details=change.to_json(),
            )
        flagged = flag_changed_persons(uow, {c.person_id: _why(c) for c in report.changes})
        uow.commit()
    return len(flagged)


def _database(folder: Path) -> Any:
    """The data folder's database, migrated, its commits anchored: the settings are read
    once here, as every console command reads them (``vetline.db.cli.open_database``)."""
    from vetline.db.cli import open_database

    return open_database(folder, None)


def update_cmd(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Data folder (default: $VETLINE_DATA, else ./vetline-data)."),
    ] = None,
) -> None:
    """Apply newly ingested and changed records to persons and index (no rebuild)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from vetline.desk.service.cli import console_actor
    from vetline.errors import BadInput
    from vetline.resolve.delta import update_persons
    from vetline.settings import resolve_data_dir

    folder = resolve_data_dir(data)
    if not folder.is_dir():
        raise BadInput("--data", f"{folder} is not a data folder (run `vetline ingest`)")
    database = _database(folder)
    actor = console_actor()
    flagged: list[int] = []
    console = Console()
    columns = (TextColumn("[bold]{task.description:<22}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True)) as bars:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total or None)
            bars.update(tasks[stage], completed=done, total=total or None)

        report = update_persons(
            folder,
            progress=progress,
            on_changes=lambda r: flagged.append(record_changes(database, actor, r)),
        )
    table = Table(title=f"update → {folder}")
    headings = ("new records", "changed", "persons changed", "created", "merged", "split",
               "retired", "cases flagged")  # fmt: skip
    for col in headings:
        table.add_column(col, justify="right")
    table.add_row(
        *(
            f"{n:,}"
            for n in (
                report.records_new,
                report.records_changed,
                len(report.changes),
                report.created,
                report.merged,
                report.split,
                report.retired,
                sum(flagged),
            )
        )
    )
    console.print(table)
    console.print(f"updated in {sum(report.seconds.values()):.1f} s")
