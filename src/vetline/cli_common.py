"""What the top-level commands share: the consoles, the progress bars, the ``--data``
option, ``say`` and the reports ``ingest`` and ``build`` print.

Split from ``cli.py`` so the demo's command (``demo_cli.py``), which prints the same
reports, need not import the command line that registers it (no import cycle).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()
err_console = Console(stderr=True)

DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Data folder (default: $VETLINE_DATA, else ./vetline-data)."),
]


@contextmanager
def rich_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A ``(stage, done, total)`` callback drawing one Rich bar per stage."""
    with Progress(
        TextColumn("[bold]{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as bars:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = int(bars.add_task(stage, total=total or None))
            bars.update(tasks[stage], completed=done, total=total or None)  # type: ignore[arg-type]

        yield report


def say(line: str) -> None:
    """One progress line for a long-running command (flushed at once: ``serve`` is watched)."""
    console.print(line, highlight=False, soft_wrap=True)


def print_ingest(report: object) -> None:
    from vetline.records import IngestReport

    assert isinstance(report, IngestReport)
    table = Table(title=f"ingest → {report.store_dir}")
    columns = ("source", "accepted", "of which updated", "rejected", "already loaded")
    for col in (*columns, "fields set aside"):
        table.add_column(col, justify="left" if col == "source" else "right")
    for source, counts in report.sources.items():
        table.add_row(
            source,
            f"{counts.accepted:,}",
            f"{counts.updated:,}",
            f"{counts.rejected:,}",
            f"{counts.duplicate:,}",
            f"{counts.set_aside:,}",
        )
    console.print(table)
    if report.reject_lines:
        console.print(
            f"rejected rows and set-aside fields, with their reasons: {report.rejects_path}",
            soft_wrap=True,
        )
    for source, counts in report.sources.items():
        if counts.file_rejected:
            console.print(f"{counts.file or source}: rejected whole: {counts.file_rejected}")
        if counts.ignored_columns:
            ignored = ", ".join(counts.ignored_columns)
            console.print(
                f"{counts.file or source}: columns not in the contract, not loaded: {ignored}"
            )
    if report.ignored_files:
        console.print(f"ignored (not source files): {', '.join(report.ignored_files)}")
    console.print(f"loaded in {report.seconds:.1f} s")


def print_build(report: object, data_dir: Path) -> None:
    from vetline.resolve import BuildReport

    assert isinstance(report, BuildReport)
    table = Table(title=f"build → {data_dir}")
    for col in ("records", "persons", "pairs", "kept ids", "new ids", "model"):
        table.add_column(col, justify="right")
    table.add_row(
        f"{report.records:,}",
        f"{report.persons:,}",
        f"{report.pairs:,}",
        f"{report.persons_kept:,}",
        f"{report.persons_new:,}",
        "trained" if report.trained else "reused",
    )
    console.print(table)
    console.print(f"built with {report.engine} in {report.total_seconds:.1f} s")
