"""The linkage model's comparisons, written once as data.

Each comparison is an ordered list of levels (first true level wins, as in Splink). A
level is a *kind* plus its columns and threshold; from this one description vetline makes
both the Splink comparison (``splink_model.to_splink``, any SQL dialect, so DuckDB and
Spark run the same model) and the NumPy evaluator of the real-time scorer
(``scorer.py``). The label of the level that decided is what the explanation shows, so
the words an analyst reads come from the object that decided.

Why these levels:
* names: exact (term-frequency adjusted, so ``GARCIA`` counts for less than
  ``XOCHIQUETZAL``), then the variants standardisation makes visible — swap, shared
  rigour name symbol (transliteration, nickname), shared surname (double surnames),
  Jaro-Winkler (typos; threshold 0.92 is Splink's recommended name threshold), phonetic;
* names swapped *and* misspelt (``REDMEIND MELISSA`` vs ``MELISSA REDNOND``): a
  surname-only level where each name is similar (Jaro-Winkler ≥ 0.88) to the other
  record's opposite field. It sits in the surname comparison only, so a swap is counted
  once; the exact swap keeps its own (stronger) level in both comparisons, as Splink's
  ``ColumnsReversedLevel`` does. Measured on FEBRL3: 40 of the duplicates missed at
  POSITIVE had this pattern;
* date of birth: exact, consistent partial date, day/month swap, one-character typo or
  two adjacent digits transposed (Damerau-Levenshtein 1), year within one, then
  different — each is a separately-weighted level because each is a separately-common
  clerical error;
* identifiers: exact (near-decisive after training: u ≈ 1/N), a typo level for the
  hand-keyed numbers (A-number, SSN) that also accepts two adjacent digits transposed
  (Damerau-Levenshtein 1: the most common keying error after a wrong digit, and the one
  plain Levenshtein 1 misses — 33 of FEBRL3's missed duplicates had such an SSN), and
  *different*, which training makes strongly negative — two different A-numbers are
  strong evidence of two people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

LevelKind = Literal[
    "null",
    "exact",
    "reversed",
    "array_intersect",
    "jaro_winkler",
    "levenshtein",
    "damerau",
    "reversed_similar",
    "dob_exact",
    "dob_partial",
    "dob_swap",
    "year_within",
    "else",
]


@dataclass(frozen=True)
class Level:
    """One comparison level: what is tested (kind, columns, threshold) and its label."""

    kind: LevelKind
    label: str
    columns: tuple[str, ...] = ()
    threshold: float = 0.0
    tf: bool = False
    #: An expert m fixed before training (EM leaves it alone); see ``_identifier``.
    fixed_m: float | None = None


@dataclass(frozen=True)
class Comparison:
    """One compared field: the levels, tested in order."""

    name: str
    field: str
    levels: tuple[Level, ...]


def _null(column: str) -> Level:
    return Level("null", "missing on one side", (column,))


def _else() -> Level:
    return Level("else", "different")


#: m of "identifiers differ" (how often one person's records carry two different values
#: of the identifier, after one-character typos had their own level): a clerical-error
#: rate, fixed rather than estimated, because EM is pulled by look-alikes (same name,
#: same birth date, different people) into treating conflicting identifiers as a normal
#: feature of matches — the opposite of the truth, and the error that harms citizens.
#: Fingerprint identity numbers conflict an order of magnitude less often.
IDENTIFIER_CONFLICT_M: Final[dict[str, float]] = {
    "fin": 1e-4,
    "a_number": 1e-3,
    "fbi_number": 1e-3,
    "ssn": 1e-3,
    "passport_number": 2e-3,
    "sid": 2e-3,
}

#: m of "address differs": people move, so a different address is weak evidence. EM
#: on records whose addresses are sparse and correlated was seen to drive this m to 0
#: (a −20-bit penalty for moving house), so it is fixed.
LOCATION_CHANGE_M: Final = 0.3


#: Label of the Damerau-Levenshtein-1 levels (one wrong, missing or extra character, or
#: two adjacent characters transposed).
TYPO_LABEL: Final = "one-character typo or two characters transposed"


def _identifier(column: str, typo_level: bool) -> Comparison:
    levels = [_null(column), Level("exact", "exact", (column,))]
    if typo_level:
        levels.append(Level("damerau", TYPO_LABEL, (column,), 1))
    levels.append(Level("else", "different", fixed_m=IDENTIFIER_CONFLICT_M[column]))
    return Comparison(column, column, tuple(levels))


def _moved() -> Level:
    return Level("else", "different", fixed_m=LOCATION_CHANGE_M)


SURNAME: Final = Comparison(
    "surname",
    "last_name",
    (
        _null("surname"),
        Level("exact", "exact", ("surname",), tf=True),
        Level("reversed", "first and last name swapped", ("surname", "forename")),
        Level(
            "reversed_similar",
            "first and last name swapped, similar spelling (Jaro-Winkler ≥ 0.88)",
            ("surname", "forename"),
            0.88,
        ),
        Level("array_intersect", "shares a surname (double surname)", ("surname_tokens",)),
        Level("jaro_winkler", "similar spelling (Jaro-Winkler ≥ 0.92)", ("surname",), 0.92),
        Level("exact", "same transliteration key", ("surname_tk",)),
        Level("exact", "same sound (Double Metaphone)", ("surname_dm",)),
        _else(),
    ),
)

FORENAME: Final = Comparison(
    "forename",
    "first_name",
    (
        _null("forename"),
        Level("exact", "exact", ("forename",), tf=True),
        Level("reversed", "first and last name swapped", ("forename", "surname")),
        Level("array_intersect", "same name in another script or nickname", ("given_symbols",)),
        Level("jaro_winkler", "similar spelling (Jaro-Winkler ≥ 0.92)", ("forename",), 0.92),
        Level("exact", "same sound (Double Metaphone)", ("forename_dm",)),
        _else(),
    ),
)

DOB: Final = Comparison(
    "dob",
    "dob",
    (
        _null("dob_year"),
        Level("dob_exact", "exact", ("dob_year", "dob_month", "dob_day")),
        Level("dob_partial", "partial date agrees", ("dob_year", "dob_month", "dob_day")),
        Level("dob_swap", "day and month swapped", ("dob_year", "dob_month", "dob_day")),
        Level("damerau", TYPO_LABEL, ("dob",), 1),
        Level("year_within", "year within one", ("dob_year",), 1),
        _else(),
    ),
)


def _simple(column: str, field_name: str | None = None) -> Comparison:
    return Comparison(
        column,
        field_name or column,
        (_null(column), Level("exact", "exact", (column,)), _else()),
    )


ADDRESS: Final = Comparison(
    "address",
    "address",
    (
        _null("address"),
        Level("exact", "exact", ("address",)),
        Level("jaro_winkler", "similar (Jaro-Winkler ≥ 0.9)", ("address",), 0.9),
        _moved(),
    ),
)

CITY: Final = Comparison(
    "city",
    "city",
    (
        _null("city"),
        Level("exact", "exact", ("city",), tf=True),
        Level("jaro_winkler", "similar (Jaro-Winkler ≥ 0.9)", ("city",), 0.9),
        _moved(),
    ),
)

ZIP: Final = Comparison(
    "zip",
    "zip",
    (
        _null("zip"),
        Level("exact", "exact", ("zip",)),
        Level("damerau", TYPO_LABEL, ("zip",), 1),
        _moved(),
    ),
)

#: The comparisons of vetline's model, in order. Identifiers come last in the waterfall.
COMPARISONS: Final[tuple[Comparison, ...]] = (
    SURNAME,
    FORENAME,
    DOB,
    _simple("sex"),
    _simple("birth_country"),
    ADDRESS,
    CITY,
    Comparison("state", "state", (_null("state"), Level("exact", "exact", ("state",)), _moved())),
    ZIP,
    _identifier("a_number", typo_level=True),
    _identifier("fin", typo_level=False),
    _identifier("fbi_number", typo_level=False),
    _identifier("ssn", typo_level=True),
    _identifier("passport_number", typo_level=False),
    _identifier("sid", typo_level=False),
)

#: Comparisons whose exact level is identifier evidence (no biographic coincidence).
IDENTIFIER_COMPARISONS: Final[frozenset[str]] = frozenset(
    {"a_number", "fin", "fbi_number", "ssn", "passport_number", "sid"}
)

#: Blocking rules (conjunctions of equal match columns): the build's candidate pairs
#: and the real-time index's candidate lookups use the same list, so what the build
#: would have linked the resolver can find.
#:
#: The last six catch an SSN typo (which no equality key on the SSN can): half the SSN
#: (``identifiers.ssn_head``/``ssn_tail``) plus one more weak key. Measured: on FEBRL3
#: they bring 40 more true pairs to POSITIVE (recall 0.9757 → 0.9818, no false pair);
#: on the 1M-record world they generate ≈0.65M candidate pairs. Measured and not added:
#: the SSN halves alone (+43 FEBRL3 pairs, 5.4M pairs at 1M), ``surname_dm + zip``
#: (+16, 15.6M).
#:
#: ``address + zip`` and ``forename + zip`` (issue 11 item 7) find records that carry no
#: identifier and whose name or date of birth is mistyped: on FEBRL3 with the SSN
#: blanked, 651 of 6,538 true pairs shared no blocking key before; with both rules
#: scored-pair recall at POSITIVE went 0.898 → 0.936 (precision 1.000), and 0.9911 →
#: 0.9922 with the SSN. ``address + zip`` was measured at 3.7M candidate pairs on the
#: 1M-record world; ``forename + zip`` was not measured there (bounded by same-ZIP
#: pairs × the share of a first name).
#:
#: ``forename + zip`` now also needs the surname's sound code (stop 30, issue 18 goal 2):
#: alone it was 74 % of the pairs predict scored at 3M records and grew as the square of
#: the world (a common first name in one ZIP: `bench_blocking_growth.py`); with
#: ``surname_dm`` it keeps 134 of the 187 true pairs it alone found on the 253k-record
#: world (of 473,799 true pairs) for 1 % of its pairs. FEBRL without SSN: scored-pair
#: recall at POSITIVE 0.9296 → 0.9200 (FEBRL3), 0.9754 → 0.9706 (FEBRL4), 0.9720 →
#: 0.9700 (FEBRL1, held out); guarded persons and precision unchanged.
BLOCKING_RULES: Final[tuple[tuple[str, ...], ...]] = (
    ("a_number",),
    ("fin",),
    ("fbi_number",),
    ("ssn",),
    ("passport_number",),
    ("sid",),
    ("dob", "surname_dm"),
    ("dob", "forename_dm"),
    ("surname", "forename"),
    ("name_key", "dob_year"),
    ("surname_tk", "forename_dm", "dob_year"),
    ("dob", "zip"),
    ("dob", "city"),
    ("address", "zip"),
    ("forename", "zip", "surname_dm"),
    ("ssn_head", "zip"),
    ("ssn_tail", "zip"),
    ("ssn_head", "dob_year"),
    ("ssn_tail", "dob_year"),
    ("ssn_head", "surname_dm"),
    ("ssn_tail", "surname_dm"),
)

#: Extra conditions (Splink SQL over the pair's ``l.``/``r.`` match columns) that a blocking
#: rule's pairs must also meet: in Splink's own blocking (``splink_model.prediction_rules``:
#: Spark, ``engine.link``) and, by their NumPy twins (``blocked.py``, held to this SQL by a
#: test), in the DuckDB build's candidate pairs and an update's scoring
#: (``chunk.dob_compatible``: the pairs a rebuild scores). The real-time index looks
#: candidates up by the rule's equal keys alone, a superset: what the build would have
#: linked the resolver still finds.
#:
#: ``surname + forename`` (stop 31, issue 18 goal 2): a whole-name block grows with the
#: square of the population (exponent 1.96; ≈ 136M of the ≈ 210M pairs projected at 10M
#: records), and most of its own pairs (those no other rule finds) are namesakes whose
#: dates of birth are both known and far apart. Measured on the 253k-record world against
#: truth: of 109,557 such pairs, 14,874 were true and **every one** had a date of birth
#: missing on one side; 79,348 false pairs had two dates in different years more than two
#: edits apart. A same-year pair is also found by ``name_key + dob_year``; kept anyway, as
#: are a year typo (same month and day) and any date within two edits.
BLOCKING_FILTERS: Final[Mapping[tuple[str, ...], str]] = {
    ("surname", "forename"): (
        "(l.dob IS NULL OR r.dob IS NULL OR l.dob_year = r.dob_year"
        " OR (l.dob_month = r.dob_month AND l.dob_day = r.dob_day)"
        " OR levenshtein(l.dob, r.dob) <= 2)"
    ),
}

#: Deterministic rules for Splink's prior (probability two random records match).
DETERMINISTIC_RULES: Final[tuple[tuple[str, ...], ...]] = (
    ("a_number",),
    ("fin",),
    ("surname", "forename", "dob"),
)

#: EM training sessions: each blocks on some columns and so trains all the others.
EM_SESSIONS: Final[tuple[tuple[str, ...], ...]] = (("dob",), ("surname", "forename"))
#: When a session of ``EM_SESSIONS`` has no pairs (no dates of birth, or no names, in
#: the extract: both are optional), the first of these that has pairs runs instead, so
#: the comparisons the skipped session would have trained are still estimated. Location
#: and identifiers, not names or dates, so it trains exactly what a skipped session
#: would have: an extract without dates of birth still learns its name weights.
EM_FALLBACK_SESSIONS: Final[tuple[tuple[str, ...], ...]] = (
    ("zip",),
    ("ssn",),
    ("a_number",),
    ("city",),
)


def comparison_columns() -> tuple[str, ...]:
    """Every match column some comparison reads."""
    seen: dict[str, None] = {}
    for comparison in COMPARISONS:
        for level in comparison.levels:
            for column in level.columns:
                seen[column] = None
    return tuple(seen)
