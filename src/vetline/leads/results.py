"""Reading a batch job's output (``results.parquet`` + ``manifest.json``, docs/batch-results.md).

Why the checks: a lead can put an officer on someone's doorstep, so the import trusts
nothing it can verify. The result's SHA-256 must equal the manifest's ``result_sha256``
(a file swapped or truncated after the run is refused); the rows must be exactly the
manifest's ``input_rows``, numbered 0..n-1; and the lead-candidate flag is re-derived
here from the row's own columns (STRONG band, an identity that is not biographic only,
removable, no citizenship sign, a person) — a row flagged a candidate that breaks one of
those is refused as a lead and counted, whatever the batch said.

Edit here: a new result column (``COLUMNS``) or manifest key (``MANIFEST_KEYS``).
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from vetline.errors import BadInput

RESULTS_FILE: Final = "results.parquet"
MANIFEST_FILE: Final = "manifest.json"

#: column → the arrow type family it must have.
COLUMNS: Final[dict[str, str]] = {
    "row_number": "int",
    "list_ref": "str",
    "match_band": "str",
    "person_id": "str",
    "probability": "float",
    "status_code": "str",
    "removable": "bool",
    "removability": "str",
    "flags": "str",
    "priority": "int",
    "priority_reasons": "str",
    "reasons": "str",
    "identity_basis": "str",
    "lead_candidate": "bool",
    "needs_review": "bool",
    "citizenship_sign": "bool",
}
BANDS: Final = ("STRONG", "REVIEW", "WEAK", "NONE", "REJECTED")
MANIFEST_KEYS: Final = (
    "job_id",
    "purpose",
    "authority",
    "source_name",
    "source_version",
    "retention_until",
    "requester",
    "input_sha256",
    "input_rows",
    "model_version",
    "thresholds",
    "engine",
    "started_at",
    "finished_at",
    "result_sha256",
    "counts",
)
#: Flags that are a sign of U.S. citizenship whatever the ``citizenship_sign`` column says.
CITIZENSHIP_FLAGS: Final = frozenset({"POSSIBLE_US_CITIZEN"})
CITIZEN_STATUSES: Final = frozenset({"NATURALIZED_CITIZEN", "DERIVED_CITIZEN", "US_BORN_CITIZEN"})


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class BatchResult:
    """A verified batch result: the manifest and the table (only the contract's columns)."""

    folder: Path
    manifest: dict[str, Any]
    table: pa.Table

    @property
    def job_id(self) -> str:
        return str(self.manifest["job_id"])

    def rows(self, indices: list[int]) -> list[dict[str, Any]]:
        """The rows at ``indices`` (positions = row numbers, checked at read) as dicts."""
        if not indices:
            return []
        rows: list[dict[str, Any]] = self.table.take(pa.array(indices, type=pa.int64())).to_pylist()
        return rows


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(MANIFEST_FILE, f"not found in {path.parent}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(MANIFEST_FILE, f"not readable JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise BadInput(MANIFEST_FILE, "must be a JSON object")
    missing = [k for k in MANIFEST_KEYS if k not in manifest]
    if missing:
        raise BadInput(f"{MANIFEST_FILE}: {missing[0]}", "missing")
    for key in ("job_id", "purpose", "authority", "source_name", "requester", "result_sha256"):
        if not isinstance(manifest[key], str) or not manifest[key].strip():
            raise BadInput(f"{MANIFEST_FILE}: {key}", "must be a non-empty string")
    if len(manifest["job_id"]) > 64:
        raise BadInput(f"{MANIFEST_FILE}: job_id", "longer than 64 characters")
    rows = manifest["input_rows"]
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise BadInput(f"{MANIFEST_FILE}: input_rows", "must be a non-negative integer")
    try:
        date.fromisoformat(str(manifest["retention_until"]))
    except ValueError:
        raise BadInput(f"{MANIFEST_FILE}: retention_until", "must be an ISO date") from None
    if not isinstance(manifest["counts"], dict):
        raise BadInput(f"{MANIFEST_FILE}: counts", "must be an object band → n")
    return manifest


def _type_ok(kind: str, arrow: pa.DataType) -> bool:
    if pa.types.is_null(arrow):  # an all-null column of an optional field
        return True
    return bool(
        {
            "int": pa.types.is_integer,
            "float": pa.types.is_floating,
            "bool": pa.types.is_boolean,
            "str": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
        }[kind](arrow)
    )


def read_result(folder: Path) -> BatchResult:
    """Read and verify a batch job's output folder; ``BadInput`` naming the problem."""
    if not folder.is_dir():
        raise BadInput("result", f"{folder} is not a folder")
    manifest = _read_manifest(folder / MANIFEST_FILE)
    results = folder / RESULTS_FILE
    if not results.is_file():
        raise BadInput(RESULTS_FILE, f"not found in {folder}")
    actual = sha256_file(results)
    if actual != manifest["result_sha256"].lower():
        raise BadInput(
            "result_sha256",
            f"{RESULTS_FILE} has SHA-256 {actual}, the manifest says "
            f"{manifest['result_sha256']}: the file is not the one the job wrote",
        )
    try:
        schema = pq.read_schema(results)
    except (OSError, pa.ArrowException) as exc:
        raise BadInput(RESULTS_FILE, f"not a Parquet file: {exc}") from None
    for name, kind in COLUMNS.items():
        index = schema.get_field_index(name)
        if index < 0:
            raise BadInput(f"{RESULTS_FILE}: {name}", "column missing")
        found = schema.field(index).type
        if not _type_ok(kind, found):
            raise BadInput(f"{RESULTS_FILE}: {name}", f"must be {kind}, is {found}")
    table = pq.read_table(results, columns=list(COLUMNS))
    if table.num_rows != manifest["input_rows"]:
        raise BadInput(
            f"{RESULTS_FILE}: rows",
            f"{table.num_rows} rows, the manifest says input_rows={manifest['input_rows']}",
        )
    numbers = table.column("row_number").to_numpy(zero_copy_only=False)
    if table.num_rows and not bool((numbers == np.arange(table.num_rows)).all()):
        raise BadInput(f"{RESULTS_FILE}: row_number", "must be 0..n-1 in input order")
    bands = set(table.column("match_band").unique().to_pylist())
    unknown = bands - set(BANDS)
    if unknown:
        raise BadInput(f"{RESULTS_FILE}: match_band", f"unknown bands {sorted(map(str, unknown))}")
    return BatchResult(folder, manifest, table)


#: What a reviewer sees of a list row: identity only. Birth country and citizenship are
#: left out on purpose (least data; nationality must not sway a reviewer's verdict).
LIST_IDENTITY_COLUMNS: Final = (
    "last_name", "first_name", "middle_name", "aliases", "dob", "sex", "a_number", "fin",
    "fbi_number", "ssn", "passport_number", "sid", "address", "city", "state", "zip",
)  # fmt: skip


def list_identity_rows(
    path: Path, manifest: dict[str, Any], wanted: set[int]
) -> dict[int, dict[str, str]]:
    """The identity fields of the list rows ``wanted`` (0-based input order).

    The file must be the one the job read: its SHA-256 must equal the manifest's
    ``input_sha256``. CSV (header row), JSON Lines or Parquet, as the batch accepts them.
    """
    if not path.is_file():
        raise BadInput("list_file", f"{path} is not a file")
    if sha256_file(path) != str(manifest["input_sha256"]).lower():
        raise BadInput(
            "list_file", "its SHA-256 is not the job's input_sha256: not the list it read"
        )
    out: dict[int, dict[str, str]] = {}

    def keep(number: int, record: dict[str, Any]) -> None:
        if number in wanted:
            out[number] = {
                c: str(v) for c in LIST_IDENTITY_COLUMNS if (v := record.get(c)) not in (None, "")
            }

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        table = pq.read_table(path)
        present = [c for c in LIST_IDENTITY_COLUMNS if c in table.column_names]
        picked = sorted(n for n in wanted if n < table.num_rows)
        rows = table.select(present).take(pa.array(picked, type=pa.int64())).to_pylist()
        for number, record in zip(picked, rows, strict=True):
            keep(number, record)
        return out
    with path.open(encoding="utf-8", newline="") as handle:
        if suffix in (".jsonl", ".ndjson", ".json"):
            for number, line in enumerate(handle):
                if number in wanted:
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:
                        record = {}
                    keep(number, record if isinstance(record, dict) else {})
        else:
            for number, record in enumerate(csv.DictReader(handle)):
                keep(number, record)
    return out


def citizenship_reason(row: dict[str, Any]) -> str | None:
    """Why a result row shows a sign of U.S. citizenship, or ``None``.

    Any of: the batch's ``citizenship_sign``, a citizenship flag, a citizen status code.
    """
    if row.get("citizenship_sign"):
        return "the batch found a sign of U.S. citizenship"
    flags = {f for f in str(row.get("flags") or "").split(";") if f}
    if flags & CITIZENSHIP_FLAGS:
        return f"flag {sorted(flags & CITIZENSHIP_FLAGS)[0]}"
    if row.get("status_code") in CITIZEN_STATUSES:
        return f"status {row['status_code']}"
    return None


def candidate_refusal(row: dict[str, Any]) -> str | None:
    """Why a row the batch flagged ``lead_candidate`` may not become a lead, or ``None``."""
    if row.get("match_band") != "STRONG":
        return f"band {row.get('match_band')}, not STRONG"
    if row.get("identity_basis") not in ("BIOMETRIC", "IDENTIFIER"):
        return f"identity basis {row.get('identity_basis')}: biographic agreement is never enough"
    if not row.get("person_id"):
        return "no person"
    if row.get("removable") is not True:
        return "not removable"
    if row.get("status_code") in (None, "", "NO_RECORD", "UNKNOWN"):
        return f"status {row.get('status_code') or 'missing'}: no record is never a lead"
    return citizenship_reason(row)
