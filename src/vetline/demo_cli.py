"""``vetline demo``: one command for a newcomer, and what it prints on the way.

Split from ``cli.py``: the demo strings the other commands' steps together (synthesise,
ingest, build, sample queries, a batch job, roster jobs, leads, serve) and prints each
step's result; ``cli.py`` registers it beside the commands it repeats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vetline.cli_common import DataOpt, console, print_build, print_ingest, rich_progress, say


def demo(
    data: DataOpt = None,
    persons: Annotated[int, typer.Option("--persons", min=1)] = 2_000,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Stop after the sample queries.")
    ] = False,
) -> None:
    """One command for a newcomer: synthesise a small world, ingest, build, serve."""
    from vetline import demo as demo_mode
    from vetline.records import ingest_extract
    from vetline.resolve.symbol_cache import SymbolWorker
    from vetline.synth import NoiseConfig, generate_extract

    settings = demo_mode.demo_settings(data)  # read once; the demo's defaults on top
    data_dir = settings.data
    extract_dir = data_dir / "demo-extract"
    # The name library loads in its own process (a daemon: it ends with this one) while
    # the world is made and loaded: 8-15 s of the build otherwise (resolve/symbol_cache.py).
    names = SymbolWorker()
    console.rule("[bold]vetline demo")
    console.print(f"1. synthesising {persons:,} people into {extract_dir}")
    with rich_progress() as progress:
        synth_report = generate_extract(
            extract_dir, persons=persons, seed=seed, noise=NoiseConfig(), progress=progress
        )
    console.print(f"   {sum(synth_report.records_per_source.values()):,} source records written")
    console.print(f"2. ingesting into {data_dir}")
    with rich_progress() as progress:
        report = ingest_extract(extract_dir, data_dir, progress=progress)
    print_ingest(report)
    console.print("3. resolving records into persons and building the query index")
    from vetline.resolve import build_persons

    with rich_progress() as progress:
        built = build_persons(data_dir, progress=progress, retrain=True, names=names)
    names.close()
    print_build(built, data_dir)

    console.print("4. demo accounts and sample queries through the query desk")
    logins = demo_mode.create_demo_users(data_dir, settings)
    _print_showcase(*demo_mode.show_range(data_dir, settings), f"http://{host}:{port}")
    _demo_batch(data_dir)
    console.print("6. a batch job (the built-in overstay list) into leads")
    _print_leads(demo_mode.overstay_leads(data_dir, settings))
    logins_table = Table(title=f"demo logins (password: {demo_mode.DEMO_PASSWORD})")
    for col in ("username", "role", "scope"):
        logins_table.add_column(col)
    for login in logins:
        logins_table.add_row(login.username, login.role.value, login.ori or login.aor or "")
    console.print(logins_table)  # --no-serve too: the logins are what a newcomer needs next
    if no_serve:
        return
    url = f"http://{host}:{port}"
    console.rule(f"[bold]web app: {url}/web/  (API docs: {url}/docs, Ctrl-C to stop)")
    from vetline.serve import run

    run(settings, host, port, say=say)


def _demo_batch(data_dir: Path) -> None:
    """The demo world's INTERPOL notices as a batch job (issue 16)."""
    import json
    from datetime import date

    from vetline.batch.demo import demo_lists

    console.print("5. batch vetting: the loaded INTERPOL notices (vetline batch --list interpol)")
    world = json.loads((data_dir / "demo-extract" / "world.json").read_text(encoding="utf-8"))
    with rich_progress() as progress:
        jobs = demo_lists(data_dir, date.fromisoformat(world["as_of"]), progress)
    table = Table(title="batch jobs (results, citizenship.csv, manifest.json in each folder)")
    for col in ("folder", "rows", "STRONG", "REVIEW", "lead candidates", "citizenship review"):
        table.add_column(col)
    for out, m in jobs:
        table.add_row(str(out), str(m["input_rows"]), str(m["counts"]["STRONG"]),
                      str(m["counts"]["REVIEW"]), str(m["lead_candidates"]),
                      str(m["citizenship_rows"]))  # fmt: skip
    console.print(table)
    _demo_rosters(data_dir, date.fromisoformat(world["as_of"]))


def _demo_rosters(data_dir: Path, as_of: Any) -> None:
    """Two days of a 287(g) partner jail's roster, as demo.partner sends them (issue 16)."""
    from vetline.batch.demo import DEMO_FACILITY, demo_rosters
    from vetline.db.cli import open_database
    from vetline.encounters import console_encounters

    console.print(f"   a 287(g) partner jail's roster ({DEMO_FACILITY}), two days, as demo.partner")
    database = open_database(data_dir, None)
    try:
        with console_encounters(data_dir) as port:
            jobs = demo_rosters(database, data_dir, as_of, port)
    finally:
        database.dispose()
    table = Table(title="roster jobs (demo.partner: GET /v1/rosters; in custody → vetting)")
    for col in ("job", "roster rows", "new bookings", "STRONG", "REVIEW", "citizenship"):
        table.add_column(col)
    for job in jobs:
        table.add_row(job.job_id[:8], str(job.roster_rows), str(job.new_bookings),
                      str(job.counts.get("STRONG", 0)), str(job.counts.get("REVIEW", 0)),
                      str(job.citizenship_rows or 0))  # fmt: skip
    console.print(table)


def _print_leads(summary: dict[str, Any]) -> None:
    if summary.get("note"):
        console.print(f"   {summary['note']}")
        return
    console.print(
        f"   job {summary['job_id']}: {summary['rows']:,} rows, "
        f"{summary['leads_created']} leads (NEW: a lead analyst confirms each), "
        f"{summary['citizenship_diverted']} listed for citizenship review, "
        f"{sum(summary['sampled'].values())} rows in the blind audit sample "
        "(demo.leads: /v1/leads/jobs/demo-overstays/sample)"
    )


def _print_showcase(shown: list[Any], sent: int, api: str) -> None:
    from vetline.desk.service.showcase import render

    console.print(f"   {sent} sample queries sent; one answer of each kind:", highlight=False)
    for number, one in enumerate(shown, start=1):
        for line in render(one, number, api):
            console.print(line, highlight=False, markup=False, soft_wrap=True)
    console.print(
        "   (TOKEN and analyst.jar: README, 'Use the API'; all queries: GET /v1/iar)",
        highlight=False,
        markup=False,
    )
