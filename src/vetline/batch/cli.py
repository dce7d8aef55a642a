"""``vetline batch LIST --purpose P --authority A --out DIR``: a batch job from the console.

Thin: parse, build the ``JobRequest``, call the batch service (the API job calls the same),
draw Rich progress that moves, print the counts. Re-running the same command on the same
``--out`` resumes a killed job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from vetline.errors import BadInput
from vetline.settings import resolve_data_dir

console = Console()
err_console = Console(stderr=True)

batch_app = typer.Typer(
    help="Vet a whole list (CSV, Parquet, JSONL, or a built-in list) through the person core.",
    invoke_without_command=True,
    no_args_is_help=False,
    # one command, not a group of them: options may follow LIST (``vetline batch L --out D``)
    context_settings={"allow_interspersed_args": True},
)


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    with Progress(
        TextColumn("[bold]{task.description:<20}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        refresh_per_second=4,
    ) as bars:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = int(bars.add_task(stage, total=total or None))
            bars.update(tasks[stage], completed=done, total=total or None)  # type: ignore[arg-type]

        yield report


@batch_app.callback()
def batch(
    list_file: Annotated[
        Path | None, typer.Argument(help="The list: .csv, .parquet or .jsonl in extract columns.")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="Why this list is vetted.")] = "",
    authority: Annotated[
        str, typer.Option("--authority", help="Legal authority (SORN routine use).")
    ] = "",
    out: Annotated[Path | None, typer.Option("--out", help="Result folder (resumes).")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Built data folder.")] = None,
    source_name: Annotated[str | None, typer.Option("--source-name")] = None,
    source_version: Annotated[str | None, typer.Option("--source-version")] = None,
    ref_column: Annotated[
        str | None, typer.Option("--ref-column", help="The list's own reference column.")
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb | spark")] = "duckdb",
    spark_master: Annotated[str, typer.Option("--spark-master")] = "local[*]",
    workers: Annotated[int, typer.Option("--workers", min=1, max=64)] = 1,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default: today).")
    ] = None,
    chunk_rows: Annotated[int | None, typer.Option("--chunk-rows", min=1)] = None,
    policy_file: Annotated[
        Path | None, typer.Option("--policy", help="Batch policy TOML (default: shipped).")
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--list", help="A built-in list instead of LIST: interpol | overstays."),
    ] = None,
    roster_facility: Annotated[
        str | None,
        typer.Option(
            "--roster-facility",
            help="LIST is this facility's jail roster: vet only bookings new since its last.",
        ),
    ] = None,
) -> None:
    """Vet LIST into --out: results.parquet, citizenship.csv, rejects.csv, audit sample,
    manifest.json. Re-run the same command to resume a killed job."""
    from vetline.batch.job import JobRequest, run_job
    from vetline.batch.policy import load_batch_policy

    if out is None:
        raise BadInput("out", "required: the result folder")
    policy = load_batch_policy(policy_file)
    if chunk_rows is not None:
        policy = policy.model_copy(
            update={"job": policy.job.model_copy(update={"chunk_rows": chunk_rows})}
        )
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise BadInput("as_of", f"a date is YYYY-MM-DD, not {as_of!r}") from None
    import getpass

    from vetline.batch.lists import after_finish, choose_list

    data_dir = resolve_data_dir(data)
    choice = choose_list(list_file, preset, roster_facility, data_dir, out, day or date.today())
    if choice.empty_reason:
        after_finish(choice, data_dir)
        console.print(f"nothing to vet: {choice.empty_reason}")
        return
    request = JobRequest(
        list_path=choice.path, purpose=purpose, authority=authority,
        requester=f"cli:{getpass.getuser()}", data_dir=data_dir,
        source_name=source_name or (None if choice.kind == "file" else choice.kind),
        source_version=source_version, ref_column=ref_column, engine=engine,
        spark_master=spark_master, workers=workers, as_of=day, list_kind=choice.kind,
        extra=choice.details,
    )  # fmt: skip
    with _progress() as progress:
        manifest = run_job(request, out, policy, progress=progress)
    after_finish(choice, data_dir)
    table = Table(title=f"batch job {manifest['job_id']}: {manifest['input_rows']} rows")
    table.add_column("band")
    table.add_column("rows", justify="right")
    for band, n in manifest["counts"].items():
        table.add_row(band, str(n))
    table.add_row("lead candidates", str(manifest["lead_candidates"]))
    table.add_row("citizenship review", str(manifest["citizenship_rows"]))
    console.print(table)
    console.print(f"results: {out / 'results.parquet'}  sha256 {manifest['result_sha256']}")
