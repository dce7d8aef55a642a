"""A list file (CSV, Parquet or JSONL in extract columns) → validated rows and rejects.

Every identity field is checked by the very validators the loader and the IAQ intake use
(``vetline.records.identifiers.SUBJECT_FIELDS``), so whatever a list carries is matched the
way a query would be. As with the loader: a bad optional field is set aside (named in the
rejects file) and the rest of the row kept; a row with no usable name and no identifier,
or a line that cannot be read at all, is REJECTED: it still gets its one result row (band
``REJECTED``) and a rejects line with its line number, field and reason, and the job goes
on. A file that cannot be a list (unknown format, no identity column) is refused whole.

Edit here: which columns a list may carry (``LIST_COLUMNS``), the reference column.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from vetline.errors import BadInput
from vetline.records.identifiers import IDENTIFICATION_RULE, SUBJECT_FIELDS, canonical_dob

#: The identity columns a list may carry (any subset), as the resolver's subject names them.
IDENTITY_FIELDS: Final[tuple[str, ...]] = tuple(SUBJECT_FIELDS)
#: Columns of a jail roster (Criminal Alien Program / 287(g)): the booking is the encounter.
ROSTER_FIELDS: Final[tuple[str, ...]] = ("booking_id", "booking_date", "facility_ori")
#: The list's own reference column when the job names none.
DEFAULT_REF_COLUMNS: Final[tuple[str, ...]] = ("list_ref", "record_id", "booking_id")
FORMATS: Final[tuple[str, ...]] = (".csv", ".parquet", ".jsonl")
_IDENTIFYING: Final = ("last_name", "first_name", "a_number", "fin", "fbi_number", "ssn",
                       "passport_number", "sid")  # fmt: skip


@dataclass(frozen=True)
class Reject:
    """One rejects-file line: which row, where in the file, which field, why, what was done."""

    row_number: int
    line: int
    field: str
    value: str
    reason: str
    action: str  # "row rejected" | "field set aside"


@dataclass(frozen=True)
class ListRow:
    """One input row after validation; ``subject`` is empty when the row was rejected."""

    row_number: int
    line: int
    list_ref: str | None
    subject: dict[str, str] = field(default_factory=dict)
    booking_date: str | None = None
    facility_ori: str | None = None
    rejected: bool = False
    #: An earlier row asking the very same question (same identity fields, same booking
    #: date): this row's answer is that row's, filled in at assembly (``chunks.prepare``).
    same_as: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "row_number": self.row_number,
            "line": self.line,
            "list_ref": self.list_ref,
            "subject": self.subject,
            "booking_date": self.booking_date,
            "facility_ori": self.facility_ori,
            "rejected": self.rejected,
            "same_as": self.same_as,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ListRow:
        subject = data.get("subject") or {}
        assert isinstance(subject, dict)
        return cls(
            row_number=int(str(data["row_number"])),
            line=int(str(data["line"])),
            list_ref=_opt(data.get("list_ref")),
            subject={str(k): str(v) for k, v in subject.items()},
            booking_date=_opt(data.get("booking_date")),
            facility_ori=_opt(data.get("facility_ori")),
            rejected=bool(data.get("rejected")),
            same_as=None if data.get("same_as") is None else int(str(data["same_as"])),
        )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _raw_rows(path: Path) -> Iterator[tuple[int, dict[str, object] | str]]:
    """(line, row) per input row; a row that cannot be read is the reason, as text."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return
            names = [h.strip().lower() for h in header]
            line = reader.line_num
            for values in reader:
                start, line = line + 1, reader.line_num
                if not values:  # an empty line is no row (as csv.DictReader reads it)
                    continue
                if len(values) != len(names):
                    yield start, f"{len(values)} fields where the header has {len(names)}"
                    continue
                yield start, dict(zip(names, values, strict=True))
    elif suffix == ".jsonl":
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            for n, text in enumerate(handle, start=1):
                if not text.strip():  # a row still: row numbers stay the file's line order
                    yield n, "a blank line"
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield n, f"not JSON: {exc.msg}"
                    continue
                if not isinstance(obj, dict):
                    yield n, "a line must be a JSON object"
                    continue
                yield n, {str(k).lower(): v for k, v in obj.items()}
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.ParquetFile(path)
        n = 0
        for batch in table.iter_batches(batch_size=10_000):
            for row in batch.to_pylist():
                n += 1
                yield n, {str(k).lower(): v for k, v in row.items()}
    else:
        raise BadInput("list", f"a list is {', '.join(FORMATS)}, not {path.suffix or 'no suffix'}")


