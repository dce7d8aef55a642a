"""The end of a job: assemble the chunks (DuckDB), list the citizenship rows, draw the
blind audit sample, and write the manifest last (its presence means "finished").

Checks before anything is published: the chunks hold exactly one result per input row
(no row missing, none twice): a resumed job that broke this would stop here, loudly.

Edit here: the citizenship list's columns, the sample's strata and columns, the manifest.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from vetline.batch import layout
from vetline.batch.bands import BANDS, REJECTED, RESULT_COLUMNS
from vetline.batch.listfile import file_sha256
from vetline.sampling import draw

#: Strata of the audit sample: every band a human could be wrong about (WEAK estimates misses).
SAMPLED_BANDS = ("STRONG", "REVIEW", "WEAK", "NONE")
#: A roster job's in-custody persons, for the vetting centre's encounters.
ENCOUNTERS = "encounters.csv"


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def finish(out: Path, spec: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Assemble ``out``'s chunks into the result files and write the manifest."""
    chunks = _sql_path(out / layout.CHUNKS / "*.parquet")
    prepared = _sql_path(out / layout.PREPARED)
    con = duckdb.connect()
    try:
        con.execute(f"CREATE VIEW raw AS SELECT * FROM read_parquet({chunks}, union_by_name=true)")
        con.execute(f"CREATE VIEW p AS SELECT * FROM read_parquet({prepared})")
        inputs = _one(con, "SELECT count(*) FROM p")
        rows, distinct = con.execute(
            "SELECT count(*), count(DISTINCT row_number) FROM raw"
        ).fetchone() or (0, 0)
        missing = _one(con, "SELECT count(*) FROM p ANTI JOIN raw USING (row_number)")
        if rows != inputs or distinct != inputs or missing:
            raise RuntimeError(
                f"job {spec['job_id']}: {rows} results ({distinct} distinct, {missing} missing) "
                f"for {inputs} input rows"
            )
        _fill_repeats(con, spec["job_id"])
        cols = ", ".join(RESULT_COLUMNS)
        tmp = layout.temporary(out / layout.RESULTS)
        con.execute(
            f"COPY (SELECT {cols} FROM r ORDER BY row_number) TO {_sql_path(tmp)} (FORMAT parquet)"
        )
        layout.publish(tmp, out / layout.RESULTS)
        result_sha256 = file_sha256(out / layout.RESULTS)
        _citizenship(con, out)
        _audit_sample(con, out, spec, result_sha256)
        if spec.get("list_kind") == "roster":
            _encounters(con, out)
        counts = {band: 0 for band in BANDS}
        for band, n in con.execute("SELECT match_band, count(*) FROM r GROUP BY 1").fetchall():
            counts[str(band)] = int(n)
        leads = _one(con, "SELECT count(*) FROM r WHERE lead_candidate")
        citizens = _one(con, "SELECT count(*) FROM r WHERE citizenship_sign")
    finally:
        con.close()
    manifest = {
        key: spec[key]
        for key in (
            "job_id", "purpose", "authority", "source_name", "source_version",
            "retention_until", "requester", "input_sha256", "model_version", "thresholds",
            "engine", "started_at", "as_of", "list_kind", "list_details",
        )
    }  # fmt: skip
    manifest.update(
        input_rows=inputs,
        finished_at=now.isoformat(timespec="seconds"),
        result_sha256=result_sha256,
        counts=counts,
        rejected_rows=counts[REJECTED],
        lead_candidates=leads,
        citizenship_rows=citizens,
        files={
            "results": layout.RESULTS, "rejects": layout.REJECTS,
            "citizenship": layout.CITIZENSHIP, "audit_sample": layout.AUDIT_SAMPLE,
            **({"encounters": ENCOUNTERS} if spec.get("list_kind") == "roster" else {}),
        },
    )  # fmt: skip
    layout.write_json(out / layout.MANIFEST, manifest)
    return manifest


def _fill_repeats(con: duckdb.DuckDBPyConnection, job_id: str) -> None:
    """Table ``r``: every chunk row, a repeated question's placeholder (``same_as``, see
    ``chunks``) given its first row's answer under its own row number, line and reference.
    A placeholder whose first row holds no answer stops the job here, loudly."""
    own = ("row_number", "list_ref", "line")
    names = [str(c[0]) for c in con.execute("DESCRIBE raw").fetchall()]
    if "same_as" not in names:  # chunks written before repeats were answered once
        con.execute("CREATE TABLE r AS SELECT * FROM raw")
        return
    orphans = _one(
        con,
        "SELECT count(*) FROM raw a LEFT JOIN raw b ON b.row_number = a.same_as "
        "AND b.same_as IS NULL WHERE a.same_as IS NOT NULL AND b.row_number IS NULL",
    )
    if orphans:
        raise RuntimeError(f"job {job_id}: {orphans} repeated rows without their first answer")
    filled = ", ".join(
        f"CASE WHEN a.same_as IS NULL THEN a.{c} ELSE b.{c} END AS {c}"
        for c in names
        if c not in own and c != "same_as"
    )
    con.execute(
        f"CREATE TABLE r AS SELECT a.row_number, a.list_ref, a.line, {filled} FROM raw a "
        "LEFT JOIN raw b ON b.row_number = a.same_as AND b.same_as IS NULL"
    )


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _copy_csv(con: duckdb.DuckDBPyConnection, sql: str, final: Path) -> None:
    tmp = layout.temporary(final)
    con.execute(f"COPY ({sql}) TO {_sql_path(tmp)} (HEADER, DELIMITER ',')")
    layout.publish(tmp, final)


