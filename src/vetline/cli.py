"""The ``vetline`` command line: parse arguments, call the same services the API calls.

Nothing here decides anything; each command is a few lines that resolve paths, call a
service and print its report. Heavy imports happen inside the commands, and each
sub-command group (``LAZY_GROUPS``) is imported when it is named (``vetline --help`` lists
it from its help kept there), so a one-shot command imports only what it uses (a cold
``vetline query`` 2.4 → 1.4 s, ``vetline --help`` 1.8 → 0.2 s).

Edit here: a new top-level command is a function with ``@app.command()``; a new group of
commands is a Typer app in its package's ``cli.py``, named in ``LAZY_GROUPS`` with its help.
The consoles, progress bars and ``ingest``/``build`` reports are ``cli_common.py``'s; the
``demo`` command is ``demo_cli.py``'s (registered here, after ``build``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from typer.core import TyperGroup
from typer.models import TyperInfo

from vetline.cli_common import (
    DataOpt,
    console,
    err_console,
    print_build,
    print_ingest,
    rich_progress,
    say,
)
from vetline.demo_cli import demo
from vetline.errors import BadInput
from vetline.settings import Settings, resolve_data_dir

if TYPE_CHECKING:  # Typer carries its own copy of click: its types, not click's
    from typer._click import Command, Context, HelpFormatter

#: The sub-command groups, each imported when it is named (``vetline users …``), never
#: before: ``vetline query``, ``--version`` and ``--help`` do not import the API, the PDFs
#: and the batch engines (1.2 of a cold query's 2.3 s, 1.6 of ``--help``'s 1.8 s,
#: bench ``bench_first_hour.py``). Order is the help listing's. name → (module, Typer
#: attribute, the Typer's ``help``: listed by ``vetline --help`` without the import; a
#: test holds it equal to the module's own).
LAZY_GROUPS: dict[str, tuple[str, str, str]] = {
    "users": ("vetline.auth.cli", "users_app", "User accounts: add, list, disable."),
    "audit": ("vetline.audit.cli", "audit_app", "Audit trail: verify, search, export."),
    "db": ("vetline.db.cli", "db_app", "Application database: migrations."),
    "batch": (
        "vetline.batch.cli",
        "batch_app",
        "Vet a whole list (CSV, Parquet, JSONL, or a built-in list) through the person core.",
    ),
    "tokens": (
        "vetline.api.tokens_cli",
        "tokens_app",
        "API tokens for one's own account: create (shown once), list.",
    ),
    "leads": (
        "vetline.leads.cli",
        "leads_app",
        "Leads: import batch results, review the audit sample, confirm, assign, outcomes.",
    ),
    "rosters": (
        "vetline.batch.roster_cli",
        "rosters_app",
        "Jail-roster jobs (287(g) partners, CAP): queue, list, read.",
    ),
    "cases": (
        "vetline.vetting.cli",
        "cases_app",
        "Vetting cases: list, show, open, intake, revet, sweep, notices.",
    ),
}


class LazyGroup(TyperGroup):
    """The top-level group: the commands defined here, then :data:`LAZY_GROUPS` on demand
    (while the help lists the commands, an unloaded group is a stand-in with its help)."""

    _listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in LAZY_GROUPS if n not in self.commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in LAZY_GROUPS and cmd_name not in self.commands:
            if self._listing:
                return TyperGroup(name=cmd_name, help=LAZY_GROUPS[cmd_name][2])
            self.add_command(_load_group(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


def _load_group(name: str) -> Command:
    """Import one sub-command group, wire the ports its commands use, and build it."""
    from importlib import import_module

    module, attribute, _ = LAZY_GROUPS[name]
    sub_app = getattr(import_module(module), attribute)
    if name in ("batch", "rosters", "leads"):
        _wire_ports()
    # as ``app.add_typer(sub_app, name=name)`` would build it: the top level's settings
    # (plain help, no completion options), not the sub-app's defaults
    return typer.main.get_group_from_info(
        TyperInfo(sub_app, name=name),
        pretty_exceptions_short=app.pretty_exceptions_short,
        suggest_commands=app.suggest_commands,
        rich_markup_mode=app.rich_markup_mode,
    )


app = typer.Typer(
    cls=LazyGroup,
    name="vetline",
    help="Immigration-status query and vetting: synthesise, ingest, resolve, answer.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help (click's): Typer's Rich panels label every flag ``<bool>`` as if it took
    # a value (``--no-serve <bool>``, even ``--help <bool>``), and wrap past 80 columns.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"vetline {version('vetline')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Immigration-status query and vetting: synthesise, ingest, resolve, answer."""


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the extract into.")],
    persons: Annotated[int, typer.Option("--persons", min=1, help="Number of people.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same world).")] = 1,
    fmt: Annotated[str, typer.Option("--format", help="csv | parquet | jsonl")] = "csv",
    noise: Annotated[
        Path | None,
        typer.Option(
            "--noise", help="TOML file overriding noise rates (and a [lookalikes] table)."
        ),
    ] = None,
) -> None:
    """Write a synthetic world as an extract, with truth.csv and person_facts.csv."""
    from vetline.synth import LookalikeConfig, NoiseConfig, generate_extract

    noise_config = NoiseConfig.from_toml(noise) if noise else NoiseConfig()
    lookalikes = LookalikeConfig.from_toml(noise) if noise else LookalikeConfig()
    with rich_progress() as progress:
        report = generate_extract(
            out,
            persons=persons,
            seed=seed,
            noise=noise_config,
            fmt=fmt,
            progress=progress,
            lookalikes=lookalikes,
        )
    table = Table(title=f"synthetic world → {out}")
    table.add_column("source")
    table.add_column("records", justify="right")
    for source, n in report.records_per_source.items():
        table.add_row(source, f"{n:,}")
    total = sum(report.records_per_source.values())
    table.add_row("[bold]total", f"[bold]{total:,}")
    console.print(table)
    console.print(
        f"{report.persons:,} persons, {total:,} records in {report.seconds:.1f} s "
        f"({total / max(report.seconds, 1e-9):,.0f} records/s)"
    )


