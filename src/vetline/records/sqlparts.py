"""Small SQL helpers shared by the check and canonical-form builders.

Both builders emit DuckDB SQL over an all-VARCHAR relation, so that validation and
normalisation run vectorised over every row instead of a Python loop per row.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from vetline.records.contract import SOURCES, EventColumn

#: Regular expressions of the contract's formats (DuckDB RE2 syntax, full match).
DATE_RE = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
ZIP_RE = r"[0-9]{5}(-?[0-9]{4})?"
FIPS_RE = r"[0-9]{5}"
INT_RE = r"[0-9]{1,9}"
CHARGE_CODE_RE = r"[0-9]{4}"

#: Identity columns of special kinds (event columns carry their kind in the contract).
COUNTRY_COLUMNS = ("birth_country", "citizenship", "passport_country")


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def in_list(values: Iterable[str]) -> str:
    """``(v1, v2, ...)`` for an ``IN`` test, sorted so the SQL is stable."""
    return "(" + ", ".join(lit(v) for v in sorted(values)) + ")"


def event_columns(source: str, kind: str) -> list[EventColumn]:
    """Event columns of ``source`` of one kind (``date``, ``enum``, ``yn``...)."""
    return [c for c in SOURCES[source] if c.kind == kind]


def connect() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB connection that never draws progress bars on stdout."""
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    return con
