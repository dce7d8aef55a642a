"""The only fields priority may read: conduct (convictions, warrants, notices) and dates.

``conduct_of`` projects every row onto ``CONDUCT_COLUMNS`` first, so a field that is not
listed here (birth country, citizenship, passport country, names, sex, or any race,
ethnicity or religion column a source might carry) cannot reach the score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

#: Store columns priority reads, and nothing else.
CONDUCT_COLUMNS: Final[frozenset[str]] = frozenset(
    {
        "source",
        "charge_code",
        "offense_level",
        "disposition",
        "disposition_date",
        "arrest_date",
        "warrant_type",
        "warrant_state",
        "issued_date",
        "notice_type",
    }
)
#: ``CONDUCT_COLUMNS`` as a tuple: a row is projected by looking these up (10 keys), not
#: by walking all of its fields (a store row has ~25).
_READ: Final[tuple[str, ...]] = tuple(sorted(CONDUCT_COLUMNS))
#: The sources whose rows carry conduct (``source`` as ``_text`` gives it).
_CONDUCT_SOURCES: Final[frozenset[str]] = frozenset({"CRIMINAL", "WARRANTS", "INTERPOL"})


@dataclass(frozen=True, slots=True)
class Conviction:
    charge_code: str | None
    level: str | None  # FELONY | MISDEMEANOR | None
    when: date | None


@dataclass(frozen=True, slots=True)
class Warrant:
    kind: str | None  # I200 | I205 | CRIMINAL
    when: date | None


@dataclass(frozen=True, slots=True)
class Conduct:
    """A person's conduct as priority sees it."""

    convictions: tuple[Conviction, ...] = ()
    active_warrants: tuple[Warrant, ...] = ()
    red_notices: tuple[date | None, ...] = ()


def _text(row: Mapping[str, object], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    text = str(value).strip().upper()
    return text or None


def _date(row: Mapping[str, object], key: str) -> date | None:
    """An ISO date, partial dates to their first day ("1985-03" → 1985-03-01)."""
    text = _text(row, key)
    if text is None:
        return None
    parts = text[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def conduct_of(rows: Iterable[Mapping[str, object]]) -> Conduct:
    """The conduct in a person's store rows (only ``CONDUCT_COLUMNS`` are read)."""
    convictions: list[Conviction] = []
    warrants: list[Warrant] = []
    notices: list[date | None] = []
    for full in rows:
        # ``source`` is a conduct column: read first, so only the rows of the sources
        # below (a minority: most of a person's records are benefits, entries, custody)
        # pay for the projection; what the others would give is nothing either way
        source = _text(full, "source")
        if source not in _CONDUCT_SOURCES:
            continue
        row = {k: full[k] for k in _READ if k in full}  # the projection: nothing else
        if source == "CRIMINAL" and _text(row, "disposition") == "CONVICTED":
            when = _date(row, "disposition_date") or _date(row, "arrest_date")
            convictions.append(
                Conviction(_text(row, "charge_code"), _text(row, "offense_level"), when)
            )
        elif source == "WARRANTS" and _text(row, "warrant_state") == "ACTIVE":
            warrants.append(Warrant(_text(row, "warrant_type"), _date(row, "issued_date")))
        elif source == "INTERPOL" and _text(row, "notice_type") == "RED":
            notices.append(_date(row, "issued_date"))
    return Conduct(tuple(convictions), tuple(warrants), tuple(notices))
