"""Canonical forms of every contract column, as one DuckDB ``SELECT`` list.

Evaluated in the same pass as the checks (one scan of the data), so every expression must
be safe on malformed input (``TRY_CAST``, never ``CAST``); rows that fail a record check
are dropped afterwards, so their canonical values are never seen, and a field whose
check only sets it aside is NULL here (``checks.py`` says which is which). The identity
fields a query can carry, ``aliases`` and ``parent_a_numbers`` arrive already canonical
(``__c_<col>``, computed in Python by ``identifiers.py``, the functions intake uses).

The forms are the ones downstream code compares on: codes upper case, A-numbers 9 digits
zero-padded, SSNs 9 digits, ZIP ``12345`` or ``12345-6789``, state IDs upper case without
separators, passport numbers upper-case alphanumerics, dates unchanged (partial dates stay
partial: ``1985-03`` never becomes ``1985-03-01``). ``identifiers.py`` holds the same forms
in Python: the loader itself uses them for every field a query can carry.
"""

from __future__ import annotations

from datetime import date

from vetline.records.checks import PY_CHECKED, all_checks
from vetline.records.contract import IDENTITY_COLUMNS, SOURCES
from vetline.records.layout import CONTENT_HASH, NAME_COLUMNS, store_columns
from vetline.records.sqlparts import ident, lit

_UPPER_IDENTITY = ("state", "citizenship", "passport_country")

#: Text event columns that hold codes, not prose: compared by other code, so upper case
#: (``b2`` and ``B2`` are one visa class). Free text (``charge_text``, ``facility_name``,
#: ``offense``) keeps the extract's spelling.
CODE_TEXT_COLUMNS = frozenset(
    {
        "visa_class",
        "admission_class",
        "port",
        "case_number",
        "arresting_ori",
        "charge_code",
        "facility_ori",
        "enrolling_ori",
        "notice_id",
        "issuing_country",
        "nic",
    }
)


def identity_exprs() -> dict[str, str]:
    """Canonical expression per identity column (before setting bad fields aside)."""
    out: dict[str, str] = {}
    for col in IDENTITY_COLUMNS:
        c = ident(col)
        if col in PY_CHECKED:
            out[col] = f"__c_{col}"
        elif col in _UPPER_IDENTITY:
            out[col] = f"upper({c})"
        elif col == "zip":
            digits = f"regexp_replace({c}, '[^0-9]', '', 'g')"
            out[col] = (
                f"CASE WHEN length({digits}) = 9 THEN substr({digits}, 1, 5) || '-' || "
                f"substr({digits}, 6, 4) ELSE {digits} END"
            )
        else:
            out[col] = c
    return out


def event_exprs(source: str) -> dict[str, str]:
    """Canonical expression per event column of ``source``."""
    out: dict[str, str] = {}
    for col in SOURCES[source]:
        c = ident(col.name)
        if col.kind in ("enum", "yn"):
            out[col.name] = f"upper({c})"
        elif col.kind == "int":
            out[col.name] = f"CAST(TRY_CAST({c} AS BIGINT) AS VARCHAR)"
        elif col.name in CODE_TEXT_COLUMNS:
            out[col.name] = f"upper({c})"
        elif col.kind == "a_number_list":
            out[col.name] = f"__c_{col.name}"
        else:
            out[col.name] = c
    return out


def _set_aside(exprs: dict[str, str], source: str, today: date) -> dict[str, str]:
    """Each SQL-checked field NULL where a set-aside check found a problem."""
    problems: dict[str, list[str]] = {}
    for check in all_checks(source, today):
        if check.set_aside and check.field in exprs and check.field not in PY_CHECKED:
            problems.setdefault(check.field, []).append(f"({check.sql})")
    for col, sqls in problems.items():
        exprs[col] = f"CASE WHEN coalesce({', '.join(sqls)}) IS NULL THEN {exprs[col]} END"
    return exprs


def select_list(source: str, extract_id: str, today: date) -> str:
    """The ``SELECT`` list producing a store row (columns in ``store_columns`` order)."""
    exprs: dict[str, str] = {"source": lit(source)}
    exprs.update(identity_exprs())
    exprs.update(event_exprs(source))
    exprs = _set_aside(exprs, source, today)
    for col in NAME_COLUMNS:
        exprs[f"{col}_orig"] = f"__o_{col}"
    dob = "__c_dob"
    exprs["dob_year"] = f"TRY_CAST(substr({dob}, 1, 4) AS SMALLINT)"
    exprs["dob_month"] = (
        f"CASE WHEN length({dob}) >= 7 THEN TRY_CAST(substr({dob}, 6, 2) AS SMALLINT) END"
    )
    exprs["dob_day"] = (
        f"CASE WHEN length({dob}) = 10 THEN TRY_CAST(substr({dob}, 9, 2) AS SMALLINT) END"
    )
    exprs["extract_id"] = lit(extract_id)
    exprs["line"] = "__line"
    content = [exprs[c] for c in (*IDENTITY_COLUMNS, *(c.name for c in SOURCES[source]))]
    content += [exprs[f"{c}_orig"] for c in NAME_COLUMNS]
    exprs[CONTENT_HASH] = (
        "md5(concat_ws(chr(31), " + ", ".join(f"coalesce({e}, chr(0))" for e in content) + "))"
    )
    columns = store_columns(source)
    missing = set(columns) - set(exprs)
    assert not missing, f"no canonical form for {sorted(missing)}"
    return ", ".join(f"{exprs[c]} AS {ident(c)}" for c in columns)
