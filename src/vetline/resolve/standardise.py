"""Standardisation for matching: one record (or one query subject) → the match columns.

The record store already upper-cases and ASCII-folds names; matching needs more. Each
function here handles one phenomenon the linkage model must see through, and each has a
test row in ``tests/resolve/test_standardise.py``:

* surname particles (``DE LA CRUZ``, ``AL-HASSAN``, ``VAN DER BERG``) are dropped for
  comparison, so a clerk who omits them does not create a second person;
* double surnames (``GARCIA LOPEZ`` vs ``GARCIA``) keep a token list, compared by overlap;
* first/last order swaps get an order-free ``name_key``;
* transliteration (``MOHAMMED``/``MUHAMMAD``/``محمد``, ``ABDUL RAHMAN``/``ABDELRAHMAN``)
  and nickname groups (``BOB``/``ROBERT``) come from OpenSanctions' ``rigour`` name
  symbols (Wikidata name ids and nickname groups), because Splink has none and
  hand-written tables rot; rigour misses most English nicknames (119 of 148 shorter
  forms of 36 common given names: ``PEGGY``/``MARGARET``, ``BETTY``/``ELIZABETH``,
  ``KATE``/``KATHERINE``), so the ``nicknames`` package's genealogy table adds a
  ``[NICKNAMES:<formal>]`` symbol to a formal name and to each shorter form of it: a
  nickname is then evidence (the forename comparison's nickname level), not a
  first-name conflict that keeps a person's own records apart (issue 11 item 7);
* phonetic keys use Double Metaphone (C++ ``doublemetaphone``, ~1 µs a name) and a
  consonant skeleton (``translit_key``) for vowel-spelling variants;
* dates may be partial (``1985``, ``1985-03``) and may carry day/month swaps or typos, so
  they are kept as parts, parsed leniently (a typo is evidence, not an error);
* identifiers are canonicalised, and placeholders (``000000000``, ``UNKNOWN``) become
  null: a shared junk value must never look like strong evidence;
* a hand-keyed SSN with a typo shares no equality key with the right one, so it also
  gets two halves (``ssn_head``, ``ssn_tail``: the middle digit belongs to neither) for
  blocking only: one wrong, swapped, missing or extra digit leaves one half intact.

The given-name symbols are ``given_names.py``'s (the name library and its primed table);
identifier canon and the SSN halves, ``identifiers.py``'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from doublemetaphone import doublemetaphone
from unidecode import unidecode

from vetline.resolve import distinct
from vetline.resolve.given_names import given_symbols as given_symbols  # re-exported
from vetline.resolve.given_names import is_known as is_known  # re-exported
from vetline.resolve.given_names import remember_symbols as remember_symbols  # re-exported
from vetline.resolve.identifiers import DERIVED_KEYS, canon_a_number, canon_identifier, canon_ssn

#: Surname particles dropped for comparison (kept in the original name for display).
PARTICLES: Final[frozenset[str]] = frozenset(
    {
        "DE", "DEL", "DELA", "LA", "LAS", "LOS", "LO", "DA", "DAS", "DO", "DOS", "DI", "DU",
        "Y", "E", "VAN", "VON", "DER", "DEN", "TER", "TEN", "LE", "AL", "EL", "BIN", "BEN",
        "IBN", "BINT", "ST",
    }
)  # fmt: skip

#: Values clerks type when a name is unknown: they must not match each other.
JUNK_NAMES: Final[frozenset[str]] = frozenset(
    {"UNKNOWN", "UNK", "NFN", "FNU", "LNU", "NMN", "NONE", "NULL", "NA", "N A", "XXX", "X"}
)

_NON_ALPHA = re.compile(r"[^A-Z ]+")
_SPACES = re.compile(r"\s+")

#: Transliteration folds applied before the consonant skeleton (order matters).
_TRANSLIT_FOLDS: Final[tuple[tuple[str, str], ...]] = (
    ("PH", "F"), ("KH", "H"), ("GH", "G"), ("TH", "T"), ("DH", "D"), ("SCH", "S"),
    ("SH", "S"), ("CH", "S"), ("CK", "K"), ("Q", "K"), ("C", "K"), ("Z", "S"), ("W", "V"),
    ("J", "Y"), ("X", "KS"),
)  # fmt: skip

MATCH_COLUMNS: Final[tuple[str, ...]] = (
    "unique_id",
    "source",
    "record_id",
    "surname",
    "surname_tokens",
    "surname_dm",
    "surname_tk",
    "forename",
    "forename_dm",
    "given",
    "given_symbols",
    "middle",
    "name_key",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
    "sex",
    "birth_country",
    "a_number",
    "fin",
    "fbi_number",
    "ssn",
    "ssn_head",
    "ssn_tail",
    "passport_number",
    "sid",
    "address",
    "city",
    "state",
    "zip",
)

#: Match columns holding lists (stored as ``|``-joined strings in the index).
LIST_COLUMNS: Final[tuple[str, ...]] = ("surname_tokens", "given_symbols")
INT_COLUMNS: Final[tuple[str, ...]] = ("dob_year", "dob_month", "dob_day")


def clean_name(value: object) -> str | None:
    """Upper-case ASCII letters and single spaces; junk placeholders become ``None``.

    Apostrophes vanish without a gap (``O'BRIEN`` → ``OBRIEN``), other punctuation
    (hyphens, dots, commas) becomes a space, so ``AL-HASSAN`` → ``AL HASSAN``.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = unidecode(value).upper().replace("'", "").replace("`", "")
    text = _SPACES.sub(" ", _NON_ALPHA.sub(" ", text)).strip()
    if not text or text in JUNK_NAMES:
        return None
    return text


_ADDRESS_JUNK = re.compile(r"[^A-Z0-9 ]+")
#: USPS Publication 28 (appendix C1, C2) standard abbreviations of the commonest street
#: suffixes and directionals, so "17 LINDEN AVENUE" and "17 LINDEN AVE" are one address.
STREET_WORDS: dict[str, str] = {
    "AVENUE": "AVE", "AV": "AVE", "STREET": "ST", "STR": "ST", "ROAD": "RD",
    "DRIVE": "DR", "LANE": "LN", "COURT": "CT", "BOULEVARD": "BLVD", "PLACE": "PL",
    "CIRCLE": "CIR", "PARKWAY": "PKWY", "HIGHWAY": "HWY", "TERRACE": "TER",
    "SQUARE": "SQ", "TRAIL": "TRL", "CRESCENT": "CRES", "NORTH": "N", "SOUTH": "S",
    "EAST": "E", "WEST": "W", "APARTMENT": "APT", "SUITE": "STE",
}  # fmt: skip


def clean_address(value: object) -> str | None:
    """Upper-case ASCII letters, digits and single spaces, USPS abbreviations.

    Not ``clean_name``: that drops digits, and a street address without its house number
    is a street — "2743 SUNSET ST" and "1546 SUNSET ST" became one "address", which joined
    same-name strangers on one street into one person (issue 11, the 250,000-person
    otherworld).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = unidecode(value).upper().replace("'", "")
    words = _SPACES.sub(" ", _ADDRESS_JUNK.sub(" ", text)).strip().split(" ")
    out = " ".join(STREET_WORDS.get(w, w) for w in words if w)
    return out or None


def surname_tokens(surname: str | None) -> list[str]:
    """Surname tokens without particles; if only particles remain, keep them all."""
    if not surname:
        return []
    tokens = surname.split(" ")
    kept = [t for t in tokens if t not in PARTICLES and t]
    return kept or tokens


def forename_parts(first: str | None, middle: str | None) -> tuple[str | None, str | None]:
    """(first given name, remaining given names): ``first_name`` may hold middle names."""
    tokens = (first or "").split() + (middle or "").split()
    if not tokens:
        return None, None
    return tokens[0], " ".join(tokens[1:]) or None


def phonetic(token: str | None) -> str | None:
    """Double Metaphone primary code of a name (spaces removed), ``None`` when empty."""
    if not token:
        return None
    code = str(doublemetaphone(token.replace(" ", ""))[0])
    return code or None


def translit_key(token: str | None) -> str | None:
    """A consonant skeleton that folds common romanisation variants.

    ``HUSSEIN``/``HUSSAIN``/``HOSEIN`` → ``HSN``; ``TCHAIKOVSKY``/``CHAIKOVSKI`` differ
    only in vowels and digraphs. The first letter is kept (vowel or not) because
    first letters are rarely misspelled and keep the key selective.
    """
    if not token:
        return None
    text = token.replace(" ", "")
    for old, new in _TRANSLIT_FOLDS:
        text = text.replace(old, new)
    head, tail = text[0], re.sub(r"[AEIOUYH]", "", text[1:])
    squeezed = re.sub(r"(.)\1+", r"\1", head + tail)
    return squeezed or None


def name_key(surname: str | None, forename: str | None) -> str | None:
    """Order-free key of surname and first given name: catches first/last swaps."""
    tokens = surname_tokens(surname) + ([forename] if forename else [])
    if len(tokens) < 2:
        return None
    return " ".join(sorted(tokens))


def parse_dob(value: object) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``YYYYMMDD``.

    Lenient on purpose: an impossible month (a keying error) is still evidence for the
    comparison, so it is kept; a year outside 1850–2100 or a non-numeric part is dropped.
    """
    if not isinstance(value, str):
        return None, None, None
    text = value.strip()
    eight = re.fullmatch(r"\d{8}", text)
    parts = [text[:4], text[4:6], text[6:]] if eight else text.split("-")
    nums: list[int | None] = []
    for part in parts[:3]:
        nums.append(int(part) if part.isdigit() else None)
    nums += [None] * (3 - len(nums))
    year, month, day = nums
    if year is None or not 1850 <= year <= 2100:
        return None, None, None
    if month is None or month == 0:
        return year, None, None
    return year, month, day if day else None


def dob_string(year: int | None, month: int | None, day: int | None) -> str | None:
    """Canonical (possibly partial) date text from parts."""
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


_ID_CANON: Final[dict[str, Callable[[object], str | None]]] = {
    "a_number": canon_a_number,
    "fin": canon_identifier,
    "fbi_number": canon_identifier,
    "ssn": canon_ssn,
    "passport_number": canon_identifier,
    "sid": canon_identifier,
}


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype(object).where(frame[name].notna(), None)
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _surname_parts(surname: str | None) -> tuple[str | None, list[str], str | None, str | None]:
    """(comparison surname, its tokens, Double Metaphone of its first token, its
    transliteration key) of a cleaned surname."""
    tokens = surname_tokens(surname)
    std = " ".join(tokens) if tokens else None
    return std, tokens, phonetic(std.split(" ")[0]) if std else None, translit_key(std)


#: Columns whose values repeat across records (names, codes, dates, places): with
#: ``pools`` each value is one object across ``standardise_frame`` calls (the build's
#: chunks). Not the record keys and identifiers: nearly one value a record, a pool of
#: them would cost what it saves.
SHARED_COLUMNS: Final[frozenset[str]] = frozenset(
    {
        "surname", "surname_tokens", "surname_dm", "surname_tk", "forename", "forename_dm",
        "given", "given_symbols", "middle", "name_key", "dob", "sex", "birth_country",
        "ssn_head", "ssn_tail", "city", "state", "zip",
    }
)  # fmt: skip


#: A column as ``distinct.codes_of`` gives it: (code per row, distinct values + ``None``).
Column = tuple[distinct.Codes, distinct.Objects]


def standardise_frame(
    frame: pd.DataFrame, pools: dict[str, dict[Any, Any]] | None = None
) -> pd.DataFrame:
    """Contract-shaped rows (``source``, ``record_id``, identity columns) → match table.

    Works for store rows, FEBRL rows mapped to the contract, and query subjects alike, so
    the build and the real-time path standardise with the very same code. Each function
    runs once per distinct value (or pair of values) and the results are spread to the
    rows by code (``distinct.py``): no Python per row. Rows with one surname (forename,
    …) share one ``surname_tokens`` list (and ``given_symbols`` list): never mutated.

    ``pools`` (column → value → object, kept by the caller across calls): equal values
    of ``SHARED_COLUMNS`` become one object across calls — the build standardises a
    chunk at a time, and each chunk's own copies were ≈ 0.1 GB a million records.
    """
    source = _col(frame, "source").fillna("query")
    record_id = _col(frame, "record_id").fillna("").astype(str)
    keys = {
        "unique_id": (source.astype(str) + "|" + record_id).to_numpy(),
        "source": source.to_numpy(),
        "record_id": record_id.to_numpy(),
    }
    return _standardise(keys, lambda name: distinct.codes_of(_col(frame, name)), pools)


def standardise_arrow(
    table: pa.Table, pools: dict[str, dict[Any, Any]] | None = None, *, keys: bool = True
) -> pd.DataFrame:
    """``standardise_frame`` of an Arrow table of string columns (the store's identity
    columns, as the build reads them), without a Python string per row and column:
    each column is dictionary-encoded by Arrow and only its distinct values become
    Python objects (≈ 0.6 CPU s saved per 250,000 records). ``keys=False``: the
    ``unique_id`` and ``record_id`` columns are left ``None`` (the build makes them
    once for the whole store).
    """
    n = table.num_rows
    source = _arrow_codes(table, "source", fill="query")
    keys_of: dict[str, Any] = {"source": distinct.take(source[1], source[0])}
    if keys and n:
        record_id = pc.fill_null(table["record_id"], "")
        joined = pc.binary_join_element_wise(pc.fill_null(table["source"], "query"), record_id, "|")
        keys_of["unique_id"] = joined.to_numpy(zero_copy_only=False)
        keys_of["record_id"] = record_id.to_numpy(zero_copy_only=False)
    else:
        keys_of["unique_id"] = keys_of["record_id"] = np.full(n, None, dtype=object)
    keys_of = {c: keys_of[c] for c in ("unique_id", "source", "record_id")}
    return _standardise(keys_of, lambda name: _arrow_codes(table, name), pools)


def _arrow_codes(table: pa.Table, name: str, fill: str | None = None) -> Column:
    """``distinct.codes_of`` of an Arrow string column (absent: all null), by Arrow."""
    n = table.num_rows
    if name not in table.column_names:
        return np.zeros(n, dtype=np.intp), distinct.objects([fill])
    column = table[name].combine_chunks() if n else pa.array([], pa.string())
    if fill is not None:
        column = pc.fill_null(column, fill)
    encoded = pc.dictionary_encode(column)
    values = encoded.dictionary.to_pylist()
    codes = pc.fill_null(encoded.indices, len(values)).to_numpy(zero_copy_only=False)
    return codes.astype(np.intp, copy=False), distinct.objects([*values, None])


def _standardise(
    keys: dict[str, Any],
    col: Callable[[str], Column],
    pools: dict[str, dict[Any, Any]] | None,
) -> pd.DataFrame:
    """The match table from its key columns and ``col``: each input column's codes."""
    out: dict[str, Any] = dict(keys)

    def spread(column: str, results: distinct.Objects, codes: distinct.Codes) -> None:
        pool = pools.setdefault(column, {}) if pools is not None else None
        out[column] = distinct.take(distinct.shared(results, pool), codes)

    def mapped(column: str, values: Column, fn: Callable[[Any], Any]) -> None:
        codes, uniques = values
        if column in SHARED_COLUMNS:
            spread(column, distinct.apply(fn, uniques), codes)
        else:
            out[column] = distinct.take(distinct.apply(fn, uniques), codes)

    codes, raw = col("last_name")
    parts = distinct.apply(_surname_parts, distinct.apply(clean_name, raw))
    for i, column in enumerate(("surname", "surname_tokens", "surname_dm", "surname_tk")):
        spread(column, distinct.field(parts, i), codes)
    codes, raw = col("first_name")
    first = distinct.take(distinct.apply(clean_name, raw), codes)
    first_codes = distinct.codes_of(first)
    codes, raw = col("middle_name")
    middle = distinct.take(distinct.apply(clean_name, raw), codes)
    codes, firsts, middles = distinct.pair_codes(first_codes, distinct.codes_of(middle))
    names = distinct.apply(forename_parts, firsts, middles)
    forenames = distinct.field(names, 0)
    spread("forename", forenames, codes)
    spread("forename_dm", distinct.apply(phonetic, forenames), codes)
    spread("given", first_codes[1], first_codes[0])
    symbols = distinct.apply(lambda g: list(given_symbols(g)), first_codes[1])
    spread("given_symbols", symbols, first_codes[0])
    spread("middle", distinct.field(names, 1), codes)
    codes, surnames, forenames = distinct.pair_codes(
        distinct.codes_of(out["surname"]), distinct.codes_of(out["forename"])
    )
    spread("name_key", distinct.apply(name_key, surnames, forenames), codes)
    codes, raw = col("dob")
    dob_parts = distinct.apply(parse_dob, raw)
    for i, part in enumerate(INT_COLUMNS):
        out[part] = distinct.int_column(distinct.field(dob_parts, i), codes)
    spread("dob", distinct.apply(lambda p: dob_string(*p), dob_parts), codes)
    mapped("sex", col("sex"), lambda v: v if v in {"M", "F", "X"} else None)
    mapped("birth_country", col("birth_country"), canon_identifier)
    for column, canon in _ID_CANON.items():
        mapped(column, col(column), canon)
    for column, (base, derive) in DERIVED_KEYS.items():
        mapped(column, distinct.codes_of(out[base]), derive)
    mapped("address", col("address"), clean_address)
    mapped("city", col("city"), clean_name)
    mapped("state", col("state"), canon_identifier)
    mapped("zip", col("zip"), canon_identifier)
    return pd.DataFrame(out, index=pd.RangeIndex(len(out["source"])))


def standardise_one(row: dict[str, Any]) -> dict[str, Any]:
    """One contract-shaped row → one match row, without pandas (the real-time path).

    Same primitives, same order as ``standardise_frame``; a test asserts they agree.
    """
    surname = clean_name(row.get("last_name"))
    first = clean_name(row.get("first_name"))
    middle = clean_name(row.get("middle_name"))
    tokens = surname_tokens(surname)
    std_surname = " ".join(tokens) if tokens else None
    forename, middles = forename_parts(first, middle)
    year, month, day = parse_dob(row.get("dob"))
    source = row.get("source") or "query"
    record_id = str(row.get("record_id") or "")
    out: dict[str, Any] = {
        "unique_id": f"{source}|{record_id}",
        "source": source,
        "record_id": record_id,
        "surname": std_surname,
        "surname_tokens": tokens,
        "surname_dm": phonetic(std_surname.split(" ")[0]) if std_surname else None,
        "surname_tk": translit_key(std_surname),
        "forename": forename,
        "forename_dm": phonetic(forename),
        "given": first,
        "given_symbols": list(given_symbols(first)),
        "middle": middles,
        "name_key": name_key(std_surname, forename),
        "dob": dob_string(year, month, day),
        "dob_year": year,
        "dob_month": month,
        "dob_day": day,
        "sex": row.get("sex") if row.get("sex") in {"M", "F", "X"} else None,
        "birth_country": canon_identifier(row.get("birth_country")),
        "address": clean_address(row.get("address")),
        "city": clean_name(row.get("city")),
        "state": canon_identifier(row.get("state")),
        "zip": canon_identifier(row.get("zip")),
    }
    for column, canon in _ID_CANON.items():
        out[column] = canon(row.get(column))
    for column, (base, derive) in DERIVED_KEYS.items():
        out[column] = derive(out[base])
    return out


def standardise_rows(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Convenience: contract-shaped dicts → match table."""
    return standardise_frame(pd.DataFrame(list(rows)))
