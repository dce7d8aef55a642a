"""Built-in lists (issue 16 item 8), derived from the loaded records with DuckDB, and the
jail-roster delta.

* ``interpol``: every open INTERPOL notice of the loaded ``interpol`` source, as a list
  (the notice's identity columns, ``list_ref`` = the notice id), vetted against all the
  other records through the person core.
* ``overstays``: the visa-violator strategy. A nonimmigrant ARRIVAL whose ``admit_until``
  has passed (as of the job's date), with no DEPARTURE of the same person on or after
  that arrival and no status record of the person starting after it (an adjustment, a
  grant, a pending application): the person's latest such arrival, one row per person.
  "Same person" is the build's persons (``persons/records.parquet``). Being on this list
  is a reason to look, never a finding: the person core decides as for any row.
* a jail roster (Criminal Alien Program / 287(g)): ``roster_delta`` keeps each facility's
  last roster and returns only the new bookings (by ``booking_id``, else name + date of
  birth + booking date); the job vets those, and the roster becomes the facility's
  previous one only when the job has finished (a killed job resumes on the same delta).

Edit here: a new built-in list (a function writing a list file in extract columns).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any, Final

import duckdb

from vetline.batch.layout import publish, temporary
from vetline.batch.listfile import IDENTITY_FIELDS, ROSTER_FIELDS, list_columns
from vetline.errors import BadInput
from vetline.records.current import current_rows_sql
from vetline.records.layout import source_file

PRESETS: Final[tuple[str, ...]] = ("interpol", "overstays")
_IDENTITY = ", ".join(IDENTITY_FIELDS)


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _store(data_dir: Path, source: str) -> str:
    """The loaded records of ``source`` as a SQL subquery (the store's one reader: each
    record's newest version, base or segment)."""
    if not source_file(data_dir, source).exists():
        raise BadInput("list", f"no loaded {source} records in {data_dir}; run `vetline ingest`")
    return f"({current_rows_sql(data_dir, source)})"


def _copy(sql: str, out: Path, tables: dict[str, Any] | None = None) -> Path:
    """``sql``'s rows to ``out``; ``tables``: Arrow tables the query reads by name."""
    tmp = temporary(out)
    con = duckdb.connect()
    try:
        for name, table in (tables or {}).items():
            con.register(name, table)
        con.execute(f"COPY ({sql}) TO {_q(tmp)} (FORMAT parquet)")
    finally:
        con.close()
    publish(tmp, out)
    return out


def interpol_list(data_dir: Path, out: Path) -> Path:
    """The loaded INTERPOL notices as a list file (Parquet), in record order."""
    return _copy(
        f"SELECT coalesce(notice_id, record_id) AS list_ref, {_IDENTITY} "
        f"FROM {_store(data_dir, 'interpol')} ORDER BY record_id",
        out,
    )


def overstay_list(data_dir: Path, as_of: date, nonimmigrant: frozenset[str], out: Path) -> Path:
    """Overstays derived from the loaded entry/exit records (module docstring)."""
    from vetline.resolve import layout as resolve_layout

    if not resolve_layout.has_persons(data_dir):
        raise BadInput("list", f"no persons in {data_dir}; run `vetline build` first")
    # the one reader of the person files: the build's base and every update's part
    persons = resolve_layout.read_person_records(data_dir, ["source", "record_id", "person_id"])
    classes = ", ".join("'" + c.replace("'", "''") + "'" for c in sorted(nonimmigrant))
    ee, st = _store(data_dir, "entry_exit"), _store(data_dir, "status")
    sql = f"""
    WITH p AS (SELECT source, record_id, person_id FROM persons_),
    ee AS (SELECT e.*, p.person_id FROM {ee} e
           JOIN p ON p.source = 'entry_exit' AND p.record_id = e.record_id),
    arrivals AS (
        SELECT * FROM ee
        WHERE event = 'ARRIVAL' AND admission_class IN ({classes})
          AND length(admit_until) = 10 AND admit_until < '{as_of.isoformat()}'
          AND length(event_date) >= 4),
    later AS (
        SELECT a.record_id FROM arrivals a JOIN ee d
          ON d.person_id = a.person_id AND d.event = 'DEPARTURE'
         AND d.event_date >= a.event_date
        UNION
        SELECT a.record_id FROM arrivals a
          JOIN p ON p.person_id = a.person_id AND p.source = 'status'
          JOIN {st} s ON s.record_id = p.record_id
         WHERE s.start_date > a.event_date),
    open AS (SELECT * FROM arrivals WHERE record_id NOT IN (SELECT record_id FROM later)),
    latest AS (
        SELECT *, row_number() OVER (PARTITION BY person_id
                                     ORDER BY event_date DESC, record_id) AS k FROM open)
    SELECT 'entry_exit|' || record_id AS list_ref, {_IDENTITY}
    FROM latest WHERE k = 1 ORDER BY record_id"""
    return _copy(sql, out, {"persons_": persons})


def _roster_key(columns: list[str]) -> str:
    if "booking_id" in columns:
        return "coalesce(CAST(booking_id AS VARCHAR), '')"
    parts = [c for c in ("last_name", "first_name", "dob", "booking_date") if c in columns]
    if not parts:
        raise BadInput("list", "a roster needs booking_id, or names, dob and booking_date")
    return " || '|' || ".join(f"coalesce(upper(trim(CAST({c} AS VARCHAR))), '')" for c in parts)


def _reader(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return f"read_csv({_q(path)}, all_varchar = true, header = true)"
    if suffix == ".jsonl":
        return f"read_json({_q(path)}, format = 'newline_delimited')"
    return f"read_parquet({_q(path)})"


def previous_roster(data_dir: Path, facility: str) -> Path | None:
    """The facility's previous roster file, if a roster job of it has finished."""
    return next(
        iter(sorted((roster_folder(data_dir, facility) / "previous").glob("roster.*"))), None
    )


def roster_folder(data_dir: Path, facility: str) -> Path:
    safe = "".join(ch for ch in facility.upper() if ch.isalnum())
    if not safe or len(safe) > 16:
        raise BadInput("roster_facility", "an ORI: letters and digits, at most 16")
    return data_dir / "batch" / "rosters" / safe


def roster_delta(roster: Path, data_dir: Path, facility: str, out: Path) -> tuple[Path, int, int]:
    """The new bookings of ``roster`` against the facility's previous roster.

    Returns the delta list file, the roster's rows and the new bookings.
    """
    columns = list_columns(roster)
    if not any(c in columns for c in ("last_name", "first_name", *IDENTITY_FIELDS)):
        raise BadInput("list", "a roster needs identity columns")
    previous = previous_roster(data_dir, facility)
    key = _roster_key(columns)
    wanted = dict.fromkeys(("list_ref", *IDENTITY_FIELDS, *ROSTER_FIELDS))
    select = ", ".join(c for c in wanted if c in columns)
    current = _reader(roster)
    if previous is not None:
        old_key = _roster_key(list_columns(previous))
        where = f"WHERE {key} NOT IN (SELECT {old_key} FROM {_reader(previous)})"
    else:
        where = ""
    con = duckdb.connect()
    try:
        total = con.execute(f"SELECT count(*) FROM {current}").fetchone()
        delta = _copy(f"SELECT {select} FROM {current} {where}", out)
        new = con.execute(f"SELECT count(*) FROM read_parquet({_q(delta)})").fetchone()
    finally:
        con.close()
    return delta, int(total[0]) if total else 0, int(new[0]) if new else 0


def remember_roster(roster: Path, data_dir: Path, facility: str) -> None:
    """After a finished roster job: this roster is the facility's previous one."""
    folder = roster_folder(data_dir, facility) / "previous"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("roster.*"):
        old.unlink()
    final = folder / f"roster{roster.suffix.lower()}"
    tmp = temporary(final)
    shutil.copyfile(roster, tmp)
    publish(tmp, final)
