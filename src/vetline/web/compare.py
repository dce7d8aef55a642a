"""Every source record of a person side by side, each value marked where it differs from
what the query said. Pure: the IAQ's subject and the record rows in, a grid out.

Why differences against the query and not between records: the analyst's question is
"is this the person asked about?"; a record that disagrees with the query on a date of
birth or an A-number is exactly what must catch the eye. Names compare case- and
accent-blind (the stored form is upper case), identifiers and dates exactly.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from vetline.records.contract import IDENTITY_COLUMNS

#: The identity fields shown, in the order an analyst reads them.
FIELDS: Final[tuple[str, ...]] = (
    "last_name", "first_name", "middle_name", "aliases", "dob", "sex", "birth_country",
    "citizenship", "a_number", "fin", "fbi_number", "ssn", "passport_number", "sid",
    "address", "city", "state", "county_fips",
)  # fmt: skip
#: Fields the query can carry, so a record's value can differ from it.
QUERIED: Final = frozenset(
    {"last_name", "first_name", "middle_name", "dob", "sex", "birth_country", "a_number",
     "fin", "fbi_number", "ssn", "passport_number", "sid"}
)  # fmt: skip
#: Columns that are not the record's own facts (shown elsewhere, or internal).
NOT_FACTS: Final = frozenset({*IDENTITY_COLUMNS, "source", "unique_id", "zip"})


@dataclass(frozen=True)
class Cell:
    """One record's value of one field, and whether it disagrees with the query."""

    value: str
    differs: bool


@dataclass(frozen=True)
class Column:
    """One record: its source, id, date and age, and a cell per field."""

    source: str
    record_id: str
    record_date: str
    age_days: int | None
    cells: dict[str, Cell]
    events: dict[str, str]


def _plain(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text.lower() in {"nan", "none", "nat"} else text


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper().strip()


def _age(record_date: str, today: date) -> int | None:
    try:
        return (today - date.fromisoformat(record_date[:10])).days
    except ValueError:
        return None


def grid(
    subject: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], today: date
) -> tuple[list[str], list[Column]]:
    """The fields any record (or the query) fills, and one column per record (newest first)."""
    columns: list[Column] = []
    for row in rows:
        cells: dict[str, Cell] = {}
        for name in FIELDS:
            value = _plain(row.get(name))
            asked = _plain(subject.get(name))
            differs = bool(value and asked and name in QUERIED and _folded(value) != _folded(asked))
            cells[name] = Cell(value, differs)
        record_date = _plain(row.get("record_date"))
        events = {str(k): _plain(v) for k, v in row.items() if k not in NOT_FACTS and _plain(v)}
        columns.append(
            Column(
                source=_plain(row.get("source")), record_id=_plain(row.get("record_id")),
                record_date=record_date, age_days=_age(record_date, today) if record_date else None,
                cells=cells, events=events,
            )
        )  # fmt: skip
    columns.sort(key=lambda c: c.record_date, reverse=True)
    shown = [f for f in FIELDS if _plain(subject.get(f)) or any(c.cells[f].value for c in columns)]
    return shown, columns
