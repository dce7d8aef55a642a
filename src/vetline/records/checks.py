"""The contract's row rules as SQL: one expression per rule, NULL when the row is fine.

Each rule is a ``Check``: the field it is about and a DuckDB expression that yields the
problem in words (without the field; the loader prefixes it) or NULL. The loader evaluates
all checks over all rows in one query, so a row with several problems reports every one of
them, each on its own line of the rejects file.

Input columns are trimmed text with blanks as NULL, named after the contract; the loader
adds ``__n_<name>`` (canonical names, computed in Python per distinct value), ``__alias_bad``
(the first malformed alias) and ``__dup`` (how often the record_id occurs in the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vetline.records.contract import IDENTIFIER_COLUMNS, SEX_VALUES, SOURCES, YES_NO
from vetline.records.refdata import iso_countries, usps_states
from vetline.records.sqlparts import (
    A_NUMBER_RE,
    CHARGE_CODE_RE,
    COUNTRY_COLUMNS,
    DATE_RE,
    FIPS_RE,
    INT_RE,
    SID_RE,
    SSN_RE,
    ZIP_RE,
    compact_upper,
    event_columns,
    ident,
    in_list,
    lit,
)

#: Earliest year accepted in any date: older dates are typing errors, not records.
MIN_YEAR = 1850
#: How far past the load date an expiry or admit-until date may reach.
MAX_YEARS_AHEAD = 50


@dataclass(frozen=True)
class Check:
    """One rule: the field it concerns and the SQL yielding its problem (or NULL)."""

    field: str
    sql: str


def _date_check(col: str, today: date, not_after_today: bool) -> Check:
    c = ident(col)
    padded = f"CASE length({c}) WHEN 4 THEN {c} || '-01-01' WHEN 7 THEN {c} || '-01' ELSE {c} END"
    rules = [
        f"WHEN NOT regexp_full_match({c}, {lit(DATE_RE)}) "
        f"THEN 'not a date (YYYY-MM-DD, YYYY-MM or YYYY): ' || {c}",
        f"WHEN try_cast({padded} AS DATE) IS NULL THEN 'not a calendar date: ' || {c}",
        f"WHEN TRY_CAST(substr({c}, 1, 4) AS INTEGER) < {MIN_YEAR} "
        f"THEN 'year before {MIN_YEAR}: ' || {c}",
        f"WHEN TRY_CAST(substr({c}, 1, 4) AS INTEGER) > {today.year + MAX_YEARS_AHEAD} "
        f"THEN 'too far in the future: ' || {c}",
    ]
    if not_after_today:
        rules.append(
            f"WHEN try_cast({padded} AS DATE) > DATE {lit(today.isoformat())} "
            f"THEN 'after the load date {today.isoformat()}: ' || {c}"
        )
    return Check(col, f"CASE WHEN {c} IS NULL THEN NULL {' '.join(rules)} END")


def _enum_check(col: str, allowed: frozenset[str]) -> Check:
    c = ident(col)
    shown = ", ".join(sorted(allowed))
    return Check(
        col,
        f"CASE WHEN {c} IS NOT NULL AND upper({c}) NOT IN {in_list(allowed)} "
        f"THEN 'unknown value ' || {c} || ' (allowed: {shown})' END",
    )


def _regex_check(col: str, regex: str, problem: str, show_value: bool = True) -> Check:
    c = ident(col)
    tail = f" || ': ' || {c}" if show_value else ""
    return Check(
        col,
        f"CASE WHEN {c} IS NOT NULL AND NOT regexp_full_match({compact_or_raw(col)}, {lit(regex)}) "
        f"THEN {lit(problem)}{tail} END",
    )


def compact_or_raw(col: str) -> str:
    """Identifiers are checked after removing spaces/dashes and upper-casing; others raw."""
    return compact_upper(col) if col in ("a_number", "sid") else ident(col)


def identity_checks(today: date) -> list[Check]:
    """Rules on the identity columns every source shares."""
    names = " OR ".join(f"__n_{n} IS NOT NULL" for n in ("last_name", "first_name"))
    ids = " OR ".join(f"{ident(c)} IS NOT NULL" for c in IDENTIFIER_COLUMNS)
    checks = [
        Check("record_id", "CASE WHEN record_id IS NULL THEN 'missing (required)' END"),
        Check(
            "record_id",
            "CASE WHEN __dup > 1 THEN 'appears ' || __dup || "
            "' times in this file: ' || record_id || ' (every copy rejected)' END",
        ),
        Check(
            "name",
            f"CASE WHEN NOT ({names}) AND NOT ({ids}) THEN 'no name (last_name, first_name) "
            f"and no identifier ({', '.join(IDENTIFIER_COLUMNS)})' END",
        ),
        Check(
            "aliases",
            "CASE WHEN __alias_bad IS NOT NULL THEN "
            "'alias not in the form \"LAST, FIRST MIDDLE\": ' || __alias_bad END",
        ),
        _enum_check("sex", SEX_VALUES),
        _regex_check("a_number", A_NUMBER_RE, "not an A-number (optional A, then 7-9 digits)"),
        Check(
            "a_number",
            f"CASE WHEN regexp_full_match({compact_upper('a_number')}, 'A?0+') "
            "THEN 'an A-number cannot be all zeros: ' || a_number END",
        ),
        _regex_check("ssn", SSN_RE, "not an SSN (9 digits, dashes allowed)", show_value=False),
        _regex_check("zip", ZIP_RE, "not a ZIP code (5 digits or ZIP+4)"),
        _regex_check("county_fips", FIPS_RE, "not a county FIPS code (5 digits)"),
        _enum_check_plain("state", usps_states(), "not a USPS state code"),
        _sid_check(),
    ]
    for col in ("last_name", "first_name", "middle_name"):
        checks.append(
            Check(
                col,
                f"CASE WHEN {ident(col)} IS NOT NULL AND __n_{col} IS NULL "
                f"THEN 'no letters left after normalisation: ' || {ident(col)} END",
            )
        )
    for col in COUNTRY_COLUMNS:
        checks.append(_enum_check_plain(col, iso_countries(), "not an ISO 3166-1 alpha-2 code"))
    for col in ("dob", "record_date"):
        checks.append(_date_check(col, today, not_after_today=col == "dob"))
    return checks


def _enum_check_plain(col: str, allowed: frozenset[str], problem: str) -> Check:
    """Membership in a long code list: the message names the list, not its 250 values."""
    c = ident(col)
    return Check(
        col,
        f"CASE WHEN {c} IS NOT NULL AND upper({c}) NOT IN {in_list(allowed)} "
        f"THEN {lit(problem)} || ': ' || {c} END",
    )


def _sid_check() -> Check:
    c = compact_upper("sid")
    return Check(
        "sid",
        f"CASE WHEN sid IS NULL THEN NULL "
        f"WHEN NOT regexp_full_match({c}, {lit(SID_RE)}) "
        f"THEN 'not a state ID (USPS state code, then digits): ' || sid "
        f"WHEN substr({c}, 1, 2) NOT IN {in_list(usps_states())} "
        f"THEN 'state ID prefix is not a USPS state code: ' || sid END",
    )


def event_checks(source: str, today: date) -> list[Check]:
    """Rules on the event columns of ``source``."""
    checks: list[Check] = []
    for col in SOURCES[source]:
        c = ident(col.name)
        if col.required:
            checks.append(
                Check(col.name, f"CASE WHEN {c} IS NULL THEN 'missing (required for {source})' END")
            )
        if col.kind == "enum":
            checks.append(_enum_check(col.name, col.allowed))
        elif col.kind == "yn":
            checks.append(_enum_check(col.name, YES_NO))
        elif col.kind == "int":
            checks.append(
                Check(
                    col.name,
                    f"CASE WHEN {c} IS NOT NULL AND NOT regexp_full_match({c}, {lit(INT_RE)}) "
                    f"THEN 'not a non-negative whole number: ' || {c} END",
                )
            )
        elif col.kind == "a_number_list":
            bad = (
                f"list_filter(string_split({c}, '|'), lambda e: trim(e) <> '' AND NOT "
                f"regexp_full_match(regexp_replace(upper(e), '[[:space:]-]', '', 'g'), "
                f"{lit(A_NUMBER_RE)}))"
            )
            checks.append(
                Check(
                    col.name,
                    f"CASE WHEN {c} IS NOT NULL AND len({bad}) > 0 THEN "
                    f"'not an A-number (optional A, then 7-9 digits): ' || trim({bad}[1]) END",
                )
            )
    if any(c.name == "charge_code" for c in SOURCES[source]):
        checks.append(
            _regex_check("charge_code", CHARGE_CODE_RE, "not a 4-digit NCIC offense code")
        )
    for col in event_columns(source, "date"):
        checks.append(_date_check(col.name, today, not_after_today=False))
    if source == "biometric":
        checks.append(
            Check("fin", "CASE WHEN fin IS NULL THEN 'missing (required for biometric)' END")
        )
    return checks


def all_checks(source: str, today: date) -> list[Check]:
    """Every rule that applies to a row of ``source``."""
    return identity_checks(today) + event_checks(source, today)


def any_problem_sql(source: str, today: date) -> str:
    """A boolean expression: does the row break any rule? (Cheap: no lists, no structs.)"""
    return (
        "(coalesce("
        + ", ".join(f"({ch.sql})" for ch in all_checks(source, today))
        + ") IS NOT NULL)"
    )


def problems_sql(source: str, today: date) -> str:
    """A list-of-struct expression: ``[{field, reason}, ...]`` for the row's problems only."""
    items = ", ".join(
        f"{{'field': {lit(ch.field)}, 'reason': {lit(ch.field + ': ')} || ({ch.sql})}}"
        for ch in all_checks(source, today)
    )
    return f"list_filter([{items}], lambda p: p.reason IS NOT NULL)"


def required_header(source: str) -> tuple[str, ...]:
    """Columns a file of ``source`` must have in its header."""
    required = ["record_id", "last_name", "first_name"]
    required += [c.name for c in SOURCES[source] if c.required]
    if source == "biometric":
        required.append("fin")
    return tuple(required)
