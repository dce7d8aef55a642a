"""The contract's row rules as SQL: one expression per rule, NULL when the row is fine.

Each rule is a ``Check``: the field it is about, a DuckDB expression that yields the
problem in words (without the field; the loader prefixes it) or NULL, and what the
problem costs:

* **the record** (``set_aside=False``): the row is rejected. That is the key
  (``record_id`` missing or repeated), identification (no usable name part and no usable
  identifier is left), a required event column (``status_class``, ``event``, the ``fin``
  of a biometric record) and an event's coded values (enums, yes/no, counts, offense
  codes): a coded value is what the event says, and a blank would say something else
  (a blank ``disposition`` reads as "none recorded", not "garbled").
* **the field** (``set_aside=True``): the value is dropped, the rest of the record is
  kept, and the rejects file says so (action ``field set aside``). That is every other
  identity field (names, date of birth, sex, countries, the six identifiers, aliases,
  address parts, ``record_date``), optional event dates and parents' A-numbers. Losing a
  whole record for one bad optional value loses evidence that may be the only sign of
  citizenship (issue 11, item 6), and a set-aside value could not have been matched on.

The identity fields a query can carry are checked in Python by the functions intake uses
(``identifiers.py``); the loader adds ``__c_<col>`` (canonical value, null when bad) and
``__e_<col>`` (problem) for them, and for ``aliases`` and ``parent_a_numbers``. The loader
evaluates all checks over all rows in one query, so a row with several problems reports
every one of them, each on its own line of the rejects file. Input columns are trimmed
text with blanks as NULL, named after the contract; ``__dup`` is how often the record_id
occurs in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vetline.records.contract import IDENTIFIER_COLUMNS, SOURCES, YES_NO
from vetline.records.identifiers import SUBJECT_FIELDS
from vetline.records.refdata import iso_countries, usps_states
from vetline.records.sqlparts import (
    CHARGE_CODE_RE,
    DATE_RE,
    FIPS_RE,
    INT_RE,
    ZIP_RE,
    event_columns,
    ident,
    in_list,
    lit,
)

#: Earliest year accepted in a date other than a date of birth (whose floor is
#: ``identifiers.MIN_BIRTH_YEAR``, shared with intake): older event dates are typing errors.
MIN_YEAR = 1850
#: How far past the load date an expiry or admit-until date may reach.
MAX_YEARS_AHEAD = 50
#: The rejects file's ``action`` for a set-aside field.
SET_ASIDE = "field set aside"
#: Columns checked in Python (``__c_``/``__e_`` columns), beside ``SUBJECT_FIELDS``.
PY_CHECKED = frozenset({*SUBJECT_FIELDS, "aliases", "parent_a_numbers"})


@dataclass(frozen=True)
class Check:
    """One rule: the field it concerns, the SQL yielding its problem (or NULL), its cost."""

    field: str
    sql: str
    set_aside: bool = False


def _date_check(col: str, today: date, not_after_today: bool, set_aside: bool = True) -> Check:
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
    return Check(col, f"CASE WHEN {c} IS NULL THEN NULL {' '.join(rules)} END", set_aside)


def _enum_check(col: str, allowed: frozenset[str]) -> Check:
    c = ident(col)
    shown = ", ".join(sorted(allowed))
    return Check(
        col,
        f"CASE WHEN {c} IS NOT NULL AND upper({c}) NOT IN {in_list(allowed)} "
        f"THEN 'unknown value ' || {c} || ' (allowed: {shown})' END",
    )


def _regex_check(col: str, regex: str, problem: str, set_aside: bool = False) -> Check:
    c = ident(col)
    return Check(
        col,
        f"CASE WHEN {c} IS NOT NULL AND NOT regexp_full_match({c}, {lit(regex)}) "
        f"THEN {lit(problem)} || ': ' || {c} END",
        set_aside,
    )


def _py_check(col: str, set_aside: bool = True) -> Check:
    """A column validated in Python: its problem column."""
    return Check(col, f"__e_{col}", set_aside)


def identity_checks(source: str, today: date) -> list[Check]:
    """Rules on the identity columns every source shares."""
    usable = [f"__c_{c} IS NOT NULL" for c in ("last_name", "first_name", *IDENTIFIER_COLUMNS)]
    required = {c.name for c in SOURCES[source] if c.required} | (
        {"fin"} if source == "biometric" else set()
    )
    checks = [
        Check("record_id", "CASE WHEN record_id IS NULL THEN 'missing (required)' END"),
        Check(
            "record_id",
            "CASE WHEN __dup > 1 THEN 'appears ' || __dup || "
            "' times in this file: ' || record_id || ' (every copy rejected)' END",
        ),
        Check(
            "name",
            f"CASE WHEN NOT ({' OR '.join(usable)}) THEN 'no usable name (last_name, "
            f"first_name) and no usable identifier ({', '.join(IDENTIFIER_COLUMNS)}): a record "
            "needs one to be found' END",
        ),
        _py_check("aliases"),
        _regex_check("zip", ZIP_RE, "not a ZIP code (5 digits or ZIP+4)", set_aside=True),
        _regex_check("county_fips", FIPS_RE, "not a county FIPS code (5 digits)", set_aside=True),
        _enum_check_plain("state", usps_states(), "not a USPS state code"),
        _date_check("record_date", today, not_after_today=False),
    ]
    checks += [_py_check(col, set_aside=col not in required) for col in SUBJECT_FIELDS]
    for col in ("citizenship", "passport_country"):
        checks.append(_enum_check_plain(col, iso_countries(), "not an ISO 3166-1 alpha-2 code"))
    return checks


def _enum_check_plain(col: str, allowed: frozenset[str], problem: str) -> Check:
    """Membership in a long code list (a set-aside identity field): names the list."""
    c = ident(col)
    return Check(
        col,
        f"CASE WHEN {c} IS NOT NULL AND upper({c}) NOT IN {in_list(allowed)} "
        f"THEN {lit(problem)} || ': ' || {c} END",
        set_aside=True,
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
            checks.append(_py_check(col.name))
    if any(c.name == "charge_code" for c in SOURCES[source]):
        checks.append(
            _regex_check("charge_code", CHARGE_CODE_RE, "not a 4-digit NCIC offense code")
        )
    for col in event_columns(source, "date"):
        checks.append(
            _date_check(col.name, today, not_after_today=False, set_aside=not col.required)
        )
    if source == "biometric":
        checks.append(
            Check("fin", "CASE WHEN fin IS NULL THEN 'missing (required for biometric)' END")
        )
    return checks


def all_checks(source: str, today: date) -> list[Check]:
    """Every rule that applies to a row of ``source``."""
    return identity_checks(source, today) + event_checks(source, today)


def any_problem_sql(source: str, today: date, *, set_aside: bool) -> str:
    """A boolean expression: does the row break a rule of this cost? (Cheap: no lists.)"""
    sqls = [ch.sql for ch in all_checks(source, today) if ch.set_aside is set_aside]
    return "(coalesce(" + ", ".join(f"({sql})" for sql in sqls) + ") IS NOT NULL)"


def problems_sql(source: str, today: date) -> str:
    """A list-of-struct expression of the row's problems only.

    Each is ``{field, reason, aside_reason, set_aside}``: ``reason`` for a rejected row,
    ``aside_reason`` (saying the record was kept) for a field set aside in a kept one.
    """
    items = ", ".join(
        f"{{'field': {lit(ch.field)}, 'reason': {lit(ch.field + ': ')} || ({ch.sql}), "
        f"'aside_reason': {lit(ch.field + ': set aside (record kept): ')} || ({ch.sql}), "
        f"'set_aside': {'true' if ch.set_aside else 'false'}}}"
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
