"""Canonical forms of every contract column, as one DuckDB ``SELECT`` list.

Evaluated in the same pass as the checks (one scan of the data), so every expression must
be safe on malformed input (``TRY_CAST``, never ``CAST``); rows that fail a check are
dropped afterwards, so their canonical values are never seen.

The forms are the ones downstream code compares on: codes upper case, A-numbers 9 digits
zero-padded, SSNs 9 digits, ZIP ``12345`` or ``12345-6789``, state IDs upper case without
separators, passport numbers upper-case alphanumerics, dates unchanged (partial dates stay
partial: ``1985-03`` never becomes ``1985-03-01``). ``identifiers.py`` holds the same forms
in Python for single values.
"""

from __future__ import annotations

from vetline.records.contract import IDENTITY_COLUMNS, SOURCES
from vetline.records.layout import CONTENT_HASH, NAME_COLUMNS, store_columns
from vetline.records.sqlparts import COUNTRY_COLUMNS, compact_upper, ident, lit

_UPPER_IDENTITY = ("sex", "state", *COUNTRY_COLUMNS)

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


def _a_number(expr: str) -> str:
    """``A012345678`` / ``a-1234-5678`` → 9 digits, zero-padded."""
    return f"lpad(regexp_replace(upper({expr}), '[^0-9]', '', 'g'), 9, '0')"


def identity_exprs() -> dict[str, str]:
    """Canonical expression per identity column."""
    out: dict[str, str] = {}
    for col in IDENTITY_COLUMNS:
        c = ident(col)
        if col in NAME_COLUMNS:
            out[col] = f"__n_{col}"
        elif col in _UPPER_IDENTITY:
            out[col] = f"upper({c})"
        elif col == "a_number":
            out[col] = _a_number(c)
        elif col == "ssn":
            out[col] = f"replace({c}, '-', '')"
        elif col in ("sid", "fin", "fbi_number"):
            out[col] = f"nullif({compact_upper(col)}, '')"
        elif col == "passport_number":
            out[col] = f"nullif(regexp_replace(upper({c}), '[^A-Z0-9]', '', 'g'), '')"
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
            parts = f"list_filter(string_split({c}, '|'), lambda e: trim(e) <> '')"
            each = f"list_transform({parts}, lambda e: {_a_number('e')})"
            out[col.name] = f"nullif(array_to_string({each}, '|'), '')"
        else:
            out[col.name] = c
    return out


def select_list(source: str, extract_id: str) -> str:
    """The ``SELECT`` list producing a store row (columns in ``store_columns`` order)."""
    exprs: dict[str, str] = {"source": lit(source)}
    exprs.update(identity_exprs())
    exprs.update(event_exprs(source))
    for col in NAME_COLUMNS:
        exprs[f"{col}_orig"] = f"__o_{col}"
    dob = ident("dob")
    exprs["dob_year"] = f"TRY_CAST(substr({dob}, 1, 4) AS SMALLINT)"
    exprs["dob_month"] = (
        f"CASE WHEN length({dob}) >= 7 THEN TRY_CAST(substr({dob}, 6, 2) AS SMALLINT) END"
    )
    exprs["dob_day"] = (
        f"CASE WHEN length({dob}) = 10 THEN TRY_CAST(substr({dob}, 9, 2) AS SMALLINT) END"
    )
    exprs["extract_id"] = lit(extract_id)
    exprs["line"] = "__line"
    content = [exprs[c] for c in (*IDENTITY_COLUMNS, *event_exprs(source))]
    content += [exprs[f"{c}_orig"] for c in NAME_COLUMNS]
    exprs[CONTENT_HASH] = (
        "md5(concat_ws(chr(31), " + ", ".join(f"coalesce({e}, chr(0))" for e in content) + "))"
    )
    columns = store_columns(source)
    missing = set(columns) - set(exprs)
    assert not missing, f"no canonical form for {sorted(missing)}"
    return ", ".join(f"{exprs[c]} AS {ident(c)}" for c in columns)
