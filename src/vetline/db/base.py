"""The declarative base and the portable column conventions every table follows.

Why timestamps are ISO-8601 strings and not ``DateTime``: SQLite has no time-zone aware
type, so a ``DateTime(timezone=True)`` column round-trips differently on the two databases.
The audit chain hashes its fields, so a value must read back byte-for-byte as written on
both; a fixed-width UTC string (``2026-11-24T02:15:34.123456Z``) does that and still sorts
chronologically. CJIS AU-8 asks for UTC to at least hundredths of a second: we keep
microseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

#: Constraint names fixed by convention so migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Width of :func:`utc_iso` output, used for the string columns that hold timestamps.
TS_WIDTH = 27


class Base(DeclarativeBase):
    """Shared metadata of every vetline table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current instant, time-zone aware in UTC (the only clock the services read)."""
    return datetime.now(UTC)


def utc_iso(moment: datetime) -> str:
    """``moment`` as the fixed-width UTC string stored in timestamp columns.

    Naive datetimes are refused: guessing their zone is how audit times go wrong.
    """
    if moment.tzinfo is None:
        raise ValueError("timestamp must be time-zone aware")
    # ``isoformat`` rather than ``strftime``: the same text, several times faster, and
    # the desk stamps a dozen timestamps per IAQ.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_utc_iso(text: str) -> datetime:
    """Inverse of :func:`utc_iso`.

    A stored stamp (fixed width, ``.`` before the microseconds, ``Z``) is read by
    ``fromisoformat``, some 30 times faster than ``strptime``: list pages read hundreds
    (the queue's clocks, the dashboard's queue ages: bench/README.md, web app). Anything
    else goes through the strict ``strptime`` format, as before.
    """
    if len(text) == 27 and text[10] == "T" and text[19] == "." and text[26] == "Z":
        try:
            return datetime.fromisoformat(text)  # "Z": UTC, aware
        except ValueError:
            pass  # the strict parse below words the error
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
