"""Builders for the leads tests: batch result folders written to the docs/batch-results.md shape,
and person snapshots for the re-check port."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from vetline.documents import IdentifierEntry, Source
from vetline.leads import PersonSnapshot, Place

SCHEMA = pa.schema(
    [
        ("row_number", pa.int64()),
        ("list_ref", pa.string()),
        ("match_band", pa.string()),
        ("person_id", pa.string()),
        ("probability", pa.float64()),
        ("status_code", pa.string()),
        ("removable", pa.bool_()),
        ("removability", pa.string()),
        ("flags", pa.string()),
        ("priority", pa.int64()),
        ("priority_reasons", pa.string()),
        ("reasons", pa.string()),
        ("identity_basis", pa.string()),
        ("lead_candidate", pa.bool_()),
        ("needs_review", pa.bool_()),
        ("citizenship_sign", pa.bool_()),
    ]
)


def row(band: str = "STRONG", person: str | None = "P1", **over: Any) -> dict[str, Any]:
    """One result row; a STRONG removable identifier match (a lead candidate) by default."""
    base: dict[str, Any] = {
        "list_ref": f"REF-{person}",
        "match_band": band,
        "person_id": person,
        "probability": {"STRONG": 0.9995, "REVIEW": 0.9, "WEAK": 0.5}.get(band),
        "status_code": "FINAL_ORDER" if person else None,
        "removable": True if person else None,
        "removability": "INA 237(a)(1)(A)" if person else None,
        "flags": "",
        "priority": 3,
        "priority_reasons": "felony_conviction",
        "reasons": "a_number exact;dob exact;name close",
        "identity_basis": "IDENTIFIER" if person else "NONE",
        "needs_review": band == "REVIEW",
        "citizenship_sign": False,
    }
    base.update(over)
    if "lead_candidate" not in over:
        base["lead_candidate"] = (
            base["match_band"] == "STRONG"
            and base["identity_basis"] in ("BIOMETRIC", "IDENTIFIER")
            and base["removable"] is True
            and not base["citizenship_sign"]
        )
    return base


def write_result(
    folder: Path, rows: list[dict[str, Any]], *, job_id: str = "job-1", **manifest: Any
) -> Path:
    """Write ``results.parquet`` and ``manifest.json`` as a batch job would."""
    folder.mkdir(parents=True, exist_ok=True)
    numbered = [{**r, "row_number": i} for i, r in enumerate(rows)]
    table = pa.Table.from_pylist(numbered, schema=SCHEMA)
    pq.write_table(table, folder / "results.parquet")
    digest = hashlib.sha256((folder / "results.parquet").read_bytes()).hexdigest()
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["match_band"]] = counts.get(r["match_band"], 0) + 1
    body = {
        "job_id": job_id,
        "purpose": "overstay enforcement leads",
        "authority": "DHS/ICE-011 routine use",
        "source_name": "overstay",
        "source_version": "2026-12-01",
        "retention_until": "2027-12-01",
        "requester": "lead.one",
        "input_sha256": "0" * 64,
        "input_rows": len(rows),
        "model_version": "m1",
        "thresholds": {"strong": 0.999, "review": 0.8},
        "engine": "duckdb",
        "started_at": "2026-12-01T00:00:00Z",
        "finished_at": "2026-12-01T00:01:00Z",
        "result_sha256": digest,
        "counts": counts,
    }
    body.update(manifest)
    (folder / "manifest.json").write_text(json.dumps(body), encoding="utf-8")
    return folder


SRC = Source(system="criminal", record_id="C1", as_of=date(2026, 1, 5))


def snapshot(person_id: str, **over: Any) -> PersonSnapshot:
    """A re-check result: found, identity holds, removable, an LA County address."""
    base: dict[str, Any] = {
        "person_id": person_id,
        "as_of": date(2026, 12, 5),
        "found": True,
        "identity_holds": True,
        "subject_name": "GARCIA, JUAN",
        "date_of_birth": date(1980, 1, 2),
        "sex": "M",
        "status_code": "FINAL_ORDER",
        "status_summary": "final order of removal",
        "removable": True,
        "identifiers": (
            IdentifierEntry(
                kind="A_NUMBER", value="012345678", source=SRC, match_basis="identifier match"
            ),
        ),
        "places": (
            Place(
                state="CA",
                county_fips="06037",
                basis="address in criminal/C1",
                as_of=date(2026, 1, 5),
            ),
        ),
    }
    base.update(over)
    return PersonSnapshot(**base)


@dataclass
class TableCheck:
    """The re-check port answered from a table (person id → snapshot), counting calls."""

    table: dict[str, PersonSnapshot] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def check(self, person_id: str, as_of: date, identity_basis: str) -> PersonSnapshot:
        self.calls.append(person_id)
        found = self.table.get(person_id)
        if found is None:
            return PersonSnapshot(person_id=person_id, as_of=as_of, found=False)
        return found


class Clock:
    """A settable UTC clock."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 12, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)