def list_columns(path: Path) -> list[str]:
    """The columns of a list file (the header, the Parquet schema, or the first JSON row)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            return [h.strip().lower() for h in next(csv.reader(handle), [])]
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return [n.lower() for n in pq.read_schema(path).names]
    for _, row in _raw_rows(path):
        if isinstance(row, dict):
            return list(row)
    return []


def check_list(path: Path, ref_column: str | None) -> str | None:
    """Refuse a file that cannot be a list; return the reference column used (or None)."""
    if not path.is_file():
        raise BadInput("list", f"no such file: {path}")
    if path.suffix.lower() not in FORMATS:
        raise BadInput("list", f"a list is {', '.join(FORMATS)}, not {path.suffix or 'no suffix'}")
    columns = list_columns(path)
    if not any(c in columns for c in _IDENTIFYING):
        raise BadInput(
            "list", f"no identity column: a list {IDENTIFICATION_RULE.removeprefix('needs ')}"
        )
    if ref_column is not None:
        if ref_column.lower() not in columns:
            raise BadInput("ref_column", f"the list has no column {ref_column!r}")
        return ref_column.lower()
    return next((c for c in DEFAULT_REF_COLUMNS if c in columns), None)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def validate(
    row_number: int,
    line: int,
    raw: dict[str, object] | str,
    ref_column: str | None,
    as_of: date,
) -> tuple[ListRow, list[Reject]]:
    """One raw row → a ``ListRow`` and its rejects lines (none when all is well)."""
    if isinstance(raw, str):
        return ListRow(row_number, line, None, rejected=True), [
            Reject(row_number, line, "row", "", raw, "row rejected")
        ]
    ref = _text(raw.get(ref_column)) if ref_column else ""
    subject: dict[str, str] = {}
    rejects: list[Reject] = []
    for name, check in SUBJECT_FIELDS.items():
        value = _text(raw.get(name))
        if not value:
            continue
        try:
            clean = canonical_dob(value, today=as_of) if name == "dob" else check(value)
        except ValueError as exc:
            rejects.append(Reject(row_number, line, name, value, str(exc), "field set aside"))
            continue
        if clean:
            subject[name] = clean
    booking = _text(raw.get("booking_date")) or None
    if booking is not None:
        try:
            date.fromisoformat(booking)
        except ValueError:
            why = "a date is YYYY-MM-DD"
            rejects.append(
                Reject(row_number, line, "booking_date", booking, why, "field set aside")
            )
            booking = None
    ori = _text(raw.get("facility_ori")).upper() or None
    if not any(subject.get(k) for k in _IDENTIFYING):
        rejects.append(Reject(row_number, line, "row", "", IDENTIFICATION_RULE, "row rejected"))
        return ListRow(row_number, line, ref or None, rejected=True), rejects
    return ListRow(row_number, line, ref or None, subject, booking, ori), rejects


def read_list(
    path: Path, ref_column: str | None, as_of: date
) -> Iterator[tuple[ListRow, list[Reject]]]:
    """Every row of the list, in input order, validated (``row_number`` from 0)."""
    for n, (line, raw) in enumerate(_raw_rows(path)):
        yield validate(n, line, raw, ref_column, as_of)
