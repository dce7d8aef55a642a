"""The demo's batch step: the demo world's INTERPOL notices, vetted, and two days of a
287(g) partner jail's roster sent as ``demo.partner`` (README demo).

The loaded notices go through ``run_job`` like any list, into
``<data>/batch/demo-interpol`` (replaced on each demo run: the demo world is regenerated
each time). The overstay list is the leads demo's step (``vetline.demo.overstay_leads``
runs it as a batch job into ``<data>/batch/demo-overstays`` and imports it into leads),
so it is not run twice here.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from vetline.batch.job import JobRequest, run_job
from vetline.batch.lists import choose_list
from vetline.batch.policy import load_batch_policy
from vetline.progress import ProgressFn, no_progress

AUTHORITY = "DHS/ICE-011 CARIER routine use (demo)"


def demo_lists(
    data_dir: Path, as_of: date, progress: ProgressFn = no_progress
) -> list[tuple[Path, dict[str, Any]]]:
    """Vet the demo world's INTERPOL notices; (result folder, manifest)."""
    done = []
    for preset, purpose in (("interpol", "INTERPOL open files vetted against all records (demo)"),):
        out = data_dir / "batch" / f"demo-{preset}"
        shutil.rmtree(out, ignore_errors=True)
        choice = choose_list(None, preset, None, data_dir, out, as_of)
        request = JobRequest(
            list_path=choice.path, purpose=purpose, authority=AUTHORITY, requester="demo",
            data_dir=data_dir, source_name=preset, as_of=as_of, list_kind=choice.kind,
            extra=choice.details,
        )  # fmt: skip
        done.append((out, run_job(request, out, load_batch_policy(), progress=progress)))
    return done


#: The demo's 287(g) partner: its agency ORI and one of its jails (``data/batch.toml``).
DEMO_PARTNER_ORI = "CA0370000"
DEMO_FACILITY = "CA037013C"


def _roster_file(data_dir: Path, as_of: date, newest_left_out: int, out: Path) -> Path:
    """The jail's roster: the demo world's 40 latest arrests up to ``as_of`` as bookings of
    the demo facility, less the ``newest_left_out`` newest (not booked yet that day)."""
    import duckdb

    from vetline.batch.layout import publish
    from vetline.records.current import current_rows_sql

    criminal = current_rows_sql(data_dir, "criminal")  # each record's newest version
    tmp = out.with_name(f".{out.name}.tmp")
    target = str(tmp).replace("'", "''")
    con = duckdb.connect()
    try:
        con.execute(
            f"""COPY (
            WITH recent AS (
                SELECT *, row_number() OVER (ORDER BY arrest_date DESC, record_id DESC) AS k
                FROM ({criminal})
                WHERE length(arrest_date) = 10 AND arrest_date <= '{as_of.isoformat()}')
            SELECT record_id AS booking_id, last_name, first_name, middle_name, dob, sex,
                   a_number, fin, fbi_number, sid, arrest_date AS booking_date,
                   '{DEMO_FACILITY}' AS facility_ori
            FROM recent WHERE k <= 40 AND k > {int(newest_left_out)}
            ORDER BY arrest_date, record_id) TO '{target}' (HEADER, DELIMITER ',')"""
        )
    finally:
        con.close()
    publish(tmp, out)
    return out


def demo_rosters(database: Any, data_dir: Path, as_of: date, encounters: Any = None) -> list[Any]:
    """Two days of a partner jail's roster, sent as the demo's partner officer would
    (``POST /v1/rosters``: the same ``submit_roster``) and vetted by the runner: day 2
    vets only the bookings new since day 1; with ``encounters`` wired (the demo wires the
    desk and the vetting centre) the in-custody persons reach the vetting centre."""
    from vetline.auth.roles import RowScope, ScopeKind
    from vetline.batch.presets import roster_folder
    from vetline.batch.rosters import get_roster, submit_roster
    from vetline.batch.runner import BatchRunner
    from vetline.batch.service import BatchService
    from vetline.db import Actor

    store = data_dir / "store"
    if not (store / "criminal.parquet").exists():
        return []
    shutil.rmtree(roster_folder(data_dir, DEMO_FACILITY), ignore_errors=True)  # a new world
    folder = data_dir / "batch" / "demo-rosters"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    service = BatchService(database, data_dir, load_batch_policy(), encounters=encounters)
    actor = Actor(user_id=None, username="demo.partner", role="partner_officer",
                  ori=DEMO_PARTNER_ORI, via="cli")  # fmt: skip
    scope = RowScope(ScopeKind.OWN_ORI, DEMO_PARTNER_ORI)
    shown = []
    for day, left_out in (("day1", 10), ("day2", 0)):  # day 2: ten new bookings
        roster = _roster_file(data_dir, as_of, left_out, folder / f"roster-{day}.csv")
        job = submit_roster(service, roster.read_bytes(), roster.name, DEMO_FACILITY, {},
                            actor, scope)  # fmt: skip
        BatchRunner(service).run_pending()
        shown.append(get_roster(service, job.job_id, actor, scope))
    return shown
