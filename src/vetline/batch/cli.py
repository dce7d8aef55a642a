"""``vetline batch LIST --purpose P --authority A --out DIR``: a batch job from the console.

Thin: parse, build the ``JobRequest``, call the batch service (the API job calls the same),
draw Rich progress that moves, print the counts. Re-running the same command on the same
``--out`` resumes a killed job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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

if TYPE_CHECKING:
    from vetline.batch.encounters import EncounterPort
    from vetline.batch.job import JobRequest
    from vetline.batch.policy import BatchPolicy

console = Console()
err_console = Console(stderr=True)

batch_app = typer.Typer(
    help="Vet a whole list (CSV, Parquet, JSONL, or a built-in list) through the person core.",
    invoke_without_command=True,
    no_args_is_help=False,
    # one command, not a group of them: options may follow LIST (``vetline batch L --out D``)
    context_settings={"allow_interspersed_args": True},
)


#: Opens the port a roster job's in-custody persons go to (``vetline.encounters``, wired by
#: ``vetline.cli``: batch imports no other workflow); none: they stay in encounters.csv.
_ENCOUNTERS: list[Callable[[Path], AbstractContextManager[EncounterPort]]] = []


def use_encounters(factory: Callable[[Path], AbstractContextManager[EncounterPort]]) -> None:
    """Have ``vetline batch ROSTER --roster-facility F`` tell the vetting centre."""
    _ENCOUNTERS[:] = [factory]


def _tell(manifest: dict[str, Any], out: Path, policy: BatchPolicy, data_dir: Path) -> None:
    """A finished roster job's in-custody persons to the vetting centre (the API's runner
    calls the same ``BatchService.tell_encounters``)."""
    from vetline.batch.service import BatchService
    from vetline.db.cli import open_database

    if not _ENCOUNTERS:
        return
    facility = manifest["list_details"]["facility"]
    database = open_database(data_dir, None)
    try:
        with _ENCOUNTERS[0](data_dir) as port:
            service = BatchService(database, data_dir, policy, encounters=port)
            told = service.tell_encounters(manifest["job_id"], out, facility)
    finally:
        database.dispose()
    if told is not None:
        console.print(
            f"vetting centre told of {told.told} in-custody bookings "
            f"({told.answered} answered at once, {told.refused} refused by the desk)"
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


def _audited_run(
    request: JobRequest, out: Path, policy: BatchPolicy, data_dir: Path
) -> dict[str, Any]:
    """Run the job with Rich progress; its start and end go to the audit trail of the data
    folder's database (console actions are audited like API calls)."""
    from datetime import UTC, datetime

    from vetline.audit.events import EventType
    from vetline.batch.job import run_job, start
    from vetline.batch.layout import done_chunks
    from vetline.batch.service import audit_console_job
    from vetline.db.cli import cli_actor, open_database

    resumed = bool(done_chunks(out))
    spec = start(request, out, policy, datetime.now(UTC))
    database, actor = open_database(data_dir, None), cli_actor()
    try:
        audit_console_job(
            database, actor, EventType.BATCH_JOB_STARTED, {**spec, "resumed": resumed}
        )
        try:
            with _progress() as progress:
                manifest = run_job(request, out, policy, progress=progress)
        except Exception as exc:
            audit_console_job(database, actor, EventType.BATCH_JOB_FINISHED, spec,
                              failed=f"{type(exc).__name__}: {exc}")  # fmt: skip
            raise
        audit_console_job(database, actor, EventType.BATCH_JOB_FINISHED, manifest)
    finally:
        database.dispose()
    return manifest


def _measure(out: Path, judged: Path, data: Path | None) -> None:
    """The filled sample's verdicts into the one store (audited), then the precision per
    band from every stored verdict of the job's sample (the leads' reviews included)."""
    from vetline.batch.finish import read_manifest
    from vetline.batch.review import measure, record_judged, stored_precision
    from vetline.db import UnitOfWork
    from vetline.db.cli import cli_actor, open_database

    result = measure(out, judged)
    database = open_database(resolve_data_dir(data), None)
    try:
        with UnitOfWork(database, cli_actor(), write=True) as uow:
            new = record_judged(uow, out, judged)
            uow.audit(
                "BATCH_SAMPLE_REVIEWED", object_type="batch_job",
                object_id=str(read_manifest(out)["job_id"]),
                details={"judged_file": judged.name, "verdicts_stored": new},
            )  # fmt: skip
            uow.commit()
        with UnitOfWork(database, cli_actor(), read_only=True) as uow:
            result = stored_precision(uow, out) or result
    finally:
        database.dispose()
    table = Table(title=f"measured per band (blind review by {', '.join(result['reviewers'])})")
    for column in ("band", "judged", "same person", "share", "95% CI", "meaning"):
        table.add_column(column)
    for band, m in result["bands"].items():
        share = "-" if m["share_same_person"] is None else f"{m['share_same_person']:.3f}"
        ci = f"{m['ci95'][0]:.3f}–{m['ci95'][1]:.3f}"
        table.add_row(band, str(m["judged"]), str(m["same_person"]), share, ci, m["meaning"])
    console.print(table)


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
    spark_master: Annotated[
        str, typer.Option("--spark-master", envvar="VETLINE_SPARK_MASTER")
    ] = "local[*]",
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
    judged: Annotated[
        Path | None,
        typer.Option(
            "--judged",
            help="The filled audit sample of the job in --out: measure precision per band.",
        ),
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
    from vetline.batch.job import JobRequest
    from vetline.batch.policy import load_batch_policy

    if out is None:
        raise BadInput("out", "required: the result folder")
    if judged is not None:
        _measure(out, judged, data)
        return
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
    manifest = _audited_run(request, out, policy, data_dir)
    after_finish(choice, data_dir)
    if choice.kind == "roster":
        _tell(manifest, out, policy, data_dir)
    table = Table(title=f"batch job {manifest['job_id']}: {manifest['input_rows']} rows")
    table.add_column("band")
    table.add_column("rows", justify="right")
    for band, n in manifest["counts"].items():
        table.add_row(band, str(n))
    table.add_row("lead candidates", str(manifest["lead_candidates"]))
    table.add_row("citizenship review", str(manifest["citizenship_rows"]))
    console.print(table)
    console.print(f"results: {out / 'results.parquet'}  sha256 {manifest['result_sha256']}")