@app.command()
def ingest(
    extract: Annotated[Path, typer.Argument(help="Extract folder (one file per source).")],
    data: DataOpt = None,
) -> None:
    """Validate, normalise and load an extract into the record store (idempotent)."""
    from vetline.records import ingest_extract

    data_dir = resolve_data_dir(data)
    with rich_progress() as progress:
        report = ingest_extract(extract, data_dir, progress=progress)
    print_ingest(report)
    whole = [
        f"{c.file or s}: {c.file_rejected}" for s, c in report.sources.items() if c.file_rejected
    ]
    if whole:  # none of such a file's rows were loaded: not a success, whatever the others did
        raise BadInput("extract", f"rejected whole (nothing of it loaded): {'; '.join(whole)}")


@app.command()
def build(
    data: DataOpt = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb | spark")] = "duckdb",
    retrain: Annotated[
        bool, typer.Option("--retrain", help="Re-estimate the model even if one exists.")
    ] = False,
    spark_master: Annotated[
        str,
        typer.Option(
            "--spark-master",
            envvar="VETLINE_SPARK_MASTER",
            help="With --engine spark: local[N], or a cluster's master URL (spark://HOST:7077).",
        ),
    ] = "local[2]",
) -> None:
    """Resolve all loaded records into persons (stable ids) and build the query index."""
    from vetline.person.records import MemoryRecords
    from vetline.resolve import build_persons

    data_dir = resolve_data_dir(data)
    with rich_progress() as progress:
        report = build_persons(
            data_dir, engine=engine, progress=progress, retrain=retrain, spark_master=spark_master
        )
        # The rows files every server worker maps (``person.shared_rows``), written now so
        # that the first ``vetline serve`` after a build starts warm: left to the server,
        # its first start at 10M records took 51-55 s instead of 7 s (bench/README.md).
        progress("served record rows", 0, 1)
        MemoryRecords.load(data_dir)
        progress("served record rows", 1, 1)
    print_build(report, data_dir)


app.command()(demo)  # vetline demo (demo_cli.py)


from vetline.updates import update_cmd  # noqa: E402 - light: its work is imported when run

app.command("update")(update_cmd)  # vetline update: a delta without a rebuild (issue 18)


def _vetting_for_leads() -> object:
    from vetline.leads.ports import OwnVetting
    from vetline.vetting.for_leads import CasesForLeads

    return CasesForLeads(OwnVetting())


def _roster_encounters(data_dir: Path) -> Any:
    from vetline.encounters import console_encounters

    return console_encounters(data_dir)


def _wire_ports() -> None:
    """Leads see open vetting cases, roster bookings in custody go to the vetting centre:
    the two packages import no sibling, so the command line (their composition root) joins
    them when either's commands are loaded."""
    from vetline.batch.cli import use_encounters
    from vetline.leads.cli import use_vetting

    use_vetting(_vetting_for_leads)
    use_encounters(_roster_encounters)


@app.command()
def query(
    data: DataOpt = None,
    json_text: Annotated[
        str | None, typer.Option("--json", help="One IAQ (JSON or Nlets text).")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="IAQs, one per line.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="IARs, one per line.")] = None,
    samples: Annotated[
        bool, typer.Option("--samples", help="Send the demo's sample queries of every type.")
    ] = False,
) -> None:
    """Answer IAQs through the API's own service; one IAR JSON per line, in input order."""
    from vetline.desk.service.cli import answer_all, bodies, open_desk, write_lines

    settings = Settings.load(data)
    data_dir = settings.data
    texts = list(bodies(json_text, file, data_dir if samples else None))
    desk = open_desk(data_dir, settings)
    refused = write_lines(answer_all(desk, texts), out)
    if refused:
        raise BadInput("query", f"{refused} of {len(texts)} queries refused (see their lines)")


@app.command()
def serve(
    data: DataOpt = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Worker processes (one per core).")
    ] = 1,
) -> None:
    """Serve the HTTP API (graceful shutdown on SIGTERM/Ctrl-C)."""
    from vetline.serve import run

    run(Settings.load(data), host, port, workers, say=say)


def main() -> None:
    """Console-script entry point: user errors exit 2 with one line, never a traceback."""
    try:
        app()
    except BadInput as exc:
        err_console.print(f"vetline: error: {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
