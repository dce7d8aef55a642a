"""The charge table: NCIC offense code → removal category, as reviewed data, never code.

Which conviction can ground removal is a legal judgment that changes with case law
(reference §9.3), so it lives in ``vetline/data/charge_categories.csv`` with a source note
per row, and the rules only read the category. Loading validates every row and names the
row and field of the first problem.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from vetline.errors import BadInput


class RemovalCategory(StrEnum):
    """What a conviction for a code may mean for removability (a pre-screen, §9.4)."""

    AGGRAVATED_FELONY = "AGGRAVATED_FELONY"
    AF_IF_SENTENCE_1Y = "AF_IF_SENTENCE_1Y"
    DRUG_TRAFFICKING = "DRUG_TRAFFICKING"
    CONTROLLED_SUBSTANCE = "CONTROLLED_SUBSTANCE"
    MARIJUANA_POSSESSION = "MARIJUANA_POSSESSION"
    FIREARM = "FIREARM"
    FIREARM_TRAFFICKING = "FIREARM_TRAFFICKING"
    DOMESTIC_VIOLENCE = "DOMESTIC_VIOLENCE"
    STALKING = "STALKING"
    CHILD_ABUSE = "CHILD_ABUSE"
    PROTECTION_ORDER = "PROTECTION_ORDER"
    CIMT = "CIMT"
    NATIONAL_SECURITY = "NATIONAL_SECURITY"
    ILLEGAL_ENTRY = "ILLEGAL_ENTRY"
    SMUGGLING = "SMUGGLING"
    #: No automatic ground; the code needs a reviewer's reading of the statute.
    REVIEW = "REVIEW"
    NONE = "NONE"


REQUIRED_COLUMNS = (
    "ncic_code",
    "description",
    "category",
    "removal_category",
    "candidate_ina",
    "source_note",
    "reviewed_by",
    "effective_from",
)


@dataclass(frozen=True, slots=True)
class ChargeCategory:
    """One reviewed row of the charge table."""

    ncic_code: str
    description: str
    category: str
    removal: frozenset[RemovalCategory]
    candidate_ina: str
    source_note: str
    reviewed_by: str
    effective_from: date


@dataclass(frozen=True)
class ChargeTable:
    """Lookup by 4-digit NCIC code; unknown codes classify as nothing (and are reported)."""

    rows: Mapping[str, ChargeCategory]

    def get(self, code: str | None) -> ChargeCategory | None:
        if not code:
            return None
        return self.rows.get(code.strip()[:4])

    def __len__(self) -> int:
        return len(self.rows)


def parse_charge_rows(rows: Iterable[Mapping[str, str | None]], name: str) -> ChargeTable:
    """Validate charge-table rows; ``BadInput`` names ``name``, the row number and the field."""
    table: dict[str, ChargeCategory] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{name} row {line}"
        missing = [c for c in REQUIRED_COLUMNS if c not in row]
        if missing:
            raise BadInput(where, f"missing columns {missing}")
        code = (row["ncic_code"] or "").strip()
        if len(code) != 4 or not code.isdigit():
            raise BadInput(f"{where} ncic_code", f"must be 4 digits, got {code!r}")
        if code in table:
            raise BadInput(f"{where} ncic_code", f"duplicate code {code}")
        raw = (row["removal_category"] or "").strip()
        try:
            removal = frozenset(RemovalCategory(p.strip()) for p in raw.split("|"))
        except ValueError:
            raise BadInput(
                f"{where} removal_category",
                f"unknown category in {raw!r} (known: {[c.value for c in RemovalCategory]})",
            ) from None
        note = (row["source_note"] or "").strip()
        if not note:
            raise BadInput(f"{where} source_note", "every row must cite its source")
        reviewed = (row["reviewed_by"] or "").strip()
        if not reviewed:
            raise BadInput(f"{where} reviewed_by", "say who reviewed the row, or that none did")
        try:
            effective = date.fromisoformat((row["effective_from"] or "").strip())
        except ValueError:
            raise BadInput(f"{where} effective_from", "must be a date YYYY-MM-DD") from None
        table[code] = ChargeCategory(
            ncic_code=code,
            description=(row["description"] or "").strip(),
            category=(row["category"] or "").strip(),
            removal=removal,
            candidate_ina=(row["candidate_ina"] or "").strip(),
            source_note=note,
            reviewed_by=reviewed,
            effective_from=effective,
        )
    if not table:
        raise BadInput(name, "the charge table is empty")
    return ChargeTable(table)


def load_charge_table(path: Path) -> ChargeTable:
    """Read and validate the charge table CSV (the adapter; the rules never read files)."""
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return parse_charge_rows(csv.DictReader(fh), path.name)
    except OSError as exc:
        raise BadInput(str(path), f"cannot read the charge table: {exc.strerror}") from None