def _citizenship(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """Every row with a citizenship sign, whatever its band: for citizenship review."""
    _copy_csv(
        con,
        "SELECT row_number, line, list_ref, match_band, person_id, status_code, "
        "citizenship_reasons FROM r WHERE citizenship_sign ORDER BY row_number",
        out / layout.CITIZENSHIP,
    )


def _encounters(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """A roster's in-custody persons (STRONG or REVIEW) for the vetting centre: each a
    booking (facility, date) and the person it may be, with the band and the basis."""
    _copy_csv(
        con,
        "SELECT r.row_number, r.list_ref AS booking, p.facility_ori, p.booking_date, "
        "r.person_id, r.match_band, r.identity_basis, r.citizenship_sign, r.needs_review "
        "FROM r JOIN p USING (row_number) WHERE r.match_band IN ('STRONG', 'REVIEW') "
        "ORDER BY r.row_number",
        out / ENCOUNTERS,
    )


def _audit_sample(
    con: duckdb.DuckDBPyConnection, out: Path, spec: dict[str, Any], result_sha256: str
) -> None:
    """A stratified sample per band for blind review: the list row and the candidate
    person, never the score or the band (the key to the strata is ``audit_key.csv``).

    Drawn by ``vetline.sampling.draw`` seeded by the result's SHA-256, as the leads import
    draws its sample of the same result: one sample (a band's smaller sample lies inside
    the larger, whichever policy asked for more). The policy's ``seed`` only shuffles the
    sample ids (their order must not tell the band).
    """
    per_band = int(spec["policy"]["audit_sample"]["per_band"])
    seed = int(spec["policy"]["audit_sample"]["seed"])
    bands = ", ".join(f"'{b}'" for b in SAMPLED_BANDS)
    by_band = {
        str(band): [int(n) for n in rows]
        for band, rows in con.execute(
            f"SELECT match_band, list(row_number ORDER BY row_number) FROM r "
            f"WHERE match_band IN ({bands}) GROUP BY 1"
        ).fetchall()
    }
    drawn = draw(by_band, dict.fromkeys(SAMPLED_BANDS, per_band), result_sha256)
    picked = pa.table(
        {"row_number": pa.array([n for rows in drawn.values() for n in rows], pa.int64())}
    )
    con.register("picked", picked)
    con.execute(
        """CREATE TABLE sample AS
        SELECT r.row_number, r.list_ref, r.match_band,
               coalesce(r.person_id, r.best_candidate) AS candidate_person_id, p.subject
        FROM picked JOIN r USING (row_number) JOIN p USING (row_number)"""
    )
    con.execute(
        "CREATE TABLE sample_ids AS SELECT *, "
        f"'S' || lpad(CAST(row_number() OVER (ORDER BY hash(row_number + {seed} * 7), "
        "row_number) AS VARCHAR), 5, '0') AS sample_id FROM sample"
    )
    _copy_csv(
        con,
        "SELECT sample_id, row_number, list_ref, subject AS list_subject, "
        "candidate_person_id, '' AS same_person, '' AS reviewer, '' AS note "
        "FROM sample_ids ORDER BY sample_id",
        out / layout.AUDIT_SAMPLE,
    )
    _copy_csv(
        con,
        "SELECT sample_id, row_number, match_band FROM sample_ids ORDER BY sample_id",
        out / "audit_key.csv",
    )


def read_manifest(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / layout.MANIFEST).read_text(encoding="utf-8")))


def result_page(
    path: Path, offset: int, limit: int, columns: list[str] | None = None
) -> tuple[pa.Table, int]:
    """Rows ``offset`` to ``offset + limit`` of a results file (``columns``: all when
    ``None``), and the file's row count: ``read_table(path).slice(offset, limit)``.

    Why not that: it read the whole file for every page — at 5M rows, 5.8 CPU s and
    1.5 GB of memory in the serving process per page of 1,000 (bench/README.md, stop 38).
    Only the row groups the page overlaps are read (the footer says how many rows each
    holds).
    """
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    meta = parquet.metadata
    groups: list[int] = []
    first = start = 0
    for group in range(meta.num_row_groups):
        rows = meta.row_group(group).num_rows
        if start + rows > offset and start < offset + limit:
            if not groups:
                first = start
            groups.append(group)
        start += rows
    if not groups:
        empty = parquet.schema_arrow.empty_table()
        return (empty.select(columns) if columns else empty), meta.num_rows
    table = parquet.read_row_groups(groups, columns=columns)
    return table.slice(offset - first, limit), meta.num_rows
